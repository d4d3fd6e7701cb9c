// The transmit side. A byte written to THR goes through the TX FIFO (or the THR in 16450 mode)
// and leaves at once: chr_send to the backend, or into the receiver in loopback, which
// disconnects the backend. The transmitter is never paced, so THRE and TEMT are set again before
// the write returns and the THRE interrupt becomes pending, as on QEMU; the TX FIFO therefore
// never holds a byte across accesses (it still bounds the drain loop).
import { chr_send } from "../../lib/abi";
import { S } from "./state";
import { LSR_THRE, LSR_TEMT } from "./regs";
import { loopback } from "./modem";
import { receiveByte, receiveDone } from "./rx";

function drain(): void {
  let looped = false;
  for (let n = 0; n < S.tx.capacity && !S.tx.isEmpty(); n++) {
    const c = S.tx.pop();
    if (loopback()) {
      receiveByte(c);
      looped = true;
    } else {
      unchecked(S.txStage[0] = c);
      chr_send(changetype<usize>(S.txStage), 1);
    }
  }
  if (looped) receiveDone();
  S.lsr |= LSR_THRE | LSR_TEMT;
  S.thrPending = true;
}

// THR write: clears the THRE interrupt and THRE/TEMT, queues the byte, transmits.
export function writeThr(c: u8): void {
  S.thrPending = false;
  S.lsr &= ~(LSR_THRE | LSR_TEMT);
  S.tx.push(c); // cannot fail: drain() empties the FIFO on every write
  drain();
}

// FCR "reset TX" (and any change of the FIFO enable bit): the FIFO empties, THR is empty again
// and the THRE interrupt source is set (as QEMU does).
export function resetTx(): void {
  S.tx.clear();
  S.lsr |= LSR_THRE | LSR_TEMT;
  S.thrPending = true;
}
