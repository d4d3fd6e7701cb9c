// The VGA BIOS behind the expansion-ROM BAR. The image cannot travel in the configuration
// string, so the host delivers it after dev_init as one dev_event of kind EVENT_VGA_ROM_IMAGE
// (EVENT_ROM_IMAGE in the ABI; a payload staged through dev_alloc: at most 64 KiB, the BAR
// size; see docs/devices/vga.md). The image must be a PCI option ROM for this device: 0x55 0xAA,
// a length that fits, a "PCIR" structure naming 1234:1111 class 0x0300, and a zero checksum;
// anything else is refused with a clear log and the BAR then answers all-ones (no ROM for the BIOS).
import { LOG_ERROR, EVENT_ROM_IMAGE } from "../lib/abi";
import { logError, logInfo, logCounted } from "../lib/log";
import { ROM_BAR_SIZE, VGA_VENDOR, VGA_DEVICE } from "./regs";
import { S, D } from "./state";

// The ABI's ROM-image event (stubdom/abi/abi-v1.json), under the name index.ts dispatches on.
export const EVENT_VGA_ROM_IMAGE: i32 = EVENT_ROM_IMAGE;

// The PCI option-ROM header (PCI Firmware Specification): signature, length in 512-byte units,
// the pointer to the "PCIR" data structure, and in that structure the IDs and the class code.
const ROM_SIG0: u32 = 0x55;
const ROM_SIG1: u32 = 0xaa;
const ROM_LENGTH: u32 = 2;
const ROM_LENGTH_UNIT: u32 = 512;
const ROM_PCIR_PTR: u32 = 0x18;
const ROM_HEADER_MIN: u32 = 0x1a; // up to and including the PCIR pointer
const PCIR_SIGNATURE: u32 = 0x52494350; // "PCIR" as a little-endian word
const PCIR_VENDOR: u32 = 4;
const PCIR_DEVICE: u32 = 6;
const PCIR_CLASS_SUB: u32 = 0x0e;
const PCIR_CLASS_BASE: u32 = 0x0f;
const CLASS_DISPLAY: u32 = 0x03;
const SUBCLASS_VGA: u32 = 0x00;

function byteAt(ptr: usize, i: u32): u32 { return <u32>load<u8>(ptr + <usize>i); }
function wordAt(ptr: usize, i: u32): u32 { return byteAt(ptr, i) | (byteAt(ptr, i + 1) << 8); }
function dwordAt(ptr: usize, i: u32): u32 { return wordAt(ptr, i) | (wordAt(ptr, i + 2) << 16); }

// Why an image was refused: a constant template (lib/log.ts: its %d/%x shows D.romRefusal), or ""
// when [ptr, ptr+len) is a valid option ROM for this device. Nothing here allocates: the event
// arrives after dev_init, when the heap is sealed.
function refuse(template: string, value: u32): string { D.romRefusal = value; return template; }

export function validateRom(ptr: usize, len: u32): string {
  if (len < ROM_HEADER_MIN) return refuse("VGA ROM image too short (%d bytes)", len);
  if (len > ROM_BAR_SIZE) return refuse("VGA ROM image larger than the 64 KiB ROM BAR (%d bytes)", len);
  if (byteAt(ptr, 0) != ROM_SIG0 || byteAt(ptr, 1) != ROM_SIG1) return refuse("VGA ROM image has no 0x55 0xAA signature", 0);
  const romLen = byteAt(ptr, ROM_LENGTH) * ROM_LENGTH_UNIT;
  if (romLen == 0 || romLen > len) return refuse("VGA ROM length byte (%d bytes) does not fit the image", romLen);
  let sum: u32 = 0;
  for (let i: u32 = 0; i < romLen; i++) sum += byteAt(ptr, i);
  if ((sum & 0xff) != 0) return refuse("VGA ROM checksum is not zero", 0);
  const pcir = wordAt(ptr, ROM_PCIR_PTR);
  if (pcir + ROM_PCIR_PTR > romLen) return refuse("VGA ROM PCI data structure pointer out of range", 0);
  if (dwordAt(ptr, pcir) != PCIR_SIGNATURE) return refuse("VGA ROM has no PCIR structure", 0);
  const ids = (wordAt(ptr, pcir + PCIR_VENDOR) << 16) | wordAt(ptr, pcir + PCIR_DEVICE);
  if (ids != (<u32>VGA_VENDOR << 16 | <u32>VGA_DEVICE)) return refuse("VGA ROM is for another device (PCIR vendor/device 0x%x, want 0x12341111)", ids);
  if (byteAt(ptr, pcir + PCIR_CLASS_BASE) != CLASS_DISPLAY || byteAt(ptr, pcir + PCIR_CLASS_SUB) != SUBCLASS_VGA) return refuse("VGA ROM PCIR class is not 0x0300", 0);
  return "";
}

// The event handler: validates and installs the image (once per delivery; a bad one clears it).
export function installRom(ptr: usize, len: i32): void {
  if (!S.romConfigured) { logError("VGA ROM image delivered but the configuration says rom=none"); return; }
  const l = <u32>(len < 0 ? 0 : len);
  const why = validateRom(ptr, l);
  if (why.length != 0) { S.romLen = 0; logCounted(LOG_ERROR, why, D.romRefusal); return; }
  const image = S.romImage;
  memory.copy(changetype<usize>(image), ptr, <usize>l);
  for (let i = <i32>l; i < <i32>ROM_BAR_SIZE; i++) image[i] = 0;
  S.romLen = l;
  logInfo("VGA ROM installed");
}

export function romRead(off: u32, size: i32): u32 {
  if (S.romLen == 0) return 0xffffffff;
  let v: u32 = 0;
  for (let i = 0; i < size && i < 4; i++) {
    const o = (off + <u32>i) & (ROM_BAR_SIZE - 1);
    v |= <u32>S.romImage[<i32>o] << (<u32>i * 8);
  }
  return v;
}
