// All of the controller's state, in one place (`S`, an IdeState): four drives (units 0–3 = primary
// master/slave, secondary master/slave), two channels with their transfer engine, bus-master
// registers and PRD walker position, and the PCI function. A save/restore of the device is a copy
// of this object and what it holds; no other file keeps state of its own. Everything is allocated
// once at start-up; nothing is allocated per access.
import { PciFunction } from "../../lib/pci";
import { BUF_SIZE } from "./regs";

export const KIND_NONE: i32 = 0;
export const KIND_DISK: i32 = 1;
export const KIND_CDROM: i32 = 2;

// What a channel's data phase is doing (Channel.mode).
export const MODE_IDLE: i32 = 0;
export const MODE_PIO_IN: i32 = 1;        // ATA read: DRQ blocks of sectors to the guest
export const MODE_PIO_OUT: i32 = 2;       // ATA write: DRQ blocks of sectors from the guest
export const MODE_DMA_IN: i32 = 3;        // ATA READ DMA
export const MODE_DMA_OUT: i32 = 4;       // ATA WRITE DMA
export const MODE_VERIFY: i32 = 5;        // READ VERIFY: read, transfer nothing
export const MODE_FLUSH: i32 = 6;         // FLUSH CACHE in flight
export const MODE_PACKET: i32 = 7;        // PACKET: waiting for the 12-byte command packet
export const MODE_ATAPI_PIO_IN: i32 = 8;  // ATAPI data-in, byte-count-limited DRQ blocks
export const MODE_ATAPI_DMA_IN: i32 = 9;  // ATAPI data-in through the bus master
export const MODE_BUFFER_IN: i32 = 10;    // one block from the buffer (IDENTIFY), no backend

export class Drive {
  kind: i32 = KIND_NONE;
  unit: i32 = 0;
  // task file as this drive latched it (both drives of a channel latch every write)
  feature: u8 = 0; nsect: u8 = 0; sector: u8 = 0; lcyl: u8 = 0; hcyl: u8 = 0;
  hobFeature: u8 = 0; hobNsect: u8 = 0; hobSector: u8 = 0; hobLcyl: u8 = 0; hobHcyl: u8 = 0;
  select: u8 = 0xa0;
  status: u8 = 0;
  error: u8 = 0;
  // medium
  sectors: u64 = 0;      // in the drive's own sector size
  readOnly: bool = false;
  // ATA settings
  cyls: i32 = 0; heads: i32 = 0; spt: i32 = 0;          // default geometry (IDENTIFY words 1/3/6)
  curHeads: i32 = 0; curSpt: i32 = 0;                    // INITIALIZE DEVICE PARAMETERS
  multCount: i32 = 0;                                    // SET MULTIPLE (0 = disabled)
  xferMode: u8 = 0;                                      // last SET FEATURES transfer mode
  writeCache: bool = true;
  power: u8 = 0xff;
  // ATAPI
  senseKey: u8 = 0; asc: u8 = 0; ascq: u8 = 0;
  backendMedium: bool = false;   // the backend holds a medium of the right sector size
  trayOpen: bool = false;
  locked: bool = false;
  changeState: i32 = 0;          // 2: report NOT READY next, 1: then UNIT ATTENTION, 0: none
  mediaEvent: u8 = 0;            // pending GET EVENT STATUS media event code

  mediumPresent(): bool { return this.backendMedium && !this.trayOpen; }
}

export class Channel {
  index: i32 = 0;
  cur: i32 = 0;                 // selected drive 0/1 on this channel
  devctl: u8 = 0;
  irqPending: bool = false;
  irqOut: bool = false;
  decoding: bool = false;       // legacy ports claimed
  // transfer engine
  mode: i32 = MODE_IDLE;
  drive: i32 = 0;               // unit index (0–3) doing the transfer
  lba: u64 = 0;                 // next sector to submit
  remaining: u32 = 0;           // sectors not yet submitted
  sectorSize: i32 = 512;
  blockSectors: i32 = 1;        // PIO: sectors per DRQ block
  chunkBytes: i32 = 0;          // bytes of the chunk in the buffer
  bufPos: i32 = 0;              // PIO window [bufPos, bufEnd) of the buffer
  bufEnd: i32 = 0;
  bufFilled: bool = false;      // DMA: the chunk is in the buffer (in) / gathered (out)
  inflight: bool = false;       // a backend request is outstanding
  gen: i32 = 0;                 // completions of an older generation are stale
  resetPending: bool = false;   // SRST finished while a request was still outstanding
  atapiLimit: i32 = 0;          // byte-count limit of the current PACKET
  packetDma: bool = false;      // the current PACKET moves its data by DMA
  dmaPending: bool = false;     // a DMA command is waiting for (or using) the bus master
  // bus master registers
  bmCmd: u8 = 0;
  bmStatus: u8 = 0;
  bmPrd: u32 = 0;
  // PRD walker
  prdBase: u32 = 0;
  prdIndex: i32 = 0;
  prdAddr: u32 = 0;
  prdLeft: u32 = 0;
  prdLast: bool = false;        // the loaded entry had end-of-table set
  // buffers
  buf: StaticArray<u8> = new StaticArray<u8>(BUF_SIZE);
  cdb: StaticArray<u8> = new StaticArray<u8>(16);
  prdEntry: StaticArray<u8> = new StaticArray<u8>(8);
}

export class IdeState {
  drives: StaticArray<Drive> = [new Drive(), new Drive(), new Drive(), new Drive()];
  channels: StaticArray<Channel> = [new Channel(), new Channel()];
  pci: PciFunction | null = null;    // the PCI header (config space, BAR4), made by dev_init
  prdCrossLogged: bool = false;      // a PRD region crossing 64 KiB has been logged (once per run)
}

export const S = new IdeState();

export function driveAt(unit: i32): Drive { return S.drives[unit & 3]; }
export function channelAt(index: i32): Channel { return S.channels[index & 1]; }
// Drive 0 or 1 of the channel; the selected one; the other one.
export function channelDrive(ch: Channel, i: i32): Drive { return S.drives[(ch.index << 1) | (i & 1)]; }
export function selectedDrive(ch: Channel): Drive { return channelDrive(ch, ch.cur); }
export function otherDrive(ch: Channel): Drive { return channelDrive(ch, ch.cur ^ 1); }
// The drive of the channel's current (or last) transfer.
export function transferDrive(ch: Channel): Drive { return driveAt(ch.drive); }
export function bufPtr(ch: Channel): usize { return changetype<usize>(ch.buf); }
