// The PS/2 (MF2) keyboard behind the i8042's first port: its commands (one function each), the
// key events from the host turned into scan codes, and its two output queues. Replies to a
// command sit in their own queue ahead of key data, and a new command discards replies the
// guest has not read yet. Scan codes are produced in set 2 and converted to set 1 when the
// guest selected set 1 (set 3 is refused with 0xFE, as keyboards without it do).
// Queue full: like a real keyboard, a key event that does not fit (keeping one byte free) is
// dropped and an overrun code (0x00 in set 2, 0xFF in set 1) is queued once in its place.
import { S, KeyboardState, TYPEMATIC_DEFAULT } from "./state";
import { set2ForEvdev, set2ToSet1, E0_FLAG, SEQ_PRINT_SCREEN, SEQ_PAUSE } from "./scancodes";
import { typematicStart, typematicStop } from "./typematic";
import { LOG_INFO } from "../../lib/abi";
import { logCounted } from "../../lib/log";

// Commands
export const KBD_CMD_SET_LEDS: u8 = 0xed;
export const KBD_CMD_ECHO: u8 = 0xee;
export const KBD_CMD_SCAN_SET: u8 = 0xf0;
export const KBD_CMD_IDENTIFY: u8 = 0xf2;
export const KBD_CMD_TYPEMATIC: u8 = 0xf3;
export const KBD_CMD_ENABLE: u8 = 0xf4;
export const KBD_CMD_DEFAULT_DISABLE: u8 = 0xf5;
export const KBD_CMD_DEFAULT_ENABLE: u8 = 0xf6;
export const KBD_CMD_RESEND: u8 = 0xfe;
export const KBD_CMD_RESET: u8 = 0xff;

// Replies
export const KBD_ACK: u8 = 0xfa;
export const KBD_RESEND: u8 = 0xfe;
export const KBD_BAT_OK: u8 = 0xaa;
export const KBD_ECHO: u8 = 0xee;
export const KBD_ID_0: u8 = 0xab;
export const KBD_ID_1: u8 = 0x83;
export const KBD_OVERRUN_SET2: u8 = 0x00;
export const KBD_OVERRUN_SET1: u8 = 0xff;

const PREFIX_E0: u8 = 0xe0;
const PREFIX_E1: u8 = 0xe1;
const BREAK: u8 = 0xf0;
// Set-2 bytes of the two keys with sequences of their own (see scancodes.ts).
const PRTSC_FAKE_SHIFT: u8 = 0x12; // Print Screen: E0 12 E0 7C, released E0 F0 7C E0 F0 12
const PRTSC_CODE: u8 = 0x7c;
const PAUSE_CTRL: u8 = 0x14;       // Pause: E1 14 77 E1 F0 14 F0 77, no break sequence
const PAUSE_NUMLOCK: u8 = 0x77;
const SET1_BREAK_BIT: u8 = 0x80;   // set 1 marks a release by bit 7 instead of an F0 prefix
const ARG_COMMAND_BIT: u8 = 0x80; // an "argument" with bit 7 set is a new command
const LED_MASK: u8 = 0x07;
const TYPEMATIC_MASK: u8 = 0x7f;


export function kbdReset(k: KeyboardState): void {
  k.replies.clear();
  k.keys.clear();
  setDefaults(k);
  k.scanning = true;
  k.argCmd = 0;
  k.lastSent = 0;
}

function setDefaults(k: KeyboardState): void {
  k.scanSet = 2;
  k.leds = 0;
  k.typematic = TYPEMATIC_DEFAULT;
  k.keys.clear();
  k.overrun = false;
  k.repeatKey = 0;
  typematicStop();
}

function reply(b: u8): void { S.kbd.replies.push(b); }

// --- the byte stream towards the controller ---------------------------------------------------

export function kbdHasData(): bool { return !S.kbd.replies.isEmpty() || !S.kbd.keys.isEmpty(); }

// The next byte for the controller: replies first, then key data. Call only when kbdHasData().
export function kbdPop(): u8 {
  const b = !S.kbd.replies.isEmpty() ? S.kbd.replies.pop() : S.kbd.keys.pop();
  S.kbd.lastSent = b;
  if (S.kbd.keys.isEmpty()) S.kbd.overrun = false;
  return b;
}

// --- commands (bytes the guest writes to port 0x60) -------------------------------------------

export function kbdWrite(b: u8): void {
  if (b == KBD_CMD_RESEND) { cmdResend(); return; }
  S.kbd.replies.clear(); // a new command discards unread replies
  const arg = S.kbd.argCmd;
  if (arg != 0) {
    S.kbd.argCmd = 0;
    if ((b & ARG_COMMAND_BIT) == 0) { argument(arg, b); return; }
    // bit 7 set: not an argument; the keyboard abandons the command and runs this one
  }
  switch (b) {
    case KBD_CMD_SET_LEDS: case KBD_CMD_SCAN_SET: case KBD_CMD_TYPEMATIC: cmdWithArgument(b); break;
    case KBD_CMD_ECHO: cmdEcho(); break;
    case KBD_CMD_IDENTIFY: cmdIdentify(); break;
    case KBD_CMD_ENABLE: cmdEnable(); break;
    case KBD_CMD_DEFAULT_DISABLE: cmdDefaults(false); break;
    case KBD_CMD_DEFAULT_ENABLE: cmdDefaults(true); break;
    case KBD_CMD_RESET: cmdReset(); break;
    default:
      // Unknown, a stray argument, or one of the set-3-only key-type commands 0xF7–0xFD
      // (set 3 is not implemented, so they are refused like any unknown byte).
      reply(KBD_RESEND);
  }
}

function cmdWithArgument(b: u8): void {
  S.kbd.argCmd = b;
  reply(KBD_ACK);
}

function argument(cmd: u8, v: u8): void {
  switch (cmd) {
    case KBD_CMD_SET_LEDS: argLeds(v); break;
    case KBD_CMD_SCAN_SET: argScanSet(v); break;
    default: argTypematic(v); // KBD_CMD_TYPEMATIC
  }
}

function argLeds(v: u8): void {
  S.kbd.leds = v & LED_MASK;
  reply(KBD_ACK);
}

// 0xF0 argument: 0 = query (ACK + current set), 1/2 = select, anything else refused.
function argScanSet(v: u8): void {
  if (v == 0) { reply(KBD_ACK); reply(S.kbd.scanSet); return; }
  if (v == 1 || v == 2) {
    S.kbd.scanSet = v;
    S.kbd.keys.clear();
    S.kbd.overrun = false;
    reply(KBD_ACK);
    return;
  }
  reply(KBD_RESEND);
}

function argTypematic(v: u8): void {
  S.kbd.typematic = v & TYPEMATIC_MASK;
  reply(KBD_ACK);
}

function cmdEcho(): void { reply(KBD_ECHO); }

function cmdIdentify(): void {
  reply(KBD_ACK);
  reply(KBD_ID_0);
  reply(KBD_ID_1); // the i8042 turns 0x83 into 0x41 when translating
}

// 0xF4: clear the key buffer and start scanning.
function cmdEnable(): void {
  S.kbd.keys.clear();
  S.kbd.overrun = false;
  S.kbd.scanning = true;
  reply(KBD_ACK);
}

// 0xF5 / 0xF6: back to defaults, scanning off / on.
function cmdDefaults(scanning: bool): void {
  setDefaults(S.kbd);
  S.kbd.scanning = scanning;
  reply(KBD_ACK);
}

// 0xFF: defaults, scanning on, ACK, then the self-test (BAT) result.
function cmdReset(): void {
  setDefaults(S.kbd);
  S.kbd.scanning = true;
  reply(KBD_ACK);
  reply(KBD_BAT_OK);
}

// 0xFE: send the last byte again (unread replies are replaced by it).
function cmdResend(): void {
  S.kbd.replies.clear();
  S.kbd.argCmd = 0;
  reply(S.kbd.lastSent);
}

// --- host key events ----------------------------------------------------------------------------

// A key went down (pressed) or up. Returns false when the key has no scan code.
export function kbdKey(code: i32, pressed: bool): bool {
  const s2 = set2ForEvdev(code);
  if (s2 == 0) {
    logCounted(LOG_INFO, "ps2: host key without a scan code dropped (key code %d)", <u32>code);
    return false;
  }
  if (!S.kbd.scanning) return true;
  if (pressed) {
    emitKey(s2, true);
    if (s2 != SEQ_PAUSE) { S.kbd.repeatKey = code; typematicStart(S.kbd.typematic); }
  } else {
    emitKey(s2, false);
    if (S.kbd.repeatKey == code) { S.kbd.repeatKey = 0; typematicStop(); }
  }
  return true;
}

// The typematic timer fired: send the held key's make code again; false when nothing repeats.
export function kbdRepeat(): bool {
  if (S.kbd.repeatKey == 0 || !S.kbd.scanning) return false;
  emitKey(set2ForEvdev(S.kbd.repeatKey), true);
  return true;
}

// Builds one key event's set-2 bytes in S.kbd.seq and queues them.
function emitKey(s2: u16, make: bool): void {
  const q = S.kbd.seq;
  let n: i32 = 0;
  if (s2 == SEQ_PRINT_SCREEN) {
    if (make) { q[0] = PREFIX_E0; q[1] = PRTSC_FAKE_SHIFT; q[2] = PREFIX_E0; q[3] = PRTSC_CODE; n = 4; }
    else { q[0] = PREFIX_E0; q[1] = BREAK; q[2] = PRTSC_CODE; q[3] = PREFIX_E0; q[4] = BREAK; q[5] = PRTSC_FAKE_SHIFT; n = 6; }
  } else if (s2 == SEQ_PAUSE) {
    if (!make) return; // Pause has no break code
    q[0] = PREFIX_E1; q[1] = PAUSE_CTRL; q[2] = PAUSE_NUMLOCK;
    q[3] = PREFIX_E1; q[4] = BREAK; q[5] = PAUSE_CTRL; q[6] = BREAK; q[7] = PAUSE_NUMLOCK; n = 8;
  } else {
    if ((s2 & E0_FLAG) != 0) q[n++] = PREFIX_E0;
    if (!make) q[n++] = BREAK;
    q[n++] = <u8>s2;
  }
  queueSequence(n);
}

// Queues S.kbd.seq[0..n) whole, converted to set 1 if selected; overrun handling when full.
function queueSequence(n: i32): void {
  const set1 = S.kbd.scanSet == 1;
  let need: i32 = 0;
  for (let i: i32 = 0; i < n; i++) if (!set1 || S.kbd.seq[i] != BREAK) need++;
  // Keep one byte free for the overrun code.
  if (S.kbd.overrun || need > S.kbd.keys.free() - 1) {
    if (!S.kbd.overrun && S.kbd.keys.free() > 0) {
      S.kbd.keys.push(set1 ? KBD_OVERRUN_SET1 : KBD_OVERRUN_SET2);
      S.kbd.overrun = true;
    }
    return;
  }
  let brk: bool = false;
  for (let i: i32 = 0; i < n; i++) {
    const b = S.kbd.seq[i];
    if (!set1) { S.kbd.keys.push(b); continue; }
    if (b == BREAK) { brk = true; continue; }
    S.kbd.keys.push(set2ToSet1(b) | (brk ? SET1_BREAK_BIT : <u8>0));
    brk = false;
  }
}
