// IDENTIFY DEVICE (ATA disk) and IDENTIFY PACKET DEVICE (ATAPI CD-ROM) data, built into the
// channel buffer from the drive's real state: geometry and capacities, multiple count, the
// transfer mode SET FEATURES selected, the write-cache setting, and the integrity word 255.
import { Channel, Drive } from "./state";
import { putWord, putAtaString, zero, get8 } from "./bytes";
import { XFER_SWDMA, XFER_MWDMA, XFER_UDMA, PIO_MAX_MULTIPLE } from "./regs";

const SERIAL_WORDS: i32 = 10;
const FIRMWARE_WORDS: i32 = 4;
const MODEL_WORDS: i32 = 20;
export const FIRMWARE_REV: string = "1.0";
export const DISK_MODEL: string = "WASM-STUBDOM ATA DISK";
export const CDROM_MODEL: string = "WASM-STUBDOM ATAPI CD-ROM";
const LBA28_MAX: u64 = 0x0fffffff;

// Serial numbers per unit: static strings, so IDENTIFY allocates nothing.
const SERIALS: StaticArray<string> = ["WSD00000000", "WSD00010000", "WSD00020000", "WSD00030000"];
function serialFor(d: Drive): string { return SERIALS[d.unit & 3]; }

// Retired words 20–22 (buffer type, buffer size in sectors, ECC bytes) as drives still fill them.
function retiredBufferWords(b: StaticArray<u8>): void {
  putWord(b, 20, 3);
  putWord(b, 21, 512);
  putWord(b, 22, 4);
}

// Words 62, 63 and 88: supported modes in the low byte, the selected one in the high byte.
function dmaWords(b: StaticArray<u8>, d: Drive): void {
  const sel = d.xferMode;
  const sw = (sel & 0xf8) == XFER_SWDMA ? 0x100 << (sel & 7) : 0;
  putWord(b, 62, 0x0007 | sw);
  const mw = (sel & 0xf8) == XFER_MWDMA ? 0x100 << (sel & 7) : 0;
  const ud = (sel & 0xf8) == XFER_UDMA ? 0x100 << (sel & 7) : 0;
  putWord(b, 63, 0x0007 | mw);
  putWord(b, 88, 0x003f | ud);
}

function integrity(b: StaticArray<u8>): void {
  putWord(b, 255, 0x00a5);
  let sum: i32 = 0;
  for (let i = 0; i < 511; i++) sum += get8(b, i);
  putWord(b, 255, 0x00a5 | (((-sum) & 0xff) << 8));
}

// Current CHS translation (words 54–58) from the INITIALIZE DEVICE PARAMETERS geometry.
export function currentCylinders(d: Drive): i32 {
  const per = <u64>(d.curHeads * d.curSpt);
  if (per == 0) return 0;
  const maxChs: u64 = 16383 * 16 * 63;
  const c = min(d.sectors, maxChs) / per;
  return <i32>min(c, <u64>65535);
}

export function buildIdentify(ch: Channel, d: Drive): void {
  const b = ch.buf;
  zero(b, 0, 512);
  putWord(b, 0, 0x0040);
  putWord(b, 1, d.cyls);
  putWord(b, 3, d.heads);
  putWord(b, 4, 512 * d.spt);             // retired: unformatted bytes per track
  putWord(b, 5, 512);                     // retired: bytes per sector
  putWord(b, 6, d.spt);
  putAtaString(b, 10, SERIAL_WORDS, serialFor(d));
  retiredBufferWords(b);
  putAtaString(b, 23, FIRMWARE_WORDS, FIRMWARE_REV);
  putAtaString(b, 27, MODEL_WORDS, DISK_MODEL);
  putWord(b, 47, 0x8000 | PIO_MAX_MULTIPLE);
  putWord(b, 48, 0x0001);                 // 32-bit data-port I/O
  putWord(b, 49, 0x0b00);                 // IORDY, LBA, DMA
  putWord(b, 50, 0x4000);
  putWord(b, 51, 0x0200);                 // PIO timing mode 2
  putWord(b, 52, 0x0200);                 // DMA timing mode 2
  putWord(b, 53, 0x0007);                 // words 54–58, 64–70, 88 valid
  const cc = currentCylinders(d);
  putWord(b, 54, cc);
  putWord(b, 55, d.curHeads);
  putWord(b, 56, d.curSpt);
  const cur = <u32>(cc * d.curHeads * d.curSpt);
  putWord(b, 57, <i32>(cur & 0xffff));
  putWord(b, 58, <i32>(cur >> 16));
  putWord(b, 59, d.multCount > 0 ? 0x0100 | d.multCount : 0);
  const lba28 = <u32>min(d.sectors, LBA28_MAX);
  putWord(b, 60, <i32>(lba28 & 0xffff));
  putWord(b, 61, <i32>(lba28 >> 16));
  dmaWords(b, d);
  putWord(b, 64, 0x0003);                 // PIO 3 and 4
  putWord(b, 65, 120); putWord(b, 66, 120); putWord(b, 67, 120); putWord(b, 68, 120);
  putWord(b, 80, 0x007e);                 // ATA-1 .. ATA/ATAPI-6
  putWord(b, 82, 0x4028);                 // NOP, write cache, power management
  putWord(b, 83, 0x7400);                 // FLUSH CACHE EXT, FLUSH CACHE, LBA48
  putWord(b, 84, 0x4000);
  putWord(b, 85, 0x4008 | (d.writeCache ? 0x0020 : 0));
  putWord(b, 86, 0x3400);
  putWord(b, 87, 0x4000);
  putWord(b, 93, 0x6001);                 // hardware reset result
  putWord(b, 100, <i32>(d.sectors & 0xffff));
  putWord(b, 101, <i32>((d.sectors >> 16) & 0xffff));
  putWord(b, 102, <i32>((d.sectors >> 32) & 0xffff));
  putWord(b, 103, <i32>((d.sectors >> 48) & 0xffff));
  integrity(b);
}

export function buildIdentifyPacket(ch: Channel, d: Drive): void {
  const b = ch.buf;
  zero(b, 0, 512);
  putWord(b, 0, 0x85c0);                  // ATAPI, CD-ROM, removable, 50 µs DRQ, 12-byte packets
  putAtaString(b, 10, SERIAL_WORDS, serialFor(d));
  retiredBufferWords(b);
  putAtaString(b, 23, FIRMWARE_WORDS, FIRMWARE_REV);
  putAtaString(b, 27, MODEL_WORDS, CDROM_MODEL);
  putWord(b, 48, 0x0001);
  putWord(b, 49, 0x0b00);                 // IORDY, LBA, DMA
  putWord(b, 53, 0x0007);
  dmaWords(b, d);
  putWord(b, 64, 0x0003);
  putWord(b, 65, 180); putWord(b, 66, 180); putWord(b, 67, 300); putWord(b, 68, 180);
  putWord(b, 71, 30); putWord(b, 72, 30);
  putWord(b, 80, 0x007e);
  putWord(b, 82, 0x4010);                 // NOP, PACKET feature set
  putWord(b, 83, 0x4000);
  putWord(b, 84, 0x4000);
  putWord(b, 85, 0x4010);
  putWord(b, 87, 0x4000);
  putWord(b, 93, 0x6001);
  integrity(b);
}
