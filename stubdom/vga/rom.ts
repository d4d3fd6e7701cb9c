// The VGA BIOS behind the expansion-ROM BAR (a fixed 64 KiB BAR when a ROM is configured): the
// image arrives from the host as EVENT_ROM_IMAGE (EVENT_VGA_ROM_IMAGE here) and is checked and
// served by the shared option-ROM code (stubdom/lib/rom.ts: 0x55 0xAA, length, checksum, a PCIR
// structure naming 1234:1111 class 0x0300; see docs/devices/vga.md).
import { EVENT_ROM_IMAGE } from "../lib/abi";
import { logError } from "../lib/log";
import { S } from "./state";

// The ABI's ROM-image event (stubdom/abi/abi-v1.json), under the name index.ts dispatches on.
export const EVENT_VGA_ROM_IMAGE: i32 = EVENT_ROM_IMAGE;

export function installRom(ptr: usize, len: i32): void {
  const rom = S.rom;
  if (rom === null) { logError("VGA ROM image delivered but the configuration says rom=none"); return; }
  rom.deliver(ptr, len);
}

export function romRead(off: u32, size: i32): u32 {
  const rom = S.rom;
  return rom === null ? 0xffffffff : rom.read(off, size);
}
