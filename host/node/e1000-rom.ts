// The e1000's expansion ROM on the Node runtimes: iPXE's pxe-e1000.rom from Debian's ipxe-qemu
// (8086:100e), checked by host/node/option-rom.ts and delivered to the device, whose ROM BAR is
// then sized to it (stubdom/lib/rom.ts). A host without the file (or with a bad one) gets an e1000
// without a ROM and a log line, not a failure: SeaBIOS then simply has no network boot entry.
import type { StubdomRuntime } from "./runtime.ts";
import { readOptionRom, deliverOptionRom, OptionRomError, type RomFor } from "./option-rom.ts";

export const DEFAULT_E1000_ROM = "/usr/lib/ipxe/qemu/pxe-e1000.rom";
export const E1000_ROM: RomFor = { what: "e1000 ROM", vendor: 0x8086, device: 0x100e, classCode: 0x0200, maxBytes: 0x40000 };

/** Delivers the ROM to device `name`; returns false (and says why) when there is none to give. */
export function installE1000Rom(rt: StubdomRuntime, name: string, say: (line: string) => void, path = DEFAULT_E1000_ROM): boolean {
  let image: Uint8Array;
  try {
    image = readOptionRom(path, E1000_ROM, "install Debian's ipxe-qemu package for network boot");
  } catch (e) {
    if (!(e instanceof OptionRomError)) throw e;
    say(`${e.message}: the e1000 has no option ROM (no network boot)`);
    return false;
  }
  deliverOptionRom(rt, rt.device(name), image);
  return true;
}
