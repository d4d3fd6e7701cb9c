// One loader and validator for the PCI option ROM images the devices serve behind their expansion-
// ROM BARs (stubdom/lib/rom.ts): the VGA's BIOS (host/display/vga-rom.ts) and the e1000's iPXE
// (Debian's ipxe-qemu). Checks 0x55 0xAA, the header's length against the file and the BAR, the
// checksum and the PCIR structure's vendor:device (and class when given), then delivers the image
// as the ABI's EVENT_ROM_IMAGE in pieces of at most 64 KiB (the devices' staging buffer).
import { existsSync, readFileSync } from "node:fs";
import type { StubdomRuntime } from "./runtime.ts";
import type { DeviceInstance } from "./device.ts";
import { EVENT } from "./abi.ts";

export const EVENT_ROM_IMAGE = EVENT.ROM_IMAGE;
/** The largest EVENT_ROM_IMAGE payload (stubdom/lib/device.ts stages 64 KiB + 256). */
export const ROM_PIECE = 65536;

export interface RomFor {
  /** What the messages call the image ("VGA ROM", "e1000 ROM"). */
  what: string;
  vendor: number;
  device: number;
  /** base class << 8 | subclass, when the device requires one. */
  classCode?: number;
  /** The largest image the device's BAR takes. */
  maxBytes: number;
}

export class OptionRomError extends Error {}

const hex4 = (n: number): string => n.toString(16).padStart(4, "0");

/** Why `b` is not an option ROM for `want`, or null. */
export function checkOptionRom(b: Uint8Array, want: RomFor): string | null {
  if (b.length < 0x1a) return `too short (${b.length} bytes)`;
  if (b.length > want.maxBytes) return `larger than the ${want.maxBytes >> 10} KiB ROM BAR (${b.length} bytes)`;
  if (b[0] !== 0x55 || b[1] !== 0xaa) return "no 0x55 0xAA signature";
  const len = b[2]! * 512;
  if (!len || len > b.length) return `length byte says ${len} bytes, file has ${b.length}`;
  let sum = 0;
  for (let i = 0; i < len; i++) sum += b[i]!;
  if (sum & 0xff) return "checksum is not zero";
  const p = b[0x18]! | (b[0x19]! << 8);
  if (p + 0x18 > len || String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!) !== "PCIR") return "no PCI data structure (PCIR)";
  const ven = b[p + 4]! | (b[p + 5]! << 8), dev = b[p + 6]! | (b[p + 7]! << 8);
  if (ven !== want.vendor || dev !== want.device) return `PCIR names ${hex4(ven)}:${hex4(dev)}, not ${hex4(want.vendor)}:${hex4(want.device)}`;
  const cls = (b[p + 0x0f]! << 8) | b[p + 0x0e]!;
  if (want.classCode !== undefined && cls !== want.classCode) return `PCIR class is not 0x${hex4(want.classCode)}`;
  return null;
}

/** Reads and checks an option ROM file; throws OptionRomError (missing file: `missingHint` added). */
export function readOptionRom(path: string, want: RomFor, missingHint = ""): Uint8Array {
  if (!existsSync(path)) throw new OptionRomError(`${want.what} ${path} not found${missingHint ? ` (${missingHint})` : ""}`);
  const b = new Uint8Array(readFileSync(path));
  const why = checkOptionRom(b, want);
  if (why) throw new OptionRomError(`${want.what} ${path}: ${why}`);
  return b;
}

/** Delivers an image to a device as EVENT_ROM_IMAGE, in pieces of at most ROM_PIECE bytes. */
export function deliverOptionRom(rt: StubdomRuntime, dev: DeviceInstance, image: Uint8Array): void {
  for (let at = 0; at < image.length; at += ROM_PIECE) rt.deliverEvent(dev, EVENT_ROM_IMAGE, image.subarray(at, at + ROM_PIECE), 0);
}
