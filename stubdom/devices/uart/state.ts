// All of the UART's state, in one place (a save/restore of the device is a copy of this object
// and its FIFOs). Register behaviours live in the other files and act on `S`. Nothing here is a
// cache: every field is true state, except those marked "host-facing" (what the runtime was last
// told — the IRQ level, the receive room, the armed timer: a restore must re-assert them) and
// "scratch" (meaningless between calls).
import { ByteFifo } from "../../lib/fifo";
import { FIFO_SIZE, RESET_DIVISOR, LSR_THRE, LSR_TEMT, COM1_BASE } from "./regs";

export class UartState {
  base: i32 = COM1_BASE; // configuration, not reset
  divisor: u16 = RESET_DIVISOR;
  ier: u8 = 0;
  fcr: u8 = 0; // FCR_STORED bits only
  lcr: u8 = 0;
  mcr: u8 = 0;
  lsr: u8 = LSR_THRE | LSR_TEMT; // DR is derived from the receive side (rx.ts), never stored here
  msr: u8 = 0; // input levels 7:4 and latched deltas 3:0
  scr: u8 = 0;
  rbr: u8 = 0; // receiver buffer while the FIFOs are disabled (16450 mode)
  rbrFull: bool = false; // ... and whether it holds an unread byte
  rx: ByteFifo = new ByteFifo(FIFO_SIZE); // receiver FIFO while FIFOs are enabled
  tx: ByteFifo = new ByteFifo(FIFO_SIZE); // transmitter FIFO (drained at once, see tx.ts)
  thrPending: bool = false; // the THRE interrupt source (cleared by an IIR read that reports it)
  timeoutPending: bool = false; // character timeout (IIR 0x0C)
  timerArmed: bool = false; // host-facing: the character-timeout timer is armed
  irqLevel: i32 = -1; // host-facing: last level given to irq_set; -1 = never set
  rxRoomReported: i32 = -1; // host-facing: last room given to chr_rx_room; -1 = never reported
  txStage: StaticArray<u8> = new StaticArray<u8>(1); // scratch: chr_send buffer, no allocation per byte

  // Power-on values of the registers (the chip's, except the divisor: see regs.ts).
  resetRegisters(): void {
    this.divisor = RESET_DIVISOR;
    this.ier = 0;
    this.fcr = 0;
    this.lcr = 0;
    this.mcr = 0;
    this.lsr = LSR_THRE | LSR_TEMT;
    this.scr = 0;
    this.rbr = 0;
    this.rbrFull = false;
    this.rx.clear();
    this.tx.clear();
    this.thrPending = false;
    this.timeoutPending = false;
  }
}

export const S = new UartState();
