// The register table: one row per MAC register (or per register array) of BAR0, declaring its
// reset value, the bits a plain write stores, how a read and a write behave, and how a narrow
// (byte or word) write is merged into the dword. mmio.ts dispatches every access through it, in
// one place. Offsets without a row are unimplemented: they read 0, ignore writes and reset to 0.
// The table is built by regTableBuild() at dev_init (the heap is sealed afterwards) and is
// constant from then on: configuration, not device state (state.ts).
import * as R from "./regs";
import { GORCL, GOTCL, TORL, TOTL } from "./stats";

// How a read is answered.
export const enum ReadKind {
  Zero, // unimplemented, or write-only (IMC)
  Stored, // the stored dword
  EecdPins, // EECD: the latched pins with GNT, PRES and DO (eeprom.ts)
  IcrClear, // ICR: the causes, cleared by the read (irq.ts)
  IcrMirror, // ICS: ICR without clearing (write-only on the chip; QEMU mirrors ICR, VxWorks reads it)
  StatClear, // statistics counter: cleared by the read
  StatClearPair, // high half of a 64-bit counter: the read clears both halves
}

// What a write does.
export const enum WriteKind {
  Ignore, // read-only or unimplemented
  Masked, // stores value & mask
  MaskedKick, // stores value & mask, then kicks the TX ring (TCTL, TDT)
  MaskedRdtr, // stores value & mask; FPD flushes a delayed RXT0 (irq.ts)
  Clear, // write 1 to clear (WUS)
  Ctrl, // RST, PHY_RST, SLU (mmio.ts)
  Eecd, // the Microwire pins (eeprom.ts)
  Eerd, // START reads an EEPROM word (eeprom.ts)
  Mdic, // one MDIO transaction with the PHY (phy.ts)
  Icr, // write 1 to clear causes (irq.ts)
  Ics, // sets causes (irq.ts)
  Ims, // sets mask bits (irq.ts)
  Imc, // clears mask bits (irq.ts)
}

// What the other bytes of the dword are when the guest writes a byte or a word.
export const enum Narrow {
  Stored, // the stored value: the write changes only its own lanes
  Zero, // 0: a command register must not re-apply the other bytes' current value
  Pins, // EECD: the pins as last written
}

const ALL: u32 = 0xffffffff;
const LOW16: u32 = 0xffff;
const COMPUTED: u32 = 0; // the write kind decides what is stored; the mask column does not apply
const DWORDS: i32 = <i32>(R.BAR0_SIZE >> 2);
const MAX_ROWS: i32 = 96; // the table has 64; row numbers are bytes

class RegisterTable {
  rowOf: StaticArray<u8> = new StaticArray<u8>(DWORDS); // per dword of BAR0; row 0 = no register
  reset: StaticArray<u32> = new StaticArray<u32>(MAX_ROWS);
  mask: StaticArray<u32> = new StaticArray<u32>(MAX_ROWS);
  read: StaticArray<u8> = new StaticArray<u8>(MAX_ROWS);
  write: StaticArray<u8> = new StaticArray<u8>(MAX_ROWS);
  narrow: StaticArray<u8> = new StaticArray<u8>(MAX_ROWS);
  rows: i32 = 1;
}

const T = new RegisterTable();

// Adds a row for the registers from `first` up to (not including) `end`, `stride` bytes apart.
// A later row takes over the offsets of an earlier one (the statistics' 64-bit halves).
function rows(
  first: i32, end: i32, stride: i32, reset: u32, mask: u32, read: ReadKind, write: WriteKind, narrow: Narrow,
): void {
  const n = T.rows++;
  assert(n < MAX_ROWS, "e1000 register table full");
  T.reset[n] = reset;
  T.mask[n] = mask;
  T.read[n] = <u8>read;
  T.write[n] = <u8>write;
  T.narrow[n] = <u8>narrow;
  for (let off = first; off < end; off += stride) T.rowOf[off >> 2] = <u8>n;
}

function row(off: i32, reset: u32, mask: u32, read: ReadKind, write: WriteKind, narrow: Narrow): void {
  rows(off, off + 4, 4, reset, mask, read, write, narrow);
}

function plain(off: i32, mask: u32): void {
  row(off, 0, mask, ReadKind.Stored, WriteKind.Masked, Narrow.Stored);
}

// A register array: one plain dword every `stride` bytes (the dwords between have no register).
function plainArray(first: i32, end: i32, stride: i32, mask: u32): void {
  rows(first, end, stride, 0, mask, ReadKind.Stored, WriteKind.Masked, Narrow.Stored);
}

// A 64-bit statistics counter: the low half reads without clearing, the high half clears both.
function statPair(low: i32): void {
  row(low, 0, 0, ReadKind.Stored, WriteKind.Ignore, Narrow.Stored);
  row(low + 4, 0, 0, ReadKind.StatClearPair, WriteKind.Ignore, Narrow.Stored);
}

export function regTableBuild(): void {
  const STORED = ReadKind.Stored; // the common read kind, short for the table's column
  //  offset    reset                 write mask       read                write                 narrow write
  row(R.CTRL,   R.CTRL_RESET_VALUE,   COMPUTED,        STORED,             WriteKind.Ctrl,       Narrow.Stored);
  row(R.STATUS, R.STATUS_RESET_VALUE, 0,               STORED,             WriteKind.Ignore,     Narrow.Stored);
  row(R.EECD,   0,                    COMPUTED,        ReadKind.EecdPins,  WriteKind.Eecd,       Narrow.Pins);
  row(R.EERD,   0,                    COMPUTED,        STORED,             WriteKind.Eerd,       Narrow.Zero);
  row(R.MDIC,   0,                    COMPUTED,        STORED,             WriteKind.Mdic,       Narrow.Zero);
  row(R.VET,    R.VET_RESET_VALUE,    LOW16,           STORED,             WriteKind.Masked,     Narrow.Stored);
  row(R.ICR,    0,                    COMPUTED,        ReadKind.IcrClear,  WriteKind.Icr,        Narrow.Zero);
  row(R.ITR,    0,                    R.INTERVAL_MASK, STORED,             WriteKind.Masked,     Narrow.Stored);
  row(R.ICS,    0,                    COMPUTED,        ReadKind.IcrMirror, WriteKind.Ics,        Narrow.Zero);
  row(R.IMS,    0,                    COMPUTED,        STORED,             WriteKind.Ims,        Narrow.Zero);
  row(R.IMC,    0,                    COMPUTED,        ReadKind.Zero,      WriteKind.Imc,        Narrow.Zero);
  row(R.RXCW,   0,                    0,               STORED,             WriteKind.Ignore,     Narrow.Stored);
  row(R.TCTL,   0,                    ALL,             STORED,             WriteKind.MaskedKick, Narrow.Stored);
  row(R.LEDCTL, R.LEDCTL_RESET_VALUE, ALL,             STORED,             WriteKind.Masked,     Narrow.Stored);
  row(R.PBA,    R.PBA_RESET_VALUE,    ALL,             STORED,             WriteKind.Masked,     Narrow.Stored);
  row(R.RDTR,   0,                    R.INTERVAL_MASK, STORED,             WriteKind.MaskedRdtr, Narrow.Stored);
  row(R.TDT,    0,                    LOW16,           STORED,             WriteKind.MaskedKick, Narrow.Stored);
  row(R.WUS,    0,                    COMPUTED,        STORED,             WriteKind.Clear,      Narrow.Zero);
  row(R.MANC,   R.MANC_RESET_VALUE,   ALL,             STORED,             WriteKind.Masked,     Narrow.Stored);

  // Plain registers: reset 0, read back what was stored.
  plain(R.CTRL_EXT, ALL); plain(R.FCAL, ALL); plain(R.FCAH, LOW16); plain(R.FCT, LOW16);
  plain(R.RCTL, ALL); plain(R.FCTTV, LOW16); plain(R.TXCW, ALL); plain(R.TIPG, 0x3fffffff);
  plain(R.FCRTL, 0x8000fff8); plain(R.FCRTH, 0xfff8); plain(R.RSRPD, 0xfff); plain(R.RXCSUM, 0x3ff);
  plain(R.RDBAL, R.DESC_BASE_MASK); plain(R.RDBAH, ALL); plain(R.RDLEN, 0xfff80); plain(R.RDH, LOW16);
  plain(R.RDT, LOW16); plain(R.RADV, R.INTERVAL_MASK);
  plain(R.TDBAL, R.DESC_BASE_MASK); plain(R.TDBAH, ALL); plain(R.TDLEN, 0xfff80); plain(R.TDH, LOW16);
  plain(R.TIDV, R.INTERVAL_MASK); plain(R.TXDCTL, ALL); plain(R.TADV, R.INTERVAL_MASK);
  plain(R.WUC, ALL); plain(R.WUFC, ALL); plain(R.IPAV, ALL);

  // Register arrays. RA[0] is loaded from the EEPROM at reset (mmio.ts).
  plainArray(R.MTA, R.MTA_END, 4, ALL);
  plainArray(R.RA, R.RA_END, 8, ALL); // RAL
  plainArray(R.RA + 4, R.RA_END, 8, R.RAH_AV | 0x3ffff); // RAH: AV, AS, address bytes 4-5
  plainArray(R.VFTA, R.VFTA_END, 4, ALL);
  plainArray(R.IP4AT, R.IP4AT_END, 8, ALL);
  plainArray(R.WUPM, R.WUPM_END, 4, ALL);
  plainArray(R.FFLT, R.FFLT_END, 8, 0x7ff);
  plainArray(R.FFMT, R.FFMT_END, 8, 0xf);
  plainArray(R.FFVT, R.FFVT_END, 8, 0xff);

  // Statistics: read-only, clear on read (the 64-bit counters as pairs).
  rows(R.STATS_FIRST, R.STATS_LAST + 4, 4, 0, 0, ReadKind.StatClear, WriteKind.Ignore, Narrow.Stored);
  statPair(GORCL); statPair(GOTCL); statPair(TORL); statPair(TOTL);
}

// The row of the register at byte offset `off` (dword aligned, inside BAR0).
@inline export function regRow(off: i32): i32 { return <i32>unchecked(T.rowOf[off >> 2]); }
@inline export function rowReset(row: i32): u32 { return unchecked(T.reset[row]); }
@inline export function rowMask(row: i32): u32 { return unchecked(T.mask[row]); }
@inline export function rowRead(row: i32): ReadKind { return <ReadKind>unchecked(T.read[row]); }
@inline export function rowWrite(row: i32): WriteKind { return <WriteKind>unchecked(T.write[row]); }
@inline export function rowNarrow(row: i32): Narrow { return <Narrow>unchecked(T.narrow[row]); }
