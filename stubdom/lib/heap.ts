// The sealed heap. Devices use AssemblyScript's `stub` runtime: a bump allocator that never frees,
// so anything allocated after dev_init leaks for ever, and a guest that can reach an allocating
// path can grow the module without bound. Allocation belongs to dev_init; sealHeap() (called by
// every device at the end of dev_init) closes it. asconfig.json routes the runtime's entry points
// (`--use __new=…`, `__alloc`, `__renew`, `__realloc`: every object, string, array growth and
// heap.alloc goes through one of them) to the wrappers below, which forward to the stub runtime
// until the heap is sealed. After that an allocation is a bug on a guest-reachable path: it is
// logged (from a static buffer: the report itself allocates nothing) and the device traps, so the
// runtime contains it (its registers read all-ones, docs/abi.md) instead of letting the guest
// grow it a few bytes per access until the stub domain runs out of memory. The register storm
// (test/unit/register-storm.test.ts) drives every device's registers to find such paths first.
import { __new as stubNew, __alloc as stubAlloc, __renew as stubRenew, __realloc as stubRealloc } from "~lib/rt/stub";
import { log, LOG_ERROR } from "./abi";

let sealed: bool = false;

// Ends the allocation phase (the last thing dev_init does, on success and on failure).
export function sealHeap(): void { sealed = true; }

// A device's dev_init is `return sealAfter(init(ptr, len));`: the argument runs init (everything
// the device allocates), then the heap is sealed, on success and on failure; init's code is returned.
export function sealAfter(rc: i32): i32 { sealHeap(); return rc; }

export function heapSealed(): bool { return sealed; }

// ASCII only, so one UTF-16 unit is one byte; never allocates.
function report(size: usize): void {
  const msg = "allocation after dev_init (a guest-reachable path allocates; the stub runtime never frees): trapping, bytes=";
  const buf = memory.data(160);
  let n: i32 = min(msg.length, 140);
  for (let i: i32 = 0; i < n; i++) store<u8>(buf + <usize>i, <u8>msg.charCodeAt(i));
  let digits: i32 = 1;
  for (let v = size; v >= 10; v /= 10) digits++;
  let v = size;
  for (let i: i32 = digits - 1; i >= 0; i--) { store<u8>(buf + <usize>(n + i), <u8>(0x30 + <i32>(v % 10))); v /= 10; }
  log(LOG_ERROR, <i32>buf, n + digits);
}

@inline function guard(size: usize): void {
  if (sealed) { report(size); unreachable(); }
}

export function sealedNew(size: usize, id: u32): usize { guard(size); return stubNew(size, id); }
export function sealedAlloc(size: usize): usize { guard(size); return stubAlloc(size); }
export function sealedRenew(ptr: usize, size: usize): usize { guard(size); return stubRenew(ptr, size); }
export function sealedRealloc(ptr: usize, size: usize): usize { guard(size); return stubRealloc(ptr, size); }
