// The task-file registers of one channel (command block 0x1F0/0x170 + device control/alternate
// status 0x3F6/0x376): register latching by both drives with the HOB bytes for LBA48, device
// select, status reads that clear the interrupt, nIEN, software reset with the ATA/ATAPI
// signature, and the command register hand-off to ata.ts.
import {
  Channel, Drive, channelDrive, selectedDrive, otherDrive, KIND_NONE, KIND_DISK, KIND_CDROM, MODE_IDLE,
} from "./state";
import {
  TF_DATA, TF_ERROR_FEATURE, TF_NSECT, TF_SECTOR, TF_LCYL, TF_HCYL, TF_SELECT, TF_STATUS_CMD,
  ST_BSY, ST_DRDY, ST_DSC, ST_DRQ, SEL_DEV, SEL_OBS, DC_SRST, DC_HOB, ER_AMNF, BM_ST_ACTIVE,
} from "./regs";
import { lowerIrq, updateIrq } from "./irq";
import { dataRead, dataWrite } from "./transfer";
import { issueCommand } from "./ata";

// --- signature and reset -------------------------------------------------------------------------

export function setSignature(d: Drive): void {
  d.nsect = 1;
  d.sector = 1;
  if (d.kind == KIND_CDROM) { d.lcyl = 0x14; d.hcyl = 0xeb; }
  else if (d.kind == KIND_DISK) { d.lcyl = 0; d.hcyl = 0; }
  else { d.lcyl = 0xff; d.hcyl = 0xff; }
  d.select = (d.select & SEL_DEV) | SEL_OBS;
  d.error = ER_AMNF; // diagnostic code 01: no error
}

// The state a drive shows after a reset or EXECUTE DEVICE DIAGNOSTIC.
export function postResetStatus(d: Drive): void {
  setSignature(d);
  d.status = d.kind == KIND_DISK ? ST_DRDY | ST_DSC : 0;
}

function abortPhase(ch: Channel): void {
  ch.mode = MODE_IDLE;
  ch.dmaPending = false;
  ch.bmStatus &= ~BM_ST_ACTIVE;
  ch.bufPos = 0;
  ch.bufEnd = 0;
}

// SRST asserted: both drives busy, any transfer abandoned (a completion still outstanding becomes
// stale), the interrupt dropped.
function srstAssert(ch: Channel): void {
  abortPhase(ch);
  ch.gen++;
  for (let i = 0; i < 2; i++) {
    const d = channelDrive(ch, i);
    if (d.kind == KIND_NONE) continue;
    d.status |= ST_BSY;
    d.error = ER_AMNF;
  }
  lowerIrq(ch);
}

// SRST released: the drives run their diagnostic; if a backend request is still outstanding they
// stay busy until it completes (phase.ts calls finishReset then).
function srstRelease(ch: Channel): void {
  if (ch.inflight) { ch.resetPending = true; return; }
  finishReset(ch);
}

export function finishReset(ch: Channel): void {
  ch.resetPending = false;
  ch.cur = 0;
  for (let i = 0; i < 2; i++) {
    const d = channelDrive(ch, i);
    d.hobFeature = 0; d.hobNsect = 0; d.hobSector = 0; d.hobLcyl = 0; d.hobHcyl = 0;
    d.feature = 0;
    postResetStatus(d);
    d.select = SEL_OBS;
  }
}

// Power-on reset of the channel's registers (dev_reset).
export function channelReset(ch: Channel): void {
  abortPhase(ch);
  ch.gen++;
  ch.devctl = 0;
  ch.cur = 0;
  if (ch.inflight) {
    ch.resetPending = true;
    for (let i = 0; i < 2; i++) { const d = channelDrive(ch, i); if (d.kind != KIND_NONE) d.status = ST_BSY; }
  } else finishReset(ch);
}

// --- register reads ---------------------------------------------------------------------------

// An absent drive's error and status read 0 (its other registers are what it latched, as QEMU
// shows); a channel with no drive at all reads 0 everywhere.
function absent(ch: Channel, d: Drive): bool { return d.kind == KIND_NONE; }
function channelEmpty(ch: Channel): bool { return selectedDrive(ch).kind == KIND_NONE && otherDrive(ch).kind == KIND_NONE; }

export function cmdRead(ch: Channel, reg: i32, size: i32): i32 {
  const d = selectedDrive(ch);
  if (reg == TF_DATA) return dataRead(ch, d, size);
  const hob = (ch.devctl & DC_HOB) != 0;
  if (channelEmpty(ch)) return 0;
  if (reg == TF_SELECT) return <i32>d.select;
  if (absent(ch, d) && (reg == TF_ERROR_FEATURE || reg == TF_STATUS_CMD)) return 0;
  switch (reg) {
    case TF_ERROR_FEATURE: return <i32>(hob ? d.hobFeature : d.error);
    case TF_NSECT: return <i32>(hob ? d.hobNsect : d.nsect);
    case TF_SECTOR: return <i32>(hob ? d.hobSector : d.sector);
    case TF_LCYL: return <i32>(hob ? d.hobLcyl : d.lcyl);
    case TF_HCYL: return <i32>(hob ? d.hobHcyl : d.hcyl);
    case TF_STATUS_CMD:
      lowerIrq(ch);
      return <i32>d.status;
  }
  return 0;
}

// Alternate status: the status without clearing the interrupt.
export function altStatusRead(ch: Channel): i32 {
  const d = selectedDrive(ch);
  return absent(ch, d) ? 0 : <i32>d.status;
}

// --- register writes --------------------------------------------------------------------------

function latch(ch: Channel, reg: i32, v: u8): void {
  for (let i = 0; i < 2; i++) {
    const d = channelDrive(ch, i);
    switch (reg) {
      case TF_ERROR_FEATURE: d.hobFeature = d.feature; d.feature = v; break;
      case TF_NSECT: d.hobNsect = d.nsect; d.nsect = v; break;
      case TF_SECTOR: d.hobSector = d.sector; d.sector = v; break;
      case TF_LCYL: d.hobLcyl = d.lcyl; d.lcyl = v; break;
      case TF_HCYL: d.hobHcyl = d.hcyl; d.hcyl = v; break;
      case TF_SELECT: d.select = (v & ~SEL_DEV) | SEL_OBS | (v & SEL_DEV); break;
    }
  }
  if (reg == TF_SELECT) ch.cur = (v & SEL_DEV) != 0 ? 1 : 0;
}

export function cmdWrite(ch: Channel, reg: i32, size: i32, value: i32): void {
  const d = selectedDrive(ch);
  if (reg == TF_DATA) { dataWrite(ch, d, size, value); return; }
  // Writing any command-block register clears HOB.
  ch.devctl &= ~DC_HOB;
  if (reg == TF_STATUS_CMD) { issueCommand(ch, d, <u8>value); return; }
  // The command block is ignored while the selected drive is busy or transferring.
  if ((d.status & (ST_BSY | ST_DRQ)) != 0) return;
  latch(ch, reg, <u8>value);
}

export function devctlWrite(ch: Channel, v: u8): void {
  const old = ch.devctl;
  ch.devctl = v;
  if ((old & DC_SRST) == 0 && (v & DC_SRST) != 0) srstAssert(ch);
  else if ((old & DC_SRST) != 0 && (v & DC_SRST) == 0) srstRelease(ch);
  updateIrq(ch);
}
