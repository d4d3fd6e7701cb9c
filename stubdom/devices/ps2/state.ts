// All of the PS/2 device's mutable state, in one object `S` (so it can be saved and restored as
// a unit): the i8042 controller (S.ctl), the keyboard (S.kbd) and the mouse (S.mouse). Behaviour
// lives in i8042.ts, keyboard.ts, mouse.ts and typematic.ts; this file only holds fields and
// power-on values. Nothing here is a cache: every field is true state, except the few marked
// "host-facing" (what the runtime was last told: IRQ levels, the armed timer — a restore must
// re-assert them) and "scratch" (meaningless between calls). The scan-code tables
// (scancodes.ts) are constants built at start-up, not state.
import { ByteFifo } from "../../lib/fifo";

// Queue sizes. A real MF2 keyboard buffers 16 bytes of key data; PS/2 mice keep a similar
// buffer. Replies to commands live in their own small queues, ahead of the data.
export const KBD_QUEUE_SIZE: i32 = 16;
export const MOUSE_QUEUE_SIZE: i32 = 16;
export const REPLY_QUEUE_SIZE: i32 = 8;
export const CTL_RAM_SIZE: i32 = 32;
export const MAX_KEY_SEQUENCE: i32 = 8; // Pause: E1 14 77 E1 F0 14 F0 77
export const KNOCK_RATES: i32 = 3;

// Power-on values (the chip's, as QEMU's reset also uses them).
export const CTR_POWER_ON: u8 = 0x03;     // keyboard and aux IRQs enabled, nothing disabled
export const OUTPORT_POWER_ON: u8 = 0xcf; // reset line high, A20 on, unused bits 2,3,6,7 high
export const TYPEMATIC_DEFAULT: u8 = 0x2b; // 10.9 characters/s after 500 ms
export const MOUSE_RATE_DEFAULT: u8 = 100;
export const MOUSE_RES_DEFAULT: u8 = 2;    // 4 counts/mm

export class ControllerState {
  // Internal RAM; byte 0 is the command byte (CTR). Commands 0x20–0x3F / 0x60–0x7F address it.
  ram: StaticArray<u8> = new StaticArray<u8>(CTL_RAM_SIZE);
  ob: u8 = 0;            // the output buffer (port 0x60); keeps the last byte after it is read
  obFull: bool = false;  // status OBF
  obAux: bool = false;   // the byte in `ob` came from the aux side (status AUX-OBF)
  ctlByte: u8 = 0;       // a controller reply waiting for the output buffer (ahead of device data)
  ctlFull: bool = false;
  ctlAux: bool = false;
  pendingCmd: u8 = 0;    // controller command waiting for its data byte on port 0x60 (0 = none)
  sys: bool = false;     // status SYS flag
  lastWasCommand: bool = true; // status CMD/DATA: last write went to port 0x64
  timeout: bool = false; // status timeout: a byte sent to an absent aux device
  outport: u8 = OUTPORT_POWER_ON;
  xlatBreak: bool = false; // translation saw an F0 and sets bit 7 of the next byte
  irqKbd: bool = false;  // host-facing: the levels last given to IRQ pins 0 and 1
  irqAux: bool = false;
  mousePresent: bool = true; // configuration: is a mouse plugged into the aux port
}

export class KeyboardState {
  replies: ByteFifo = new ByteFifo(REPLY_QUEUE_SIZE);
  keys: ByteFifo = new ByteFifo(KBD_QUEUE_SIZE);
  scanSet: u8 = 2;
  scanning: bool = true;
  leds: u8 = 0;
  typematic: u8 = TYPEMATIC_DEFAULT;
  argCmd: u8 = 0;        // command waiting for its argument byte (0 = none)
  lastSent: u8 = 0;      // for resend (0xFE)
  overrun: bool = false; // an overrun code is queued and keys are being dropped
  seq: StaticArray<u8> = new StaticArray<u8>(MAX_KEY_SEQUENCE); // scratch: one key event's bytes, before queueing
  repeatKey: i32 = 0;    // evdev code of the key being repeated (0 = none)
  repeatEnabled: bool = true; // configuration: typematic repeat on the virtual clock
  repeatArmed: bool = false;  // host-facing: the typematic timer is armed
}

export class MouseState {
  replies: ByteFifo = new ByteFifo(REPLY_QUEUE_SIZE);
  data: ByteFifo = new ByteFifo(MOUSE_QUEUE_SIZE);
  argCmd: u8 = 0;
  lastSent: u8 = 0;
  remote: bool = false;
  reporting: bool = false;
  scale21: bool = false;
  wrap: bool = false;
  rate: u8 = MOUSE_RATE_DEFAULT;
  resolution: u8 = MOUSE_RES_DEFAULT;
  id: u8 = 0;
  rates: StaticArray<u8> = new StaticArray<u8>(KNOCK_RATES); // the last three sample rates (knock detection)
  dx: i32 = 0;           // movement accumulated since the last packet (PS/2 sense: y up)
  dy: i32 = 0;
  dz: i32 = 0;           // wheel (PS/2 sense: positive = towards the user)
  buttons: u8 = 0;       // current buttons (bit 0 left, 1 right, 2 middle)
  reported: u8 = 0;      // buttons as last reported in a packet
}

export class Ps2State {
  ctl: ControllerState = new ControllerState();
  kbd: KeyboardState = new KeyboardState();
  mouse: MouseState = new MouseState();
}

export const S = new Ps2State();
