// The ps2 device module: an i8042 keyboard controller at ports 0x60 (data) and 0x64
// (status/command) with a PS/2 keyboard (IRQ pin 0 → ISA IRQ 1) and a PS/2 mouse (IRQ pin 1 →
// ISA IRQ 12). Host input arrives as EVENT_KEY (evdev key code, pressed) and EVENT_MOUSE
// (dx & 0xFFFF | dy << 16, buttons | wheel << 8) events. This file only wires the ABI exports
// to the controller (i8042.ts), keyboard (keyboard.ts), mouse (mouse.ts) and typematic timer.
// Configuration (all optional): mouse=on|off (is a mouse attached to the aux port),
// typematic=on|off (auto-repeat of held keys on the virtual clock).
import { claim, SPACE_PORT, EVENT_KEY, EVENT_MOUSE } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { deviceConfig } from "../../lib/config";
import { resetLogBudget } from "../../lib/log";
import { S } from "./state";
import { controllerReset, readData, readStatus, writeData, writeCommand, service } from "./i8042";
import { kbdReset, kbdKey, kbdRepeat } from "./keyboard";
import { mouseReset, mouseEvent } from "./mouse";
import { typematicFired, typematicNext, TIMER_TYPEMATIC } from "./typematic";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

const REGION_DATA: i32 = 0;    // port 0x60
const REGION_COMMAND: i32 = 1; // port 0x64
const PORT_DATA: i32 = 0x60;
const PORT_COMMAND: i32 = 0x64;
const BYTE_MASK: i32 = 0xff;
const HIGH_BYTES_ALL_ONES: i32 = ~0xff; // a wider access: only the low byte is ours
const MOUSE_BUTTON_BITS: i32 = 0x07;    // EVENT_MOUSE b: bit 0 left, 1 right, 2 middle; wheel in bits 8–15

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("ps2", stagingString(ptr, len), ["mouse", "typematic"]);
  if (cfg === null) return 1;
  const mousePresent = cfg.bool("mouse", true);
  const repeat = cfg.bool("typematic", true);
  if (cfg.failed("ps2")) return 1;
  S.ctl.mousePresent = mousePresent;
  S.kbd.repeatEnabled = repeat;
  claim(REGION_DATA, SPACE_PORT, PORT_DATA, 0, 1);
  claim(REGION_COMMAND, SPACE_PORT, PORT_COMMAND, 0, 1);
  dev_reset();
  return 0;
}

export function dev_reset(): void {
  resetLogBudget();
  kbdReset(S.kbd);
  mouseReset(S.mouse);
  controllerReset();
}

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  if (offset != 0) return -1;
  const v: i32 = region == REGION_DATA ? <i32>readData() : <i32>readStatus();
  return size == 1 ? v : v | HIGH_BYTES_ALL_ONES;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  if (offset != 0) return;
  const b = <u8>(value & BYTE_MASK);
  if (region == REGION_DATA) writeData(b);
  else writeCommand(b);
}

export function dev_event(kind: i32, a: i32, b: i32): void {
  if (kind == EVENT_KEY) {
    kbdKey(a, b != 0);
  } else if (kind == EVENT_MOUSE) {
    const dx: i32 = <i32><i16>a;
    const dy: i32 = a >> 16;
    const wheel: i32 = <i32><i8>(b >> 8);
    mouseEvent(dx, dy, wheel, <u8>(b & MOUSE_BUTTON_BITS));
  } else {
    return;
  }
  service();
}

export function dev_timer(id: i32): void {
  if (id != TIMER_TYPEMATIC) return;
  typematicFired();
  if (kbdRepeat()) typematicNext(S.kbd.typematic);
  service();
}
