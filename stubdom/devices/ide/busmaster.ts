// Bus-master IDE registers (BAR4: channel n at +8n — command, status, PRD table pointer) and the
// DMA side of the data phase: when the drive has a DMA command and the guest has set START (and
// PCI bus mastering is enabled), chunks move between the channel buffer and the PRD buffers.
// End conditions follow the BMI spec as QEMU implements it: PRDs exactly as long as the transfer
// → INTERRUPT set, ACTIVE clear; longer → INTERRUPT and ACTIVE set; shorter → both clear, the
// command ends without an interrupt; a master abort → ERROR set, ACTIVE clear, the drive aborts.
import {
  Channel, Drive, channelAt, bufPtr, transferDrive, MODE_DMA_IN, MODE_DMA_OUT, MODE_ATAPI_DMA_IN, MODE_IDLE,
} from "./state";
import {
  BM_CMD, BM_STATUS, BM_PRD, BM_CMD_START, BM_CMD_MASK, BM_CMD_WRITE_TO_MEM,
  BM_ST_ACTIVE, BM_ST_ERROR, BM_ST_INT, BM_ST_DMA_CAP, BUF_SIZE, ST_DRDY, ST_DSC, ST_DRQ,
} from "./regs";
import { prdRestart, prdTransfer, prdExhausted } from "./prd";
import { readNextChunk, writeChunk } from "./transfer";
import { cmdAbort } from "./finish";
import { phaseEnded } from "./phase";
import { busMasterEnabled, noteMasterAbort } from "./pcifn";
import { guestError } from "../../lib/log";

// --- registers --------------------------------------------------------------------------------

function readByte(ch: Channel, off: i32): i32 {
  switch (off) {
    case BM_CMD: return <i32>ch.bmCmd;
    case BM_STATUS: return <i32>ch.bmStatus;
    case BM_PRD: return <i32>(ch.bmPrd & 0xff);
    case BM_PRD + 1: return <i32>((ch.bmPrd >> 8) & 0xff);
    case BM_PRD + 2: return <i32>((ch.bmPrd >> 16) & 0xff);
    case BM_PRD + 3: return <i32>(ch.bmPrd >> 24);
  }
  return 0;
}

function writeCommand(ch: Channel, v: u8): void {
  const wasStarted = (ch.bmCmd & BM_CMD_START) != 0;
  const start = (v & BM_CMD_START) != 0;
  // The direction bit cannot change while the engine runs.
  const dir = wasStarted && start ? ch.bmCmd & BM_CMD_WRITE_TO_MEM : v & BM_CMD_WRITE_TO_MEM;
  ch.bmCmd = (v & BM_CMD_START) | dir;
  if (start && !wasStarted) {
    ch.bmStatus |= BM_ST_ACTIVE;
    prdRestart(ch);
    kickDma(ch);
  } else if (!start && wasStarted) {
    // Stopping the engine cancels a transfer in progress; the drive stays where it was until
    // the guest resets it, as on the chip.
    ch.bmStatus &= ~BM_ST_ACTIVE;
    ch.dmaPending = false;
  }
}

function writeStatus(ch: Channel, v: u8): void {
  // ERROR and INTERRUPT are write-1-to-clear, bits 5–6 are scratch, ACTIVE and SIMPLEX read-only.
  ch.bmStatus = (ch.bmStatus & ~(BM_ST_DMA_CAP)) | (v & BM_ST_DMA_CAP);
  ch.bmStatus &= ~(v & (BM_ST_ERROR | BM_ST_INT));
}

function writeByte(ch: Channel, off: i32, v: u8): void {
  switch (off) {
    case BM_CMD: writeCommand(ch, v); break;
    case BM_STATUS: writeStatus(ch, v); break;
    case BM_PRD: ch.bmPrd = (ch.bmPrd & 0xffffff00) | <u32>(v & 0xfc); break;
    case BM_PRD + 1: ch.bmPrd = (ch.bmPrd & 0xffff00ff) | (<u32>v << 8); break;
    case BM_PRD + 2: ch.bmPrd = (ch.bmPrd & 0xff00ffff) | (<u32>v << 16); break;
    case BM_PRD + 3: ch.bmPrd = (ch.bmPrd & 0x00ffffff) | (<u32>v << 24); break;
  }
}

export function bmRead(offset: i32, size: i32): i32 {
  let v: i32 = 0;
  for (let i = 0; i < size && i < 4; i++) {
    const o = (offset + i) & 15;
    v |= readByte(channelAt(o >> 3), o & 7) << (8 * i);
  }
  return v;
}

export function bmWrite(offset: i32, size: i32, value: i32): void {
  for (let i = 0; i < size && i < 4; i++) {
    const o = (offset + i) & 15;
    writeByte(channelAt(o >> 3), o & 7, <u8>(value >>> (8 * i)));
  }
}

export function bmReset(ch: Channel): void {
  ch.bmCmd = 0;
  ch.bmStatus = 0;
  ch.bmPrd = 0;
  prdRestart(ch);
}

// --- the DMA engine ---------------------------------------------------------------------------

// Moves the next chunk if the drive and the controller are both ready. Called when START is
// set, when a backend read completes, and when PCI bus mastering is enabled.
export function kickDma(ch: Channel): void {
  if (!ch.dmaPending || (ch.bmCmd & BM_CMD_START) == 0 || ch.inflight) return;
  if (!busMasterEnabled()) {
    guestError("ide: DMA started with PCI bus mastering disabled; waiting");
    return;
  }
  const d = transferDrive(ch);
  if (ch.mode == MODE_DMA_IN || ch.mode == MODE_ATAPI_DMA_IN) {
    if (!ch.bufFilled) return;
    ch.bufFilled = false;
    const n = prdTransfer(ch, bufPtr(ch), ch.chunkBytes, true);
    if (n < 0) { masterAbort(ch, d); return; }
    if (n < ch.chunkBytes) { shortTable(ch, d); return; }
    if (ch.remaining == 0) { dmaFinished(ch, d); return; }
    if (prdExhausted(ch)) { shortTable(ch, d); return; }
    readNextChunk(ch);
    return;
  }
  if (ch.mode == MODE_DMA_OUT) {
    const n = min(ch.remaining, <u32>(BUF_SIZE / ch.sectorSize));
    ch.chunkBytes = <i32>n * ch.sectorSize;
    const got = prdTransfer(ch, bufPtr(ch), ch.chunkBytes, false);
    if (got < 0) { masterAbort(ch, d); return; }
    if (got < ch.chunkBytes) { shortTable(ch, d); return; }
    writeChunk(ch);
  }
}

// A backend request of a DMA command completed (the caller checked its status).
export function dmaChunkDone(ch: Channel, d: Drive): void {
  if (ch.mode == MODE_DMA_OUT) {
    if (ch.remaining == 0) { dmaFinished(ch, d); return; }
    d.status = ST_DRDY | ST_DSC | ST_DRQ;
    kickDma(ch);
    return;
  }
  ch.bufFilled = true;
  d.status = ST_DRDY | ST_DSC | ST_DRQ;
  kickDma(ch);
}

function dmaFinished(ch: Channel, d: Drive): void {
  // ACTIVE stays set when the PRDs describe more than the transfer.
  if (prdExhausted(ch)) ch.bmStatus &= ~BM_ST_ACTIVE;
  phaseEnded(ch, d);
}

function shortTable(ch: Channel, d: Drive): void {
  ch.bmStatus &= ~(BM_ST_ACTIVE | BM_ST_INT);
  ch.dmaPending = false;
  ch.mode = MODE_IDLE;
  d.status = ST_DRDY | ST_DSC;
}

function masterAbort(ch: Channel, d: Drive): void {
  ch.bmStatus = (ch.bmStatus | BM_ST_ERROR) & ~BM_ST_ACTIVE;
  noteMasterAbort();
  cmdAbort(ch, d);
}
