// The imports object StubdomRuntime gives one device: the imports every device has (core.ts) and
// those of each capability (chr.ts, blk.ts, net.ts, display.ts), over a shared view of the device
// and its module memory. A capability the device's spec has no backend for answers as "absent".
import type { DeviceInstance, ImportFns } from "../device.ts";
import type { DeviceSpec } from "../device-spec.ts";
import type { StubdomRuntime } from "../runtime.ts";
import { coreImports } from "./core.ts";
import { chrImports } from "./chr.ts";
import { blkImports } from "./blk.ts";
import { netImports } from "./net.ts";
import { displayImports } from "./display.ts";

export type { ImportFns };

/** What every import function sees: the runtime, its device (instantiated after the imports are
 *  made, hence a getter) and spec, and bounds-checked access to the device's memory. */
export interface ImportContext {
  rt: StubdomRuntime;
  getDev: () => DeviceInstance;
  spec: DeviceSpec;
  name: string;
  /** The device's linear memory (a fresh view: memory may grow). */
  mem: () => Uint8Array;
  /** Whether [ptr, ptr + len) lies inside module memory. */
  inMem: (ptr: number, len: number) => boolean;
  /** A 64-bit value from its i32 halves. */
  u64: (lo: number, hi: number) => number;
}

export function importsFor(rt: StubdomRuntime, getDev: () => DeviceInstance, spec: DeviceSpec): ImportFns {
  const mem = (): Uint8Array => getDev().memory();
  const c: ImportContext = {
    rt,
    getDev,
    spec,
    name: spec.name,
    mem,
    inMem: (ptr, len) => ptr >= 0 && len >= 0 && (ptr >>> 0) + (len >>> 0) <= mem().length,
    u64: (lo, hi) => (lo >>> 0) + (hi >>> 0) * 0x1_0000_0000,
  };
  return { ...coreImports(c), ...chrImports(c), ...blkImports(c), ...netImports(c), ...displayImports(c) };
}
