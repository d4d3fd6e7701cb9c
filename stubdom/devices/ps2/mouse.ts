// The PS/2 mouse behind the i8042's aux port (0xD4): its commands (one function each), stream
// and remote modes, wrap (echo) mode, the IntelliMouse (id 3) and Explorer (id 4) wheel
// handshakes, and movement packets from host events. Replies sit in their own queue ahead of
// movement data; a new command discards unread replies and resets the movement counters (as
// the PS/2 mouse spec says for every command but resend). Packets are queued only whole, and no
// stream data is produced while reporting is disabled, in remote or wrap mode, or while a
// command is in progress (waiting for its argument, or its replies not yet read). Movement that
// cannot be sent yet stays in the counters and goes out later, split into 9-bit packets.
import { ByteFifo } from "../../lib/fifo";
import { S, MouseState, MOUSE_RATE_DEFAULT, MOUSE_RES_DEFAULT } from "./state";

// Commands
export const AUX_SET_SCALE11: u8 = 0xe6;
export const AUX_SET_SCALE21: u8 = 0xe7;
export const AUX_SET_RES: u8 = 0xe8;
export const AUX_STATUS: u8 = 0xe9;
export const AUX_SET_STREAM: u8 = 0xea;
export const AUX_POLL: u8 = 0xeb;
export const AUX_RESET_WRAP: u8 = 0xec;
export const AUX_SET_WRAP: u8 = 0xee;
export const AUX_SET_REMOTE: u8 = 0xf0;
export const AUX_GET_ID: u8 = 0xf2;
export const AUX_SET_RATE: u8 = 0xf3;
export const AUX_ENABLE: u8 = 0xf4;
export const AUX_DISABLE: u8 = 0xf5;
export const AUX_DEFAULTS: u8 = 0xf6;
export const AUX_RESEND: u8 = 0xfe;
export const AUX_RESET: u8 = 0xff;

// Replies
export const AUX_ACK: u8 = 0xfa;
export const AUX_NAK: u8 = 0xfe;
export const AUX_BAT_OK: u8 = 0xaa;

export const MOUSE_ID_STANDARD: u8 = 0;
export const MOUSE_ID_INTELLIMOUSE: u8 = 3;
export const MOUSE_ID_EXPLORER: u8 = 4;

const FIRST_COMMAND: u8 = AUX_SET_SCALE11; // bytes below this are never commands
const MAX_RESOLUTION: u8 = 3;
const PKT_ALWAYS1: u8 = 0x08;
const PKT_X_SIGN: u8 = 0x10;
const PKT_Y_SIGN: u8 = 0x20;
const PKT_X_OVERFLOW: u8 = 0x40;
const PKT_Y_OVERFLOW: u8 = 0x80;
const BUTTON_LEFT: u8 = 1;
const BUTTON_RIGHT: u8 = 2;
const BUTTON_MIDDLE: u8 = 4;
const STATUS_REMOTE: u8 = 0x40;
const STATUS_ENABLED: u8 = 0x20;
const STATUS_SCALE21: u8 = 0x10;
const STATUS_LEFT: u8 = 0x04;      // the status byte orders the buttons left, middle, right
const STATUS_MIDDLE: u8 = 0x02;
const STATUS_RIGHT: u8 = 0x01;
const PKT_BUTTONS: u8 = 0x07;      // packet byte 0 bits 0–2: left, right, middle (host order)
const Z_NIBBLE: u8 = 0x0f;
const INTELLI_Z_MAX: i32 = 127;
const EXPLORER_Z_MIN: i32 = -8;
const EXPLORER_Z_MAX: i32 = 7;
const DELTA_MIN: i32 = -256; // a packet carries 9-bit two's complement deltas
const DELTA_MAX: i32 = 255;
const ACCUMULATED_LIMIT: i32 = 1 << 16; // counters saturate here while the guest does not read
const MAX_PACKETS_PER_FLUSH: i32 = 8;

export function mouseReset(m: MouseState): void {
  m.replies.clear();
  setDefaults(m);
  m.id = MOUSE_ID_STANDARD;
  m.wrap = false;
  m.argCmd = 0;
  m.lastSent = 0;
  m.buttons = 0;
  m.reported = 0;
}

function setDefaults(m: MouseState): void {
  m.data.clear();
  m.remote = false;
  m.reporting = false;
  m.scale21 = false;
  m.rate = MOUSE_RATE_DEFAULT;
  m.resolution = MOUSE_RES_DEFAULT;
  clearRates(m);
  clearCounters(m);
}

function clearRates(m: MouseState): void { m.rates[0] = 0; m.rates[1] = 0; m.rates[2] = 0; }
function clearCounters(m: MouseState): void { m.dx = 0; m.dy = 0; m.dz = 0; }
function reply(b: u8): void { S.mouse.replies.push(b); }

// --- the byte stream towards the controller ---------------------------------------------------

export function mouseHasData(): bool { return !S.mouse.replies.isEmpty() || !S.mouse.data.isEmpty(); }

export function mousePop(): u8 {
  const b = !S.mouse.replies.isEmpty() ? S.mouse.replies.pop() : S.mouse.data.pop();
  S.mouse.lastSent = b;
  return b;
}

// --- commands (bytes the guest sends with 0xD4) -----------------------------------------------

export function mouseWrite(b: u8): void {
  if (b == AUX_RESEND) { cmdResend(); return; }
  S.mouse.replies.clear();
  if (S.mouse.wrap && b != AUX_RESET_WRAP && b != AUX_RESET) { reply(b); return; } // wrap: echo
  if (b != AUX_POLL) clearCounters(S.mouse); // every command but poll (which reports them) and resend
  const arg = S.mouse.argCmd;
  if (arg != 0) {
    S.mouse.argCmd = 0;
    if (b < FIRST_COMMAND) { argument(arg, b); return; }
    // a command byte where an argument was expected: the mouse runs the new command
  }
  switch (b) {
    case AUX_SET_SCALE11: cmdScaling(false); break;
    case AUX_SET_SCALE21: cmdScaling(true); break;
    case AUX_SET_RES: case AUX_SET_RATE: cmdWithArgument(b); break;
    case AUX_STATUS: cmdStatus(); break;
    case AUX_SET_STREAM: cmdMode(false); break;
    case AUX_POLL: cmdPoll(); break;
    case AUX_RESET_WRAP: cmdWrap(false); break;
    case AUX_SET_WRAP: cmdWrap(true); break;
    case AUX_SET_REMOTE: cmdMode(true); break;
    case AUX_GET_ID: cmdGetId(); break;
    case AUX_ENABLE: cmdReporting(true); break;
    case AUX_DISABLE: cmdReporting(false); break;
    case AUX_DEFAULTS: cmdDefaults(); break;
    case AUX_RESET: cmdReset(); break;
    default: reply(AUX_NAK); // unknown command (vendor probes end here) or a stray argument
  }
}

function cmdWithArgument(b: u8): void {
  S.mouse.argCmd = b;
  reply(AUX_ACK);
}

function argument(cmd: u8, v: u8): void {
  if (cmd == AUX_SET_RES) argResolution(v);
  else argSampleRate(v);
}

// 0xE8 argument: 0–3 (1, 2, 4, 8 counts/mm); anything else is refused.
function argResolution(v: u8): void {
  if (v > MAX_RESOLUTION) { reply(AUX_NAK); return; }
  S.mouse.resolution = v;
  reply(AUX_ACK);
}

function validRate(v: u8): bool {
  return v == 10 || v == 20 || v == 40 || v == 60 || v == 80 || v == 100 || v == 200;
}

// 0xF3 argument: one of the seven documented rates. The last three rates are the knock:
// 200,100,80 → IntelliMouse (id 3), 200,200,80 → IntelliMouse Explorer (id 4).
function argSampleRate(v: u8): void {
  if (!validRate(v)) { reply(AUX_NAK); clearRates(S.mouse); return; }
  S.mouse.rate = v;
  const r = S.mouse.rates;
  r[0] = r[1]; r[1] = r[2]; r[2] = v;
  if (r[0] == 200 && r[1] == 100 && r[2] == 80) S.mouse.id = MOUSE_ID_INTELLIMOUSE;
  else if (r[0] == 200 && r[1] == 200 && r[2] == 80) S.mouse.id = MOUSE_ID_EXPLORER;
  reply(AUX_ACK);
}

function cmdScaling(twoToOne: bool): void {
  S.mouse.scale21 = twoToOne;
  reply(AUX_ACK);
}

// 0xE9: ACK, then status (mode, reporting, scaling, buttons left/middle/right in bits 2/1/0),
// resolution and sample rate.
function cmdStatus(): void {
  const b = S.mouse.buttons;
  let s: u8 = (S.mouse.remote ? STATUS_REMOTE : 0) | (S.mouse.reporting ? STATUS_ENABLED : 0) | (S.mouse.scale21 ? STATUS_SCALE21 : 0);
  if (b & BUTTON_LEFT) s |= STATUS_LEFT;
  if (b & BUTTON_MIDDLE) s |= STATUS_MIDDLE;
  if (b & BUTTON_RIGHT) s |= STATUS_RIGHT;
  reply(AUX_ACK);
  reply(s);
  reply(S.mouse.resolution);
  reply(S.mouse.rate);
}

// 0xEA stream / 0xF0 remote.
function cmdMode(remote: bool): void {
  S.mouse.remote = remote;
  S.mouse.data.clear();
  reply(AUX_ACK);
}

// 0xEB: ACK and one packet of the movement so far (in either mode; no scaling).
function cmdPoll(): void {
  reply(AUX_ACK);
  sendPacket(S.mouse.replies, false);
}

function cmdWrap(on: bool): void {
  S.mouse.wrap = on;
  reply(AUX_ACK);
}

function cmdGetId(): void {
  reply(AUX_ACK);
  reply(S.mouse.id);
}

function cmdReporting(on: bool): void {
  S.mouse.reporting = on;
  if (!on) S.mouse.data.clear();
  reply(AUX_ACK);
}

function cmdDefaults(): void {
  setDefaults(S.mouse);
  reply(AUX_ACK);
}

// 0xFF: defaults, standard id, out of wrap mode; ACK, self-test passed, id 0.
function cmdReset(): void {
  setDefaults(S.mouse);
  S.mouse.id = MOUSE_ID_STANDARD;
  S.mouse.wrap = false;
  reply(AUX_ACK);
  reply(AUX_BAT_OK);
  reply(MOUSE_ID_STANDARD);
}

function cmdResend(): void {
  S.mouse.replies.clear();
  S.mouse.argCmd = 0;
  reply(S.mouse.lastSent);
}

// --- host movement ----------------------------------------------------------------------------

function saturate(v: i32): i32 { return v > ACCUMULATED_LIMIT ? ACCUMULATED_LIMIT : v < -ACCUMULATED_LIMIT ? -ACCUMULATED_LIMIT : v; }
function clamp(v: i32, lo: i32, hi: i32): i32 { return v < lo ? lo : v > hi ? hi : v; }

// A host mouse event: dx right-positive, dy down-positive (screen), wheel up-positive (evdev
// REL_WHEEL), buttons bit 0 left, 1 right, 2 middle. PS/2 reports y up-positive and the wheel
// towards-the-user positive, so both are negated here.
export function mouseEvent(dx: i32, dy: i32, wheel: i32, buttons: u8): void {
  S.mouse.buttons = buttons & (BUTTON_LEFT | BUTTON_RIGHT | BUTTON_MIDDLE);
  if (!S.mouse.reporting && !S.mouse.remote) return; // stream mode with reporting off: nothing counts
  S.mouse.dx = saturate(S.mouse.dx + dx);
  S.mouse.dy = saturate(S.mouse.dy - dy);
  if (S.mouse.id != MOUSE_ID_STANDARD) S.mouse.dz = saturate(S.mouse.dz - wheel); // no wheel on a 3-byte mouse
}

function commandInProgress(): bool { return S.mouse.argCmd != 0 || !S.mouse.replies.isEmpty(); }

// Moves pending movement into the data queue as stream packets when streaming is allowed.
export function mouseFlushStream(): void {
  if (!S.mouse.reporting || S.mouse.remote || S.mouse.wrap || commandInProgress()) return;
  for (let i: i32 = 0; i < MAX_PACKETS_PER_FLUSH; i++) {
    if (S.mouse.dx == 0 && S.mouse.dy == 0 && S.mouse.dz == 0 && S.mouse.buttons == S.mouse.reported) return;
    if (!sendPacket(S.mouse.data, S.mouse.scale21)) return;
  }
}

// 2:1 scaling as the PS/2 mouse applies it (stream mode only).
function scale21(v: i32): i32 {
  const a = v < 0 ? -v : v;
  let s: i32;
  if (a == 2) s = 1;
  else if (a == 3) s = 3;
  else if (a == 4) s = 6;
  else if (a == 5) s = 9;
  else if (a < 2) s = a;
  else s = a * 2;
  return v < 0 ? -s : s;
}

// Builds one packet from the counters into `q` if it fits whole; consumes what it reports.
function sendPacket(q: ByteFifo, scaled: bool): bool {
  const m = S.mouse;
  const size: i32 = m.id == MOUSE_ID_STANDARD ? 3 : 4;
  if (q.free() < size) return false;
  const dx = clamp(m.dx, DELTA_MIN, DELTA_MAX);
  const dy = clamp(m.dy, DELTA_MIN, DELTA_MAX);
  m.dx -= dx;
  m.dy -= dy;
  let rx = scaled ? scale21(dx) : dx;
  let ry = scaled ? scale21(dy) : dy;
  let b0: u8 = PKT_ALWAYS1 | (m.buttons & PKT_BUTTONS);
  if (rx < DELTA_MIN || rx > DELTA_MAX) { b0 |= PKT_X_OVERFLOW; rx = clamp(rx, DELTA_MIN, DELTA_MAX); }
  if (ry < DELTA_MIN || ry > DELTA_MAX) { b0 |= PKT_Y_OVERFLOW; ry = clamp(ry, DELTA_MIN, DELTA_MAX); }
  if (rx < 0) b0 |= PKT_X_SIGN;
  if (ry < 0) b0 |= PKT_Y_SIGN;
  q.push(b0);
  q.push(<u8>rx);
  q.push(<u8>ry);
  if (size == 4) {
    let z: i32;
    if (m.id == MOUSE_ID_INTELLIMOUSE) z = clamp(m.dz, -INTELLI_Z_MAX, INTELLI_Z_MAX);
    else z = clamp(m.dz, EXPLORER_Z_MIN, EXPLORER_Z_MAX); // Explorer: z in bits 0–3, buttons 4/5 (not provided) above
    m.dz -= z;
    q.push(m.id == MOUSE_ID_INTELLIMOUSE ? <u8>z : <u8>z & Z_NIBBLE);
  } else {
    m.dz = 0; // a 3-byte mouse has no wheel
  }
  m.reported = m.buttons;
  return true;
}
