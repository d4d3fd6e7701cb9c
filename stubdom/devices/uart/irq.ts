// Interrupt identification (IIR bits 3:0) in the 16550A's priority order and the IRQ line.
//
// OUT2: on a PC the board ANDs the UART's INTR output with MCR.OUT2 before the ISA bus. This
// model does not: the line follows the interrupt condition alone, as QEMU's does. Linux gives no
// reason to gate: it sets OUT2 whenever the port has an IRQ (serial8250_do_startup adds TIOCM_OUT2
// to mctrl) and silences the port through IER, never by clearing OUT2 (shutdown writes IER = 0
// before dropping OUT2; the console writer saves and zeroes IER). Its IRQ autoprobe sets OUT2
// before it needs the line. With IER = 0 no condition can raise the line, so an unopened port is
// silent either way, and one fewer piece of board wiring is modelled.
import { irq_set } from "../../lib/abi";
import { S } from "./state";
import {
  IER_RDI, IER_THRI, IER_RLSI, IER_MSI, IIR_NO_INT, IIR_MSI, IIR_THRI, IIR_RDI, IIR_RLSI, IIR_CTI,
  LSR_ERRORS, MSR_DELTAS, IRQ_PIN_INTR,
} from "./regs";
import { rxAtTrigger } from "./rx";

// The highest-priority pending and enabled interrupt: line status > character timeout >
// received data (FIFO at its trigger level) > THR empty > modem status.
export function pendingInterrupt(): u8 {
  const ier = S.ier;
  if ((ier & IER_RLSI) != 0 && (S.lsr & LSR_ERRORS) != 0) return IIR_RLSI;
  if ((ier & IER_RDI) != 0 && S.timeoutPending) return IIR_CTI;
  if ((ier & IER_RDI) != 0 && rxAtTrigger()) return IIR_RDI;
  if ((ier & IER_THRI) != 0 && S.thrPending) return IIR_THRI;
  if ((ier & IER_MSI) != 0 && (S.msr & MSR_DELTAS) != 0) return IIR_MSI;
  return IIR_NO_INT;
}

// Drives IRQ pin 0 to the current condition; calls the host only when the level changes.
export function updateIrq(): void {
  const level: i32 = pendingInterrupt() != IIR_NO_INT ? 1 : 0;
  if (level == S.irqLevel) return;
  S.irqLevel = level;
  irq_set(IRQ_PIN_INTR, level);
}
