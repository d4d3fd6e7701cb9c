// Modem control and status: MCR outputs, the MSR input levels and their delta bits. With no
// modem behind it the port's inputs are fixed at "connected" (DCD, DSR, CTS asserted, RI not),
// as QEMU's null backend shows them. In loopback (MCR bit 4) the outputs feed the inputs the way
// the chip wires them: DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD (Linux's autoconfig writes MCR = 0x1A
// and expects MSR 7:4 = 0x9). Every input change latches its delta bit (RI: only its falling
// edge, TERI) until MSR is read — in loopback too, as the datasheet describes.
import { S } from "./state";
import {
  MCR_DTR, MCR_RTS, MCR_OUT1, MCR_OUT2, MCR_LOOP, MCR_MASK,
  MSR_DCTS, MSR_DDSR, MSR_TERI, MSR_DDCD, MSR_CTS, MSR_DSR, MSR_RI, MSR_DCD, MSR_DELTAS, MSR_INPUTS,
} from "./regs";

const EXTERNAL_INPUTS: u8 = MSR_DCD | MSR_DSR | MSR_CTS;

export function loopback(): bool {
  return (S.mcr & MCR_LOOP) != 0;
}

function inputLevels(): u8 {
  if (!loopback()) return EXTERNAL_INPUTS;
  const m = S.mcr;
  let v: u8 = 0;
  if ((m & MCR_DTR) != 0) v |= MSR_DSR;
  if ((m & MCR_RTS) != 0) v |= MSR_CTS;
  if ((m & MCR_OUT1) != 0) v |= MSR_RI;
  if ((m & MCR_OUT2) != 0) v |= MSR_DCD;
  return v;
}

// Samples the inputs and latches deltas for the ones that changed.
function sampleInputs(): void {
  const old = S.msr & MSR_INPUTS;
  const now = inputLevels();
  const changed = old ^ now;
  let delta: u8 = 0;
  if ((changed & MSR_CTS) != 0) delta |= MSR_DCTS;
  if ((changed & MSR_DSR) != 0) delta |= MSR_DDSR;
  if ((changed & MSR_DCD) != 0) delta |= MSR_DDCD;
  if ((old & MSR_RI) != 0 && (now & MSR_RI) == 0) delta |= MSR_TERI;
  S.msr = now | (S.msr & MSR_DELTAS) | delta;
}

export function writeMcr(v: u8): void {
  S.mcr = v & MCR_MASK;
  sampleInputs();
}

// MSR read returns the levels and the deltas latched since the last read, then clears the deltas.
export function readMsr(): u8 {
  const v = S.msr;
  S.msr &= MSR_INPUTS;
  return v;
}

// Power-on: inputs as they are, no deltas.
export function modemPowerOn(): void {
  S.msr = inputLevels();
}
