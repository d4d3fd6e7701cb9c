// A channel's interrupt: the drive's pending INTRQ, masked by nIEN in device control, drives irq
// pin 0 (primary → ISA 14) or 1 (secondary → ISA 15). Raising it also sets the bus-master
// INTERRUPT status bit, as the PIIX does when it sees INTRQ rise.
import { irq_set } from "../../lib/abi";
import { Channel } from "./state";
import { DC_NIEN, BM_ST_INT } from "./regs";

export function updateIrq(ch: Channel): void {
  const out = ch.irqPending && (ch.devctl & DC_NIEN) == 0;
  if (out == ch.irqOut) return;
  ch.irqOut = out;
  irq_set(ch.index, out ? 1 : 0);
}

export function raiseIrq(ch: Channel): void {
  ch.irqPending = true;
  if ((ch.devctl & DC_NIEN) == 0) ch.bmStatus |= BM_ST_INT;
  updateIrq(ch);
}

export function lowerIrq(ch: Channel): void {
  ch.irqPending = false;
  updateIrq(ch);
}

// Power-on: the line is driven low whatever we believed before.
export function resetIrq(ch: Channel): void {
  ch.irqPending = false;
  ch.irqOut = false;
  irq_set(ch.index, 0);
}
