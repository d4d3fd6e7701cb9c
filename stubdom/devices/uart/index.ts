// The 16550A UART device module: configuration (`base=0x3f8`, the default), the ABI entry points,
// and the split of wide port accesses into byte accesses (an 8-bit ISA device: the bus splits a
// 16/32-bit access into consecutive bytes, low port first, as QEMU's memory core does). IRQ pin 0
// is the UART's INTR; the machine routes it (COM1: ISA IRQ 4). Bytes out: chr_send; bytes in:
// dev_event(EVENT_CHR_RX), with the receiver's room reported through chr_rx_room after every
// entry point that may have changed it (rx.ts).
import { claim, SPACE_PORT, EVENT_CHR_RX, LOG_WARN } from "../../lib/abi";
import { stagingString, STAGING_SIZE } from "../../lib/device";
import { deviceConfig } from "../../lib/config";
import { logError, logCounted, resetLogBudget } from "../../lib/log";
import { S } from "./state";
import { UART_PORTS, COM1_BASE, TIMER_CHAR_TIMEOUT } from "./regs";
import { readRegister, writeRegister } from "./registers";
import { receiveByte, receiveDone, charTimeout, rxPowerOn, reportRxRoom } from "./rx";
import { loopback, modemPowerOn } from "./modem";
import { updateIrq } from "./irq";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

const REGION_PORTS: i32 = 0;
const CONFIG_KEYS: string[] = ["base"];

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("uart", stagingString(ptr, len), CONFIG_KEYS);
  if (cfg === null) return 1;
  const base = cfg.int("base", COM1_BASE);
  if (cfg.failed("uart")) return 1;
  if (base <= 0 || base > 0xfff8 || (base & 7) != 0) {
    logError("uart: base 0x" + base.toString(16) + " is not an 8-aligned I/O port below 0xFFF8");
    return 1;
  }
  S.base = <i32>base;
  powerOn();
  claim(REGION_PORTS, SPACE_PORT, S.base, 0, UART_PORTS);
  return 0;
}

function powerOn(): void {
  S.resetRegisters();
  rxPowerOn();
  modemPowerOn();
  updateIrq();
  S.rxRoomReported = -1; // the backend hears the room again after a reset
  reportRxRoom();
}

export function dev_reset(): void {
  resetLogBudget();
  powerOn();
}

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  if (region != REGION_PORTS) return -1;
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  let v: i32 = 0;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    const b: i32 = off >= 0 && off < UART_PORTS ? <i32>readRegister(off) : 0xff;
    v |= b << (8 * i);
  }
  reportRxRoom(); // an RBR read frees room
  return v;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  if (region != REGION_PORTS) return;
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    if (off >= 0 && off < UART_PORTS) writeRegister(off, <u8>(value >>> (8 * i)));
  }
  reportRxRoom(); // FCR (FIFO on/off, RX reset) and MCR (loopback) change it
}

export function dev_timer(id: i32): void {
  if (id != TIMER_CHAR_TIMEOUT) return;
  charTimeout();
  updateIrq();
}

// Received bytes from the backend. In loopback the serial input is disconnected: they are lost.
export function dev_event(kind: i32, ptr: i32, len: i32): void {
  if (kind != EVENT_CHR_RX) return;
  if (len <= 0) return;
  const n = min(len, STAGING_SIZE);
  if (loopback()) { logCounted(LOG_WARN, "uart: %d received byte(s) dropped: loopback disconnects the input", <u32>n); return; }
  for (let i = 0; i < n; i++) receiveByte(load<u8>(<usize>ptr + <usize>i));
  receiveDone();
  updateIrq();
  reportRxRoom();
}
