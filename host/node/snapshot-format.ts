// The device-model snapshot format (docs/snapshot-format.md), engine-independent: encoding and a
// decoder that checks every field, bound and the checksum before it returns anything, so restore
// (host/node/snapshot.ts, runtime/core/snapshot.c) never acts on a malformed file. Canonical: two
// engines in the same state write the same bytes (test/native/snapshot.test.ts compares them).

export const SNAP_MAGIC = "STUBSNAP";
export const SNAP_LAYOUT = 1;
export const SNAP_HEADER = 48;
export const PAGE = 65536;

/** Bounds (the same in runtime/core/snapshot.c). */
export const SNAP_LIMITS = {
  devices: 16, name: 31, config: 4096, routes: 256, text: 255, globals: 4096, ranges: 64, vram: 4,
  bdfs: 8, pins: 8, timers: 128, chrQueue: 65536, pages: 65536,
} as const;

export const GLOBAL_I32 = 0, GLOBAL_I64 = 1, GLOBAL_F32 = 2, GLOBAL_F64 = 3;

export interface SnapRange { region: number; space: number; base: bigint; len: number }
export interface SnapVram { region: number; ptr: number; len: number }
export interface SnapTimer { id: number; rank: number; remaining: bigint }
export interface SnapSurface { kind: number; width: number; height: number; stride: number; ptr: number }

export interface SnapDevice {
  sha256: Uint8Array; // 32 bytes
  name: string;
  config: string;
  routes: string; // irq routes as in a trace's device record (`-`, `isa:4,intx:0@0x8`)
  failed: { error: string; during: string } | null;
  pages: number;
  globals: Array<{ type: number; bits: bigint }>;
  ranges: SnapRange[]; // by region
  vram: SnapVram[]; // by region
  bdfs: number[]; // registration order
  pins: number[]; // pins high, in the order they went high
  timers: SnapTimer[]; // by rank
  chrRoom: number;
  chrQueue: Uint8Array;
  surface: SnapSurface; // kind 0: none
  memory: Uint8Array; // pages * PAGE bytes
}

export interface Snapshot {
  abi: number;
  now: bigint;
  devices: SnapDevice[];
}

/** A snapshot refused: `reason` names what is wrong (nothing was restored). */
export class SnapshotError extends Error {
  constructor(readonly reason: string, detail: string) {
    super(`snapshot refused (${reason}): ${detail}`);
  }
}

// --- CRC-32 (IEEE 802.3, zlib's) --------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// --- encoding ----------------------------------------------------------------------------------

class Writer {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }
  u8(v: number): void { this.room(1); this.dv.setUint8(this.len, v); this.len += 1; }
  u16(v: number): void { this.room(2); this.dv.setUint16(this.len, v, true); this.len += 2; }
  u32(v: number): void { this.room(4); this.dv.setUint32(this.len, v >>> 0, true); this.len += 4; }
  u64(v: bigint): void { this.room(8); this.dv.setBigUint64(this.len, BigInt.asUintN(64, v), true); this.len += 8; }
  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; }
  text(s: string): void { const b = new TextEncoder().encode(s); this.u16(b.length); this.bytes(b); }
  done(): Uint8Array { return this.buf.slice(0, this.len); }
  patchU64(at: number, v: bigint): void { this.dv.setBigUint64(at, v, true); }
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new Writer();
  w.bytes(new TextEncoder().encode(SNAP_MAGIC));
  w.u32(SNAP_LAYOUT);
  w.u32(s.abi);
  w.u64(0n); // total length, patched below
  w.u64(s.now);
  w.u32(s.devices.length);
  w.u32(0); // flags
  w.u64(0n); // reserved
  for (const d of s.devices) {
    w.bytes(d.sha256);
    w.text(d.name);
    w.text(d.config);
    w.text(d.routes);
    w.u32(d.failed ? 1 : 0);
    if (d.failed) { w.text(d.failed.error); w.text(d.failed.during); }
    w.u32(d.pages);
    w.u32(d.globals.length);
    for (const g of d.globals) { w.u8(g.type); w.u64(g.bits); }
    w.u32(d.ranges.length);
    for (const r of d.ranges) { w.u32(r.region); w.u8(r.space); w.u64(r.base); w.u32(r.len); }
    w.u32(d.vram.length);
    for (const v of d.vram) { w.u32(v.region); w.u32(v.ptr); w.u32(v.len); }
    w.u32(d.bdfs.length);
    for (const b of d.bdfs) w.u16(b);
    w.u32(d.pins.length);
    for (const p of d.pins) w.u8(p);
    w.u32(d.timers.length);
    for (const t of d.timers) { w.u32(t.id); w.u32(t.rank); w.u64(t.remaining); }
    w.u32(d.chrRoom);
    w.u32(d.chrQueue.length);
    w.bytes(d.chrQueue);
    for (const v of [d.surface.kind, d.surface.width, d.surface.height, d.surface.stride, d.surface.ptr]) w.u32(v);
    w.bytes(d.memory);
  }
  w.patchU64(16, BigInt(w.len + 4));
  const body = w.done();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return out;
}

// --- decoding (every read bounds-checked; nothing is trusted) ----------------------------------

class Reader {
  private readonly dv: DataView;
  at = 0;
  constructor(private readonly b: Uint8Array, private readonly end: number) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.end) throw new SnapshotError("truncated", `${what} runs past the end of the snapshot (offset ${this.at}, ${n} bytes)`);
  }
  u8(what: string): number { this.need(1, what); return this.dv.getUint8(this.at++); }
  u16(what: string): number { this.need(2, what); const v = this.dv.getUint16(this.at, true); this.at += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.dv.getUint32(this.at, true); this.at += 4; return v; }
  i32(what: string): number { this.need(4, what); const v = this.dv.getInt32(this.at, true); this.at += 4; return v; }
  u64(what: string): bigint { this.need(8, what); const v = this.dv.getBigUint64(this.at, true); this.at += 8; return v; }
  bytes(n: number, what: string): Uint8Array { this.need(n, what); const v = this.b.subarray(this.at, this.at + n); this.at += n; return v; }
  text(max: number, what: string): string {
    const n = this.u16(`${what} length`);
    if (n > max) throw new SnapshotError("size", `${what} is ${n} bytes (at most ${max})`);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes(n, what));
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError("malformed", `${what} is not UTF-8`);
    }
  }
  count(max: number, what: string): number {
    const n = this.u32(`${what} count`);
    if (n > max) throw new SnapshotError("size", `${n} ${what} (at most ${max})`);
    return n;
  }
}

function bad(detail: string): never {
  throw new SnapshotError("malformed", detail);
}

/** Parses and checks a snapshot file; throws SnapshotError naming the cause. */
export function decodeSnapshot(file: Uint8Array): Snapshot {
  if (file.length < SNAP_HEADER + 4) throw new SnapshotError("truncated", `${file.length} bytes is shorter than a snapshot header`);
  if (new TextDecoder().decode(file.subarray(0, 8)) !== SNAP_MAGIC) throw new SnapshotError("magic", "not a stubdom snapshot (bad magic)");
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const layout = dv.getUint32(8, true);
  if (layout !== SNAP_LAYOUT) throw new SnapshotError("version", `layout version ${layout}, this runtime reads ${SNAP_LAYOUT}`);
  const total = dv.getBigUint64(16, true);
  if (total > BigInt(file.length)) throw new SnapshotError("truncated", `the header says ${total} bytes, the file has ${file.length}`);
  if (total < BigInt(file.length)) throw new SnapshotError("size", `the header says ${total} bytes, the file has ${file.length} (trailing bytes)`);
  const want = dv.getUint32(file.length - 4, true);
  const got = crc32(file.subarray(0, file.length - 4));
  if (want !== got) throw new SnapshotError("checksum", `CRC-32 0x${got.toString(16)} does not match the stored 0x${want.toString(16)}`);
  const r = new Reader(file, file.length - 4);
  r.at = 12;
  const abi = r.u32("ABI version");
  r.at = 24;
  const now = r.u64("virtual time");
  const ndev = r.count(SNAP_LIMITS.devices, "devices");
  if (r.u32("flags") !== 0 || r.u64("reserved") !== 0n) bad("reserved header fields are not zero");
  const devices: SnapDevice[] = [];
  for (let i = 0; i < ndev; i++) devices.push(decodeDevice(r, i));
  if (r.at !== file.length - 4) throw new SnapshotError("size", `${file.length - 4 - r.at} unexplained bytes after the last device`);
  return { abi, now, devices };
}

function decodeDevice(r: Reader, i: number): SnapDevice {
  const sha256 = r.bytes(32, `device ${i} identity`).slice();
  const name = r.text(SNAP_LIMITS.name, `device ${i} name`);
  const what = `device ${name || i}`;
  const config = r.text(SNAP_LIMITS.config, `${what} config`);
  const routes = r.text(SNAP_LIMITS.routes, `${what} irq routes`);
  const flags = r.u32(`${what} flags`);
  if (flags > 1) bad(`${what}: unknown flags 0x${flags.toString(16)}`);
  const failed = flags ? { error: r.text(SNAP_LIMITS.text, `${what} error`), during: r.text(SNAP_LIMITS.text, `${what} during`) } : null;
  const pages = r.u32(`${what} memory pages`);
  if (pages === 0 || pages > SNAP_LIMITS.pages) throw new SnapshotError("size", `${what}: ${pages} memory pages`);
  const globals = Array.from({ length: r.count(SNAP_LIMITS.globals, `${what} globals`) }, (_, k) => {
    const type = r.u8(`${what} global ${k} type`);
    if (type > GLOBAL_F64) bad(`${what}: global ${k} has unknown type ${type}`);
    return { type, bits: r.u64(`${what} global ${k}`) };
  });
  const ranges = Array.from({ length: r.count(SNAP_LIMITS.ranges, `${what} ranges`) }, () => {
    const range = { region: r.i32(`${what} range`), space: r.u8(`${what} range space`), base: r.u64(`${what} range base`), len: r.u32(`${what} range length`) };
    const limit = range.space === 0 ? 0x10000n : 1n << 52n;
    if (range.space > 1 || range.len === 0 || range.base + BigInt(range.len) > limit) bad(`${what}: range of region ${range.region} is invalid`);
    return range;
  });
  const vram = Array.from({ length: r.count(SNAP_LIMITS.vram, `${what} vram maps`) }, () => {
    const v = { region: r.i32(`${what} vram`), ptr: r.u32(`${what} vram ptr`), len: r.u32(`${what} vram length`) };
    if (v.len === 0 || v.ptr & 4095 || v.ptr + v.len > pages * PAGE) bad(`${what}: vram of region ${v.region} is not a page-aligned span of its memory`);
    return v;
  });
  const bdfs = Array.from({ length: r.count(SNAP_LIMITS.bdfs, `${what} PCI functions`) }, () => r.u16(`${what} bdf`));
  const pins = Array.from({ length: r.count(SNAP_LIMITS.pins, `${what} irq pins`) }, () => r.u8(`${what} pin`));
  const timers = Array.from({ length: r.count(SNAP_LIMITS.timers, `${what} timers`) }, () => ({ id: r.i32(`${what} timer`), rank: r.u32(`${what} timer rank`), remaining: r.u64(`${what} timer remaining`) }));
  const chrRoom = r.i32(`${what} chr room`);
  if (chrRoom < -1) bad(`${what}: chr room ${chrRoom}`);
  const chrQueue = r.bytes(r.count(SNAP_LIMITS.chrQueue, `${what} queued chr bytes`), `${what} chr queue`).slice();
  const [kind, width, height, stride, ptr] = [0, 1, 2, 3, 4].map(() => r.u32(`${what} surface`)) as [number, number, number, number, number];
  if (kind > 2 || (kind && (width * 4 > stride || ptr + stride * height > pages * PAGE))) bad(`${what}: display surface outside its memory`);
  const memory = r.bytes(pages * PAGE, `${what} memory`);
  const dup = <T>(xs: T[], key: (x: T) => unknown, of: string): void => {
    if (new Set(xs.map(key)).size !== xs.length) bad(`${what}: duplicate ${of}`);
  };
  dup(ranges, (x) => x.region, "range region");
  dup(vram, (x) => x.region, "vram region");
  dup(bdfs, (x) => x, "PCI function");
  dup(pins, (x) => x, "irq pin");
  dup(timers, (x) => x.id, "timer id");
  return { sha256, name, config, routes, failed, pages, globals, ranges, vram, bdfs, pins, timers, chrRoom, chrQueue, surface: { kind, width, height, stride, ptr }, memory };
}

/** Cross-device checks: unique names, timer ranks a permutation, no overlapping claims or
 *  functions claimed twice. */
export function checkMachineWide(s: Snapshot): void {
  if (new Set(s.devices.map((d) => d.name)).size !== s.devices.length) bad("duplicate device names");
  const ranks = s.devices.flatMap((d) => d.timers.map((t) => t.rank)).sort((a, b) => a - b);
  if (ranks.some((r, i) => r !== i)) bad("timer ranks are not 0..n-1");
  const ranges = s.devices.flatMap((d) => d.ranges.map((r) => ({ ...r, dev: d.name })));
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!, b = ranges[j]!;
      if (a.space === b.space && a.base < b.base + BigInt(b.len) && b.base < a.base + BigInt(a.len)) bad(`ranges of ${a.dev} and ${b.dev} overlap`);
    }
  }
  const bdfs = s.devices.flatMap((d) => d.bdfs);
  if (new Set(bdfs).size !== bdfs.length) bad("a PCI function registered by two devices");
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
