// Drive set-up from the device configuration and the block backends: kind, capacity, geometry and
// read-only state at start-up, the power-on settings, and media changes of a CD-ROM (the backend's
// EVENT_BLK_MEDIA, and what it means for sense data and GET EVENT STATUS NOTIFICATION).
import { blk_info, BLK_INFO_SECTORS_LO, BLK_INFO_SECTORS_HI, BLK_INFO_SECTOR_SIZE, BLK_INFO_FLAGS, BLK_FLAG_PRESENT, BLK_FLAG_READONLY } from "../../lib/abi";
import { Drive, driveAt, KIND_NONE, KIND_DISK, KIND_CDROM } from "./state";
import { ATA_SECTOR, CD_SECTOR, MEC_NEW_MEDIA, MEC_MEDIA_REMOVAL } from "./regs";

const MAX_CHS_CYLS: u64 = 16383;
const DEFAULT_HEADS: i32 = 16;
const DEFAULT_SPT: i32 = 63;

function backendSectors(unit: i32): u64 {
  return (<u64><u32>blk_info(unit, BLK_INFO_SECTORS_HI) << 32) | <u64><u32>blk_info(unit, BLK_INFO_SECTORS_LO);
}

// Sets up unit `unit` as `kind`; returns "" or the reason the configuration cannot work.
export function driveInit(unit: i32, kind: i32): string {
  const d = driveAt(unit);
  d.unit = unit;
  d.kind = kind;
  if (kind == KIND_NONE) return "";
  const flags = blk_info(unit, BLK_INFO_FLAGS);
  const present = (flags & BLK_FLAG_PRESENT) != 0;
  const size = blk_info(unit, BLK_INFO_SECTOR_SIZE);
  if (kind == KIND_DISK) {
    if (!present) return "unit " + unit.toString() + " is a disk but has no block backend with a medium";
    if (size != ATA_SECTOR) return "unit " + unit.toString() + " is a disk but its backend has " + size.toString() + "-byte sectors (want 512)";
    d.sectors = backendSectors(unit);
    if (d.sectors == 0) return "unit " + unit.toString() + " is a disk of 0 sectors";
    d.readOnly = (flags & BLK_FLAG_READONLY) != 0;
    const cyls = min(d.sectors / <u64>(DEFAULT_HEADS * DEFAULT_SPT), MAX_CHS_CYLS);
    d.cyls = max(1, <i32>cyls);
    d.heads = DEFAULT_HEADS;
    d.spt = DEFAULT_SPT;
    return "";
  }
  if (present && size != CD_SECTOR) return "unit " + unit.toString() + " is a cdrom but its backend has " + size.toString() + "-byte sectors (want 2048)";
  d.backendMedium = present;
  d.sectors = present ? backendSectors(unit) : 0;
  d.readOnly = true;
  return "";
}

// Power-on settings (dev_reset).
export function drivePowerOn(d: Drive): void {
  d.curHeads = d.heads;
  d.curSpt = d.spt;
  d.multCount = 0;
  d.xferMode = 0;
  d.writeCache = true;
  d.power = 0xff;
  d.senseKey = 0; d.asc = 0; d.ascq = 0;
  d.trayOpen = false;
  d.locked = false;
  d.changeState = 0;
  d.mediaEvent = 0;
  d.feature = 0; d.nsect = 0; d.sector = 0; d.lcyl = 0; d.hcyl = 0;
  d.hobFeature = 0; d.hobNsect = 0; d.hobSector = 0; d.hobLcyl = 0; d.hobHcyl = 0;
  d.select = 0xa0;
}

// The backend's medium changed (inserted, removed or swapped).
export function mediaChanged(unit: i32): void {
  const d = driveAt(unit);
  if (d.kind != KIND_CDROM) return;
  const flags = blk_info(d.unit, BLK_INFO_FLAGS);
  const present = (flags & BLK_FLAG_PRESENT) != 0 && blk_info(d.unit, BLK_INFO_SECTOR_SIZE) == CD_SECTOR;
  d.backendMedium = present;
  d.sectors = present ? backendSectors(d.unit) : 0;
  if (present) {
    d.trayOpen = false;
    d.changeState = 2;
    d.mediaEvent = MEC_NEW_MEDIA;
  } else {
    d.changeState = 0;
    d.mediaEvent = MEC_MEDIA_REMOVAL;
  }
}
