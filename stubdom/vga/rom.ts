// The VGA BIOS behind the expansion-ROM BAR. The image cannot travel in the configuration
// string, so the host delivers it after dev_init as one dev_event of kind EVENT_VGA_ROM_IMAGE
// (a payload staged through dev_alloc: at most 64 KiB, the BAR size). This file is the only
// place that knows the mechanism, so it can be swapped for an ABI-level one (see
// docs/devices/vga.md). The image must be a PCI option ROM for this device: 0x55 0xAA, a length
// that fits, a "PCIR" structure naming 1234:1111 class 0x0300, and a zero checksum; anything
// else is refused with a clear log and the BAR then answers all-ones (no ROM for the BIOS).
import { LOG_ERROR } from "../lib/abi";
import { logError, logInfo, logCounted } from "../lib/log";
import { ROM_BAR_SIZE, VGA_VENDOR, VGA_DEVICE } from "./regs";

// Not in ABI v1: a device-private event kind, chosen outside the ABI's numbering.
export const EVENT_VGA_ROM_IMAGE: i32 = 0x5600;

const image = new StaticArray<u8>(<i32>ROM_BAR_SIZE);
let imageLen: u32 = 0;
let expected: bool = false;

export function romExpected(on: bool): void { expected = on; }

function byteAt(ptr: usize, i: u32): u32 { return <u32>load<u8>(ptr + <usize>i); }
function wordAt(ptr: usize, i: u32): u32 { return byteAt(ptr, i) | (byteAt(ptr, i + 1) << 8); }

// Why an image was refused: a constant template (lib/log.ts: its %d/%x shows `whyValue`), or ""
// when [ptr, ptr+len) is a valid option ROM for this device. Nothing here allocates: the event
// arrives after dev_init, when the heap is sealed.
let whyValue: u32 = 0;

function refuse(template: string, value: u32): string { whyValue = value; return template; }

export function validateRom(ptr: usize, len: u32): string {
  if (len < 0x1a) return refuse("VGA ROM image too short (%d bytes)", len);
  if (len > ROM_BAR_SIZE) return refuse("VGA ROM image larger than the 64 KiB ROM BAR (%d bytes)", len);
  if (byteAt(ptr, 0) != 0x55 || byteAt(ptr, 1) != 0xaa) return refuse("VGA ROM image has no 0x55 0xAA signature", 0);
  const romLen = byteAt(ptr, 2) * 512;
  if (romLen == 0 || romLen > len) return refuse("VGA ROM length byte (%d bytes) does not fit the image", romLen);
  let sum: u32 = 0;
  for (let i: u32 = 0; i < romLen; i++) sum += byteAt(ptr, i);
  if ((sum & 0xff) != 0) return refuse("VGA ROM checksum is not zero", 0);
  const pcir = wordAt(ptr, 0x18);
  if (pcir + 0x18 > romLen) return refuse("VGA ROM PCI data structure pointer out of range", 0);
  if (byteAt(ptr, pcir) != 0x50 || byteAt(ptr, pcir + 1) != 0x43 || byteAt(ptr, pcir + 2) != 0x49 || byteAt(ptr, pcir + 3) != 0x52) return refuse("VGA ROM has no PCIR structure", 0);
  const ids = (wordAt(ptr, pcir + 4) << 16) | wordAt(ptr, pcir + 6);
  if (ids != (<u32>VGA_VENDOR << 16 | <u32>VGA_DEVICE)) return refuse("VGA ROM is for another device (PCIR vendor/device 0x%x, want 0x12341111)", ids);
  if (byteAt(ptr, pcir + 0x0f) != 0x03 || byteAt(ptr, pcir + 0x0e) != 0x00) return refuse("VGA ROM PCIR class is not 0x0300", 0);
  return "";
}

// The event handler: validates and installs the image (once per delivery; a bad one clears it).
export function installRom(ptr: usize, len: i32): void {
  if (!expected) { logError("VGA ROM image delivered but the configuration says rom=none"); return; }
  const l = <u32>(len < 0 ? 0 : len);
  const why = validateRom(ptr, l);
  if (why.length != 0) { imageLen = 0; logCounted(LOG_ERROR, why, whyValue); return; }
  memory.copy(changetype<usize>(image), ptr, <usize>l);
  for (let i = <i32>l; i < <i32>ROM_BAR_SIZE; i++) image[i] = 0;
  imageLen = l;
  logInfo("VGA ROM installed");
}

export function romRead(off: u32, size: i32): u32 {
  if (imageLen == 0) return 0xffffffff;
  let v: u32 = 0;
  for (let i = 0; i < size && i < 4; i++) {
    const o = (off + <u32>i) & (ROM_BAR_SIZE - 1);
    v |= <u32>image[<i32>o] << (<u32>i * 8);
  }
  return v;
}
