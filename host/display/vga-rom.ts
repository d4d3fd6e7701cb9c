// Delivers the VGA BIOS image named by the vga device's `rom=` configuration (default SeaBIOS's
// vgabios-stdvga.bin) to the device as the ABI's EVENT_ROM_IMAGE (stubdom/vga/rom.ts takes it).
// The file is checked here first so a missing or malformed image is a clear configuration error
// before the guest runs (docs/devices/vga.md, "ROM delivery").
import type { StubdomRuntime } from "../node/runtime.ts";
import { readOptionRom, checkOptionRom, deliverOptionRom, OptionRomError, EVENT_ROM_IMAGE, type RomFor } from "../node/option-rom.ts";

export const DEFAULT_VGA_ROM = "/usr/share/seabios/vgabios-stdvga.bin";
export const EVENT_VGA_ROM_IMAGE = EVENT_ROM_IMAGE;
const VGA_ROM: RomFor = { what: "VGA ROM", vendor: 0x1234, device: 0x1111, classCode: 0x0300, maxBytes: 65536 };

export class VgaRomError extends OptionRomError {}

/** The `rom=` value of a vga config string: a path, "none", or the default. */
export function romPathOf(config: string | undefined): string | null {
  let path = DEFAULT_VGA_ROM;
  for (const kv of (config ?? "").split(",")) {
    const eq = kv.indexOf("=");
    if (eq > 0 && kv.slice(0, eq).trim() === "rom") path = kv.slice(eq + 1).trim();
  }
  return path === "none" ? null : path;
}

/** Reads and checks an option ROM for 1234:1111; throws VgaRomError with the reason. */
export function readVgaRom(path: string): Uint8Array {
  try {
    return readOptionRom(path, VGA_ROM, "install Debian's seabios package, or configure rom=<path> / rom=none");
  } catch (e) {
    throw e instanceof OptionRomError ? new VgaRomError(e.message) : e;
  }
}

export function checkVgaRom(b: Uint8Array): string | null {
  return checkOptionRom(b, VGA_ROM);
}

/** Loads the configured ROM (if any) into device `name` of a runtime. */
export function installVgaRom(rt: StubdomRuntime, name: string, config: string | undefined): void {
  const path = romPathOf(config);
  if (!path) return;
  deliverOptionRom(rt, rt.device(name), readVgaRom(path));
}
