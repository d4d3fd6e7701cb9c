// The data-phase engine shared by ATA and ATAPI commands: sector transfers in chunks through the
// asynchronous block backend (the drive is BSY while a request is outstanding), PIO DRQ blocks
// through the data port, hand-over to the bus master for DMA, and the completion event.
// One backend request per channel at a time; its tag is (generation << 1) | channel, and a reset
// bumps the generation so a completion that arrives afterwards is recognised as stale.
// The engine only moves data: when a phase's data is all moved, a request fails or a stale one
// completes, it reports to phase.ts, which decides what that means for the command.
import { blk_submit, BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH, BLK_STATUS_OK } from "../../lib/abi";
import {
  Channel, Drive, channelAt, transferDrive, bufPtr, KIND_CDROM,
  MODE_PIO_IN, MODE_PIO_OUT, MODE_DMA_IN, MODE_DMA_OUT, MODE_VERIFY, MODE_FLUSH,
  MODE_PACKET, MODE_ATAPI_PIO_IN, MODE_ATAPI_DMA_IN, MODE_BUFFER_IN,
} from "./state";
import { ST_BSY, ST_DRDY, ST_DSC, ST_DRQ, IR_COD, IR_IO, BUF_SIZE } from "./regs";
import { raiseIrq } from "./irq";
import { kickDma, dmaChunkDone } from "./busmaster";
import { phaseEnded, phaseFailed, staleRequestDone } from "./phase";
import { get8 } from "./bytes";

// --- backend requests --------------------------------------------------------------------------

function submit(ch: Channel, op: i32, lba: u64, sectors: i32): void {
  const d = transferDrive(ch);
  d.status = ST_BSY | (d.status & ST_DRDY);
  ch.inflight = true;
  const tag = ((ch.gen & 0xffff) << 1) | ch.index;
  blk_submit(ch.drive, op, <i32>lba, <i32>(lba >> 32), bufPtr(ch), sectors, tag);
}

function chunkLimit(ch: Channel): u32 {
  if (ch.mode == MODE_PIO_IN || ch.mode == MODE_PIO_OUT) return <u32>ch.blockSectors;
  return <u32>(BUF_SIZE / ch.sectorSize);
}

// Reads the next chunk of sectors into the buffer.
export function readNextChunk(ch: Channel): void {
  const n = min(ch.remaining, chunkLimit(ch));
  const lba = ch.lba;
  ch.lba += n;
  ch.remaining -= n;
  ch.chunkBytes = <i32>n * ch.sectorSize;
  ch.bufFilled = false;
  submit(ch, BLK_OP_READ, lba, <i32>n);
}

// Writes the chunk the guest just filled (chunkBytes) to the backend.
export function writeChunk(ch: Channel): void {
  const n = <u32>(ch.chunkBytes / ch.sectorSize);
  const lba = ch.lba;
  ch.lba += n;
  ch.remaining -= n;
  submit(ch, BLK_OP_WRITE, lba, <i32>n);
}

export function submitFlush(ch: Channel, d: Drive): void {
  ch.mode = MODE_FLUSH;
  submit(ch, BLK_OP_FLUSH, 0, 0);
}

// Starts a sector transfer of `count` sectors at `lba` in `mode` (the caller checked the range).
export function beginSectors(ch: Channel, d: Drive, mode: i32, lba: u64, count: u32, blockSectors: i32): void {
  ch.mode = mode;
  ch.drive = d.unit;
  ch.lba = lba;
  ch.remaining = count;
  ch.sectorSize = d.kind == KIND_CDROM ? 2048 : 512;
  ch.blockSectors = max(1, blockSectors);
  ch.bufPos = 0;
  ch.bufEnd = 0;
  ch.bufFilled = false;
  if (mode == MODE_PIO_OUT) { presentOutBlock(ch, d, false); return; }
  if (mode == MODE_DMA_OUT) {
    ch.dmaPending = true;
    d.status = ST_DRDY | ST_DSC | ST_DRQ;
    kickDma(ch);
    return;
  }
  if (mode == MODE_DMA_IN || mode == MODE_ATAPI_DMA_IN) ch.dmaPending = true;
  readNextChunk(ch);
}

// PIO out: the next DRQ block (interrupt for every block but the first, as ATA says).
function presentOutBlock(ch: Channel, d: Drive, irq: bool): void {
  const n = min(ch.remaining, <u32>ch.blockSectors);
  ch.chunkBytes = <i32>n * ch.sectorSize;
  ch.bufPos = 0;
  ch.bufEnd = ch.chunkBytes;
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  if (irq) raiseIrq(ch);
}

// PIO in from the buffer alone (IDENTIFY and friends): one block of `len` bytes, with interrupt.
export function presentBuffer(ch: Channel, d: Drive, len: i32): void {
  ch.mode = MODE_BUFFER_IN;
  ch.drive = d.unit;
  ch.bufPos = 0;
  ch.bufEnd = len;
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  raiseIrq(ch);
}

// PACKET: ready for the 12-byte command packet (DRQ, CoD=1, I/O=0; no interrupt: IDENTIFY PACKET
// word 0 advertises the accelerated-DRQ type).
export function awaitPacket(ch: Channel, d: Drive): void {
  ch.mode = MODE_PACKET;
  ch.drive = d.unit;
  ch.bufPos = 0;
  ch.bufEnd = 12;
  d.nsect = IR_COD;
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
}

// --- ATAPI data-in -----------------------------------------------------------------------------

// One byte-count-limited DRQ block of the buffered reply, with interrupt.
function presentAtapiBlock(ch: Channel, d: Drive): void {
  const n = min(ch.chunkBytes - ch.bufPos, ch.atapiLimit);
  ch.bufEnd = ch.bufPos + n;
  d.lcyl = <u8>n;
  d.hcyl = <u8>(n >> 8);
  d.nsect = IR_IO;
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  raiseIrq(ch);
}

// A reply of `n` > 0 bytes built in the buffer (INQUIRY, MODE SENSE, …).
export function atapiReply(ch: Channel, d: Drive, n: i32, dma: bool): void {
  ch.drive = d.unit;
  ch.chunkBytes = n;
  ch.remaining = 0;
  ch.bufPos = 0;
  if (dma) {
    ch.mode = MODE_ATAPI_DMA_IN;
    ch.dmaPending = true;
    ch.bufFilled = true;
    d.status = ST_DRDY | ST_DSC | ST_DRQ;
    kickDma(ch);
    return;
  }
  ch.mode = MODE_ATAPI_PIO_IN;
  presentAtapiBlock(ch, d);
}

// --- the data port -----------------------------------------------------------------------------

function isInMode(m: i32): bool { return m == MODE_PIO_IN || m == MODE_BUFFER_IN || m == MODE_ATAPI_PIO_IN; }

// A read of the data register: 2 bytes (an 8-bit read consumes a word, as QEMU does) or 4 bytes.
export function dataRead(ch: Channel, d: Drive, size: i32): i32 {
  if (!isInMode(ch.mode) || ch.drive != d.unit || (d.status & ST_DRQ) == 0) return 0;
  const n = size == 4 ? 4 : 2;
  let v: i32 = 0;
  for (let i = 0; i < n; i++) {
    const p = ch.bufPos + i;
    if (p < ch.bufEnd) v |= get8(ch.buf, p) << (8 * i);
  }
  ch.bufPos = min(ch.bufPos + n, ch.bufEnd);
  if (ch.bufPos >= ch.bufEnd) inBlockDone(ch, d);
  return size == 1 ? v & 0xff : v;
}

export function dataWrite(ch: Channel, d: Drive, size: i32, value: i32): void {
  if ((ch.mode != MODE_PIO_OUT && ch.mode != MODE_PACKET) || ch.drive != d.unit || (d.status & ST_DRQ) == 0) return;
  const n = size == 4 ? 4 : 2;
  for (let i = 0; i < n; i++) {
    const p = ch.bufPos + i;
    if (p < ch.bufEnd) unchecked(ch.buf[p & (BUF_SIZE - 1)] = <u8>(value >>> (8 * i)));
  }
  ch.bufPos = min(ch.bufPos + n, ch.bufEnd);
  if (ch.bufPos < ch.bufEnd) return;
  if (ch.mode == MODE_PACKET) phaseEnded(ch, d); // the command packet is in
  else writeChunk(ch);
}

// The guest has read the whole DRQ block: the next block, the next chunk, or the phase's end.
function inBlockDone(ch: Channel, d: Drive): void {
  if (ch.mode == MODE_ATAPI_PIO_IN && ch.bufPos < ch.chunkBytes) { presentAtapiBlock(ch, d); return; }
  if ((ch.mode == MODE_ATAPI_PIO_IN || ch.mode == MODE_PIO_IN) && ch.remaining > 0) { readNextChunk(ch); return; }
  phaseEnded(ch, d);
}

// --- completion -----------------------------------------------------------------------------------

export function blkDone(tag: i32, status: i32): void {
  const ch = channelAt(tag);
  if (!ch.inflight) return;
  ch.inflight = false;
  // A request from before a reset: its data is dropped.
  if (((tag >> 1) & 0xffff) != (ch.gen & 0xffff)) { staleRequestDone(ch); return; }
  const d = transferDrive(ch);
  if (status != BLK_STATUS_OK) { phaseFailed(ch, d, status); return; }
  switch (ch.mode) {
    case MODE_PIO_IN:
      ch.bufPos = 0;
      ch.bufEnd = ch.chunkBytes;
      d.status = ST_DRDY | ST_DSC | ST_DRQ;
      raiseIrq(ch);
      break;
    case MODE_ATAPI_PIO_IN:
      ch.bufPos = 0;
      presentAtapiBlock(ch, d);
      break;
    case MODE_VERIFY:
      if (ch.remaining > 0) readNextChunk(ch); else phaseEnded(ch, d);
      break;
    case MODE_FLUSH:
      phaseEnded(ch, d);
      break;
    case MODE_PIO_OUT:
      if (ch.remaining > 0) presentOutBlock(ch, d, true); else phaseEnded(ch, d);
      break;
    case MODE_DMA_IN:
    case MODE_ATAPI_DMA_IN:
    case MODE_DMA_OUT:
      dmaChunkDone(ch, d);
      break;
    default:
      break;
  }
}
