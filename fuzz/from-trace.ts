// Seeds from recorded boots: converts an ioreq trace (docs/trace-format.md, recorded by
// host/node/trace.ts — e.g. the SeaBIOS boot on host/sim that test/native/replay.test.ts
// replays) into fuzz inputs per device (docs/fuzz-format.md), fuzz/<device>/corpus/boot-*.bin.
//   tsx fuzz/from-trace.ts --seabios        record a SeaBIOS boot from our IDE disk, convert it
//   tsx fuzz/from-trace.ts TRACE [--tag T]   convert a trace file (inputs named T-<k>.bin), e.g. the
//                                           Linux test guest's boot: host/sim/boot.ts --trace FILE
// Each device's operations are replayed in lockstep on a fuzz machine of that device alone
// (fuzz/lib/exec.ts), so a selector is the index of the claim the address falls in *at that
// point* (BARs the firmware moves are followed); block requests the machine leaves pending are
// completed by blk_done ops right after the operation that submitted them. Inputs are cut into
// chunks of at most 4000 operations / 4096 bytes (the engines' -max_len): chunk 0 starts at
// power-on, later ones continue from a machine that did not see the earlier chunks.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode } from "./lib/decode.ts";
import { FuzzInput } from "./lib/encode.ts";
import { DEVICES } from "./lib/devices.ts";
import { FuzzMachine, RAM_BYTES } from "./lib/exec.ts";
import { RANGE_PORT, RANGE_MMIO } from "../host/node/hypervisor.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHUNK_BYTES = 4096, CHUNK_OPS = 4000, MAX_CHUNKS = 12;

class Converter {
  readonly m: FuzzMachine;
  chunks: Uint8Array[] = [];
  private cur = new FuzzInput();
  private curOps = 0;
  private pendingNs = 0;
  constructor(readonly device: string) { this.m = new FuzzMachine(device); }

  /** Appends `build`'s ops to the current chunk and runs them on the lockstep machine. */
  private emit(build: (i: FuzzInput) => void): void {
    if (this.chunks.length >= MAX_CHUNKS || this.m.finding) return;
    const one = new FuzzInput();
    build(one);
    const bytes = one.bytes();
    const ops = decode(bytes);
    const cost = ops.reduce((n, o) => n + Math.max(1, o.count), 0);
    if (this.cur.bytes().length + bytes.length > CHUNK_BYTES || this.curOps + cost > CHUNK_OPS) this.cut();
    build(this.cur);
    this.curOps += cost;
    for (const op of ops) this.m.runOp(op);
    while (this.m.pend.length && !this.m.finding) { this.cur.blkDone(0, 0); this.curOps++; this.m.runOp(decode(Uint8Array.of(0x0a, 0, 0))[0]!); }
  }
  private cut(): void {
    const b = this.cur.bytes();
    if (b.length) this.chunks.push(b);
    this.cur = new FuzzInput();
    this.curOps = 0;
  }
  finish(): Uint8Array[] { this.flushTime(); this.cut(); return this.chunks.slice(0, MAX_CHUNKS); }

  private flushTime(): void {
    if (this.pendingNs <= 0) return;
    let ns = this.pendingNs;
    this.pendingNs = 0;
    while (ns > 0) { const step = Math.min(ns, 16 * 4 ** 15); this.emit((i) => i.clock(step)); ns -= step; }
  }
  time(ns: number): void { this.pendingNs += ns; }

  /** A port/MMIO access at `addr`, if the fuzz machine has it claimed. */
  access(type: number, write: boolean, size: number, addr: number, value: number, count = 1): void {
    const i = this.m.claims.findIndex((c) => c.type === type && addr >= c.start && addr <= c.end);
    if (i < 0 || i > 0x1f || ![1, 2, 4].includes(size)) return;
    const off = addr - this.m.claims[i]!.start;
    if (off >= 1 << 19) return;
    this.flushTime();
    const sz = size as 1 | 2 | 4;
    this.emit((x) => {
      if (count > 1) { for (let left = count; left > 0; left -= 256) (write ? x.burstWrite(i, off, sz, Math.min(256, left), value) : x.burstRead(i, off, sz, Math.min(256, left))); }
      else if (write) x.write(i, off, sz, value);
      else x.read(i, off, sz);
    });
  }
  cfg(write: boolean, bdf: number, reg: number, size: number, value: number): void {
    const i = this.m.bdfs.indexOf(bdf);
    if (i < 0) return;
    this.flushTime();
    this.emit((x) => (write ? x.cfgWrite(i, reg, size as 1 | 2 | 4, value) : x.cfgRead(i, reg, size as 1 | 2 | 4)));
  }
  fill(gpa: number, data: Uint8Array): void {
    const start = gpa - (gpa % 32);
    if (start + data.length + 32 > RAM_BYTES) return;
    const d = new Uint8Array(gpa - start + data.length);
    d.set(data, gpa - start);
    this.emit((x) => x.fill(start, d));
  }
  event(kind: number, arg: number, arg2: number, payload: Uint8Array | null): void {
    const ev = DEVICES[this.device]!.events.indexOf(kind);
    if (ev < 0) return;
    this.flushTime();
    this.emit((x) => (payload ? x.eventData(ev, payload.subarray(0, 16384)) : x.event(ev, arg, arg2)));
  }
  reset(): void { this.emit((x) => x.reset()); }
}

/** Converts a trace's text into fuzz inputs per fuzzed device (by module name). */
export function convertTrace(text: string): Map<string, Uint8Array[]> {
  const modOf = new Map<string, string>(); // trace device name → module
  const conv = new Map<string, Converter>();
  // ownership as the trace's own effect lines say: ranges and functions per trace device
  const owner: Array<{ type: string; start: number; end: number; dev: string }> = [];
  const pciOwner = new Map<number, string>();
  let cf8 = 0;
  let current = ""; // the trace device the last operation went to (effects belong to it)
  const fills: Array<{ gpa: number; data: Uint8Array }> = [];
  const find = (type: string, addr: number): string => owner.find((o) => o.type === type && addr >= o.start && addr <= o.end)?.dev ?? "";
  const to = (dev: string): Converter | undefined => conv.get(dev);
  const flushFills = (dev: string): void => {
    const c = to(dev);
    if (c) for (const f of fills) c.fill(f.gpa, f.data);
    fills.length = 0;
  };
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const t = line.split(" ");
    switch (t[0]) {
      case "device": {
        const mod = t[2]!.split("/").pop()!;
        modOf.set(t[1]!, mod);
        current = t[1]!;
        if (DEVICES[mod]) conv.set(t[1]!, new Converter(mod));
        break;
      }
      case "map": case "unmap": {
        if (t[1] === "pci") { if (t[0] === "map") pciOwner.set(Number(t[2]), current); else pciOwner.delete(Number(t[2])); break; }
        const r = { type: t[1]!, start: Number(t[2]), end: Number(t[3]), dev: current };
        if (t[0] === "map") owner.push(r);
        else { const i = owner.findIndex((o) => o.type === r.type && o.start === r.start && o.end === r.end); if (i >= 0) owner.splice(i, 1); }
        break;
      }
      case "fill": fills.push({ gpa: Number(t[1]), data: Uint8Array.from(Buffer.from(t[2]!, "hex")) }); break;
      case "pio": {
        const write = t[2] === "w", size = Number(t[3]), port = Number(t[4]), value = Number(t[5]);
        if (port === 0xcf8 && size === 4) { if (write) cf8 = value; break; }
        if (port >= 0xcfc && port <= 0xcff && cf8 & 0x80000000) {
          const bdf = (cf8 >>> 8) & 0xffff;
          current = pciOwner.get(bdf) ?? "";
          flushFills(current);
          to(current)?.cfg(write, bdf, (cf8 & 0xfc) | (port & 3), size, value);
          break;
        }
        current = find("port", port);
        flushFills(current);
        to(current)?.access(RANGE_PORT, write, size, port, value);
        break;
      }
      case "mmio": {
        const addr = Number(t[4]);
        current = find("mmio", addr);
        flushFills(current);
        to(current)?.access(RANGE_MMIO, t[2] === "w", Number(t[3]), addr, Number(t[5]));
        break;
      }
      case "str": { // str VCPU pio|mmio r|w SIZE ADDR GPA COUNT DF: a burst of the register
        const addr = Number(t[5]);
        current = find(t[2] === "pio" ? "port" : "mmio", addr);
        flushFills(current);
        to(current)?.access(t[2] === "pio" ? RANGE_PORT : RANGE_MMIO, t[3] === "w", Number(t[4]), addr, 0, Number(t[7]));
        break;
      }
      case "wait": case "clock": for (const c of conv.values()) c.time(Number(t[1])); break;
      case "event": {
        current = t[1]!;
        to(current)?.event(Number(t[2]), Number(t[3]), Number(t[4]), t[5] === "-" ? null : Uint8Array.from(Buffer.from(t[5]!, "hex")));
        break;
      }
      case "reset": for (const c of conv.values()) c.reset(); break;
      default: break;
    }
  }
  const out = new Map<string, Uint8Array[]>();
  for (const [name, c] of conv) out.set(modOf.get(name)!, c.finish());
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  (async () => {
    let text: string;
    let tag = "trace";
    if (args.includes("--seabios")) {
      const { recordSeabiosBoot } = await import("../host/sim/seabios-trace.ts");
      text = (await recordSeabiosBoot()).trace;
      tag = "boot-seabios";
      mkdirSync(join(root, "fuzz/out"), { recursive: true });
      writeFileSync(join(root, "fuzz/out/seabios-boot.trace"), text);
    } else {
      const f = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--tag");
      if (!f) { console.error("usage: tsx fuzz/from-trace.ts --seabios | TRACE"); process.exit(2); }
      text = readFileSync(f, "utf8");
      const t = args.indexOf("--tag");
      if (t >= 0 && args[t + 1]) tag = args[t + 1]!;
    }
    for (const [dev, chunks] of convertTrace(text)) {
      const dir = join(root, "fuzz", dev, "corpus");
      mkdirSync(dir, { recursive: true });
      chunks.forEach((c, k) => writeFileSync(join(dir, `${tag}-${k}.bin`), c));
      console.log(`${dev}: ${chunks.length} inputs (${chunks.reduce((n, c) => n + c.length, 0)} bytes)`);
    }
    process.exit(0);
  })();
}
