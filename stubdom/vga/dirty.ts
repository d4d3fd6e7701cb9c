// Dirty tracking of VRAM, one flag per 4 KiB page: the device marks pages it writes itself
// (legacy window, banked VBE window, LFB accesses that arrive as ioreqs); pages the guest wrote
// through the mapped LFB come from the host's log (display_dirty_vram) and are merged in before
// each frame. The renderer asks per scanline and clears what it drew.
import { display_dirty_vram } from "../lib/abi";
import { MAX_VRAM_PAGES, PAGE_SHIFT, vramSize } from "./layout";

const pages = new StaticArray<u8>(MAX_VRAM_PAGES);
const hostBitmap = new StaticArray<u8>(MAX_VRAM_PAGES >> 3);

function pageCount(): u32 { return vramSize() >> PAGE_SHIFT; }

// Marks the page holding VRAM byte `off` (masked to VRAM).
export function markByte(off: u32): void {
  pages[<i32>(((off & (vramSize() - 1)) >> PAGE_SHIFT))] = 1;
}

export function markAll(): void {
  const n = <i32>pageCount();
  for (let i = 0; i < n; i++) pages[i] = 1;
}

// Pulls the host's LFB dirty log for [start, start + len) of VRAM into the page flags.
export function mergeHostLog(start: u32, len: u32): void {
  const size = vramSize();
  if (start >= size || len == 0) return;
  if (len > size - start) len = size - start;
  const first = start >> PAGE_SHIFT;
  const last = (start + len - 1) >> PAGE_SHIFT;
  const n = last - first + 1;
  const bytes = <i32>((n + 7) >> 3);
  for (let i = 0; i < bytes; i++) hostBitmap[i] = 0;
  if (display_dirty_vram(<i32>(first << PAGE_SHIFT), <i32>(n << PAGE_SHIFT), changetype<usize>(hostBitmap)) != 0) return;
  for (let i: u32 = 0; i < n; i++) {
    if ((hostBitmap[<i32>(i >> 3)] >> <u8>(i & 7)) & 1) pages[<i32>(first + i)] = 1;
  }
}

// True when any page of VRAM bytes [start, start + len) is dirty (len > 0, range within VRAM).
export function rangeDirty(start: u32, len: u32): bool {
  const size = vramSize();
  if (start >= size || len == 0) return false;
  if (len > size - start) len = size - start;
  const last = (start + len - 1) >> PAGE_SHIFT;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) if (pages[<i32>p]) return true;
  return false;
}

// First/last dirty byte within [start, start+len) at page granularity: returns the offset of the
// first dirty page's start (clamped to the range) or -1; `dirtyEnd` gets the clamped end.
export let dirtyEnd: u32 = 0;
export function dirtySpan(start: u32, len: u32): i64 {
  const size = vramSize();
  if (start >= size || len == 0) return -1;
  if (len > size - start) len = size - start;
  const end = start + len;
  const last = (end - 1) >> PAGE_SHIFT;
  let lo: i64 = -1;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) {
    if (!pages[<i32>p]) continue;
    const ps = p << PAGE_SHIFT;
    const pe = ps + (1 << PAGE_SHIFT);
    if (lo < 0) lo = <i64>(ps > start ? ps : start);
    dirtyEnd = pe < end ? pe : end;
  }
  return lo;
}

export function clearRange(start: u32, len: u32): void {
  const size = vramSize();
  if (start >= size || len == 0) return;
  if (len > size - start) len = size - start;
  const last = (start + len - 1) >> PAGE_SHIFT;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) pages[<i32>p] = 0;
}

export function clearAll(): void {
  const n = <i32>pageCount();
  for (let i = 0; i < n; i++) pages[i] = 0;
}
