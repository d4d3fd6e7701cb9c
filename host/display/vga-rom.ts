// Delivers the VGA BIOS image named by the vga device's `rom=` configuration (default SeaBIOS's
// vgabios-stdvga.bin) to the device as the ABI's EVENT_ROM_IMAGE (stubdom/vga/rom.ts takes it).
// The file is checked here first so a missing or malformed image is a clear configuration error
// before the guest runs (docs/devices/vga.md, "ROM delivery").
import { existsSync, readFileSync } from "node:fs";
import type { StubdomRuntime } from "../node/runtime.ts";
import { EVENT } from "../node/abi.ts";

export const DEFAULT_VGA_ROM = "/usr/share/seabios/vgabios-stdvga.bin";
export const EVENT_VGA_ROM_IMAGE = EVENT.ROM_IMAGE;
const ROM_BAR_SIZE = 65536;

export class VgaRomError extends Error {}

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
  if (!existsSync(path)) throw new VgaRomError(`VGA ROM ${path} not found (install Debian's seabios package, or configure rom=<path> / rom=none)`);
  const b = new Uint8Array(readFileSync(path));
  const why = checkVgaRom(b);
  if (why) throw new VgaRomError(`VGA ROM ${path}: ${why}`);
  return b;
}

export function checkVgaRom(b: Uint8Array): string | null {
  if (b.length < 0x1a) return `too short (${b.length} bytes)`;
  if (b.length > ROM_BAR_SIZE) return `larger than the 64 KiB ROM BAR (${b.length} bytes)`;
  if (b[0] !== 0x55 || b[1] !== 0xaa) return "no 0x55 0xAA signature";
  const len = b[2]! * 512;
  if (!len || len > b.length) return `length byte says ${len} bytes, file has ${b.length}`;
  let sum = 0;
  for (let i = 0; i < len; i++) sum += b[i]!;
  if (sum & 0xff) return "checksum is not zero";
  const p = b[0x18]! | (b[0x19]! << 8);
  if (p + 0x18 > len || String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!) !== "PCIR") return "no PCI data structure (PCIR)";
  const ven = b[p + 4]! | (b[p + 5]! << 8), dev = b[p + 6]! | (b[p + 7]! << 8);
  if (ven !== 0x1234 || dev !== 0x1111) return `PCIR names ${ven.toString(16)}:${dev.toString(16)}, not 1234:1111`;
  if (b[p + 0x0f] !== 0x03 || b[p + 0x0e] !== 0x00) return "PCIR class is not 0x0300";
  return null;
}

/** Loads the configured ROM (if any) into device `name` of a runtime. */
export function installVgaRom(rt: StubdomRuntime, name: string, config: string | undefined): void {
  const path = romPathOf(config);
  if (!path) return;
  rt.deliverEvent(rt.device(name), EVENT_VGA_ROM_IMAGE, readVgaRom(path), 0);
}
