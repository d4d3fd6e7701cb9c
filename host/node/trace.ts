// The trace recorder: builds a Machine (as machine.ts's createMachine does) whose hypervisor
// simulator and runtime are wrapped so that, while a test drives the guest, every guest operation
// (port, MMIO, string I/O, RAM fills, clock advances, backend events, resets) is written down with
// the runtime's answer and every effect the runtime had (ranges mapped, IRQ levels and lines, DMA
// into guest RAM, failures, backend output), then the final device memories and guest RAM as
// hashes. The format is docs/trace-format.md; runtime/posix's stubdom-replay replays it through the
// native (wasm2c) runtime and must produce the same text. No host/node file is changed: the
// wrapping replaces methods on the simulator instance only.
import { readFileSync } from "node:fs";
import { relative, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { XenSim, type XenSimOptions } from "./xen-sim.ts";
import { StubdomRuntime, type DeviceSpec, type RuntimeOptions, type IrqRoute } from "./runtime.ts";
import { Guest } from "./guest.ts";
import { modulePath, type Machine } from "./machine.ts";
import { IOREQ_TYPE_PIO, DIR_READ } from "./ioreq.ts";
import { BLK_FLAG, BLK_OP, BLK_STATUS } from "./abi.ts";
import type { BlockBackend } from "./backends.ts";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "../../build/out");
const RANGE_NAMES = ["port", "mmio", "pci"];

export type TracedDeviceSpec = Omit<DeviceSpec, "wasm"> & { wasm?: string; module?: string };

const hex = (n: number): string => `0x${n.toString(16)}`;
export function hexBytes(b: Uint8Array): string {
  return b.length ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex") : "-";
}
/** FNV-1a, 32 bits: the memory and RAM digests at the end of a trace. */
export function fnv32(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `0x${(h >>> 0).toString(16).padStart(8, "0")}`;
}

export function routeText(r: IrqRoute | undefined): string {
  if (!r) return "none";
  if ("isa" in r) return `isa:${r.isa}`;
  return `intx:${r.intx}${r.bdf !== undefined ? `@${hex(r.bdf)}` : ""}`;
}

export interface RecorderOptions {
  /**
   * How guest RAM gets into the trace. "diff" (default): before every operation, every span the
   * guest changed is a `fill`, and the final RAM is digested. "reads": only the bytes the runtime
   * reads (DMA reads, string writes) are written, as `fill`s just before the operation that read
   * them, and the RAM digest is left out — for long runs (a firmware boot) whose guest rewrites
   * RAM all the time.
   */
  ram?: "diff" | "reads";
  /** Guest-physical [start, end) spans inside `ram` that are not RAM (the legacy VGA hole). */
  ramHoles?: Array<[number, number]>;
}

export class TraceRecorder {
  readonly lines: string[] = [];
  private effects: string[] | null = null;
  private preFills: string[] = [];
  private depth = 0;
  private hvDepth = 0;
  private readonly shadow: Uint8Array | null;
  private readonly names: string[] = [];
  /** A device failure (route the runtime's onFailure here when the machine is built elsewhere). */
  failure(f: { device: string; error: string; during: string }): void {
    this.effect(`fail ${f.device} | ${f.error} | ${f.during}`);
  }
  private readonly mode: "diff" | "reads";

  constructor(readonly sim: XenSim, opts: RecorderOptions = {}) {
    this.mode = opts.ram ?? "diff";
    this.shadow = this.mode === "diff" ? new Uint8Array(sim.ram.bytes) : null;
    const bufvga = (sim as unknown as { bufferVga?: boolean }).bufferVga ?? true;
    this.lines.push("stubdom-trace 1", `ram ${sim.ram.size}`, `vcpus ${sim.page.slots}`, `bufvga ${bufvga ? 1 : 0}`);
    for (const [a, b] of opts.ramHoles ?? []) this.lines.push(`ramhole ${hex(a)} ${hex(b)}`);
    if (this.mode === "reads") this.lines.push("ramdigest 0");
    this.wrapSim();
  }

  /** Records an effect of the current operation. */
  effect(line: string): void {
    if (this.effects) this.effects.push(line);
    else this.lines.push(line);
  }

  /** Forgets the effects recorded so far for the current operation (the snapshot step's). */
  dropEffects(): void {
    if (this.effects) this.effects.length = 0;
  }

  /** Runs `fn` as one recorded operation: fills first, then the op line, then its effects. */
  op<T>(fn: () => T, line: (result: T) => string): T {
    if (this.depth > 0) return fn();
    this.syncFills();
    this.depth++;
    const saved = this.effects;
    this.effects = [];
    let result: T;
    try {
      result = fn();
    } finally {
      this.depth--;
    }
    const effects = this.effects;
    this.effects = saved;
    this.lines.push(...this.preFills, line(result), ...effects);
    this.preFills = [];
    return result;
  }

  /** Guest RAM the guest itself wrote since the last operation (Guest.poke, direct stores). */
  private syncFills(): void {
    if (!this.shadow) return;
    const ram = this.sim.ram.bytes;
    const PAGE = 4096;
    for (let p = 0; p < ram.length; p += PAGE) {
      const end = Math.min(p + PAGE, ram.length);
      if (Buffer.compare(ram.subarray(p, end), this.shadow.subarray(p, end)) === 0) continue;
      let a = p;
      while (ram[a] === this.shadow[a]) a++;
      let b = end;
      while (ram[b - 1] === this.shadow[b - 1]) b--;
      this.lines.push(`fill ${hex(a)} ${hexBytes(ram.subarray(a, b))}`);
      this.shadow.set(ram.subarray(a, b), a);
    }
  }

  private hv<A extends unknown[]>(name: string, fn: (...a: A) => unknown, text: (...a: A) => string): (...a: A) => unknown {
    return (...a: A) => {
      if (this.hvDepth === 0) this.effect(text(...a));
      this.hvDepth++;
      try {
        return fn(...a);
      } finally {
        this.hvDepth--;
      }
    };
  }

  private wrapSim(): void {
    const s = this.sim;
    const orig = {
      mapIoRange: s.mapIoRange.bind(s), unmapIoRange: s.unmapIoRange.bind(s), mapVram: s.mapVram.bind(s), unmapVram: s.unmapVram.bind(s),
      setIsaIrqLevel: s.setIsaIrqLevel.bind(s), setPciIntxLevel: s.setPciIntxLevel.bind(s), setPciLinkRoute: s.setPciLinkRoute.bind(s),
      shutdown: s.shutdown.bind(s), platformChange: s.platformChange.bind(s),
      pio: s.pio.bind(s), mmio64: s.mmio64.bind(s), stringIo: s.stringIo.bind(s), advance: s.advance.bind(s), flushBuffered: s.flushBuffered.bind(s),
      ramWrite: s.ram.write.bind(s.ram), ramRead: s.ram.read.bind(s.ram), clockAdvance: s.clock.advance.bind(s.clock),
    };
    s.mapIoRange = this.hv("map", orig.mapIoRange, (t, a, b) => `map ${RANGE_NAMES[t]} ${hex(a)} ${hex(b)}`) as typeof s.mapIoRange;
    s.unmapIoRange = this.hv("unmap", orig.unmapIoRange, (t, a, b) => `unmap ${RANGE_NAMES[t]} ${hex(a)} ${hex(b)}`) as typeof s.unmapIoRange;
    s.mapVram = this.hv("vram", orig.mapVram, (a, len) => `vram ${hex(a)} ${hex(len)}`) as typeof s.mapVram;
    s.unmapVram = this.hv("unvram", orig.unmapVram, (a) => `unvram ${hex(a)}`) as typeof s.unmapVram;
    s.setIsaIrqLevel = this.hv("isa", orig.setIsaIrqLevel, (irq, l) => `isa ${irq} ${l ? 1 : 0}`) as typeof s.setIsaIrqLevel;
    s.setPciIntxLevel = this.hv("intx", orig.setPciIntxLevel, (bdf, intx, l) => `intx ${hex(bdf & 0xffff)} ${intx & 3} ${l ? 1 : 0}`) as typeof s.setPciIntxLevel;
    s.setPciLinkRoute = this.hv("link", orig.setPciLinkRoute, (link, irq) => `link ${link & 3} ${irq & 15}`) as typeof s.setPciLinkRoute;
    s.shutdown = this.hv("shutdown", orig.shutdown, (r) => `shutdown ${r}`) as typeof s.shutdown;
    s.platformChange = this.hv("platform", orig.platformChange, (k, a, b) => `platform ${k} ${a} ${b}`) as typeof s.platformChange;
    const prevIrq = s.onIrq;
    s.onIrq = (irq, level) => {
      this.effect(`line ${irq} ${level ? 1 : 0}`);
      prevIrq?.(irq, level);
    };
    s.ram.write = (gpa: number, src: Uint8Array): boolean => {
      const ok = orig.ramWrite(gpa, src);
      if (ok) {
        this.effect(`dma ${hex(gpa)} ${src.length ? hexBytes(src) : ""}`);
        this.shadow?.set(src, gpa);
      }
      return ok;
    };
    if (this.mode === "reads") {
      s.ram.read = (gpa: number, dst: Uint8Array): boolean => {
        const ok = orig.ramRead(gpa, dst);
        if (ok && dst.length) this.preFills.push(`fill ${hex(gpa)} ${hexBytes(dst)}`);
        return ok;
      };
    }
    // time moved without draining the buffered ring (host/sim's wall clock when no timer is due)
    s.clock.advance = (ns: bigint) => this.op(() => orig.clockAdvance(ns), () => `clock ${ns}`);
    s.pio = (vcpu, port, size, dir, value = 0) =>
      this.op(() => orig.pio(vcpu, port, size, dir, value), (r) => `pio ${vcpu} ${dir === DIR_READ ? "r" : "w"} ${size} ${hex(port)} ${hex(dir === DIR_READ ? r >>> 0 : value >>> 0)}`);
    s.mmio64 = (vcpu, addr, size, dir, lo, hi) =>
      this.op(() => orig.mmio64(vcpu, addr, size, dir, lo, hi), (r) => {
        const [a, b] = dir === DIR_READ ? r : [lo, hi];
        return `mmio ${vcpu} ${dir === DIR_READ ? "r" : "w"} ${size} ${hex(addr)} ${hex(a >>> 0)} ${hex(b >>> 0)}`;
      });
    s.stringIo = (vcpu, type, addr, size, dir, gpa, count, df = false) =>
      this.op(() => orig.stringIo(vcpu, type, addr, size, dir, gpa, count, df),
        () => `str ${vcpu} ${type === IOREQ_TYPE_PIO ? "pio" : "mmio"} ${dir === DIR_READ ? "r" : "w"} ${size} ${hex(addr)} ${hex(gpa)} ${count} ${df ? 1 : 0}`);
    s.advance = (ns) => this.op(() => orig.advance(ns), () => `wait ${BigInt(ns)}`);
    s.flushBuffered = () => this.op(() => orig.flushBuffered(), () => "flush");
  }

  /** Records a device being added (its init effects follow the line). */
  addDevice(rt: StubdomRuntime, spec: DeviceSpec, add: (spec: DeviceSpec) => unknown = (d) => rt.addDevice(d)): void {
    const mod = relative(OUT, spec.wasm).replace(/\.wasm$/, "");
    const be = [spec.chr && "chr", spec.net && "net", spec.display && "display"].filter(Boolean).join(",") || "-";
    const irqs = spec.irqs?.length ? spec.irqs.map(routeText).join(",") : "-";
    const name = spec.name;
    this.names.push(name);
    if (spec.chr) {
      const w = spec.chr.write.bind(spec.chr);
      spec.chr.write = (b) => { this.effect(`chr ${name} ${hexBytes(b)}`); w(b); };
    }
    if (spec.net) {
      const w = spec.net.send.bind(spec.net);
      spec.net.send = (b) => { this.effect(`net ${name} ${hexBytes(b)}`); w(b); };
    }
    if (spec.display) {
      const d = spec.display;
      const ss = d.setSurface.bind(d), dm = d.damage.bind(d);
      d.setSurface = (srf) => { this.effect(srf ? `surface ${name} ${srf.kind} ${srf.width} ${srf.height} ${srf.stride}` : `surface ${name} 0 0 0 0`); ss(srf); };
      d.damage = (x, y, w, h) => { this.effect(`damage ${name} ${x} ${y} ${w} ${h}`); dm(x, y, w, h); };
    }
    spec.blk?.forEach((b, unit) => this.watchBlock(name, unit, b));
    const wasm = fnv32(readFileSync(spec.wasm));
    this.op(() => add(spec), () => `device ${name} ${mod} wasm=${wasm} irqs=${irqs} be=${be} cfg=${spec.config ?? ""}`);
  }

  /**
   * A block unit: its geometry as a `blkunit` record, and every request: the sectors a read
   * returned go in front of the operation as `blkdata` (the native backend serves them from
   * there), the completion is a `blk` effect, written data a `blkwrite` effect. Trace format 1
   * takes backends that complete within submit (host/node's image backends without a clock).
   */
  private watchBlock(device: string, unit: number, b: BlockBackend): void {
    const flags = (b.present ? BLK_FLAG.PRESENT : 0) | (b.readOnly ? BLK_FLAG.READONLY : 0) | (b.removable ? BLK_FLAG.REMOVABLE : 0);
    this.lines.push(`blkunit ${device} ${unit} ${b.sectors} ${b.sectorSize} ${flags}`);
    const submit = b.submit.bind(b);
    b.submit = (req, done) => {
      let completed = false;
      submit(req, (status) => {
        completed = true;
        if (req.op === BLK_OP.READ && status === BLK_STATUS.OK) this.preFills.push(`blkdata ${device} ${unit} ${req.lba} ${hexBytes(req.data)}`);
        if (req.op === BLK_OP.WRITE && status === BLK_STATUS.OK) this.effect(`blkwrite ${device} ${unit} ${req.lba} ${hexBytes(req.data)}`);
        this.effect(`blk ${device} ${unit} ${req.op} ${req.lba} ${req.sectors} ${status}`);
        done(status);
      });
      if (!completed) throw new Error(`trace: block backend ${device}/${unit} completes asynchronously; trace format 1 records only backends that complete within submit`);
    };
  }

  /** Records backend events (rt.deliverEvent: received bytes, keys, ROM images, refresh requests)
   *  and guest resets made on the runtime from now on. */
  watchRuntime(rt: StubdomRuntime): void {
    const deliver = rt.deliverEvent.bind(rt);
    rt.deliverEvent = (dev, kind, payload, arg, arg2 = 0) =>
      this.op(() => deliver(dev, kind, payload, arg, arg2), () => `event ${dev.name} ${kind} ${arg} ${arg2} ${payload ? hexBytes(payload) : "-"}`);
    const reset = rt.resetAll.bind(rt);
    rt.resetAll = () => this.op(() => reset(), () => "reset");
    // runtime.ts reports a trap through its private deviceFailed (timers cancelled and IRQs
    // lowered first, then onFailure): the fail record follows those effects.
    const r = rt as unknown as { deviceFailed: (dev: unknown, f: { device: string; error: string; during: string }) => void };
    const failed = r.deviceFailed.bind(rt);
    r.deviceFailed = (dev, f) => { failed(dev, f); this.failure(f); };
  }

  /** A backend event delivered to a device (received bytes, a key, a link change ...). */
  event(rt: StubdomRuntime, device: string, kind: number, payload: Uint8Array | null, arg = 0, arg2 = 0): void {
    rt.deliverEvent(rt.device(device), kind, payload, arg, arg2);
  }

  reset(rt: StubdomRuntime): void {
    rt.resetAll();
  }

  /** Closes the trace: final device memories and guest RAM digests. */
  finish(rt: StubdomRuntime): string {
    this.syncFills();
    this.lines.push("end");
    for (const n of this.names) {
      const d = rt.devices.find((x) => x.name === n);
      if (d) this.lines.push(`memhash ${n} ${d.memory().length} ${fnv32(d.memory())}`);
    }
    if (this.mode === "diff") this.lines.push(`ramhash ${this.sim.ram.size} ${fnv32(this.sim.ram.bytes)}`);
    return this.lines.join("\n") + "\n";
  }
}

export interface TracedMachine extends Machine {
  trace: TraceRecorder;
  /** The finished trace text (call once, when the test is done driving). */
  finish(): string;
}

/** createMachine, recorded: the same machine with a TraceRecorder watching it from the start. */
export function createTracedMachine(devices: TracedDeviceSpec[], opts: { sim?: XenSimOptions; runtime?: RuntimeOptions } = {}): TracedMachine {
  const sim = new XenSim(opts.sim);
  const trace = new TraceRecorder(sim);
  const logs: Machine["logs"] = [];
  const rt = new StubdomRuntime(sim, { log: (device, level, text) => logs.push({ device, level, text }), ...opts.runtime });
  sim.attach(rt);
  trace.watchRuntime(rt);
  for (const d of devices) trace.addDevice(rt, { ...d, wasm: d.wasm ?? modulePath(d.module ?? d.name) });
  const m: TracedMachine = { sim, rt, guest: new Guest(sim), logs, trace, finish: () => trace.finish(m.rt) };
  return m;
}

/**
 * Records a machine some other code builds (host/sim's SimMachine.create): while `build` runs,
 * the first StubdomRuntime.addDevice call attaches a recorder to that runtime's simulator, so the
 * devices' init effects are in the trace. (A `beforeDevices` hook in SimMachineOptions would make
 * this patch of the prototype unnecessary: see docs/native-runtime.md.)
 */
export async function recordBuild<M>(build: () => Promise<M>, opts: RecorderOptions = {}): Promise<{ machine: M; recorder: TraceRecorder; finish: () => string }> {
  const proto = StubdomRuntime.prototype;
  const orig = proto.addDevice;
  let recorder: TraceRecorder | null = null;
  let rt: StubdomRuntime | null = null;
  proto.addDevice = function (this: StubdomRuntime, spec: DeviceSpec) {
    if (!recorder) {
      rt = this;
      recorder = new TraceRecorder(this.hv as XenSim, opts);
      recorder.watchRuntime(this);
    }
    let dev: ReturnType<typeof orig> | undefined;
    recorder.addDevice(this, spec, (d) => (dev = orig.call(this, d)));
    return dev!;
  };
  let machine: M;
  try {
    machine = await build();
  } finally {
    proto.addDevice = orig;
  }
  if (!recorder || !rt) throw new Error("recordBuild: the machine added no device");
  const r: TraceRecorder = recorder;
  const runtime: StubdomRuntime = rt;
  return { machine, recorder: r, finish: () => r.finish(runtime) };
}
