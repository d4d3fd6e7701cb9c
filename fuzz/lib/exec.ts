// The fuzz executor on host/node (the reference runtime): fuzz/harness/fuzz_exec.c's machine and
// oracles in TypeScript, driving XenSim + StubdomRuntime with the same decoded operations. Used
// by `npm run fuzz -- <device> --node` (a time-bounded random campaign) and by
// test/fuzz/corpus.test.ts (every corpus file and past finding replayed).
import { XenSim } from "../../host/node/xen-sim.ts";
import { StubdomRuntime } from "../../host/node/runtime.ts";
import { modulePath } from "../../host/node/machine.ts";
import { RANGE_PCI, RANGE_PORT } from "../../host/node/hypervisor.ts";
import { BLK_OP, BLK_STATUS, EVENT } from "../../host/node/abi.ts";
import type { BlockBackend, BlockRequest } from "../../host/node/backends.ts";
import type { DeviceInstance } from "../../host/node/device.ts";
import { decode, KIND, type FuzzOp } from "./decode.ts";
import { DEVICES, type FuzzDevice } from "./devices.ts";

export const RAM_BYTES = 2 << 20;
const MAX_PENDING = 64;
const DMA_BUDGET_OP = 16 << 20;
const DMA_BUDGET_INPUT = 64 << 20;
const SETTLE_NS = 1_000_000_000n;
const SETTLE_MAX_TIMERS = 20000;
const SETTLE_MAX_IRQ = 10000;
const SETTLE_MAX_BLK_ROUNDS = 256;
const DIR_WRITE = 0, DIR_READ = 1;

export interface Finding { cls: string; detail: string }
export interface RunResult { finding: Finding | null; ops: number; claims: Claim[]; bdfs: number[] }
export interface Claim { type: number; start: number; end: number }

class Stop extends Error {}

interface Pending { unit: number; req: BlockRequest; done: (s: number) => void }

class FuzzBlk implements BlockBackend {
  present: boolean;
  image: Uint8Array;
  constructor(readonly unit: number, readonly sectors: number, readonly sectorSize: number, readonly readOnly: boolean, readonly removable: boolean, present: boolean, private readonly q: Pending[], private readonly onFlood: () => void) {
    this.present = present;
    this.image = new Uint8Array(sectors * sectorSize);
    for (let i = 0; i < this.image.length; i++) this.image[i] = (i * 7 + Math.floor(i / 512) * 13 + unit * 31) & 0xff;
  }
  submit(req: BlockRequest, done: (status: number) => void): void {
    if (this.q.length === MAX_PENDING) { this.onFlood(); return; }
    this.q.push({ unit: this.unit, req, done });
  }
}

/** One device on host/node with the harness's claims tracking, backends and oracles. */
export class FuzzMachine {
  finding: Finding | null = null;
  readonly claims: Claim[] = [];
  readonly bdfs: number[] = [];
  readonly sim: XenSim;
  readonly rt: StubdomRuntime;
  readonly pend: Pending[] = [];
  /** Runs one decoded operation (stops silently after a finding). */
  runOp!: (op: FuzzOp) => void;
  /** After the guest stops: block requests complete, a virtual second of timers runs. */
  settle!: () => void;

  constructor(readonly device: string, opts: { trace?: (line: string) => void } = {}) {
    const d: FuzzDevice | undefined = DEVICES[device];
    if (!d) throw new Error(`unknown device ${device}`);
    const sim = (this.sim = new XenSim({ ramBytes: RAM_BYTES, vcpus: 1, bufferVgaWrites: true }));
    const found = (cls: string, detail: string): never => {
      this.finding ??= { cls, detail: `${detail} (device ${device})` };
      throw new Stop();
    };
    const rt = (this.rt = new StubdomRuntime(sim, { log: () => {}, onFailure: (f) => { this.finding ??= { cls: "trap", detail: `${f.error} | ${f.during} (device ${device})` }; } }));
    sim.attach(rt);
    const { claims, bdfs, pend } = this;
    // claims in order, IRQ activity, DMA through the wrapped RAM
    const map = sim.mapIoRange.bind(sim), unmap = sim.unmapIoRange.bind(sim);
    sim.mapIoRange = (type, start, end) => {
      map(type, start, end);
      if (type === RANGE_PCI) { if (!bdfs.includes(start)) bdfs.push(start); return; }
      claims.push({ type, start, end });
    };
    sim.unmapIoRange = (type, start, end) => {
      unmap(type, start, end);
      if (type === RANGE_PCI) { const i = bdfs.indexOf(start); if (i >= 0) bdfs.splice(i, 1); return; }
      const i = claims.findIndex((c) => c.type === type && c.start === start && c.end === end);
      if (i >= 0) claims.splice(i, 1);
    };
    let irqChanges = 0;
    const isa = sim.setIsaIrqLevel.bind(sim), intx = sim.setPciIntxLevel.bind(sim);
    sim.setIsaIrqLevel = (irq, level) => { irqChanges++; isa(irq, level); };
    sim.setPciIntxLevel = (bdf, n, level) => { irqChanges++; intx(bdf, n, level); };

    const named = new Uint8Array(RAM_BYTES >> 12);
    const nameValue = (v: number): void => { if (v >>> 0 < RAM_BYTES) named[(v >>> 0) >> 12] = 1; };
    // what the guest last wrote at each register dword (fuzz_oracle.c's shadow, same capacity)
    const shadow = new Map<string, number>();
    const nameWrite = (type: number, addr: number, size: number, value: number): void => {
      nameValue(value);
      for (let b = 0; b < size; b++) {
        const a = addr + b;
        const key = `${type}:${a - (a % 4)}`;
        let d = shadow.get(key);
        if (d === undefined) { if (shadow.size === 2048) continue; d = 0; }
        const lane = (a % 4) * 8;
        d = ((d & ~(0xff << lane)) | (((value >>> (8 * b)) & 0xff) << lane)) >>> 0;
        shadow.set(key, d);
        nameValue(d);
      }
    };
    let dmaOp = 0, dmaInput = 0;
    const account = (len: number, what: string, gpa: number): void => {
      dmaOp += len; dmaInput += len;
      if (dmaOp > DMA_BUDGET_OP) found("hang", `more than ${DMA_BUDGET_OP} bytes of DMA in one guest operation (${what} at 0x${gpa.toString(16)}): a descriptor/PRD loop?`);
      else if (dmaInput > DMA_BUDGET_INPUT) found("hang", `more than ${DMA_BUDGET_INPUT} bytes of DMA in one input`);
    };
    const checkNamed = (what: string, gpa: number, len: number): void => {
      if (!len) return;
      if (!d.dmaSpan) found("dma-unnamed", `${what} of ${len} bytes at 0x${gpa.toString(16)} by a device that does no DMA`);
      const last = gpa + len - 1;
      const lo = last >= d.dmaSpan ? last - d.dmaSpan + 1 : 0;
      for (let p = Math.floor(lo / 4096); p <= Math.floor(gpa / 4096) && p < named.length; p++) if (named[p]) return;
      found("dma-unnamed", `${what} of ${len} bytes at 0x${gpa.toString(16)}: no address the guest gave (registers, descriptors it read) lies within 0x${d.dmaSpan.toString(16)} below it`);
    };
    const ramRead = sim.ram.read.bind(sim.ram), ramWrite = sim.ram.write.bind(sim.ram);
    sim.ram.read = (gpa, dst) => {
      if (!ramRead(gpa, dst)) return false;
      checkNamed("DMA read", gpa, dst.length);
      account(dst.length, "read", gpa);
      for (let i = (4 - (gpa & 3)) & 3; i + 4 <= dst.length; i += 4) nameValue(dst[i]! | dst[i + 1]! << 8 | dst[i + 2]! << 16 | dst[i + 3]! << 24);
      return true;
    };
    sim.ram.write = (gpa, src) => {
      if (!ramWrite(gpa, src)) return false;
      checkNamed("DMA write", gpa, src.length);
      account(src.length, "write", gpa);
      return true;
    };

    const blk = (d.blk ?? []).map((u, i) => new FuzzBlk(i, u.sectors, u.sectorSize, u.readOnly, u.removable, u.present, pend, () => found("blk-flood", `more than ${MAX_PENDING} block requests outstanding`)));
    const dev: DeviceInstance = rt.addDevice({
      name: device, wasm: modulePath(device), config: d.config, irqs: d.isaIrqs.map((n) => ({ isa: n })),
      chr: d.chr ? { write() {} } : undefined, net: d.net ? { send() {} } : undefined,
      display: d.display ? { setSurface() {}, damage() {} } : undefined, blk: d.blk ? blk : undefined,
    });

    const cfgIo = (write: boolean, bdf: number, reg: number, size: number, v: number): number => {
      sim.pio(0, 0xcf8, 4, DIR_WRITE, (0x80000000 | bdf << 8 | (reg & 0xfc)) >>> 0);
      return sim.pio(0, 0xcfc + (reg & 3), size, write ? DIR_WRITE : DIR_READ, v);
    };
    // firmware-like BAR programming, as fuzz_exec.c's program_bars
    const next = { io: 0xc000, mem: 0xe0000000 };
    for (const bdf of [...bdfs]) {
      for (let bar = 0; bar < 6; bar++) {
        const reg = 0x10 + 4 * bar;
        const old = cfgIo(false, bdf, reg, 4, 0);
        cfgIo(true, bdf, reg, 4, 0xffffffff);
        const mask = cfgIo(false, bdf, reg, 4, 0) >>> 0;
        if (mask === 0 || mask === 0xffffffff) { cfgIo(true, bdf, reg, 4, old); continue; }
        if (mask & 1) {
          const size = ((~(mask & 0xfffffffc) >>> 0) & 0xffff) + 1;
          next.io = Math.ceil(next.io / size) * size;
          cfgIo(true, bdf, reg, 4, next.io);
          next.io += size;
        } else {
          const size = ((~(mask & 0xfffffff0)) >>> 0) + 1;
          next.mem = Math.ceil(next.mem / size) * size % 2 ** 32;
          cfgIo(true, bdf, reg, 4, next.mem);
          next.mem = (next.mem + size) % 2 ** 32;
          if ((mask & 6) === 4) { cfgIo(true, bdf, reg + 4, 4, 0); bar++; }
        }
      }
      cfgIo(true, bdf, 0x04, 2, 0x0007);
    }

    const mask = (v: number, size: number): number => (size === 4 ? v >>> 0 : v & ((1 << (8 * size)) - 1));
    const io = (write: boolean, sel: number, off: number, size: number, value: number): void => {
      if (!claims.length) return;
      const c = claims[(sel & 0x1f) % claims.length]!;
      const span = c.end - c.start + 1;
      let o = ((sel >> 5) * 0x10000 + off) % span;
      if (o + size > span) o = span >= size ? span - size : 0;
      const addr = c.start + o;
      value = mask(value, size);
      if (write) nameWrite(c.type, addr, size, value);
      let result = 0;
      if (c.type === RANGE_PORT) result = sim.pio(0, addr, size, write ? DIR_WRITE : DIR_READ, value);
      else result = sim.mmio64(0, addr, size, write ? DIR_WRITE : DIR_READ, value, 0)[0];
      opts.trace?.(`  -> ${c.type === RANGE_PORT ? "pio" : "mmio"} ${write ? "w" : "r"} ${size} 0x${addr.toString(16)} 0x${((write ? value : result) >>> 0).toString(16)}`);
    };
    const complete = (i: number, statusSel: number): void => {
      const p = pend.splice(i, 1)[0]!;
      const u = blk[p.unit]!;
      const status = statusSel < 0xc0 ? BLK_STATUS.OK : 1 + (statusSel & 3);
      if (status === BLK_STATUS.OK && p.req.op !== BLK_OP.FLUSH) {
        const off = p.req.lba * u.sectorSize, n = p.req.sectors * u.sectorSize;
        if (p.req.op === BLK_OP.READ) p.req.data.set(u.image.subarray(off, off + n));
        else if (p.req.op === BLK_OP.WRITE) u.image.set(p.req.data.subarray(0, n), off);
      }
      p.done(status);
      rt.runDeferred();
    };
    const event = (op: FuzzOp): void => {
      if (!d.events.length) return;
      const kind = d.events[(op.ev & 0x7f) % d.events.length]!;
      if (kind === EVENT.NET_RX || kind === EVENT.CHR_RX) { rt.deliverEvent(dev, kind, op.data ?? new Uint8Array(0), 0, 0); return; }
      let arg = op.arg | 0, arg2 = op.arg2 | 0;
      if (kind === EVENT.BLK_MEDIA) {
        const u = op.arg & 3;
        arg = u; arg2 = 0;
        if (u < blk.length && blk[u]!.removable) blk[u]!.present = !blk[u]!.present;
      }
      rt.deliverEvent(dev, kind, null, arg, arg2);
    };
    this.runOp = (op: FuzzOp): void => {
      if (this.finding) return;
      try {
        runOp1(op);
      } catch (e) {
        if (!(e instanceof Stop)) this.finding ??= { cls: "runtime-error", detail: `${(e as Error).message} (device ${device})` };
      }
    };
    const runOp1 = (op: FuzzOp): void => {
      dmaOp = 0;
      switch (op.kind) {
        case KIND.IO_WRITE: io(true, op.sel, op.off, op.size, op.value); break;
        case KIND.IO_READ: io(false, op.sel, op.off, op.size, 0); break;
        case KIND.BURST:
          for (let k = 0; k < op.count && !this.finding; k++) io(op.write, op.sel, op.off, op.size, op.value);
          break;
        case KIND.CFG_WRITE: case KIND.CFG_READ:
          if (!bdfs.length) break;
          if (op.kind === KIND.CFG_WRITE) nameValue(mask(op.value, op.size));
          cfgIo(op.kind === KIND.CFG_WRITE, bdfs[op.sel % bdfs.length]!, op.off, op.size, mask(op.value, op.size));
          break;
        case KIND.FILL: {
          if (op.gpa >= RAM_BYTES) break;
          const data = op.data!.subarray(0, Math.min(op.data!.length, RAM_BYTES - op.gpa));
          sim.ram.bytes.set(data, op.gpa);
          for (let i = (4 - (op.gpa & 3)) & 3; i + 4 <= data.length; i += 4) nameValue(data[i]! | data[i + 1]! << 8 | data[i + 2]! << 16 | data[i + 3]! << 24);
          break;
        }
        case KIND.CLOCK: sim.advance(op.ns); break;
        case KIND.EVENT: event(op); break;
        case KIND.BLK_DONE: if (pend.length) complete(op.sel % pend.length, op.status); break;
        case KIND.RESET: rt.resetAll(); break;
      }
    };

    this.settle = (): void => {
      if (this.finding) return;
      try {
        // settle: block requests complete, a virtual second of timers (fuzz_exec.c's settle)
        sim.flushBuffered();
        dmaOp = 0;
        for (let round = 0; pend.length && !this.finding; round++) {
          if (round === SETTLE_MAX_BLK_ROUNDS) found("never-settles", `block requests keep coming after ${round} completion rounds`);
          const k = pend.length;
          for (let i = 0; i < k && pend.length && !this.finding; i++) complete(0, 0);
        }
        const end = sim.clock.now() + SETTLE_NS;
        const irq0 = irqChanges;
        for (let fired = 0; !this.finding; fired++) {
          const dl = sim.clock.nextDeadline();
          if (dl === null || dl > end) break;
          if (fired === SETTLE_MAX_TIMERS) found("never-settles", `over ${fired} timer firings within 1 s of virtual time after the guest stopped`);
          if (irqChanges - irq0 > SETTLE_MAX_IRQ) found("never-settles", `IRQ lines changed over ${SETTLE_MAX_IRQ} times after the guest stopped`);
          dmaOp = 0;
          const now = sim.clock.now();
          sim.advance(dl > now ? dl - now : 0n);
          while (pend.length && !this.finding) complete(0, 0);
        }

      } catch (e) {
        if (!(e instanceof Stop)) this.finding ??= { cls: "runtime-error", detail: `${(e as Error).message} (device ${device})` };
      }
    };
  }
}

/** One input from a fresh machine; stops at the first finding. */
export function runInput(device: string, bytes: Uint8Array, opts: { trace?: (line: string) => void } = {}): RunResult {
  const m = new FuzzMachine(device, opts);
  let n = 0;
  for (const op of decode(bytes)) {
    if (m.finding) break;
    m.runOp(op);
    n++;
  }
  m.settle();
  return { finding: m.finding, ops: n, claims: m.claims, bdfs: m.bdfs };
}
