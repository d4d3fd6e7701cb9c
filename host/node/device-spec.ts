// What a host gives StubdomRuntime (runtime.ts) for a device and for itself: the device's module,
// configuration, IRQ routes and backends; the runtime's log sink and limits. Also fmtBdf, the
// bus:dev.fn spelling of a PCI function in logs.
import type { CharBackend, BlockBackend, NetBackend, DisplayBackend } from "./backends.ts";
import type { DeviceFailure } from "./device.ts";

/** Where one of a device's irq_set pins goes. */
export type IrqRoute = { isa: number } | { intx: number; bdf?: number };

export interface DeviceSpec {
  /** Instance name used in logs and failure reports. */
  name: string;
  /** Path of the .wasm file (its manifest sits beside it). */
  wasm: string;
  config?: string;
  /** irq_set pin n → route; a PCI device without routes gets pin 0 → INTA of its first function. */
  irqs?: IrqRoute[];
  chr?: CharBackend;
  blk?: BlockBackend[];
  net?: NetBackend;
  display?: DisplayBackend;
}

export type LogSink = (device: string, level: number, text: string) => void;

export interface RuntimeOptions {
  log?: LogSink;
  onFailure?: (f: DeviceFailure) => void;
  /** Largest `count` accepted for string I/O (Xen bounds it by the page; we bound it too). */
  maxRepCount?: number;
}

export function fmtBdf(bdf: number): string {
  return `${((bdf >> 8) & 0xff).toString(16).padStart(2, "0")}:${((bdf >> 3) & 0x1f).toString(16).padStart(2, "0")}.${bdf & 7}`;
}
