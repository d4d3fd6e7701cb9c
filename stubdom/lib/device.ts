// The exports every device module shares: ABI version and the staging buffer the runtime
// writes configuration strings and backend event payloads into (see docs/abi.md, dev_alloc).
import { ABI_VERSION } from "./abi";
import { logAbort } from "./log";
// The sealed heap: asconfig.json routes the runtime's allocation entry points to heap.ts, so every
// module that includes this file includes it (devices end dev_init with sealAfter, heap.ts).
export { sealHeap, sealAfter } from "./heap";

// 64 KiB + a little: the largest payload a runtime hands a device (a jumbo frame, a config string).
export const STAGING_SIZE: i32 = 65536 + 256;
const staging = new StaticArray<u8>(STAGING_SIZE);

export function abi_version(): i32 {
  return ABI_VERSION;
}

// Returns a buffer of at least `len` bytes, valid until the next dev_alloc or until the call it
// is passed to returns; 0 when `len` is larger than the device accepts.
export function dev_alloc(len: i32): i32 {
  if (len < 0 || len > STAGING_SIZE) return 0;
  return changetype<i32>(staging);
}

// The staging buffer as a string (for dev_init's configuration).
export function stagingString(ptr: i32, len: i32): string {
  if (len <= 0 || len > STAGING_SIZE) return "";
  return String.UTF8.decodeUnsafe(<usize>ptr, <usize>len, false);
}

// AssemblyScript's abort (a failed assertion, an out-of-range index): log it, then trap so the
// runtime contains this device (see docs/abi.md, trap containment).
export function deviceAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  logAbort(message, fileName, line); // no allocation: an abort may happen after the heap is sealed
  unreachable();
}
