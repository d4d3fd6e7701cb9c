// Typematic (auto-repeat) timing of the keyboard on the runtime's virtual clock: while a key
// is held, its make code is sent again after the typematic delay and then at the typematic rate
// (both from the 0xF3 argument: bits 5–6 delay = (n+1) × 250 ms, bits 0–2 A and 3–4 B give a
// period of (8 + A) × 2^B × 4.17 ms). One timer; the keyboard decides what is repeated.
import { timer_arm, timer_cancel } from "../../lib/abi";
import { S } from "./state";

export const TIMER_TYPEMATIC: i32 = 0;
const DELAY_UNIT_NS: i32 = 250_000_000;
const PERIOD_UNIT_NS: i32 = 4_170_000;

export function typematicDelayNs(t: u8): i32 { return (((<i32>t >> 5) & 3) + 1) * DELAY_UNIT_NS; }
export function typematicPeriodNs(t: u8): i32 { return ((8 + (<i32>t & 7)) << ((<i32>t >> 3) & 3)) * PERIOD_UNIT_NS; }

// A key went down: (re)start the delay.
export function typematicStart(t: u8): void {
  if (!S.kbd.repeatEnabled) return;
  timer_arm(TIMER_TYPEMATIC, typematicDelayNs(t), 0);
  S.kbd.repeatArmed = true;
}

// The held key was released, or the keyboard was reset.
export function typematicStop(): void {
  if (!S.kbd.repeatArmed) return;
  timer_cancel(TIMER_TYPEMATIC);
  S.kbd.repeatArmed = false;
}

// After a repeat was sent: the next one follows one period later.
export function typematicNext(t: u8): void {
  if (!S.kbd.repeatEnabled) return;
  timer_arm(TIMER_TYPEMATIC, typematicPeriodNs(t), 0);
  S.kbd.repeatArmed = true;
}

// The timer fired (it is one-shot): nothing is armed until typematicNext.
export function typematicFired(): void { S.kbd.repeatArmed = false; }
