// The fuzz input format (docs/fuzz-format.md), version 1, in TypeScript: the same decoder as
// fuzz/harness/fuzz_ops.c, op for op (test/fuzz/decode.test.ts compares formatOp's text with the
// C decoder's fz_format on every corpus file and on random bytes).

export const KIND = { IO_WRITE: 0, IO_READ: 1, CFG_WRITE: 2, CFG_READ: 3, FILL: 4, CLOCK: 5, EVENT: 6, BLK_DONE: 7, BURST: 8, RESET: 9 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Low nibble of the op byte → kind. */
export const KIND_OF_NIBBLE: readonly Kind[] = [
  KIND.IO_WRITE, KIND.IO_WRITE, KIND.IO_WRITE, KIND.IO_READ, KIND.IO_READ, KIND.CFG_WRITE, KIND.CFG_READ, KIND.FILL,
  KIND.CLOCK, KIND.EVENT, KIND.BLK_DONE, KIND.BURST, KIND.IO_WRITE, KIND.IO_READ, KIND.FILL, KIND.RESET,
];
const SIZE_OF_CODE = [1, 2, 4, 4] as const;
export const ADDR_SCALE = 32;
export const MAX_OPS = 4096;
export const MAX_PAYLOAD = 16384;

export interface FuzzOp {
  kind: Kind;
  size: 1 | 2 | 4;
  write: boolean;
  addr: boolean;
  sel: number;
  ev: number;
  status: number;
  off: number;
  value: number;
  count: number;
  arg: number;
  arg2: number;
  gpa: number;
  ns: number;
  data: Uint8Array | null;
}

/** Decodes a whole input into operations (what fz_next yields until it returns 0). */
export function decode(bytes: Uint8Array): FuzzOp[] {
  const ops: FuzzOp[] = [];
  let at = 0;
  let budget = 0;
  const take = (k: number): number | null => {
    if (bytes.length - at < k) return null;
    let x = 0;
    for (let i = 0; i < k; i++) x += bytes[at + i]! * 2 ** (8 * i);
    at += k;
    return x;
  };
  for (;;) {
    if (budget >= MAX_OPS) break;
    const b = take(1);
    if (b === null) break;
    let kind = KIND_OF_NIBBLE[b & 15]!;
    if ((b & 15) === 15 && b !== 0x0f) kind = KIND.CLOCK;
    const op: FuzzOp = { kind, size: SIZE_OF_CODE[(b >> 4) & 3]!, write: false, addr: ((b >> 6) & 1) === 1, sel: 0, ev: 0, status: 0, off: 0, value: 0, count: 0, arg: 0, arg2: 0, gpa: 0, ns: 0, data: null };
    const value = (): boolean => {
      const v = take(op.addr ? 2 : 4);
      if (v === null) return false;
      op.value = op.addr ? v * ADDR_SCALE : v;
      return true;
    };
    let cost = 1;
    let ok = true;
    switch (kind) {
      case KIND.IO_WRITE: case KIND.IO_READ: case KIND.BURST: {
        const sel = take(1); if (sel === null) { ok = false; break; }
        const off = take(2); if (off === null) { ok = false; break; }
        op.sel = sel; op.off = off;
        if (kind === KIND.BURST) {
          const c = take(1); if (c === null) { ok = false; break; }
          op.count = c + 1; op.write = (b >> 7) === 1; cost = op.count;
          if (op.write && !value()) ok = false;
        } else if (kind === KIND.IO_WRITE && !value()) ok = false;
        break;
      }
      case KIND.CFG_WRITE: case KIND.CFG_READ: {
        const sel = take(1); if (sel === null) { ok = false; break; }
        const reg = take(1); if (reg === null) { ok = false; break; }
        op.sel = sel; op.off = reg & ~(op.size - 1);
        if (kind === KIND.CFG_WRITE && !value()) ok = false;
        break;
      }
      case KIND.FILL: {
        const g = take(2); if (g === null) { ok = false; break; }
        const l = take(1); if (l === null) { ok = false; break; }
        op.gpa = g * ADDR_SCALE;
        const len = Math.min(l + 1, bytes.length - at);
        if (!len) { ok = false; break; }
        op.data = bytes.subarray(at, at + len); at += len;
        break;
      }
      case KIND.CLOCK: {
        const e = take(1); if (e === null) { ok = false; break; }
        op.ns = ((e & 15) + 1) * 4 ** (e >> 4);
        break;
      }
      case KIND.EVENT: {
        const e = take(1); if (e === null) { ok = false; break; }
        op.ev = e;
        if (e & 0x80) {
          const l = take(2); if (l === null) { ok = false; break; }
          const len = Math.min(l % (MAX_PAYLOAD + 1), bytes.length - at);
          op.data = bytes.subarray(at, at + len); at += len;
        } else {
          const a = take(4); if (a === null) { ok = false; break; }
          const a2 = take(4); if (a2 === null) { ok = false; break; }
          op.arg = a; op.arg2 = a2;
        }
        break;
      }
      case KIND.BLK_DONE: {
        const sel = take(1); if (sel === null) { ok = false; break; }
        const st = take(1); if (st === null) { ok = false; break; }
        op.sel = sel; op.status = st;
        break;
      }
      default: break;
    }
    if (!ok || cost > MAX_OPS - budget) break;
    budget += cost;
    ops.push(op);
  }
  return ops;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const bytesHex = (b: Uint8Array | null): string => Buffer.from(b ?? []).toString("hex");

/** One line per op: exactly fuzz_ops.c's fz_format. */
export function formatOp(op: FuzzOp): string {
  switch (op.kind) {
    case KIND.IO_WRITE: return `io_write sel=${op.sel} off=${hex(op.off)} size=${op.size} value=${hex(op.value)}`;
    case KIND.IO_READ: return `io_read sel=${op.sel} off=${hex(op.off)} size=${op.size}`;
    case KIND.CFG_WRITE: return `cfg_write sel=${op.sel} reg=${hex(op.off)} size=${op.size} value=${hex(op.value)}`;
    case KIND.CFG_READ: return `cfg_read sel=${op.sel} reg=${hex(op.off)} size=${op.size}`;
    case KIND.FILL: return `fill gpa=${hex(op.gpa)} len=${op.data!.length} ${bytesHex(op.data)}`;
    case KIND.CLOCK: return `clock ns=${op.ns}`;
    case KIND.EVENT: return op.ev & 0x80 ? `event ev=${op.ev & 0x7f} len=${op.data!.length} ${bytesHex(op.data)}` : `event ev=${op.ev} arg=${hex(op.arg)} arg2=${hex(op.arg2)}`;
    case KIND.BLK_DONE: return `blk_done sel=${op.sel} status=${op.status}`;
    case KIND.BURST: return op.write ? `burst_write sel=${op.sel} off=${hex(op.off)} size=${op.size} count=${op.count} value=${hex(op.value)}` : `burst_read sel=${op.sel} off=${hex(op.off)} size=${op.size} count=${op.count}`;
    case KIND.RESET: return "reset";
  }
  return "?";
}
