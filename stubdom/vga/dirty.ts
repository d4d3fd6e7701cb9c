// Dirty tracking of VRAM, one flag per 4 KiB page: the device marks pages it writes itself
// (legacy window, banked VBE window, LFB accesses that arrive as ioreqs); pages the guest wrote
// through the mapped LFB come from the host's log (display_dirty_vram) and are merged in before
// each frame. The renderer asks per scanline and clears what it drew. The flags are a cache
// (D.dirtyPages): after a restore everything is redrawn anyway.
import { display_dirty_vram } from "../lib/abi";
import { PAGE_SHIFT } from "./layout";
import { D, vramSize } from "./state";

function pageCount(): u32 { return vramSize() >> PAGE_SHIFT; }

// The length of [start, start + len) that lies inside VRAM (0 when none does).
function clampToVram(start: u32, len: u32): u32 {
  const size = vramSize();
  if (start >= size) return 0;
  return len > size - start ? size - start : len;
}

// Marks the page holding VRAM byte `off` (masked to VRAM).
export function markByte(off: u32): void {
  D.dirtyPages[<i32>(((off & (vramSize() - 1)) >> PAGE_SHIFT))] = 1;
}

export function markAll(): void { setPages(1); }

function setPages(v: u8): void {
  const pages = D.dirtyPages;
  const n = <i32>pageCount();
  for (let i = 0; i < n; i++) pages[i] = v;
}

// Pulls the host's LFB dirty log for [start, start + len) of VRAM into the page flags.
export function mergeHostLog(start: u32, len: u32): void {
  len = clampToVram(start, len);
  if (len == 0) return;
  const first = start >> PAGE_SHIFT;
  const last = (start + len - 1) >> PAGE_SHIFT;
  const n = last - first + 1;
  const bytes = <i32>((n + 7) >> 3);
  const hostBitmap = D.hostDirty;
  const pages = D.dirtyPages;
  for (let i = 0; i < bytes; i++) hostBitmap[i] = 0;
  if (display_dirty_vram(<i32>(first << PAGE_SHIFT), <i32>(n << PAGE_SHIFT), changetype<usize>(hostBitmap)) != 0) return;
  for (let i: u32 = 0; i < n; i++) {
    if ((hostBitmap[<i32>(i >> 3)] >> <u8>(i & 7)) & 1) pages[<i32>(first + i)] = 1;
  }
}

// True when any page of VRAM bytes [start, start + len) is dirty (len > 0, range within VRAM).
export function rangeDirty(start: u32, len: u32): bool {
  len = clampToVram(start, len);
  if (len == 0) return false;
  const last = (start + len - 1) >> PAGE_SHIFT;
  const pages = D.dirtyPages;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) if (pages[<i32>p]) return true;
  return false;
}

// First/last dirty byte within [start, start+len) at page granularity: returns the offset of the
// first dirty page's start (clamped to the range) or -1; D.dirtyEnd gets the clamped end.
export function dirtySpan(start: u32, len: u32): i64 {
  len = clampToVram(start, len);
  if (len == 0) return -1;
  const end = start + len;
  const last = (end - 1) >> PAGE_SHIFT;
  let lo: i64 = -1;
  const pages = D.dirtyPages;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) {
    if (!pages[<i32>p]) continue;
    const ps = p << PAGE_SHIFT;
    const pe = ps + (1 << PAGE_SHIFT);
    if (lo < 0) lo = <i64>(ps > start ? ps : start);
    D.dirtyEnd = pe < end ? pe : end;
  }
  return lo;
}

export function clearRange(start: u32, len: u32): void {
  len = clampToVram(start, len);
  if (len == 0) return;
  const last = (start + len - 1) >> PAGE_SHIFT;
  const pages = D.dirtyPages;
  for (let p = start >> PAGE_SHIFT; p <= last; p++) pages[<i32>p] = 0;
}

export function clearAll(): void { setPages(0); }
