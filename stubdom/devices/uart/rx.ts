// The receive side: bytes arriving (from the backend or, in loopback, from the transmitter) into
// the RX FIFO or the single RBR, overrun, the trigger level, reading RBR, and the character
// timeout on the virtual clock (four character times without input or a read while the FIFO
// holds data → IIR 0x0C).
import { timer_arm, timer_cancel, chr_rx_room } from "../../lib/abi";
import { S } from "./state";
import {
  FCR_ENABLE, FCR_TRIGGER_MASK, LSR_OE, LSR_BI, LCR_WLEN_MASK, LCR_STOP, LCR_PARITY, BAUD_BASE,
  TIMER_CHAR_TIMEOUT, TIMEOUT_CHARS, FIFO_SIZE, MCR_LOOP,
} from "./regs";

export function fifoEnabled(): bool {
  return (S.fcr & FCR_ENABLE) != 0;
}

// LSR.DR: data waiting in the FIFO or the RBR.
export function rxHasData(): bool {
  return fifoEnabled() ? !S.rx.isEmpty() : S.rbrFull;
}

// RX trigger level from FCR bits 7:6.
export function rxTriggerLevel(): i32 {
  const t = (S.fcr & FCR_TRIGGER_MASK) >> 6;
  return t == 0 ? 1 : t == 1 ? 4 : t == 2 ? 8 : 14;
}

// The "received data available" interrupt source: DR, and in FIFO mode the trigger level reached.
export function rxAtTrigger(): bool {
  if (!fifoEnabled()) return S.rbrFull;
  return S.rx.length >= rxTriggerLevel();
}

// One character time in ns at the current divisor and line format: start bit, 5–8 data bits,
// optional parity, 1 or 2 stop bits (1.5 with 5 data bits, rounded up to 2 here). A divisor of 0
// counts as 65536 (the latch's 16-bit counter wraps); nothing divides by it.
export function charTimeNs(): u64 {
  const lcr = S.lcr;
  let bits: u64 = 1 + 5 + <u64>(lcr & LCR_WLEN_MASK) + ((lcr & LCR_PARITY) != 0 ? 1 : 0) + ((lcr & LCR_STOP) != 0 ? 2 : 1);
  const div: u64 = S.divisor == 0 ? 65536 : <u64>S.divisor;
  return (bits * div * 1000000000) / BAUD_BASE;
}

function armTimeout(): void {
  const ns = charTimeNs() * TIMEOUT_CHARS;
  timer_arm(TIMER_CHAR_TIMEOUT, <i32>(ns & 0xffffffff), <i32>(ns >> 32));
  S.timerArmed = true;
}

function cancelTimeout(): void {
  if (S.timerArmed) timer_cancel(TIMER_CHAR_TIMEOUT);
  S.timerArmed = false;
  S.timeoutPending = false;
}

// A byte arrives at the receiver. FIFO mode: a full FIFO overruns (OE) and the new byte is lost;
// 16450 mode: an unread RBR is overwritten and OE set. Callers finish a burst of bytes with
// receiveDone() (one timer re-arm per burst, not per byte) and then update the IRQ.
export function receiveByte(c: u8): void {
  if (fifoEnabled()) {
    if (!S.rx.push(c)) S.lsr |= LSR_OE;
    S.timeoutPending = false;
    return;
  }
  if (S.rbrFull) S.lsr |= LSR_OE;
  S.rbr = c;
  S.rbrFull = true;
}

// Input just arrived: the character timeout counts from now.
export function receiveDone(): void {
  if (fifoEnabled() && !S.rx.isEmpty()) armTimeout();
}

// RBR read. An empty FIFO reads 0; an empty RBR reads its last byte again (what the latch holds).
export function readRbr(): u8 {
  if (!fifoEnabled()) {
    S.rbrFull = false;
    S.lsr &= ~LSR_BI;
    return S.rbr;
  }
  const c = S.rx.pop();
  S.timeoutPending = false;
  if (S.rx.isEmpty()) {
    S.lsr &= ~LSR_BI;
    cancelTimeout();
  } else {
    armTimeout();
  }
  return c;
}

// FCR "reset RX" (and any change of the FIFO enable bit).
export function resetRx(): void {
  S.rx.clear();
  S.rbrFull = false;
  S.lsr &= ~LSR_BI;
  cancelTimeout();
}

// The timeout timer fired: report it only if data is still waiting.
export function charTimeout(): void {
  S.timerArmed = false;
  if (fifoEnabled() && !S.rx.isEmpty()) S.timeoutPending = true;
}

export function rxPowerOn(): void {
  cancelTimeout();
}

// Receive flow control toward the backend (what a serial line's sender would see as CTS): how
// many bytes the receiver can take now without an overrun — the FIFO's free space, or 1 while
// the 16450-mode RBR is empty. In loopback the receiver listens to the transmitter only, so the
// line's input waits (0). Reported through chr_rx_room whenever it changed, at the end of every
// device entry point; a backend that respects it never overruns the receiver.
export function rxRoom(): i32 {
  if ((S.mcr & MCR_LOOP) != 0) return 0;
  if (fifoEnabled()) return FIFO_SIZE - S.rx.length;
  return S.rbrFull ? 0 : 1;
}

export function reportRxRoom(): void {
  const room = rxRoom();
  if (room == S.rxRoomReported) return;
  S.rxRoomReported = room;
  chr_rx_room(room);
}
