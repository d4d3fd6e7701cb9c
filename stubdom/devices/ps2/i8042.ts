// The i8042 keyboard controller: status register (port 0x64 read), command register (port 0x64
// write), data port (0x60), the command byte (CTR) in its internal RAM, the output port (reset
// line, A20), the one-byte output buffer and the two IRQ pins (0 = keyboard, 1 = aux).
// The output buffer is refilled, in this order, from: a controller reply (self test, CTR read,
// 0xD2/0xD3 loopback…), the keyboard (when its interface is enabled; set 2 → set 1 translation
// applied here when CTR bit 6 is set, as the chip does), the mouse (when enabled). Reading port
// 0x60 empties it, lowers the IRQ and refills it (re-raising the IRQ when more is pending);
// reading it while empty returns the previous byte again.
import { irq_set, platform, PLATFORM_RESET, PLATFORM_A20 } from "../../lib/abi";
import { S, CTR_POWER_ON, OUTPORT_POWER_ON, CTL_RAM_SIZE } from "./state";
import { kbdHasData, kbdPop, kbdWrite } from "./keyboard";
import { mouseHasData, mousePop, mouseWrite, mouseFlushStream } from "./mouse";
import { set2ToSet1 } from "./scancodes";
import { guestError } from "../../lib/log";

export const IRQ_PIN_KBD: i32 = 0;
export const IRQ_PIN_AUX: i32 = 1;

// Status register bits
export const STATUS_OBF: u8 = 0x01;
export const STATUS_IBF: u8 = 0x02;      // commands complete at once: always 0
export const STATUS_SYS: u8 = 0x04;
export const STATUS_CMD: u8 = 0x08;      // last write was to port 0x64
export const STATUS_UNLOCKED: u8 = 0x10; // keyboard not inhibited by the keylock
export const STATUS_AUX_OBF: u8 = 0x20;
export const STATUS_TIMEOUT: u8 = 0x40;

// Command byte (CTR) bits
export const CTR_KBD_INT: u8 = 0x01;
export const CTR_AUX_INT: u8 = 0x02;
export const CTR_SYS: u8 = 0x04;
export const CTR_KBD_DISABLE: u8 = 0x10;
export const CTR_AUX_DISABLE: u8 = 0x20;
export const CTR_XLATE: u8 = 0x40;

// Output port bits
export const OUT_RESET: u8 = 0x01; // 0 = hold the CPU in reset
export const OUT_A20: u8 = 0x02;
export const OUT_OBF: u8 = 0x10;
export const OUT_AUX_OBF: u8 = 0x20;

// Controller commands
export const CMD_READ_RAM: u8 = 0x20;   // 0x20–0x3F: read RAM byte (0x20 = CTR)
export const CMD_WRITE_RAM: u8 = 0x60;  // 0x60–0x7F: write RAM byte (0x60 = CTR)
export const CMD_AUX_DISABLE: u8 = 0xa7;
export const CMD_AUX_ENABLE: u8 = 0xa8;
export const CMD_AUX_TEST: u8 = 0xa9;
export const CMD_SELF_TEST: u8 = 0xaa;
export const CMD_KBD_TEST: u8 = 0xab;
export const CMD_KBD_DISABLE: u8 = 0xad;
export const CMD_KBD_ENABLE: u8 = 0xae;
export const CMD_READ_INPUT: u8 = 0xc0;
export const CMD_READ_OUTPUT: u8 = 0xd0;
export const CMD_WRITE_OUTPUT: u8 = 0xd1;
export const CMD_WRITE_KBD_OB: u8 = 0xd2;
export const CMD_WRITE_AUX_OB: u8 = 0xd3;
export const CMD_WRITE_AUX: u8 = 0xd4;
export const CMD_A20_OFF: u8 = 0xdd;
export const CMD_A20_ON: u8 = 0xdf;
export const CMD_PULSE: u8 = 0xf0;      // 0xF0–0xFF: pulse output port bits 0–3 that are 0

// Answers
export const SELF_TEST_OK: u8 = 0x55;
export const INTERFACE_TEST_OK: u8 = 0x00;
export const INPUT_PORT: u8 = 0x80;     // bit 7: keyboard not inhibited
const AUX_ABSENT_REPLY: u8 = 0xfe;      // what the chip hands back, with timeout, when no mouse answers
const RAM_INDEX_MASK: u8 = 0x1f;
const BREAK: u8 = 0xf0;
const XLATE_BREAK_BIT: u8 = 0x80;       // the translation turns "F0 xx" into one byte with bit 7 set
const MAX_XLATE_PULLS: i32 = 4;         // at most one F0 can precede a byte

export function ctr(): u8 { return unchecked(S.ctl.ram[0]); }

export function controllerReset(): void {
  for (let i: i32 = 0; i < CTL_RAM_SIZE; i++) unchecked(S.ctl.ram[i] = 0);
  unchecked(S.ctl.ram[0] = CTR_POWER_ON);
  S.ctl.ob = 0; S.ctl.obFull = false; S.ctl.obAux = false;
  S.ctl.ctlByte = 0; S.ctl.ctlFull = false; S.ctl.ctlAux = false;
  S.ctl.pendingCmd = 0;
  S.ctl.sys = false;
  S.ctl.lastWasCommand = true;
  S.ctl.timeout = false;
  S.ctl.outport = OUTPORT_POWER_ON;
  S.ctl.xlatBreak = false;
  setIrqs(false, false);
}

// --- output buffer and IRQs ---------------------------------------------------------------------

function setIrqs(k: bool, a: bool): void {
  if (k != S.ctl.irqKbd) { S.ctl.irqKbd = k; irq_set(IRQ_PIN_KBD, k ? 1 : 0); }
  if (a != S.ctl.irqAux) { S.ctl.irqAux = a; irq_set(IRQ_PIN_AUX, a ? 1 : 0); }
}

function updateIrqs(): void {
  const c = ctr();
  const full = S.ctl.obFull;
  setIrqs(full && !S.ctl.obAux && (c & CTR_KBD_INT) != 0 && (c & CTR_KBD_DISABLE) == 0,
          full && S.ctl.obAux && (c & CTR_AUX_INT) != 0);
}

// A controller reply; it goes ahead of device data (one slot: a newer reply replaces an
// unread one still waiting behind a full output buffer, as the chip's firmware overwrites).
function ctlReply(b: u8, aux: bool): void {
  S.ctl.ctlByte = b;
  S.ctl.ctlAux = aux;
  S.ctl.ctlFull = true;
}

function load(b: u8, aux: bool): void {
  S.ctl.ob = b;
  S.ctl.obAux = aux;
  S.ctl.obFull = true;
}

// One keyboard byte through the translation (F0 is swallowed and marks the next byte as a
// break code). Returns -1 when the keyboard had only an F0 to give.
function pullKeyboard(): i32 {
  if ((ctr() & CTR_XLATE) == 0) return <i32>kbdPop();
  for (let i: i32 = 0; i < MAX_XLATE_PULLS && kbdHasData(); i++) {
    const b = kbdPop();
    if (b == BREAK) { S.ctl.xlatBreak = true; continue; }
    const t = set2ToSet1(b) | (S.ctl.xlatBreak ? XLATE_BREAK_BIT : <u8>0);
    S.ctl.xlatBreak = false;
    return <i32>t;
  }
  return -1;
}

// Refills the output buffer if it is empty and updates the IRQ lines. Called after every change.
export function service(): void {
  if (S.ctl.mousePresent) mouseFlushStream();
  if (!S.ctl.obFull) {
    const c = ctr();
    if (S.ctl.ctlFull) {
      S.ctl.ctlFull = false;
      load(S.ctl.ctlByte, S.ctl.ctlAux);
    } else if ((c & CTR_KBD_DISABLE) == 0 && kbdHasData()) {
      const b = pullKeyboard();
      if (b >= 0) load(<u8>b, false);
    }
    if (!S.ctl.obFull && S.ctl.mousePresent && (c & CTR_AUX_DISABLE) == 0 && mouseHasData()) load(mousePop(), true);
  }
  updateIrqs();
}

// --- port 0x60 / 0x64 ---------------------------------------------------------------------------

export function readData(): u8 {
  const v = S.ctl.ob;
  if (S.ctl.obFull) {
    S.ctl.obFull = false;
    S.ctl.timeout = false;
    updateIrqs(); // the line drops; service() raises it again if more is pending
    service();
  }
  return v;
}

export function readStatus(): u8 {
  let s: u8 = STATUS_UNLOCKED;
  if (S.ctl.obFull) s |= STATUS_OBF;
  if (S.ctl.obFull && S.ctl.obAux) s |= STATUS_AUX_OBF;
  if (S.ctl.sys) s |= STATUS_SYS;
  if (S.ctl.lastWasCommand) s |= STATUS_CMD;
  if (S.ctl.timeout) s |= STATUS_TIMEOUT;
  return s;
}

export function writeData(v: u8): void {
  S.ctl.lastWasCommand = false;
  const cmd = S.ctl.pendingCmd;
  S.ctl.pendingCmd = 0;
  if (cmd == 0) dataToKeyboard(v);
  else if (cmd >= CMD_WRITE_RAM && cmd <= (CMD_WRITE_RAM | RAM_INDEX_MASK)) writeRam(cmd & RAM_INDEX_MASK, v);
  else if (cmd == CMD_WRITE_OUTPUT) writeOutport(v);
  else if (cmd == CMD_WRITE_KBD_OB) ctlReply(v, false);
  else if (cmd == CMD_WRITE_AUX_OB) ctlReply(v, true);
  else if (cmd == CMD_WRITE_AUX) dataToMouse(v);
  service();
}

export function writeCommand(c: u8): void {
  S.ctl.lastWasCommand = true;
  S.ctl.pendingCmd = 0;
  if (c >= CMD_READ_RAM && c <= (CMD_READ_RAM | RAM_INDEX_MASK)) cmdReadRam(c & RAM_INDEX_MASK);
  else if (c >= CMD_WRITE_RAM && c <= (CMD_WRITE_RAM | RAM_INDEX_MASK)) S.ctl.pendingCmd = c;
  else if (c >= CMD_PULSE) cmdPulse(c);
  else {
    switch (c) {
      case CMD_AUX_DISABLE: setCtrBit(CTR_AUX_DISABLE, true); break;
      case CMD_AUX_ENABLE: setCtrBit(CTR_AUX_DISABLE, false); break;
      case CMD_AUX_TEST: ctlReply(INTERFACE_TEST_OK, false); break;
      case CMD_SELF_TEST: cmdSelfTest(); break;
      case CMD_KBD_TEST: ctlReply(INTERFACE_TEST_OK, false); break;
      case CMD_KBD_DISABLE: setCtrBit(CTR_KBD_DISABLE, true); break;
      case CMD_KBD_ENABLE: setCtrBit(CTR_KBD_DISABLE, false); break;
      case CMD_READ_INPUT: ctlReply(INPUT_PORT, false); break;
      case CMD_READ_OUTPUT: cmdReadOutport(); break;
      case CMD_WRITE_OUTPUT: case CMD_WRITE_KBD_OB: case CMD_WRITE_AUX_OB: case CMD_WRITE_AUX:
        S.ctl.pendingCmd = c; break;
      case CMD_A20_OFF: setA20(false); break;
      case CMD_A20_ON: setA20(true); break;
      default:
        guestError("unknown i8042 command 0x%x ignored", <u32>c);
    }
  }
  service();
}

// --- one function per command behaviour -------------------------------------------------------

function cmdReadRam(i: u8): void { ctlReply(unchecked(S.ctl.ram[<i32>i]), false); }

function writeRam(i: u8, v: u8): void {
  unchecked(S.ctl.ram[<i32>i] = v);
  if (i == 0) S.ctl.sys = (v & CTR_SYS) != 0; // the status SYS flag follows CTR bit 2
}

function setCtrBit(bit: u8, on: bool): void {
  const c = ctr();
  unchecked(S.ctl.ram[0] = on ? c | bit : c & ~bit);
}

// 0xAA: the controller passes its self test and sets the SYS flag.
function cmdSelfTest(): void {
  S.ctl.sys = true;
  ctlReply(SELF_TEST_OK, false);
}

function outportNow(): u8 {
  let v: u8 = S.ctl.outport & ~(OUT_OBF | OUT_AUX_OBF);
  if (S.ctl.obFull) v |= S.ctl.obAux ? OUT_AUX_OBF : OUT_OBF;
  return v;
}

function cmdReadOutport(): void { ctlReply(outportNow(), false); }

// Stores a new output port value; tells the platform when the A20 gate changes.
function setOutport(v: u8): void {
  const was = (S.ctl.outport & OUT_A20) != 0;
  const now = (v & OUT_A20) != 0;
  S.ctl.outport = v & ~(OUT_OBF | OUT_AUX_OBF);
  if (was != now) platform(PLATFORM_A20, now ? 1 : 0, 0);
}

// 0xDD / 0xDF.
function setA20(on: bool): void {
  setOutport(on ? S.ctl.outport | OUT_A20 : S.ctl.outport & ~OUT_A20);
}

// 0xD1 data: the output port. Bit 1 drives A20; bit 0 low resets the CPU.
function writeOutport(v: u8): void {
  setOutport(v);
  if ((v & OUT_RESET) == 0) platform(PLATFORM_RESET, 0, 0);
}

// 0xF0–0xFF: output port bits 0–3 whose command bit is 0 are pulsed low; bit 0 is the reset line.
function cmdPulse(c: u8): void {
  if ((c & OUT_RESET) == 0) platform(PLATFORM_RESET, 0, 0);
}

// A byte written to port 0x60 with no controller command pending goes to the keyboard; sending
// to the keyboard enables its interface (the chip clears CTR bit 4).
function dataToKeyboard(v: u8): void {
  setCtrBit(CTR_KBD_DISABLE, false);
  kbdWrite(v);
}

// 0xD4 data: to the mouse (enabling the aux interface), or, with no mouse, the chip's timeout.
function dataToMouse(v: u8): void {
  if (!S.ctl.mousePresent) {
    S.ctl.timeout = true;
    ctlReply(AUX_ABSENT_REPLY, true);
    return;
  }
  setCtrBit(CTR_AUX_DISABLE, false);
  mouseWrite(v);
}
