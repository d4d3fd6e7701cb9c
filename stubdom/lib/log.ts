// Logging through the `log` capability, without allocating: every line is written into one static
// buffer, and a per-device budget bounds how many lines a guest can cause. Guest-reachable paths
// (register accesses, config space, timers, events) log only through guestError/logCounted: the
// message is a constant string (a template with at most one %d or %x for a value), each distinct
// template is a counter (Firecracker's device metrics are the model), the first occurrence is
// logged, repeats only counted (with a line at 1000, 10^6, 10^9), and dev_reset reports the
// counts. Building a message from values with `+` or toString() allocates, and the heap is sealed
// after dev_init (heap.ts): such a message on a guest path traps the device.
import { log, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG } from "./abi";

const LINE_MAX: i32 = 256;
const line: usize = memory.data(LINE_MAX); // static data, not the heap
let lineLen: i32 = 0;

const BUDGET: i32 = 1000;
let budget: i32 = BUDGET;

// The per-kind counters: key = the address of the constant template (static data, so one kind has
// one address), its level, the count and the last value. A module with more kinds than slots
// counts the rest together in the last slot.
const KINDS: i32 = 32;
const kindKey: StaticArray<usize> = new StaticArray<usize>(KINDS);
const kindLevel: StaticArray<i32> = new StaticArray<i32>(KINDS);
const kindCount: StaticArray<u32> = new StaticArray<u32>(KINDS);
const kindValue: StaticArray<u32> = new StaticArray<u32>(KINDS);
let kindsUsed: i32 = 0;

// --- the bounded formatter (all writes stop at LINE_MAX) ---------------------------------------

function putByte(b: u8): void {
  if (lineLen < LINE_MAX) { store<u8>(line + <usize>lineLen, b); lineLen++; }
}

// ASCII; other characters become '?'.
function putStr(s: string): void {
  const n = min(s.length, LINE_MAX);
  for (let i: i32 = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    putByte(c < 0x80 ? <u8>c : 0x3f);
  }
}

function putDec(v: u32): void {
  let div: u32 = 1;
  while (v / div >= 10) div *= 10; // at most 9 steps
  for (; div > 0; div /= 10) putByte(<u8>(0x30 + (v / div) % 10));
}

function putHex(v: u32): void {
  let shift: i32 = 28;
  while (shift > 0 && ((v >>> <u32>shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) {
    const d = (v >>> <u32>shift) & 0xf;
    putByte(<u8>(d < 10 ? 0x30 + d : 0x57 + d));
  }
}

// The template with its first %d (decimal) or %x (hex) replaced by `value`.
function putTemplate(t: string, value: u32): void {
  const n = min(t.length, LINE_MAX);
  let used = false;
  for (let i: i32 = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (!used && c == 0x25 && i + 1 < n) {
      const f = t.charCodeAt(i + 1);
      if (f == 0x64) { putDec(value); used = true; i++; continue; }
      if (f == 0x78) { putHex(value); used = true; i++; continue; }
    }
    putByte(c < 0x80 ? <u8>c : 0x3f);
  }
}

function flush(level: i32): void {
  if (budget > 0) {
    budget--;
    log(level, <i32>line, lineLen);
  }
  lineLen = 0;
}

// --- plain messages (init-time text may be built freely; guest paths pass constants) ----------

function emit(level: i32, msg: string): void {
  if (budget <= 0) return;
  budget--;
  // Full UTF-8 for init-time messages (configuration values): 170 units encode to ≤ 510 bytes.
  const scratch = memory.data(512);
  const n = String.UTF8.encodeUnsafe(changetype<usize>(msg), min(msg.length, 170), scratch, false);
  log(level, <i32>scratch, <i32>n);
}

export function logError(msg: string): void { emit(LOG_ERROR, msg); }
export function logWarn(msg: string): void { emit(LOG_WARN, msg); }
export function logInfo(msg: string): void { emit(LOG_INFO, msg); }
export function logDebug(msg: string): void { emit(LOG_DEBUG, msg); }

// --- counted messages (guest-reachable paths) --------------------------------------------------

function kindOf(template: string, level: i32): i32 {
  const key = changetype<usize>(template);
  for (let i: i32 = 0; i < kindsUsed; i++) if (unchecked(kindKey[i]) == key) return i;
  if (kindsUsed < KINDS) {
    unchecked(kindKey[kindsUsed] = key);
    unchecked(kindLevel[kindsUsed] = level);
    unchecked(kindCount[kindsUsed] = 0);
    return kindsUsed++;
  }
  return KINDS - 1; // the overflow slot: further kinds are counted together
}

function isMilestone(n: u32): bool { return n == 1000 || n == 1000000 || n == 1000000000; }

function counted(level: i32, prefix: string, template: string, value: u32): void {
  const k = kindOf(template, level);
  const n = unchecked(kindCount[k]) + 1;
  if (n != 0) unchecked(kindCount[k] = n); // saturates at 2^32 - 1
  unchecked(kindValue[k] = value);
  if (n != 1 && !isMilestone(n)) return;
  lineLen = 0;
  putStr(prefix);
  putTemplate(template, value);
  if (n == 1) putStr(" (repeats are counted)");
  else { putStr(" (seen "); putDec(n); putStr(" times)"); }
  flush(level);
}

// A guest programmed something the device refuses. `template` must be a constant string; its
// first %d or %x shows `value`.
export function guestError(template: string, value: u32 = 0): void {
  counted(LOG_WARN, "guest error: ", template, value);
}

// Any other message a guest can cause repeatedly (same rules as guestError, no prefix).
export function logCounted(level: i32, template: string, value: u32 = 0): void {
  counted(level, "", template, value);
}

// A line of text the guest supplied (the Xen platform device's driver log port): the constant
// `prefix`, then `len` bytes at `ptr` (printable ASCII kept, anything else '?', cut at the line's
// end). Counted per prefix as logCounted is, but the first `shown` lines since the last reset are
// all logged, later ones only at the milestones; the device's line budget bounds them all.
export function logGuestText(level: i32, prefix: string, ptr: usize, len: i32, shown: u32): void {
  const k = kindOf(prefix, level);
  const n = unchecked(kindCount[k]) + 1;
  if (n != 0) unchecked(kindCount[k] = n);
  unchecked(kindValue[k] = <u32>len);
  if (n > shown && !isMilestone(n)) return;
  lineLen = 0;
  putStr(prefix);
  const m = min(len, LINE_MAX);
  for (let i: i32 = 0; i < m; i++) {
    const c = load<u8>(ptr + <usize>i);
    putByte(c >= 0x20 && c < 0x7f ? c : 0x3f);
  }
  if (n == shown) putStr(" (further lines are counted)");
  flush(level);
}

// How often `template` was counted since the last reset (tests and diagnostics).
export function countOf(template: string): u32 {
  const key = changetype<usize>(template);
  for (let i: i32 = 0; i < kindsUsed; i++) if (unchecked(kindKey[i]) == key) return unchecked(kindCount[i]);
  return 0;
}

// dev_reset: reports each kind seen more than once since the last reset (its count and last
// value), clears the counters, and restores the log budget (a rebooted guest gets a fresh one).
export function resetLogBudget(): void {
  for (let i: i32 = 0; i < kindsUsed; i++) {
    const n = unchecked(kindCount[i]);
    if (n <= 1) continue;
    lineLen = 0;
    putStr("counted since the last reset: ");
    putDec(n);
    putStr(" x ");
    putTemplate(changetype<string>(unchecked(kindKey[i])), unchecked(kindValue[i]));
    flush(unchecked(kindLevel[i]));
  }
  kindsUsed = 0;
  budget = BUDGET;
}

// AssemblyScript's abort (device.ts deviceAbort): the message and file name are the compiler's
// constants; logged whatever the budget, since the device traps right after.
export function logAbort(message: string | null, fileName: string | null, lineNo: u32): void {
  lineLen = 0;
  putStr("abort: ");
  putStr(message !== null ? message : "?");
  putStr(" at ");
  putStr(fileName !== null ? fileName : "?");
  putStr(":");
  putDec(lineNo);
  log(LOG_ERROR, <i32>line, lineLen);
  lineLen = 0;
}
