// What each command may do, as tables indexed by opcode (the idea of QEMU's ide_cmd_table and
// atapi_cmd_table): which kind of drive accepts an ATA command, which one is accepted while the
// drive is BSY or DRQ, which ATAPI packet commands pass a pending unit attention and which need a
// medium. The dispatchers check a command against its row once, before they call its function
// (ata.ts issueCommand, atapi.ts executePacket); the functions themselves do not look again.
// An ATA opcode with no row is refused by every drive (ABRT). The tables are built when the module
// starts, before the heap is sealed, and never change.
import {
  ATA_RECALIBRATE, ATA_READ_SECTORS, ATA_READ_SECTORS_NR, ATA_READ_SECTORS_EXT, ATA_READ_DMA, ATA_READ_DMA_NR,
  ATA_READ_DMA_EXT, ATA_READ_MULTIPLE, ATA_READ_MULTIPLE_EXT, ATA_WRITE_SECTORS, ATA_WRITE_SECTORS_NR,
  ATA_WRITE_SECTORS_EXT, ATA_WRITE_DMA, ATA_WRITE_DMA_NR, ATA_WRITE_DMA_EXT, ATA_WRITE_MULTIPLE,
  ATA_WRITE_MULTIPLE_EXT, ATA_READ_VERIFY, ATA_READ_VERIFY_NR, ATA_READ_VERIFY_EXT, ATA_SEEK, ATA_INIT_DEV_PARAMS,
  ATA_SET_MULTIPLE, ATA_FLUSH_CACHE, ATA_FLUSH_CACHE_EXT, ATA_READ_NATIVE_MAX, ATA_READ_NATIVE_MAX_EXT,
  ATA_SECURITY_FREEZE, ATA_EXEC_DIAGNOSTIC, ATA_SET_FEATURES, ATA_STANDBY_IMMEDIATE, ATA_STANDBY,
  ATA_IDLE_IMMEDIATE, ATA_IDLE, ATA_CHECK_POWER_MODE, ATA_PACKET, ATA_IDENTIFY_PACKET, ATA_DEVICE_RESET,
  ATA_IDENTIFY, SCSI_REQUEST_SENSE, SCSI_INQUIRY, SCSI_GET_CONFIGURATION, SCSI_GET_EVENT_STATUS,
  SCSI_TEST_UNIT_READY, SCSI_READ_CAPACITY, SCSI_READ_10, SCSI_READ_12, SCSI_SEEK_10, SCSI_READ_TOC,
} from "./regs";
import { Drive, KIND_DISK, KIND_CDROM } from "./state";

// --- ATA command flags ---------------------------------------------------------------------------
export const ATA_DISK_OK: u8 = 0x01;         // an ATA disk executes it
export const ATA_CD_OK: u8 = 0x02;           // the ATAPI drive executes it
export const ATA_WHILE_BUSY: u8 = 0x04;      // accepted while BSY or DRQ; the data phase is dropped
export const ATA_CD_SIGNATURE: u8 = 0x08;    // the ATAPI drive refuses it with its signature set

// Gives each opcode of `ops` the flags `flags`.
function rows(t: StaticArray<u8>, ops: u8[], flags: u8): void {
  for (let i = 0; i < ops.length; i++) t[ops[i]] = flags;
}

function ataTable(): StaticArray<u8> {
  const t = new StaticArray<u8>(256);   // no row (NOP too, ATA-6 8.17): ABRT on every drive
  for (let op = <i32>ATA_RECALIBRATE; op <= 0x1f; op++) t[op] = ATA_DISK_OK;
  rows(t, [
    ATA_READ_SECTORS, ATA_READ_SECTORS_NR, ATA_READ_SECTORS_EXT, ATA_READ_DMA, ATA_READ_DMA_NR, ATA_READ_DMA_EXT,
    ATA_READ_MULTIPLE, ATA_READ_MULTIPLE_EXT, ATA_WRITE_SECTORS, ATA_WRITE_SECTORS_NR, ATA_WRITE_SECTORS_EXT,
    ATA_WRITE_DMA, ATA_WRITE_DMA_NR, ATA_WRITE_DMA_EXT, ATA_WRITE_MULTIPLE, ATA_WRITE_MULTIPLE_EXT,
    ATA_READ_VERIFY, ATA_READ_VERIFY_NR, ATA_READ_VERIFY_EXT, ATA_SEEK, ATA_INIT_DEV_PARAMS, ATA_SET_MULTIPLE,
    ATA_FLUSH_CACHE, ATA_FLUSH_CACHE_EXT, ATA_READ_NATIVE_MAX, ATA_READ_NATIVE_MAX_EXT, ATA_SECURITY_FREEZE,
  ], ATA_DISK_OK);
  rows(t, [
    ATA_EXEC_DIAGNOSTIC, ATA_SET_FEATURES, ATA_STANDBY_IMMEDIATE, ATA_STANDBY, ATA_IDLE_IMMEDIATE, ATA_IDLE,
    ATA_CHECK_POWER_MODE,
  ], ATA_DISK_OK | ATA_CD_OK);
  rows(t, [ATA_PACKET, ATA_IDENTIFY_PACKET], ATA_CD_OK);
  rows(t, [ATA_DEVICE_RESET], ATA_CD_OK | ATA_WHILE_BUSY);
  rows(t, [ATA_IDENTIFY], ATA_DISK_OK | ATA_CD_SIGNATURE);   // how hosts tell the two kinds apart
  return t;
}

const ATA_FLAGS: StaticArray<u8> = ataTable();

export function ataFlags(op: u8): u8 { return unchecked(ATA_FLAGS[op]); }

// Whether drive `d` executes the ATA command whose row is `flags`.
export function ataPermitted(d: Drive, flags: u8): bool {
  if (d.kind == KIND_DISK) return (flags & ATA_DISK_OK) != 0;
  return d.kind == KIND_CDROM && (flags & ATA_CD_OK) != 0;
}

// --- ATAPI packet command flags -------------------------------------------------------------------
export const PKT_THROUGH_UNIT_ATTENTION: u8 = 0x01; // answered while a media change is pending
export const PKT_NEEDS_MEDIUM: u8 = 0x02;           // NOT READY / MEDIUM NOT PRESENT without one
// (READ DISC INFORMATION checks its data-type field before the medium, so it checks it itself.)

function packetTable(): StaticArray<u8> {
  const t = new StaticArray<u8>(256);
  rows(t, [SCSI_REQUEST_SENSE, SCSI_INQUIRY, SCSI_GET_CONFIGURATION, SCSI_GET_EVENT_STATUS], PKT_THROUGH_UNIT_ATTENTION);
  rows(t, [SCSI_TEST_UNIT_READY, SCSI_READ_CAPACITY, SCSI_READ_10, SCSI_READ_12, SCSI_SEEK_10, SCSI_READ_TOC], PKT_NEEDS_MEDIUM);
  return t;
}

const PACKET_FLAGS: StaticArray<u8> = packetTable();

export function packetFlags(op: u8): u8 { return unchecked(PACKET_FLAGS[op]); }
