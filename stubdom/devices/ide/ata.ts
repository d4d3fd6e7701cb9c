// ATA commands: the command register's gate and dispatch, then one function each
// (docs/devices/ide.md lists what each answers). Which drive executes which command is a row of
// commands.ts, checked once in issueCommand: commands a drive does not implement, and disk commands
// sent to the ATAPI drive, end with ABRT there; the ATAPI drive answers IDENTIFY DEVICE by setting
// its signature first and then aborting, which is how SeaBIOS, Linux and Windows tell the kinds apart.
import {
  Channel, Drive, channelDrive, KIND_NONE,
  MODE_IDLE, MODE_PIO_IN, MODE_PIO_OUT, MODE_DMA_IN, MODE_DMA_OUT, MODE_VERIFY,
} from "./state";
import {
  ST_BSY, ST_DRQ, SEL_LBA, ER_IDNF, ATA_SECTOR, PIO_MAX_MULTIPLE,
  ATA_DEVICE_RESET, ATA_RECALIBRATE, ATA_READ_SECTORS, ATA_READ_SECTORS_NR, ATA_READ_SECTORS_EXT,
  ATA_READ_DMA_EXT, ATA_READ_NATIVE_MAX_EXT, ATA_READ_MULTIPLE_EXT, ATA_WRITE_SECTORS, ATA_WRITE_SECTORS_NR,
  ATA_WRITE_SECTORS_EXT, ATA_WRITE_DMA_EXT, ATA_WRITE_MULTIPLE_EXT, ATA_READ_VERIFY, ATA_READ_VERIFY_NR,
  ATA_READ_VERIFY_EXT, ATA_SEEK, ATA_EXEC_DIAGNOSTIC, ATA_INIT_DEV_PARAMS, ATA_PACKET, ATA_IDENTIFY_PACKET,
  ATA_READ_MULTIPLE, ATA_WRITE_MULTIPLE, ATA_SET_MULTIPLE, ATA_READ_DMA, ATA_READ_DMA_NR, ATA_WRITE_DMA,
  ATA_WRITE_DMA_NR, ATA_STANDBY_IMMEDIATE, ATA_IDLE_IMMEDIATE, ATA_STANDBY, ATA_IDLE, ATA_CHECK_POWER_MODE,
  ATA_FLUSH_CACHE, ATA_FLUSH_CACHE_EXT, ATA_IDENTIFY, ATA_SET_FEATURES, ATA_SECURITY_FREEZE, ATA_READ_NATIVE_MAX,
  SF_ENABLE_WCACHE, SF_XFER_MODE, SF_DISABLE_RLA, SF_DISABLE_REVERT, SF_DISABLE_WCACHE, SF_ENABLE_RLA, SF_ENABLE_REVERT,
  XFER_PIO_DEFAULT, XFER_PIO_NOIORDY, XFER_PIO, XFER_SWDMA, XFER_MWDMA, XFER_UDMA, POWER_ACTIVE, POWER_STANDBY,
} from "./regs";
import { cmdDone, cmdAbort, cmdError } from "./finish";
import { beginSectors, presentBuffer, awaitPacket, submitFlush } from "./transfer";
import { buildIdentify, buildIdentifyPacket } from "./identify";
import { postResetStatus, setSignature } from "./taskfile";
import { raiseIrq, lowerIrq } from "./irq";
import { startPacket } from "./atapi";
import { ataFlags, ataPermitted, ATA_WHILE_BUSY, ATA_CD_SIGNATURE } from "./commands";

// --- addressing ---------------------------------------------------------------------------------

function lba28(d: Drive): u64 {
  return (<u64>(d.select & 0x0f) << 24) | (<u64>d.hcyl << 16) | (<u64>d.lcyl << 8) | <u64>d.sector;
}

function lba48(d: Drive): u64 {
  return (<u64>d.hobHcyl << 40) | (<u64>d.hobLcyl << 32) | (<u64>d.hobSector << 24) |
    (<u64>d.hcyl << 16) | (<u64>d.lcyl << 8) | <u64>d.sector;
}

// CHS (old BIOSes) through the INITIALIZE DEVICE PARAMETERS geometry; u64.MAX when invalid.
function chsToLba(d: Drive): u64 {
  const cyl = (<u64>d.hcyl << 8) | <u64>d.lcyl;
  const head = <u64>(d.select & 0x0f);
  const sec = <u64>d.sector;
  if (sec == 0 || d.curSpt == 0 || sec > <u64>d.curSpt || head >= <u64>d.curHeads) return U64.MAX_VALUE;
  return (cyl * <u64>d.curHeads + head) * <u64>d.curSpt + sec - 1;
}

function startLba(d: Drive, ext: bool): u64 {
  if (ext) return lba48(d);
  return (d.select & SEL_LBA) != 0 ? lba28(d) : chsToLba(d);
}

function sectorCount(d: Drive, ext: bool): u32 {
  if (ext) { const n = (<u32>d.hobNsect << 8) | <u32>d.nsect; return n == 0 ? 65536 : n; }
  return d.nsect == 0 ? 256 : <u32>d.nsect;
}

// Writes the native max address into the task file (LBA28 or LBA48 layout).
function putAddress(d: Drive, lba: u64, ext: bool): void {
  d.sector = <u8>lba; d.lcyl = <u8>(lba >> 8); d.hcyl = <u8>(lba >> 16);
  if (ext) { d.hobSector = <u8>(lba >> 24); d.hobLcyl = <u8>(lba >> 32); d.hobHcyl = <u8>(lba >> 40); }
  else d.select = (d.select & 0xf0) | <u8>((lba >> 24) & 0x0f);
}

// --- sector transfers ----------------------------------------------------------------------------

function sectorCommand(ch: Channel, d: Drive, ext: bool, mode: i32, block: i32): void {
  const lba = startLba(d, ext);
  const count = sectorCount(d, ext);
  if (lba == U64.MAX_VALUE || lba >= d.sectors || <u64>count > d.sectors - lba) { cmdError(ch, d, ER_IDNF); return; }
  if ((mode == MODE_PIO_OUT || mode == MODE_DMA_OUT) && d.readOnly) { cmdAbort(ch, d); return; }
  beginSectors(ch, d, mode, lba, count, block);
}

function multipleCommand(ch: Channel, d: Drive, ext: bool, write: bool): void {
  if (d.multCount == 0) { cmdAbort(ch, d); return; }
  sectorCommand(ch, d, ext, write ? MODE_PIO_OUT : MODE_PIO_IN, d.multCount);
}

function readSectors(ch: Channel, d: Drive, ext: bool): void { sectorCommand(ch, d, ext, MODE_PIO_IN, 1); }
function writeSectors(ch: Channel, d: Drive, ext: bool): void { sectorCommand(ch, d, ext, MODE_PIO_OUT, 1); }
function readDma(ch: Channel, d: Drive, ext: bool): void { sectorCommand(ch, d, ext, MODE_DMA_IN, 1); }
function writeDma(ch: Channel, d: Drive, ext: bool): void { sectorCommand(ch, d, ext, MODE_DMA_OUT, 1); }
function readVerify(ch: Channel, d: Drive, ext: bool): void { sectorCommand(ch, d, ext, MODE_VERIFY, 1); }

// --- the rest --------------------------------------------------------------------------------------

function identify(ch: Channel, d: Drive): void {
  buildIdentify(ch, d);
  presentBuffer(ch, d, ATA_SECTOR);
}

function identifyPacket(ch: Channel, d: Drive): void {
  buildIdentifyPacket(ch, d);
  presentBuffer(ch, d, ATA_SECTOR);
}

function packet(ch: Channel, d: Drive): void {
  if (!startPacket(ch, d)) { cmdAbort(ch, d); return; }
  awaitPacket(ch, d);
}

// DEVICE RESET (ATAPI): signature, status 0, no interrupt.
function deviceReset(ch: Channel, d: Drive): void { postResetStatus(d); }

function executeDiagnostic(ch: Channel, d: Drive): void {
  for (let i = 0; i < 2; i++) {
    const x = channelDrive(ch, i);
    if (x.kind != KIND_NONE) postResetStatus(x);
  }
  raiseIrq(ch);
}

function initDeviceParams(ch: Channel, d: Drive): void {
  const spt = <i32>d.nsect;
  if (spt == 0 || spt > 255) { cmdAbort(ch, d); return; }
  d.curHeads = <i32>(d.select & 0x0f) + 1;
  d.curSpt = spt;
  cmdDone(ch, d);
}

function setMultiple(ch: Channel, d: Drive): void {
  const n = <i32>d.nsect;
  if (n > PIO_MAX_MULTIPLE || (n & (n - 1)) != 0) { cmdAbort(ch, d); return; }
  d.multCount = n;
  cmdDone(ch, d);
}

function setTransferMode(ch: Channel, d: Drive): void {
  const v = d.nsect;
  const kind = v & 0xf8;
  const n = v & 7;
  let ok = false;
  if (v == XFER_PIO_DEFAULT || v == XFER_PIO_NOIORDY) ok = true;
  else if (kind == XFER_PIO) ok = n <= 4;
  else if (kind == XFER_SWDMA || kind == XFER_MWDMA) ok = n <= 2;
  else if (kind == XFER_UDMA) ok = n <= 5;
  if (!ok) { cmdAbort(ch, d); return; }
  if (kind == XFER_SWDMA || kind == XFER_MWDMA || kind == XFER_UDMA) d.xferMode = v;
  cmdDone(ch, d);
}

function setFeatures(ch: Channel, d: Drive): void {
  switch (d.feature) {
    case SF_XFER_MODE: setTransferMode(ch, d); return;
    case SF_ENABLE_WCACHE: d.writeCache = true; break;
    case SF_DISABLE_WCACHE: d.writeCache = false; break;
    case SF_ENABLE_RLA: case SF_DISABLE_RLA: case SF_ENABLE_REVERT: case SF_DISABLE_REVERT: break;
    default: cmdAbort(ch, d); return;
  }
  cmdDone(ch, d);
}

function flushCache(ch: Channel, d: Drive): void {
  ch.drive = d.unit;
  submitFlush(ch, d);
}

function seek(ch: Channel, d: Drive): void {
  const lba = startLba(d, false);
  if (lba == U64.MAX_VALUE || lba >= d.sectors) { cmdError(ch, d, ER_IDNF); return; }
  cmdDone(ch, d);
}

function power(ch: Channel, d: Drive, mode: u8): void { d.power = mode; cmdDone(ch, d); }

function checkPowerMode(ch: Channel, d: Drive): void {
  d.nsect = d.power;
  cmdDone(ch, d);
}

function readNativeMax(ch: Channel, d: Drive, ext: bool): void {
  const max = d.sectors - 1;
  if (!ext && max > 0x0fffffff) { putAddress(d, 0x0fffffff, false); } else putAddress(d, max, ext);
  cmdDone(ch, d);
}

// --- gate and dispatch -----------------------------------------------------------------------------

// A write to the command register. A drive that is not there does not answer; nor does one whose
// channel buffer a backend request still owns; while BSY or DRQ only a command flagged
// ATA_WHILE_BUSY (DEVICE RESET, to the ATAPI drive) is taken, and it drops the data phase.
export function issueCommand(ch: Channel, d: Drive, cmd: u8): void {
  if (d.kind == KIND_NONE || ch.inflight) return;
  const flags = ataFlags(cmd);
  const permitted = ataPermitted(d, flags);
  const whileBusy = permitted && (flags & ATA_WHILE_BUSY) != 0;
  if ((d.status & (ST_BSY | ST_DRQ)) != 0 && !whileBusy) return;
  if (whileBusy) { ch.mode = MODE_IDLE; ch.dmaPending = false; ch.bufPos = 0; ch.bufEnd = 0; }
  lowerIrq(ch);
  d.error = 0;
  if (!permitted) {
    if ((flags & ATA_CD_SIGNATURE) != 0) setSignature(d);
    cmdAbort(ch, d);
    return;
  }
  executeCommand(ch, d, cmd);
}

// Runs a command the gate let through.
function executeCommand(ch: Channel, d: Drive, cmd: u8): void {
  if ((cmd & 0xf0) == ATA_RECALIBRATE) { cmdDone(ch, d); return; }
  switch (cmd) {
    case ATA_READ_SECTORS: case ATA_READ_SECTORS_NR: readSectors(ch, d, false); break;
    case ATA_READ_SECTORS_EXT: readSectors(ch, d, true); break;
    case ATA_WRITE_SECTORS: case ATA_WRITE_SECTORS_NR: writeSectors(ch, d, false); break;
    case ATA_WRITE_SECTORS_EXT: writeSectors(ch, d, true); break;
    case ATA_READ_MULTIPLE: multipleCommand(ch, d, false, false); break;
    case ATA_READ_MULTIPLE_EXT: multipleCommand(ch, d, true, false); break;
    case ATA_WRITE_MULTIPLE: multipleCommand(ch, d, false, true); break;
    case ATA_WRITE_MULTIPLE_EXT: multipleCommand(ch, d, true, true); break;
    case ATA_READ_DMA: case ATA_READ_DMA_NR: readDma(ch, d, false); break;
    case ATA_READ_DMA_EXT: readDma(ch, d, true); break;
    case ATA_WRITE_DMA: case ATA_WRITE_DMA_NR: writeDma(ch, d, false); break;
    case ATA_WRITE_DMA_EXT: writeDma(ch, d, true); break;
    case ATA_READ_VERIFY: case ATA_READ_VERIFY_NR: readVerify(ch, d, false); break;
    case ATA_READ_VERIFY_EXT: readVerify(ch, d, true); break;
    case ATA_SEEK: seek(ch, d); break;
    case ATA_IDENTIFY: identify(ch, d); break;
    case ATA_IDENTIFY_PACKET: identifyPacket(ch, d); break;
    case ATA_PACKET: packet(ch, d); break;
    case ATA_DEVICE_RESET: deviceReset(ch, d); break;
    case ATA_EXEC_DIAGNOSTIC: executeDiagnostic(ch, d); break;
    case ATA_INIT_DEV_PARAMS: initDeviceParams(ch, d); break;
    case ATA_SET_MULTIPLE: setMultiple(ch, d); break;
    case ATA_SET_FEATURES: setFeatures(ch, d); break;
    case ATA_FLUSH_CACHE: case ATA_FLUSH_CACHE_EXT: flushCache(ch, d); break;
    case ATA_STANDBY_IMMEDIATE: case ATA_STANDBY: power(ch, d, POWER_STANDBY); break;
    case ATA_IDLE_IMMEDIATE: case ATA_IDLE: power(ch, d, POWER_ACTIVE); break;
    case ATA_CHECK_POWER_MODE: checkPowerMode(ch, d); break;
    case ATA_READ_NATIVE_MAX: readNativeMax(ch, d, false); break;
    case ATA_READ_NATIVE_MAX_EXT: readNativeMax(ch, d, true); break;
    case ATA_SECURITY_FREEZE: cmdDone(ch, d); break;
    default: cmdAbort(ch, d); break; // not reached: commands.ts has no row for it
  }
}
