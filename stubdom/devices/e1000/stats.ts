// Statistics registers (0x4000-0x40FC): saturating counters, clear-on-read. The 64-bit octet
// counters (GORC, GOTC, TOR, TOT) are low/high pairs; reading the high half clears both (which
// read does what is the register table's: regtable.ts).
import { reg, setReg } from "./state";

export const CRCERRS: i32 = 0x4000;
export const MPC: i32 = 0x4010;
export const PRC64: i32 = 0x405c;
export const PRC127: i32 = 0x4060;
export const PRC255: i32 = 0x4064;
export const PRC511: i32 = 0x4068;
export const PRC1023: i32 = 0x406c;
export const PRC1522: i32 = 0x4070;
export const GPRC: i32 = 0x4074;
export const BPRC: i32 = 0x4078;
export const MPRC: i32 = 0x407c;
export const GPTC: i32 = 0x4080;
export const GORCL: i32 = 0x4088;
export const GORCH: i32 = 0x408c;
export const GOTCL: i32 = 0x4090;
export const GOTCH: i32 = 0x4094;
export const RNBC: i32 = 0x40a0;
export const RUC: i32 = 0x40a4;
export const ROC: i32 = 0x40ac;
export const TORL: i32 = 0x40c0;
export const TORH: i32 = 0x40c4;
export const TOTL: i32 = 0x40c8;
export const TOTH: i32 = 0x40cc;
export const TPR: i32 = 0x40d0;
export const TPT: i32 = 0x40d4;
export const PTC64: i32 = 0x40d8;
export const PTC127: i32 = 0x40dc;
export const PTC255: i32 = 0x40e0;
export const PTC511: i32 = 0x40e4;
export const PTC1023: i32 = 0x40e8;
export const PTC1522: i32 = 0x40ec;
export const MPTC: i32 = 0x40f0;
export const BPTC: i32 = 0x40f4;
export const TSCTC: i32 = 0x40f8;
export const TSCTFC: i32 = 0x40fc;

export function statInc(off: i32): void {
  const v = reg(off);
  if (v != 0xffffffff) setReg(off, v + 1);
}

// Adds to a 64-bit low/high pair, saturating at 2^64-1.
export function statAdd64(lowOff: i32, n: u32): void {
  const lo = reg(lowOff);
  const hi = reg(lowOff + 4);
  const sum = <u64>lo + <u64>n;
  if (sum > 0xffffffff) {
    if (hi == 0xffffffff) { setReg(lowOff, 0xffffffff); return; }
    setReg(lowOff + 4, hi + 1);
  }
  setReg(lowOff, <u32>sum);
}

// A counter read: returns it and clears it.
export function statReadClear(off: i32): u32 {
  const v = reg(off);
  setReg(off, 0);
  return v;
}

// The high half of a 64-bit counter read: returns it and clears both halves.
export function statReadClearPair(off: i32): u32 {
  setReg(off - 4, 0);
  return statReadClear(off);
}

// Packet size bucket: 64, 65-127, 128-255, 256-511, 512-1023, 1024-1522 bytes (incl. FCS).
export function sizeBucket(first: i32, len: i32): void {
  let i: i32 = 5;
  if (len <= 64) i = 0;
  else if (len <= 127) i = 1;
  else if (len <= 255) i = 2;
  else if (len <= 511) i = 3;
  else if (len <= 1023) i = 4;
  else if (len > 1522) return;
  statInc(first + 4 * i);
}

// Counts a good frame of `len` bytes (without FCS) whose destination address is at `dest`.
function countFrame(dest: usize, len: i32, tx: bool): void {
  const wire = <u32>len + 4;
  statInc(tx ? GPTC : GPRC);
  statInc(tx ? TPT : TPR);
  statAdd64(tx ? GOTCL : GORCL, wire);
  statAdd64(tx ? TOTL : TORL, wire);
  sizeBucket(tx ? PTC64 : PRC64, len + 4);
  if ((load<u8>(dest) & 1) == 0) return;
  if (isBroadcast(dest)) statInc(tx ? BPTC : BPRC);
  else statInc(tx ? MPTC : MPRC);
}

export function countRx(dest: usize, len: i32): void { countFrame(dest, len, false); }
export function countTx(dest: usize, len: i32): void { countFrame(dest, len, true); }

export function isBroadcast(dest: usize): bool {
  for (let i = 0; i < 6; i++) if (load<u8>(dest + <usize>i) != 0xff) return false;
  return true;
}
