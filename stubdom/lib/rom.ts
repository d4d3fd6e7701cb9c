// An expansion ROM behind a PCI function's ROM BAR (0x30), shared by the devices that serve one
// (the VGA's BIOS, the e1000's iPXE). The image cannot travel in the configuration string: the
// host delivers it after dev_init as EVENT_ROM_IMAGE payloads of at most 64 KiB each (docs/abi.md);
// a longer image arrives as consecutive pieces, in order, until the length in its header (byte 2,
// 512-byte units) is covered; every piece but the last is exactly 64 KiB (a shorter one that does
// not complete the image ends it as truncated, so the next delivery starts a new image). The image must be a PCI option ROM for this function: 0x55 0xAA, a
// length that fits, a zero checksum, a "PCIR" structure naming its vendor:device (and class when
// one is required). Anything else is refused with a log line and the BAR then answers all-ones.
// A ROM with a fixed BAR (defined at set-up) keeps its size; otherwise the BAR is defined when an
// image is installed, sized to it (the next power of two), so no image means no ROM BAR (reads 0).
import { LOG_ERROR } from "./abi";
import { logInfo, logCounted } from "./log";
import { PciFunction } from "./pci";

const ROM_LENGTH_UNIT: u32 = 512;
const ROM_PCIR_PTR: u32 = 0x18;
const ROM_HEADER_MIN: u32 = 0x1a; // up to and including the PCIR pointer
const PCIR_SIGNATURE: u32 = 0x52494350; // "PCIR" as a little-endian word
const ROM_BAR_MIN: u32 = 2048;
const ROM_PIECE: u32 = 65536; // every piece of a longer image but its last is exactly this long // the ROM BAR's address field starts at bit 11
export const ANY_CLASS: i32 = -1;

function byteAt(ptr: usize, i: u32): u32 { return <u32>load<u8>(ptr + <usize>i); }
function wordAt(ptr: usize, i: u32): u32 { return byteAt(ptr, i) | (byteAt(ptr, i + 1) << 8); }
function dwordAt(ptr: usize, i: u32): u32 { return wordAt(ptr, i) | (wordAt(ptr, i + 2) << 16); }

// The smallest power of two ≥ n (and ≥ the ROM BAR's 2 KiB granule).
export function romBarSize(n: u32): u32 {
  let s = ROM_BAR_MIN;
  while (s < n && s < 0x80000000) s <<= 1;
  return s;
}

export class OptionRom {
  image: StaticArray<u8>;
  len: u32 = 0;       // installed image bytes; 0: no (valid) image, the BAR reads all-ones
  filling: u32 = 0;   // bytes of an image still arriving in pieces (0: none in progress)
  expect: u32 = 0;    // that image's header length
  barSize: u32 = 0;   // the BAR's size once defined (fixed, or sized to the image)
  refusal: u32 = 0;   // the value a refusal's log template shows (lib/log.ts %d/%x)

  // `capacity`: the largest image (and BAR) accepted; `classCode` base<<8|sub or ANY_CLASS;
  // `fixedBar`: define the BAR now at `capacity` (0: when an image is installed).
  constructor(public fn: PciFunction, public region: i32, capacity: u32, public vendor: u32, public device: u32,
              public classCode: i32, fixedBar: bool) {
    this.image = new StaticArray<u8>(<i32>capacity);
    if (fixedBar) { this.barSize = capacity; fn.defineRom(capacity, region); }
  }

  capacity(): u32 { return <u32>this.image.length; }

  private refuse(template: string, value: u32): void {
    this.refusal = value;
    this.len = 0;
    this.filling = 0;
    logCounted(LOG_ERROR, template, value);
  }

  // One EVENT_ROM_IMAGE payload: the start of an image, or the next piece of one.
  deliver(ptr: usize, length: i32): void {
    const l = <u32>(length < 0 ? 0 : length);
    const cap = this.capacity();
    if (this.filling == 0) {
      if (l < ROM_HEADER_MIN) { this.refuse("option ROM image too short (%d bytes)", l); return; }
      if (byteAt(ptr, 0) != 0x55 || byteAt(ptr, 1) != 0xaa) { this.refuse("option ROM image has no 0x55 0xAA signature", 0); return; }
      this.expect = byteAt(ptr, 2) * ROM_LENGTH_UNIT;
      if (this.expect == 0 || this.expect > cap) { this.refuse("option ROM length byte (%d bytes) does not fit the ROM BAR", this.expect); return; }
      this.len = 0;
    }
    if (<u64>this.filling + <u64>l > <u64>cap) { this.refuse("option ROM image larger than the ROM BAR (%d bytes)", this.filling + l); return; }
    memory.copy(changetype<usize>(this.image) + <usize>this.filling, ptr, <usize>l);
    this.filling += l;
    if (this.filling >= this.expect) this.install();
    else if (l != ROM_PIECE) this.refuse("option ROM image truncated (%d bytes)", this.filling);
  }

  private install(): void {
    const base = changetype<usize>(this.image);
    const n = this.filling;
    let sum: u32 = 0;
    for (let i: u32 = 0; i < this.expect; i++) sum += byteAt(base, i);
    if ((sum & 0xff) != 0) { this.refuse("option ROM checksum is not zero", 0); return; }
    const pcir = wordAt(base, ROM_PCIR_PTR);
    if (pcir + ROM_PCIR_PTR > this.expect) { this.refuse("option ROM PCI data structure pointer out of range", 0); return; }
    if (dwordAt(base, pcir) != PCIR_SIGNATURE) { this.refuse("option ROM has no PCIR structure", 0); return; }
    const ids = (wordAt(base, pcir + 4) << 16) | wordAt(base, pcir + 6);
    if (ids != ((this.vendor << 16) | this.device)) { this.refuse("option ROM is for another device (PCIR vendor/device 0x%x)", ids); return; }
    const cls = (byteAt(base, pcir + 0x0f) << 8) | byteAt(base, pcir + 0x0e);
    if (this.classCode != ANY_CLASS && cls != <u32>this.classCode) { this.refuse("option ROM PCIR class is not this device's (0x%x)", cls); return; }
    for (let i = <i32>n; i < this.image.length; i++) this.image[i] = 0;
    this.filling = 0;
    this.len = n;
    if (this.barSize == 0 || this.barSize < n) {
      this.barSize = romBarSize(n);
      this.fn.defineRom(this.barSize, this.region);
    }
    logInfo("option ROM installed");
  }

  // A read through the BAR (offsets wrap at the BAR size; past the image: zero padding).
  read(off: u32, size: i32): u32 {
    if (this.len == 0 || this.barSize == 0) return 0xffffffff;
    let v: u32 = 0;
    for (let i = 0; i < size && i < 4; i++) {
      const o = (off + <u32>i) & (this.barSize - 1);
      v |= (o < <u32>this.image.length ? <u32>this.image[<i32>o] : 0) << (<u32>i * 8);
    }
    return v;
  }
}
