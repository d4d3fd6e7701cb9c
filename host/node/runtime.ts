// The stub-domain runtime on V8 (the reference runtime): owns the device table and implements
// what the devices' imports ask of it. The ioreq protocol is ioreq-dispatch.ts (devices never see
// an ioreq), the imports object is imports/ (one file per capability), device and host options are
// device-spec.ts. Here: loading devices, containing those that trap, deferred work, chr receive
// flow control, IRQ lines, range and VRAM mapping, timers.
import { DeviceInstance, loadManifest, loadModule, DeviceLoadError, type DeviceFailure } from "./device.ts";
import { RangeTable, SPACE_PORT, SPACE_MMIO } from "./ranges.ts";
import type { IoreqPage, BufIoreqPage, Ioreq } from "./ioreq.ts";
import { RANGE_PORT, RANGE_MMIO, RANGE_PCI, type Hypervisor } from "./hypervisor.ts";
import { EVENT } from "./abi.ts";
import { moduleIdentity } from "./snapshot-module.ts";
import type { DeviceSpec, LogSink, RuntimeOptions } from "./device-spec.ts";
import { IoreqDispatcher } from "./ioreq-dispatch.ts";
import { importsFor } from "./imports/index.ts";

export { fmtBdf, type IrqRoute, type DeviceSpec, type LogSink, type RuntimeOptions } from "./device-spec.ts";

const LEVEL_NAMES = ["error", "warn", "info", "debug"];

/** Received bytes that may wait for a chr device's receiver (runtime/core: CORE_CHR_QUEUE is
 *  smaller; its platforms keep the rest in their own rings). */
const CHR_QUEUE_LIMIT = 65536;

export class StubdomRuntime {
  readonly devices: DeviceInstance[] = [];
  readonly ranges = new RangeTable<DeviceInstance>();
  readonly failures: DeviceFailure[] = [];
  // pciOwners, specs, vram, setIrq, unclaim, mapRange, armTimer: also used by snapshot.ts
  readonly pciOwners = new Map<number, DeviceInstance>();
  readonly specs = new Map<DeviceInstance, DeviceSpec>();
  /** Regions a device declared as memory-backed (vram_map): region → module memory span. */
  readonly vram = new Map<DeviceInstance, Map<number, { ptr: number; len: number }>>();
  /** ISA IRQ line → devices/pins asserting it (ISA lines are OR-ed here; Xen keeps one level). */
  private readonly isaAsserted = new Map<number, Set<string>>();
  private readonly pciAsserted = new Map<string, Set<string>>();
  private readonly deferred: Array<() => void> = [];
  private readonly unclaimedLogged = new Set<string>();
  /** The device being called (logOnce names it); set by the ioreq path. */
  current = "";
  readonly stats = { ioreqs: 0, buffered: 0, ringResyncs: 0, byDevice: new Map<string, number>() };
  readonly log: LogSink;
  /** Largest string-I/O count served (RuntimeOptions.maxRepCount). */
  readonly maxRep: number;
  private readonly ioreqs = new IoreqDispatcher(this);

  constructor(readonly hv: Hypervisor, private readonly opts: RuntimeOptions = {}) {
    this.log = opts.log ?? ((d, l, t) => { if (l <= 1) console.error(`[${d}] ${LEVEL_NAMES[l] ?? l}: ${t}`); });
    this.maxRep = opts.maxRepCount ?? 65536;
  }

  // --- devices ----------------------------------------------------------------------------

  /** Loads, instantiates and initialises a device; throws DeviceLoadError with a clear message. */
  addDevice(spec: DeviceSpec): DeviceInstance {
    if (this.devices.some((d) => d.name === spec.name)) throw new DeviceLoadError(`duplicate device name ${spec.name}`);
    const manifest = loadManifest(spec.wasm);
    const mod = loadModule(spec.wasm);
    let dev!: DeviceInstance;
    dev = new DeviceInstance(spec.name, manifest, mod, importsFor(this, () => dev, spec), (f) => this.deviceFailed(dev, f));
    dev.identity = moduleIdentity(spec.wasm, dev.exports);
    this.devices.push(dev);
    this.specs.set(dev, spec);
    this.subscribeBackends(dev, spec);
    const cfg = new TextEncoder().encode(spec.config ?? "");
    const ptr = dev.stage(cfg, () => "dev_alloc for config");
    if (ptr < 0) throw new DeviceLoadError(`device ${spec.name}: configuration too long (${cfg.length} bytes)`);
    const rc = dev.call(() => "dev_init", -1, (x) => x.dev_init(ptr, cfg.length));
    if (dev.failed) throw new DeviceLoadError(`device ${spec.name}: trapped in dev_init: ${dev.failed.error}`);
    if (rc !== 0) {
      this.removeDevice(dev);
      throw new DeviceLoadError(`device ${spec.name}: configuration rejected (dev_init returned ${rc}): see the device's log above; config was '${spec.config ?? ""}'`);
    }
    return dev;
  }

  device(name: string): DeviceInstance {
    const d = this.devices.find((x) => x.name === name);
    if (!d) throw new Error(`no device ${name}`);
    return d;
  }

  private removeDevice(dev: DeviceInstance): void {
    for (const r of this.ranges.ownedBy(dev)) this.unclaim(dev, r.region);
    for (const [bdf, owner] of this.pciOwners) if (owner === dev) { this.pciOwners.delete(bdf); this.hv.unmapIoRange(RANGE_PCI, bdf, bdf); }
    this.devices.splice(this.devices.indexOf(dev), 1);
  }

  /** Guest reset: every device back to its power-on state. */
  resetAll(): void {
    for (const d of this.devices) d.call(() => "dev_reset", undefined, (x) => x.dev_reset());
  }

  private deviceFailed(dev: DeviceInstance, f: DeviceFailure): void {
    // Its ranges stay mapped (so the guest gets all-ones, not another server); its IRQs drop.
    for (const t of dev.timers.values()) this.hv.clock.cancel(t);
    dev.timers.clear();
    for (const pin of [...dev.irqLevels.keys()]) this.setIrq(dev, pin, 0);
    this.failures.push(f);
    this.log(dev.name, 0, `device failed: ${f.error} during ${f.during}; its registers now read all-ones, its IRQ lines are lowered, other devices keep serving`);
    this.opts.onFailure?.(f);
  }

  // --- the ioreq path (ioreq-dispatch.ts) ---------------------------------------------------

  /**
   * An event-channel kick: drain the buffered ring in order, then serve every vCPU slot in
   * IOREQ_READY. Returns the number of synchronous requests answered.
   */
  serviceEvent(page: IoreqPage, buf: BufIoreqPage | null): number {
    return this.ioreqs.serviceEvent(page, buf);
  }

  /** Drains the buffered ring (IoreqDispatcher.drainBuffered: runtime/core's contract). */
  drainBuffered(buf: BufIoreqPage): void {
    this.ioreqs.drainBuffered(buf);
  }

  /** Emulates one request; returns the read data as [lo, hi] (IoreqDispatcher.handle). */
  handle(req: Ioreq, addrHigh: number, dataLo?: number, dataHi?: number): [number, number] {
    return this.ioreqs.handle(req, addrHigh, dataLo, dataHi);
  }

  // --- deferred work (backend completions, events) -----------------------------------------

  /** Queues work to run after the current ioreq is answered (backends complete asynchronously). */
  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Runs queued backend completions; the hypervisor calls this between requests. */
  runDeferred(): void {
    for (let n = 0; this.deferred.length && n < 100000; n++) this.deferred.shift()!();
  }

  // --- receive flow control for chr devices (runtime/core/chr.c does the same natively) ------

  /** Bytes a chr backend received: queued (at most CHR_QUEUE_LIMIT waiting; beyond that the
   *  line drops them, once logged), then delivered as far as the device's room allows. */
  chrInput(dev: DeviceInstance, bytes: Uint8Array): void {
    if (dev.failed) return;
    const take = Math.min(bytes.length, CHR_QUEUE_LIMIT - dev.chrQueue.length);
    for (let i = 0; i < take; i++) dev.chrQueue.push(bytes[i]!);
    if (take < bytes.length) this.logOnce(`${dev.name}:chr-queue`, `${dev.name}: ${bytes.length - take} received byte(s) dropped: ${CHR_QUEUE_LIMIT} already wait for the device's receiver`);
    this.chrPump(dev);
  }

  /** After the current device call: the device reported new room through chr_rx_room. */
  deferChrPump(dev: DeviceInstance): void {
    if (dev.chrPumpQueued || !dev.chrQueue.length) return;
    dev.chrPumpQueued = true;
    this.defer(() => { dev.chrPumpQueued = false; this.chrPump(dev); });
  }

  private chrPump(dev: DeviceInstance): void {
    for (let pass = 0; dev.chrQueue.length && pass < CHR_QUEUE_LIMIT && !dev.failed; pass++) {
      const n = dev.chrRoom < 0 ? dev.chrQueue.length : Math.min(dev.chrRoom, dev.chrQueue.length);
      if (!n) return;
      const bytes = Uint8Array.from(dev.chrQueue.splice(0, n));
      if (dev.chrRoom >= 0) dev.chrRoom -= n; // until the device says otherwise
      this.deliverEvent(dev, EVENT.CHR_RX, bytes, 0);
    }
  }

  /** Delivers a backend event to a device (payload staged into its memory when given). */
  deliverEvent(dev: DeviceInstance, kind: number, payload: Uint8Array | null, arg: number, arg2 = 0): void {
    const during = (): string => `dev_event kind ${kind}${payload ? ` (${payload.length} bytes)` : ` arg ${arg}`}`;
    if (dev.failed || !dev.exports.dev_event) return;
    if (payload) {
      const ptr = dev.stage(payload, during);
      if (ptr < 0) { this.log(dev.name, 1, `event kind ${kind} payload of ${payload.length} bytes refused by the device`); return; }
      dev.call(during, undefined, (x) => x.dev_event!(kind, ptr, payload.length));
    } else {
      dev.call(during, undefined, (x) => x.dev_event!(kind, arg, arg2));
    }
  }

  /** PLATFORM_UNPLUG (the Xen platform device's unplug port): EVENT_UNPLUG with the mask, after
   *  the current call, to every other device whose manifest grants blk or net (runtime/core:
   *  core_unplug). Each device decides which of the mask's UNPLUG_* bits concern it. */
  unplug(from: DeviceInstance, mask: number): void {
    const to = this.devices.filter((d) => d !== from && d.manifest.capabilities.some((c) => c === "blk" || c === "net"));
    this.log(from.name, 2, `unplug of emulated devices, mask 0x${(mask >>> 0).toString(16)}: delivered to ${to.map((d) => d.name).join(", ") || "no device"}`);
    for (const d of to) this.defer(() => this.deliverEvent(d, EVENT.UNPLUG, null, mask, 0));
  }

  // --- IRQ lines ---------------------------------------------------------------------------

  setIrq(dev: DeviceInstance, pin: number, level: number): void {
    const spec = this.specs.get(dev)!;
    const route = spec.irqs?.[pin] ?? (pin === 0 && dev.bdfs.length ? { intx: 0 } : undefined);
    level = level ? 1 : 0;
    if (!route) {
      this.logOnce(`${dev.name}:pin${pin}`, `device ${dev.name} drives irq pin ${pin}, which its configuration does not route`);
      return;
    }
    if (level) dev.irqLevels.set(pin, 1);
    else dev.irqLevels.delete(pin);
    const who = `${dev.name}#${pin}`;
    if ("isa" in route) {
      const set = this.isaAsserted.get(route.isa) ?? new Set<string>();
      const before = set.size > 0;
      if (level) set.add(who);
      else set.delete(who);
      this.isaAsserted.set(route.isa, set);
      if (before !== set.size > 0) this.hv.setIsaIrqLevel(route.isa, set.size > 0 ? 1 : 0);
    } else {
      const bdf = route.bdf ?? dev.bdfs[0];
      if (bdf === undefined) return;
      const key = `${bdf}:${route.intx}`;
      const set = this.pciAsserted.get(key) ?? new Set<string>();
      const before = set.size > 0;
      if (level) set.add(who);
      else set.delete(who);
      this.pciAsserted.set(key, set);
      if (before !== set.size > 0) this.hv.setPciIntxLevel(bdf, route.intx, set.size > 0 ? 1 : 0);
    }
  }

  // --- ranges and timers (the claim, vram_map and timer_arm imports; snapshot.ts) ----------

  unclaim(dev: DeviceInstance, region: number): void {
    const old = this.ranges.remove(dev, region);
    if (old) this.unmapRange(dev, old.region, old.space, old.base, old.len);
  }

  unmapRange(dev: DeviceInstance, region: number, space: number, base: number, len: number): void {
    if (space === SPACE_MMIO && this.vram.get(dev)?.has(region)) this.hv.unmapVram(base);
    else this.hv.unmapIoRange(space === SPACE_PORT ? RANGE_PORT : RANGE_MMIO, base, base + len - 1);
  }

  mapRange(dev: DeviceInstance, region: number, space: number, base: number, len: number): void {
    const v = space === SPACE_MMIO ? this.vram.get(dev)?.get(region) : undefined;
    if (v) this.hv.mapVram(base, Math.min(len, v.len), () => dev.memory().subarray(v.ptr, v.ptr + v.len));
    else this.hv.mapIoRange(space === SPACE_PORT ? RANGE_PORT : RANGE_MMIO, base, base + len - 1);
  }

  /** timer_arm: one-shot timer `id` of `dev`, `delay` ns from now (re-arming replaces). */
  armTimer(dev: DeviceInstance, id: number, delay: bigint): void {
    const old = dev.timers.get(id);
    if (old !== undefined) this.hv.clock.cancel(old);
    const h = this.hv.clock.schedule(delay, () => {
      dev.timers.delete(id);
      dev.call(() => `dev_timer ${id}`, undefined, (x) => x.dev_timer?.(id));
      this.runDeferred();
    });
    dev.timers.set(id, h);
  }

  private subscribeBackends(dev: DeviceInstance, spec: DeviceSpec): void {
    if (spec.chr) spec.chr.onReceive = (bytes) => this.chrInput(dev, bytes);
    if (spec.net) spec.net.onReceive = (frame) => this.deliverEvent(dev, EVENT.NET_RX, frame, 0);
    spec.blk?.forEach((b, unit) => { b.onMediaChange = () => this.deliverEvent(dev, EVENT.BLK_MEDIA, null, unit); });
  }

  /** Logs `text` once per `key`, as the device being called (or the runtime). */
  logOnce(key: string, text: string): void {
    if (this.unclaimedLogged.has(key)) return;
    this.unclaimedLogged.add(key);
    this.log(this.current || "runtime", 2, text);
  }
}
