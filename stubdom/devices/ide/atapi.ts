// ATAPI (MMC) packet commands of the CD-ROM, one function each: the reply is built in the channel
// buffer and sent through transfer.ts (PIO with the byte-count limit, or DMA); reads go to the
// backend in 2048-byte sectors. Sense handling: CHECK CONDITION sets key/ASC/ASCQ for REQUEST
// SENSE; after a media change the next command not allowed through a unit attention (commands.ts)
// gets NOT READY / MEDIUM NOT PRESENT and the one after it UNIT ATTENTION / MEDIUM MAY HAVE
// CHANGED; a command that needs a medium gets NOT READY without one. Both are checked once, in
// executePacket, before the command's function runs. Anything not listed answers ILLEGAL REQUEST /
// INVALID COMMAND OPERATION CODE.
import { Channel, Drive, MODE_ATAPI_PIO_IN, MODE_ATAPI_DMA_IN } from "./state";
import {
  ST_BSY, ST_DRDY, SCSI_TEST_UNIT_READY, SCSI_REQUEST_SENSE, SCSI_INQUIRY, SCSI_START_STOP_UNIT, SCSI_PREVENT_ALLOW,
  SCSI_READ_CAPACITY, SCSI_READ_10, SCSI_SEEK_10, SCSI_READ_TOC, SCSI_GET_CONFIGURATION,
  SCSI_GET_EVENT_STATUS, SCSI_READ_DISC_INFO, SCSI_MODE_SENSE_10, SCSI_READ_12, SCSI_SET_CD_SPEED,
  SCSI_MECHANISM_STATUS, SK_NOT_READY, SK_ILLEGAL_REQUEST, SK_UNIT_ATTENTION, ASC_INVALID_OPCODE,
  ASC_LBA_OUT_OF_RANGE, ASC_INVALID_FIELD, ASC_MEDIUM_MAY_HAVE_CHANGED, ASC_SAVING_NOT_SUPPORTED,
  ASC_MEDIUM_NOT_PRESENT, ASC_REMOVAL_PREVENTED, MODE_PAGE_ERROR_RECOVERY, MODE_PAGE_AUDIO,
  MODE_PAGE_CAPABILITIES, MODE_PAGE_ALL, MEC_NO_CHANGE, MEC_NEW_MEDIA, MEC_MEDIA_REMOVAL,
} from "./regs";
import { checkCondition, atapiGood, cmdAbort } from "./finish";
import { atapiReply, beginSectors } from "./transfer";
import { packetFlags, PKT_THROUGH_UNIT_ATTENTION, PKT_NEEDS_MEDIUM } from "./commands";
import { put8, put16be, put32be, zero, putScsiString } from "./bytes";

const FEATURES_DMA: u8 = 0x01;
const FEATURES_OVERLAP: u8 = 0x02;
const LEADOUT_TRACK: i32 = 0xaa;
const CD_FRAMES_PER_SECOND: u32 = 75;
const CD_MSF_OFFSET: u32 = 150;
const PROFILE_CDROM: i32 = 0x0008;
const MAX_SPEED_KBS: i32 = 706; // 4×

// PACKET issued: take the DMA flag and the byte-count limit; false = abort (overlap requested).
export function startPacket(ch: Channel, d: Drive): bool {
  if ((d.feature & FEATURES_OVERLAP) != 0) return false;
  ch.packetDma = (d.feature & FEATURES_DMA) != 0;
  let limit = (<i32>d.hcyl << 8) | <i32>d.lcyl;
  if (limit == 0xffff) limit = 0xfffe;
  ch.atapiLimit = limit & ~1;
  return true;
}

// --- helpers ---------------------------------------------------------------------------------------

function cdb(ch: Channel, i: i32): i32 { return <i32>ch.cdb[i & 15]; }
function cdb16(ch: Channel, i: i32): i32 { return (cdb(ch, i) << 8) | cdb(ch, i + 1); }
function cdb32(ch: Channel, i: i32): u32 { return (<u32>cdb16(ch, i) << 16) | <u32>cdb16(ch, i + 2); }

function illegal(ch: Channel, d: Drive, asc: u8): void { checkCondition(ch, d, SK_ILLEGAL_REQUEST, asc, 0); }
function notReady(ch: Channel, d: Drive): void { checkCondition(ch, d, SK_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0); }

// A reply built in the buffer, cut to the allocation length; nothing to send is good status at
// once. PIO with a zero byte-count limit cannot move data: an ATA-level abort (see finish.ts).
function reply(ch: Channel, d: Drive, len: i32, alloc: i32): void {
  const n = min(len, alloc);
  if (n <= 0) { atapiGood(ch, d); return; }
  if (!ch.packetDma && ch.atapiLimit == 0) { cmdAbort(ch, d); return; }
  atapiReply(ch, d, n, ch.packetDma);
}

function putMsf(b: StaticArray<u8>, at: i32, lba: u32): void {
  const v = lba + CD_MSF_OFFSET;
  put8(b, at, 0);
  put8(b, at + 1, <i32>(v / (60 * CD_FRAMES_PER_SECOND)));
  put8(b, at + 2, <i32>((v / CD_FRAMES_PER_SECOND) % 60));
  put8(b, at + 3, <i32>(v % CD_FRAMES_PER_SECOND));
}

function putAddr(b: StaticArray<u8>, at: i32, lba: u32, msf: bool): void {
  if (msf) putMsf(b, at, lba); else put32be(b, at, lba);
}

function capacity(d: Drive): u32 { return <u32>min(d.sectors, <u64>0xffffffff); }

// --- commands ---------------------------------------------------------------------------------------

function requestSense(ch: Channel, d: Drive): void {
  const b = ch.buf;
  zero(b, 0, 18);
  put8(b, 0, 0xf0);       // current error, fixed format (VALID set, as QEMU answers)
  put8(b, 2, d.senseKey);
  put8(b, 7, 10);
  put8(b, 12, d.asc);
  put8(b, 13, d.ascq);
  // Reporting a unit attention consumes it.
  if (d.senseKey == SK_UNIT_ATTENTION) { d.senseKey = 0; d.asc = 0; d.ascq = 0; }
  reply(ch, d, 18, cdb(ch, 4));
}

function inquiry(ch: Channel, d: Drive): void {
  if ((cdb(ch, 1) & 1) != 0) { illegal(ch, d, ASC_INVALID_FIELD); return; } // no VPD pages
  const b = ch.buf;
  zero(b, 0, 36);
  put8(b, 0, 0x05);       // CD/DVD device
  put8(b, 1, 0x80);       // removable
  put8(b, 2, 0x00);
  put8(b, 3, 0x21);       // ATAPI, response format 1
  put8(b, 4, 31);         // additional length
  putScsiString(b, 8, 8, "WASMSTUB");
  putScsiString(b, 16, 16, "ATAPI CD-ROM");
  putScsiString(b, 32, 4, "1.0");
  reply(ch, d, 36, cdb(ch, 4));
}

function readCapacity(ch: Channel, d: Drive): void {
  put32be(ch.buf, 0, capacity(d) - 1);
  put32be(ch.buf, 4, 2048);
  reply(ch, d, 8, 8);
}

function read(ch: Channel, d: Drive, lba: u32, count: u32): void {
  if (<u64>lba >= d.sectors || <u64>lba + <u64>count > d.sectors) { illegal(ch, d, ASC_LBA_OUT_OF_RANGE); return; }
  if (count == 0) { atapiGood(ch, d); return; }
  if (!ch.packetDma && ch.atapiLimit == 0) { cmdAbort(ch, d); return; }
  beginSectors(ch, d, ch.packetDma ? MODE_ATAPI_DMA_IN : MODE_ATAPI_PIO_IN, <u64>lba, count, 1);
}

function read10(ch: Channel, d: Drive): void { read(ch, d, cdb32(ch, 2), <u32>cdb16(ch, 7)); }
function read12(ch: Channel, d: Drive): void { read(ch, d, cdb32(ch, 2), cdb32(ch, 6)); }

function seek10(ch: Channel, d: Drive): void {
  if (<u64>cdb32(ch, 2) >= d.sectors) { illegal(ch, d, ASC_LBA_OUT_OF_RANGE); return; }
  atapiGood(ch, d);
}

// One 8-byte track descriptor of TOC format 0/1.
function trackDescriptor(b: StaticArray<u8>, at: i32, track: i32, lba: u32, msf: bool): void {
  put8(b, at, 0);
  put8(b, at + 1, track == LEADOUT_TRACK ? 0x16 : 0x14);  // ADR 1, data track (lead-out: copy permitted)
  put8(b, at + 2, track);
  put8(b, at + 3, 0);
  putAddr(b, at + 4, lba, msf);
}

function tocFormatted(b: StaticArray<u8>, d: Drive, start: i32, msf: bool): i32 {
  let at: i32 = 4;
  if (start <= 1) { trackDescriptor(b, at, 1, 0, msf); at += 8; }
  trackDescriptor(b, at, LEADOUT_TRACK, capacity(d), msf);
  at += 8;
  put16be(b, 0, at - 2);
  put8(b, 2, 1);
  put8(b, 3, 1);
  return at;
}

function tocSessions(b: StaticArray<u8>, msf: bool): i32 {
  zero(b, 0, 12);
  put16be(b, 0, 10);
  put8(b, 2, 1);          // first session
  put8(b, 3, 1);          // last session
  trackDescriptor(b, 4, 1, 0, msf);
  return 12;
}

// One 11-byte descriptor of the raw TOC (format 2).
function rawDescriptor(b: StaticArray<u8>, at: i32, point: i32, pmin: i32, psec: i32, pframe: i32): void {
  put8(b, at, 1); put8(b, at + 1, 0x14); put8(b, at + 2, 0); put8(b, at + 3, point);
  put8(b, at + 4, 0); put8(b, at + 5, 0); put8(b, at + 6, 0); put8(b, at + 7, 0);
  put8(b, at + 8, pmin); put8(b, at + 9, psec); put8(b, at + 10, pframe);
}

function tocRaw(b: StaticArray<u8>, d: Drive, msf: bool): i32 {
  put8(b, 2, 1);
  put8(b, 3, 1);
  rawDescriptor(b, 4, 0xa0, 1, 0, 0);       // first track 1, CD-ROM disc
  rawDescriptor(b, 15, 0xa1, 1, 0, 0);      // last track 1
  rawDescriptor(b, 26, 0xa2, 0, 0, 0);      // lead-out
  putAddr(b, 26 + 7, capacity(d), msf);
  rawDescriptor(b, 37, 1, 0, 0, 0);         // track 1
  putAddr(b, 37 + 7, 0, msf);
  put16be(b, 0, 48 - 2);
  return 48;
}

function readToc(ch: Channel, d: Drive): void {
  const msf = (cdb(ch, 1) & 2) != 0;
  let format = cdb(ch, 2) & 0x0f;
  if (format == 0) format = cdb(ch, 9) >> 6; // the old (SFF-8020) place of the format
  const start = cdb(ch, 6);
  const alloc = cdb16(ch, 7);
  let len: i32 = 0;
  if (format == 0) {
    if (start > 1 && start != LEADOUT_TRACK) { illegal(ch, d, ASC_INVALID_FIELD); return; }
    len = tocFormatted(ch.buf, d, start, msf);
  } else if (format == 1) len = tocSessions(ch.buf, msf);
  else if (format == 2) len = tocRaw(ch.buf, d, msf);
  else { illegal(ch, d, ASC_INVALID_FIELD); return; }
  reply(ch, d, len, alloc);
}

function modePage(b: StaticArray<u8>, at: i32, page: i32, d: Drive): i32 {
  if (page == MODE_PAGE_ERROR_RECOVERY) {
    zero(b, at, 8);
    put8(b, at, MODE_PAGE_ERROR_RECOVERY); put8(b, at + 1, 6); put8(b, at + 3, 5);
    return 8;
  }
  if (page == MODE_PAGE_AUDIO) {
    zero(b, at, 16);
    put8(b, at, MODE_PAGE_AUDIO); put8(b, at + 1, 14); put8(b, at + 2, 4);
    put8(b, at + 8, 1); put8(b, at + 9, 0xff); put8(b, at + 10, 2); put8(b, at + 11, 0xff);
    return 16;
  }
  // capabilities and mechanical status
  zero(b, at, 28);
  put8(b, at, MODE_PAGE_CAPABILITIES);
  put8(b, at + 1, 26);
  put8(b, at + 4, 0x71);                           // audio play, mode 2 form 1/2, multisession
  put8(b, at + 5, 0x60);                           // ISRC, UPC... read
  put8(b, at + 6, 0x29 | (d.locked ? 0x02 : 0));   // lock, lock state, eject, tray loader
  put8(b, at + 7, 0x03);                           // separate volume and mute
  put16be(b, at + 8, MAX_SPEED_KBS);
  put16be(b, at + 10, 256);                        // volume levels
  put16be(b, at + 12, 512);                        // buffer KiB
  put16be(b, at + 14, MAX_SPEED_KBS);
  return 28;
}

function modeSense10(ch: Channel, d: Drive): void {
  const pc = cdb(ch, 2) >> 6;
  const page = cdb(ch, 2) & 0x3f;
  const alloc = cdb16(ch, 7);
  if (pc == 3) { illegal(ch, d, ASC_SAVING_NOT_SUPPORTED); return; }
  const b = ch.buf;
  zero(b, 0, 8);
  put8(b, 2, d.mediumPresent() ? 0x01 : 0x70);     // 120 mm CD-ROM data / door closed, no disc
  let at: i32 = 8;
  if (page == MODE_PAGE_ERROR_RECOVERY || page == MODE_PAGE_AUDIO || page == MODE_PAGE_CAPABILITIES) {
    at += modePage(b, at, page, d);
  } else if (page == MODE_PAGE_ALL) {
    at += modePage(b, at, MODE_PAGE_ERROR_RECOVERY, d);
    at += modePage(b, at, MODE_PAGE_AUDIO, d);
    at += modePage(b, at, MODE_PAGE_CAPABILITIES, d);
  } else { illegal(ch, d, ASC_INVALID_FIELD); return; }
  put16be(b, 0, at - 2);
  reply(ch, d, at, alloc);
}

// GET CONFIGURATION's RT field: 2 = only the named feature, else every feature from it on.
function want(code: i32, rt: i32, first: i32): bool { return rt == 2 ? code == first : code >= first; }

// One feature descriptor header; returns its total length.
function feature(b: StaticArray<u8>, at: i32, code: i32, flags: i32, addLen: i32): i32 {
  put16be(b, at, code);
  put8(b, at + 2, flags);
  put8(b, at + 3, addLen);
  zero(b, at + 4, addLen);
  return 4 + addLen;
}

function getConfiguration(ch: Channel, d: Drive): void {
  const rt = cdb(ch, 1) & 3;
  const first = cdb16(ch, 2);
  const alloc = cdb16(ch, 7);
  if (rt == 3) { illegal(ch, d, ASC_INVALID_FIELD); return; }
  const b = ch.buf;
  zero(b, 0, 8);
  const current = d.mediumPresent();
  put16be(b, 6, current ? PROFILE_CDROM : 0);
  let at: i32 = 8;
  if (want(0x0000, rt, first)) {   // profile list: CD-ROM
    const n = feature(b, at, 0x0000, 0x03, 4);
    put16be(b, at + 4, PROFILE_CDROM);
    put8(b, at + 6, current ? 1 : 0);
    at += n;
  }
  if (want(0x0001, rt, first)) {   // core: ATAPI interface
    const n = feature(b, at, 0x0001, 0x0b, 8);
    put32be(b, at + 4, 2);
    put8(b, at + 8, 1);            // DBE
    at += n;
  }
  if (want(0x0002, rt, first)) {   // morphing: polled GET EVENT STATUS
    at += feature(b, at, 0x0002, 0x07, 4);
  }
  if (want(0x0003, rt, first)) {   // removable medium: tray, eject, lock
    const n = feature(b, at, 0x0003, 0x03, 4);
    put8(b, at + 4, 0x29 | (d.locked ? 0x04 : 0));
    at += n;
  }
  if (want(0x0010, rt, first)) {   // random readable
    const n = feature(b, at, 0x0010, current ? 0x01 : 0x00, 8);
    put32be(b, at + 4, 2048);
    put16be(b, at + 8, 1);
    at += n;
  }
  if (want(0x001e, rt, first)) {   // CD read
    at += feature(b, at, 0x001e, 0x08 | (current ? 0x01 : 0x00), 4);
  }
  put32be(b, 0, <u32>(at - 4));
  reply(ch, d, at, alloc);
}

function getEventStatus(ch: Channel, d: Drive): void {
  if ((cdb(ch, 1) & 1) == 0) { illegal(ch, d, ASC_INVALID_FIELD); return; } // polled only
  const classes = cdb(ch, 4);
  const alloc = cdb16(ch, 7);
  const b = ch.buf;
  zero(b, 0, 8);
  put8(b, 3, 0x10);                                // supported: media class
  if ((classes & 0x10) == 0) {
    put16be(b, 0, 0);                              // length of what follows the 4-byte header
    put8(b, 2, 0x80);                              // NEA: no requested class available
    reply(ch, d, 4, alloc);
    return;
  }
  put16be(b, 0, 4);
  put8(b, 2, 0x04);                                // media class
  put8(b, 4, d.mediaEvent);
  put8(b, 5, (d.trayOpen ? 0x01 : 0) | (d.mediumPresent() ? 0x02 : 0));
  d.mediaEvent = MEC_NO_CHANGE;
  reply(ch, d, 8, alloc);
}

function readDiscInfo(ch: Channel, d: Drive): void {
  if ((cdb(ch, 1) & 7) != 0) { illegal(ch, d, ASC_INVALID_FIELD); return; }
  if (!d.mediumPresent()) { notReady(ch, d); return; }
  const b = ch.buf;
  zero(b, 0, 34);
  put16be(b, 0, 32);
  put8(b, 2, 0x0e);        // complete disc, complete last session
  put8(b, 3, 1);           // first track
  put8(b, 4, 1);           // sessions
  put8(b, 5, 1);           // first track in last session
  put8(b, 6, 1);           // last track in last session
  put8(b, 7, 0x20);        // unrestricted use
  put8(b, 8, 0x00);        // CD-DA or CD-ROM disc
  reply(ch, d, 34, cdb16(ch, 7));
}

function mechanismStatus(ch: Channel, d: Drive): void {
  const b = ch.buf;
  zero(b, 0, 8);
  put8(b, 1, d.trayOpen ? 0x10 : 0);
  put8(b, 5, 1);           // one slot (the tray)
  reply(ch, d, 8, cdb16(ch, 8));
}

function startStopUnit(ch: Channel, d: Drive): void {
  const loej = (cdb(ch, 4) & 2) != 0;
  const start = (cdb(ch, 4) & 1) != 0;
  if (loej && !start) {
    if (d.locked) { checkCondition(ch, d, SK_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 2); return; }
    if (!d.trayOpen && d.backendMedium) d.mediaEvent = MEC_MEDIA_REMOVAL;
    d.trayOpen = true;
  } else if (loej && start) {
    if (d.trayOpen && d.backendMedium) d.mediaEvent = MEC_NEW_MEDIA;
    d.trayOpen = false;
  }
  atapiGood(ch, d);
}

function preventAllow(ch: Channel, d: Drive): void {
  d.locked = (cdb(ch, 4) & 1) != 0;
  atapiGood(ch, d);
}

// --- dispatch ---------------------------------------------------------------------------------

// The 12-byte command packet has arrived in the buffer (phase.ts): the drive is busy with it.
export function packetReceived(ch: Channel, d: Drive): void {
  for (let i = 0; i < 12; i++) ch.cdb[i] = ch.buf[i];
  d.status = ST_BSY | ST_DRDY;
  executePacket(ch, d);
}

// The gate (the command's row in commands.ts), then the command.
function executePacket(ch: Channel, d: Drive): void {
  const op = <u8>cdb(ch, 0);
  const flags = packetFlags(op);
  if ((flags & PKT_THROUGH_UNIT_ATTENTION) == 0 && d.changeState > 0 && d.mediumPresent()) {
    if (d.changeState == 2) { d.changeState = 1; notReady(ch, d); }
    else { d.changeState = 0; checkCondition(ch, d, SK_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0); }
    return;
  }
  if ((flags & PKT_NEEDS_MEDIUM) != 0 && !d.mediumPresent()) { notReady(ch, d); return; }
  switch (op) {
    case SCSI_TEST_UNIT_READY: atapiGood(ch, d); break;
    case SCSI_REQUEST_SENSE: requestSense(ch, d); break;
    case SCSI_INQUIRY: inquiry(ch, d); break;
    case SCSI_START_STOP_UNIT: startStopUnit(ch, d); break;
    case SCSI_PREVENT_ALLOW: preventAllow(ch, d); break;
    case SCSI_READ_CAPACITY: readCapacity(ch, d); break;
    case SCSI_READ_10: read10(ch, d); break;
    case SCSI_READ_12: read12(ch, d); break;
    case SCSI_SEEK_10: seek10(ch, d); break;
    case SCSI_READ_TOC: readToc(ch, d); break;
    case SCSI_MODE_SENSE_10: modeSense10(ch, d); break;
    case SCSI_GET_CONFIGURATION: getConfiguration(ch, d); break;
    case SCSI_GET_EVENT_STATUS: getEventStatus(ch, d); break;
    case SCSI_READ_DISC_INFO: readDiscInfo(ch, d); break;
    case SCSI_MECHANISM_STATUS: mechanismStatus(ch, d); break;
    case SCSI_SET_CD_SPEED: atapiGood(ch, d); break;
    default: illegal(ch, d, ASC_INVALID_OPCODE); break;
  }
}
