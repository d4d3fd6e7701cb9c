// One function per register behaviour, dispatched by offset and DLAB. Every read and write leaves
// the IRQ line matching the interrupt condition.
import { S } from "./state";
import {
  REG_RBR_THR, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR,
  IER_MASK, IER_THRI, IIR_ID_MASK, IIR_THRI, IIR_FIFO_ENABLED, FCR_ENABLE, FCR_CLEAR_RX,
  FCR_CLEAR_TX, FCR_STORED, LCR_DLAB, LSR_DR, LSR_ERRORS, LSR_THRE,
} from "./regs";
import { fifoEnabled, rxHasData, readRbr, resetRx } from "./rx";
import { writeThr, resetTx } from "./tx";
import { writeMcr, readMsr } from "./modem";
import { pendingInterrupt, updateIrq } from "./irq";

function dlab(): bool {
  return (S.lcr & LCR_DLAB) != 0;
}

// --- reads ---------------------------------------------------------------------------------

function readIir(): u8 {
  const id = pendingInterrupt();
  // Reading IIR while it reports THR empty acknowledges that interrupt.
  if ((id & IIR_ID_MASK) == IIR_THRI) S.thrPending = false;
  return id | (fifoEnabled() ? IIR_FIFO_ENABLED : 0);
}

function readLsr(): u8 {
  const v = S.lsr | (rxHasData() ? LSR_DR : 0);
  S.lsr &= ~LSR_ERRORS; // overrun (and break/parity/framing) clear when LSR is read
  return v;
}

export function readRegister(off: i32): u8 {
  let v: u8 = 0;
  switch (off) {
    case REG_RBR_THR: v = dlab() ? <u8>(S.divisor & 0xff) : readRbr(); break;
    case REG_IER: v = dlab() ? <u8>(S.divisor >> 8) : S.ier; break;
    case REG_IIR_FCR: v = readIir(); break;
    case REG_LCR: v = S.lcr; break;
    case REG_MCR: v = S.mcr; break;
    case REG_LSR: v = readLsr(); break;
    case REG_MSR: v = readMsr(); break;
    case REG_SCR: v = S.scr; break;
    default: return 0xff;
  }
  updateIrq();
  return v;
}

// --- writes --------------------------------------------------------------------------------

// IER: low four bits. Enabling THRI while THR is empty raises THRE again (only on the rising
// edge: Windows toggles IER and needs it, DR-DOS needs it not to repeat); disabling drops it.
function writeIer(v: u8): void {
  const old = S.ier;
  S.ier = v & IER_MASK;
  if (((old ^ S.ier) & IER_THRI) != 0) S.thrPending = (S.ier & IER_THRI) != 0 && (S.lsr & LSR_THRE) != 0;
}

// FCR: toggling the enable bit empties both FIFOs; the other bits are programmed only together
// with FCR0 = 1 (datasheet), so a write with bit 0 clear just disables the FIFOs.
function writeFcr(v: u8): void {
  const enable = (v & FCR_ENABLE) != 0;
  if (enable != fifoEnabled()) {
    resetRx();
    resetTx();
  }
  if (!enable) {
    S.fcr = 0;
    return;
  }
  S.fcr = v & FCR_STORED;
  if ((v & FCR_CLEAR_RX) != 0) resetRx();
  if ((v & FCR_CLEAR_TX) != 0) resetTx();
}

function writeDivisor(lowByte: bool, v: u8): void {
  S.divisor = lowByte ? (S.divisor & 0xff00) | <u16>v : (S.divisor & 0x00ff) | (<u16>v << 8);
}

export function writeRegister(off: i32, v: u8): void {
  switch (off) {
    case REG_RBR_THR: if (dlab()) writeDivisor(true, v); else writeThr(v); break;
    case REG_IER: if (dlab()) writeDivisor(false, v); else writeIer(v); break;
    case REG_IIR_FCR: writeFcr(v); break;
    case REG_LCR: S.lcr = v; break;
    case REG_MCR: writeMcr(v); break;
    case REG_LSR: break; // read-only (the factory-test write path is not modelled)
    case REG_MSR: break; // read-only
    case REG_SCR: S.scr = v; break;
    default: return;
  }
  updateIrq();
}
