// Interrupt logic: ICR causes against the IMS mask drive INTA. ICR reads clear every cause, ICS
// sets causes, IMS/IMC set and clear mask bits. ITR throttles: after the line rises, it cannot
// rise again for ITR x 256 ns. RX and TX write-back interrupts may be delayed by the packet timers
// RDTR/TIDV (re-armed per packet) bounded by the absolute timers RADV/TADV (1.024 us units).
import { timer_arm, timer_cancel } from "../../lib/abi";
import { S, reg, setReg } from "./state";
import { ICR, IMS, ITR, RDTR, RADV, TIDV, TADV, ICR_RXT0, ICR_TXDW, ICR_VALID, RDTR_FPD, INTERVAL_MASK } from "./regs";
import { pci } from "./pcidev";

export const TIMER_ITR: i32 = 0;
export const TIMER_RDTR: i32 = 1;
export const TIMER_RADV: i32 = 2;
export const TIMER_TIDV: i32 = 3;
export const TIMER_TADV: i32 = 4;
export const TIMER_AUTONEG: i32 = 5;
export const TIMER_TX_RESUME: i32 = 6;

const ITR_UNIT_NS: i64 = 256;
const DELAY_UNIT_NS: i64 = 1024;

export function armNs(id: i32, ns: i64): void {
  timer_arm(id, <i32>ns, <i32>(ns >> 32));
}

function drive(level: bool): void {
  if (S.irqLevel == level) return;
  S.irqLevel = level;
  pci().setIrq(level);
}

// Re-evaluates the line after any change of ICR, IMS or the throttle window.
export function updateLine(): void {
  if ((reg(ICR) & reg(IMS)) == 0) { drive(false); return; }
  if (S.irqLevel || S.throttleActive) return;
  drive(true);
  const itr = <i64>(reg(ITR) & INTERVAL_MASK);
  if (itr != 0) {
    S.throttleActive = true;
    armNs(TIMER_ITR, itr * ITR_UNIT_NS);
  }
}

export function raise(causes: u32): void {
  causes &= ICR_VALID;
  if (causes == 0) return;
  setReg(ICR, reg(ICR) | causes);
  updateLine();
}

export function icrRead(): u32 {
  const v = reg(ICR);
  setReg(ICR, 0);
  updateLine();
  return v;
}

// (ICS sets causes through raise(); ITR is a plain register, read when the line rises.)
export function icrWrite(v: u32): void { setReg(ICR, reg(ICR) & ~v); updateLine(); }
export function imsWrite(v: u32): void { setReg(IMS, reg(IMS) | (v & ICR_VALID)); updateLine(); }
export function imcWrite(v: u32): void { setReg(IMS, reg(IMS) & ~v); updateLine(); }

export function itrExpired(): void {
  S.throttleActive = false;
  updateLine();
}

// --- RX/TX interrupt delay ------------------------------------------------------------------------

// Delays a write-back interrupt by `units` of the packet timer (re-armed on every packet); the
// first packet of a burst also arms the absolute timer that bounds it (register `absReg`, 0 = none).
function armDelay(packetTimer: i32, units: i64, absTimer: i32, absReg: i32, burstArmed: bool): void {
  armNs(packetTimer, units * DELAY_UNIT_NS);
  if (burstArmed) return;
  const abs = <i64>(reg(absReg) & INTERVAL_MASK);
  if (abs != 0) armNs(absTimer, abs * DELAY_UNIT_NS);
}

// A delay ended (either timer, or a flush): both timers stopped, the cause raised.
function delayEnded(packetTimer: i32, absTimer: i32, cause: u32): void {
  timer_cancel(packetTimer);
  timer_cancel(absTimer);
  raise(cause);
}

// A frame was written back: RXT0 now, or after the RDTR packet timer (bounded by RADV).
export function rxFrameDone(): void {
  const rdtr = <i64>(reg(RDTR) & INTERVAL_MASK);
  if (rdtr == 0) { rxDelayExpired(); return; }
  armDelay(TIMER_RDTR, rdtr, TIMER_RADV, RADV, S.rxDelayArmed);
  S.rxDelayArmed = true;
}

export function rxDelayExpired(): void {
  S.rxDelayArmed = false;
  delayEnded(TIMER_RDTR, TIMER_RADV, ICR_RXT0);
}

// After an RDTR write (the table stores the delay): FPD (self-clearing, never stored) flushes a
// pending delayed RXT0 at once.
export function rdtrFlush(v: u32): void {
  if ((v & RDTR_FPD) != 0 && S.rxDelayArmed) rxDelayExpired();
}

// A descriptor was written back: TXDW now, or (IDE set) after TIDV bounded by TADV.
export function txDescDone(ide: bool): void {
  const tidv = <i64>(reg(TIDV) & INTERVAL_MASK);
  if (!ide || tidv == 0) { txDelayExpired(); return; }
  armDelay(TIMER_TIDV, tidv, TIMER_TADV, TADV, S.txDelayArmed);
  S.txDelayArmed = true;
}

export function txDelayExpired(): void {
  S.txDelayArmed = false;
  delayEnded(TIMER_TIDV, TIMER_TADV, ICR_TXDW);
}

// Device reset: line low, every timer stopped.
export function irqReset(): void {
  timer_cancel(TIMER_ITR);
  timer_cancel(TIMER_RDTR);
  timer_cancel(TIMER_RADV);
  timer_cancel(TIMER_TIDV);
  timer_cancel(TIMER_TADV);
  S.throttleActive = false;
  S.rxDelayArmed = false;
  S.txDelayArmed = false;
  S.irqLevel = false;
  pci().setIrq(false);
}
