// How a command ends: success, ATA abort/error, ATAPI good status or CHECK CONDITION with sense
// data. Every ending clears the data phase and raises the channel's interrupt (except where the
// protocol says otherwise, handled by the caller).
import { Channel, Drive, MODE_IDLE } from "./state";
import { raiseIrq } from "./irq";
import { ST_DRDY, ST_DSC, ST_ERR, ER_ABRT, IR_COD, IR_IO, BM_ST_ACTIVE } from "./regs";

function endPhase(ch: Channel): void {
  ch.mode = MODE_IDLE;
  ch.bufPos = 0;
  ch.bufEnd = 0;
  if (ch.dmaPending) { ch.dmaPending = false; }
}

// Success: DRDY|DSC and an interrupt.
export function cmdDone(ch: Channel, d: Drive): void {
  endPhase(ch);
  d.status = ST_DRDY | ST_DSC;
  raiseIrq(ch);
}

// ATA-level failure with error register `err` (ABRT, IDNF, UNC): DRDY|ERR and an interrupt. A DMA
// command that fails stops the bus master (ACTIVE cleared), as QEMU and the chip do.
export function cmdError(ch: Channel, d: Drive, err: u8): void {
  if (ch.dmaPending) ch.bmStatus &= ~BM_ST_ACTIVE;
  endPhase(ch);
  d.error = err;
  d.status = ST_DRDY | ST_ERR;
  raiseIrq(ch);
}

export function cmdAbort(ch: Channel, d: Drive): void { cmdError(ch, d, ER_ABRT); }

// ATAPI: remember the sense data and end with CHECK CONDITION (error register = key << 4).
export function checkCondition(ch: Channel, d: Drive, key: u8, asc: u8, ascq: u8): void {
  d.senseKey = key;
  d.asc = asc;
  d.ascq = ascq;
  d.nsect = IR_COD | IR_IO;
  cmdError(ch, d, <u8>(key << 4));
}

// ATAPI good status: sense cleared.
export function atapiGood(ch: Channel, d: Drive): void {
  d.senseKey = 0;
  d.asc = 0;
  d.ascq = 0;
  d.error = 0;
  d.nsect = IR_COD | IR_IO;
  cmdDone(ch, d);
}
