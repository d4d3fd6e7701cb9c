// The register file behind BAR0 (and the BAR1 I/O window): every access is dispatched here, in one
// place, by the register's row in the table (regtable.ts: reset value, write mask, read kind,
// write kind, narrow-write policy). Accesses narrower than 32 bits read the dword's lanes and
// merge writes into it as the row says. Also the MAC reset.
import { S, reg, setReg } from "./state";
import * as R from "./regs";
import { regRow, rowReset, rowMask, rowRead, rowWrite, rowNarrow, ReadKind, WriteKind, Narrow } from "./regtable";
import { eecdRead, eecdWrite, eerdWrite } from "./eeprom";
import { mdicWrite, wantAutoneg, phyReset } from "./phy";
import { icrRead, icrWrite, imsWrite, imcWrite, rdtrFlush, raise, irqReset } from "./irq";
import { linkUpdate, linkReset, autonegStart } from "./link";
import { statReadClear, statReadClearPair } from "./stats";
import { txKick, txReset } from "./tx";

// MAC reset (power-on and CTRL.RST): registers to their reset values (the table's), RA[0] loaded
// from the EEPROM's MAC address with AV, TX state and interrupt timers cleared. The PHY and the
// EEPROM shifter are outside the MAC and keep their state.
export function macReset(): void {
  for (let off = 0; off < <i32>R.BAR0_SIZE; off += 4) setReg(off, rowReset(regRow(off)));
  const m = S.macAddr;
  setReg(R.RA, <u32>m[0] | (<u32>m[1] << 8) | (<u32>m[2] << 16) | (<u32>m[3] << 24));
  setReg(R.RA + 4, <u32>m[4] | (<u32>m[5] << 8) | R.RAH_AV);
  txReset();
  irqReset();
  linkReset();
}

// --- registers whose writes do more than store -----------------------------------------------------

function ctrlWrite(v: u32): void {
  if ((v & R.CTRL_RST) != 0) { macReset(); return; } // RST self-clears
  const old = reg(R.CTRL);
  setReg(R.CTRL, v);
  if ((v & R.CTRL_PHY_RST) != 0 && (old & R.CTRL_PHY_RST) == 0) phyReset();
  if (((v ^ old) & R.CTRL_SLU) != 0) linkUpdate();
}

function mdicWriteReg(v: u32): void {
  const causes = mdicWrite(v);
  if (wantAutoneg()) autonegStart();
  raise(causes);
}

// --- dispatch ------------------------------------------------------------------------------------

export function regRead(off: i32): u32 {
  off &= R.REG_OFFSET_MASK;
  switch (rowRead(regRow(off))) {
    case ReadKind.Stored: return reg(off);
    case ReadKind.EecdPins: return eecdRead();
    case ReadKind.IcrClear: return icrRead();
    case ReadKind.IcrMirror: return reg(R.ICR);
    case ReadKind.StatClear: return statReadClear(off);
    case ReadKind.StatClearPair: return statReadClearPair(off);
  }
  return 0; // ReadKind.Zero
}

export function regWrite(off: i32, v: u32): void {
  off &= R.REG_OFFSET_MASK;
  const row = regRow(off);
  switch (rowWrite(row)) {
    case WriteKind.Masked: setReg(off, v & rowMask(row)); return;
    case WriteKind.MaskedKick: setReg(off, v & rowMask(row)); txKick(); return;
    case WriteKind.MaskedRdtr: setReg(off, v & rowMask(row)); rdtrFlush(v); return;
    case WriteKind.Clear: setReg(off, reg(off) & ~v); return;
    case WriteKind.Ctrl: ctrlWrite(v); return;
    case WriteKind.Eecd: eecdWrite(v); return;
    case WriteKind.Eerd: setReg(off, eerdWrite(v)); return;
    case WriteKind.Mdic: mdicWriteReg(v); return;
    case WriteKind.Icr: icrWrite(v); return;
    case WriteKind.Ics: raise(v); return;
    case WriteKind.Ims: imsWrite(v); return;
    case WriteKind.Imc: imcWrite(v); return;
  }
  // WriteKind.Ignore
}

// The `size`-byte lanes of `v` from bit `shift` (a dword access returns all of them).
function lanes(v: u32, shift: u32, size: i32): i32 {
  const shifted = v >> shift;
  return <i32>(size >= 4 ? shifted : size == 2 ? shifted & 0xffff : shifted & 0xff);
}

export function mmioRead(offset: i32, size: i32): i32 {
  const v = regRead(offset & ~3);
  return lanes(v, size >= 4 ? 0 : <u32>((offset & 3) * 8), size);
}

export function mmioWrite(offset: i32, size: i32, value: i32): void {
  const off = offset & ~3;
  if (size >= 4) { regWrite(off, <u32>value); return; }
  const shift = <u32>((offset & 3) * 8);
  const mask: u32 = (size == 2 ? 0xffff : 0xff) << shift;
  const narrow = rowNarrow(regRow(off & R.REG_OFFSET_MASK));
  const cur: u32 = narrow == Narrow.Zero ? 0 : narrow == Narrow.Pins ? S.eeOld : reg(off);
  regWrite(off, (cur & ~mask) | ((<u32>value << shift) & mask));
}

// --- the I/O window (BAR1): IOADDR selects a register, IODATA accesses it --------------------------

export function ioRead(offset: i32, size: i32): i32 {
  const o = offset & R.IO_WINDOW_MASK;
  if (o >= R.IOADDR && o < R.IODATA) return <i32>(S.ioaddr >> <u32>(o * 8));
  if (o >= R.IODATA && o < R.IODATA + 4) return lanes(regRead(<i32>S.ioaddr), <u32>((o - R.IODATA) * 8), size);
  return 0;
}

export function ioWrite(offset: i32, size: i32, value: i32): void {
  const o = offset & R.IO_WINDOW_MASK;
  if (o == R.IOADDR && size == 4) { S.ioaddr = <u32>value & R.REG_OFFSET_MASK; return; }
  if (o == R.IODATA && size == 4) regWrite(<i32>S.ioaddr, <u32>value);
}
