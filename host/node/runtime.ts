// The stub-domain runtime on V8 (the reference runtime): owns the ioreq protocol and the device
// table. It consumes Xen-layout ioreqs from the shared pages (synchronous slots per vCPU and the
// buffered ring), dispatches them through the range table and PCI routing to device modules,
// implements every capability import, and contains devices that trap. Devices never see an ioreq.
import { DeviceInstance, loadManifest, loadModule, DeviceLoadError, type DeviceFailure, type ImportFns } from "./device.ts";
import { RangeTable, SPACE_PORT, SPACE_MMIO } from "./ranges.ts";
import {
  IoreqPage, BufIoreqPage, BUF_SLOTS, type Ioreq,
  STATE_IOREQ_READY, STATE_INPROCESS, STATE_IORESP_READY,
  IOREQ_TYPE_PIO, IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG, IOREQ_TYPE_INVALIDATE, IOREQ_TYPE_TIMEOFFSET, DIR_READ,
} from "./ioreq.ts";
import { RANGE_PORT, RANGE_MMIO, RANGE_PCI, type Hypervisor } from "./hypervisor.ts";
import { EVENT, PLATFORM, BLK_INFO, BLK_FLAG, BLK_STATUS, BLK_OP, DMA, SURFACE } from "./abi.ts";
import type { CharBackend, BlockBackend, NetBackend, DisplayBackend } from "./backends.ts";
import { moduleIdentity } from "./snapshot-module.ts";

/** Where one of a device's irq_set pins goes. */
export type IrqRoute = { isa: number } | { intx: number; bdf?: number };

export interface DeviceSpec {
  /** Instance name used in logs and failure reports. */
  name: string;
  /** Path of the .wasm file (its manifest sits beside it). */
  wasm: string;
  config?: string;
  /** irq_set pin n → route; a PCI device without routes gets pin 0 → INTA of its first function. */
  irqs?: IrqRoute[];
  chr?: CharBackend;
  blk?: BlockBackend[];
  net?: NetBackend;
  display?: DisplayBackend;
}

export type LogSink = (device: string, level: number, text: string) => void;

export interface RuntimeOptions {
  log?: LogSink;
  onFailure?: (f: DeviceFailure) => void;
  /** Largest `count` accepted for string I/O (Xen bounds it by the page; we bound it too). */
  maxRepCount?: number;
}

const LEVEL_NAMES = ["error", "warn", "info", "debug"];
const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff];
const TWO32 = 0x1_0000_0000;

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
  private current = "";
  readonly stats = { ioreqs: 0, buffered: 0, ringResyncs: 0, byDevice: new Map<string, number>() };
  private readonly log: LogSink;
  private readonly maxRep: number;

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
    dev = new DeviceInstance(spec.name, manifest, mod, this.importsFor(() => dev, spec), (f) => this.deviceFailed(dev, f));
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

  // --- the ioreq path --------------------------------------------------------------------

  /**
   * An event-channel kick: drain the buffered ring in order, then serve every vCPU slot in
   * IOREQ_READY. Returns the number of synchronous requests answered.
   */
  serviceEvent(page: IoreqPage, buf: BufIoreqPage | null): number {
    if (buf) this.drainBuffered(buf);
    let served = 0;
    for (let vcpu = 0; vcpu < page.slots; vcpu++) {
      if (page.state(vcpu) !== STATE_IOREQ_READY) continue;
      const req = page.read(vcpu); // fields read after the state (the read barrier)
      page.setState(vcpu, STATE_INPROCESS);
      const [lo, hi] = this.handle(req, page.addrHigh(vcpu), page.dataLo(vcpu), page.dataHi(vcpu));
      if (req.dir === DIR_READ && !req.dataIsPtr) page.setData(vcpu, lo, hi);
      page.setState(vcpu, STATE_IORESP_READY); // after the data (the write barrier)
      this.hv.notify(req.vpEport);
      served++;
    }
    this.runDeferred();
    return served;
  }

  /**
   * Drains the buffered ring with runtime/core's contract (core_bufioreq_drain): both pointers are
   * read before each entry and read_pointer is advanced by the entry's slots, an add, never a
   * store of an earlier value (Xen may rebase both pointers by n*511 meanwhile); at most 511 steps
   * per call. A ring with wp - rp > 511, or an 8-byte entry whose second slot names another access,
   * is resynchronised (slots skipped, logged the 1st, 2nd, 4th, ... time); an 8-byte entry whose
   * second slot is not published yet waits for the next call.
   */
  drainBuffered(buf: BufIoreqPage): void {
    for (let step = 0; step < BUF_SLOTS; step++) {
      const rp = buf.readPointer;
      const wp = buf.writePointer;
      const pending = (wp - rp) >>> 0;
      if (pending === 0) return;
      if (pending > BUF_SLOTS) {
        buf.readPointer = buf.readPointer + pending;
        this.bufferedResync(rp, wp, pending);
        continue;
      }
      const s = buf.slot(rp);
      let used = 1;
      let hi = 0;
      if (s.size === 8) {
        if (pending < 2) return; // the second half is not published yet
        const s2 = buf.slot((rp + 1) >>> 0);
        if (s2.type !== s.type || s2.size !== s.size || s2.addr !== s.addr) {
          buf.readPointer = buf.readPointer + 1; // a lone first half: the next slot is an entry
          this.bufferedResync(rp, wp, 1);
          continue;
        }
        hi = s2.data;
        used = 2;
      }
      this.stats.buffered++;
      const req: Ioreq = { addr: s.addr, data: s.data, count: 1, size: s.size, vpEport: 0, state: 0, dataIsPtr: false, dir: 0, df: false, type: s.type };
      // Xen only buffers legacy-VGA-window writes: a 20-bit address in the first MiB.
      this.handle(req, 0, s.data, hi);
      buf.readPointer = buf.readPointer + used;
    }
  }

  private bufferedResync(rp: number, wp: number, skipped: number): void {
    const n = ++this.stats.ringResyncs;
    if (n & (n - 1)) return;
    this.log("runtime", 1, `buffered ioreq ring inconsistent (read pointer 0x${rp.toString(16)}, write pointer 0x${wp.toString(16)}): ${skipped} slot(s) skipped to resynchronise; resync #${n}`);
  }

  /**
   * Emulates one request; returns the read data as [lo, hi]. `dataLo`/`dataHi` are the exact
   * halves of `data` (a number loses bits above 2^53; only 8-byte write values get that large).
   */
  handle(req: Ioreq, addrHigh: number, dataLo = req.data % TWO32, dataHi = Math.floor(req.data / TWO32)): [number, number] {
    this.stats.ioreqs++;
    switch (req.type) {
      case IOREQ_TYPE_PIO:
        return this.handleSpace(SPACE_PORT, req, dataLo, dataHi);
      case IOREQ_TYPE_COPY:
        return this.handleSpace(SPACE_MMIO, req, dataLo, dataHi);
      case IOREQ_TYPE_PCI_CONFIG:
        return this.handlePciConfig(req, addrHigh);
      case IOREQ_TYPE_INVALIDATE: // our guest-RAM view has no map cache to drop
      case IOREQ_TYPE_TIMEOFFSET: // the guest set its RTC: nothing of ours depends on it
        return [0, 0];
      default:
        this.logOnce(`type${req.type}`, `ignoring ioreq of unknown type ${req.type}`);
        return [ALL_ONES[4]!, ALL_ONES[4]!];
    }
  }

  private describe(space: number, req: Ioreq): string {
    const what = space === SPACE_PORT ? `port 0x${req.addr.toString(16)}` : `mmio 0x${req.addr.toString(16)}`;
    const data = req.dataIsPtr ? `buffer 0x${req.data.toString(16)} x${req.count}${req.df ? " df" : ""}` : `data 0x${req.data.toString(16)}`;
    return `ioreq ${req.dir === DIR_READ ? "read" : "write"} ${what} size ${req.size} ${data}`;
  }

  private handleSpace(space: number, req: Ioreq, dataLo: number, dataHi: number): [number, number] {
    const size = req.size;
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) {
      this.logOnce(`size${size}`, `ioreq with invalid size ${size} ignored`);
      return [0xffffffff, 0xffffffff];
    }
    if (!req.dataIsPtr) {
      if (req.dir === DIR_READ) return this.access(space, req, req.addr, size, 0, 0, true);
      this.access(space, req, req.addr, size, dataLo, dataHi, false);
      return [0, 0];
    }
    // String I/O: `count` elements through guest memory at `data`, stepping by `size` (down with df);
    // MMIO also steps the device address. Bounded by count and validated against guest RAM.
    const count = Math.min(req.count, this.maxRep);
    if (req.count > this.maxRep) this.logOnce("repcount", `string ioreq count ${req.count} clamped to ${this.maxRep}`);
    const step = req.df ? -size : size;
    const el = new Uint8Array(size);
    const dv = new DataView(el.buffer);
    for (let i = 0; i < count; i++) {
      const gpa = req.data + i * step;
      const addr = space === SPACE_MMIO ? req.addr + i * step : req.addr;
      if (req.dir === DIR_READ) {
        const [lo, hi] = this.access(space, req, addr, size, 0, 0, true);
        if (size === 8) { dv.setUint32(0, lo, true); dv.setUint32(4, hi, true); }
        else if (size === 4) dv.setUint32(0, lo, true);
        else if (size === 2) dv.setUint16(0, lo, true);
        else dv.setUint8(0, lo);
        if (!this.hv.ram.write(gpa, el)) { this.logOnce(`rep${space}`, `string read buffer 0x${gpa.toString(16)} outside guest RAM: stopped`); break; }
      } else {
        if (!this.hv.ram.read(gpa, el)) { this.logOnce(`rep${space}`, `string write buffer 0x${gpa.toString(16)} outside guest RAM: stopped`); break; }
        const lo = size === 8 || size === 4 ? dv.getUint32(0, true) : size === 2 ? dv.getUint16(0, true) : dv.getUint8(0);
        this.access(space, req, addr, size, lo, size === 8 ? dv.getUint32(4, true) : 0, false);
      }
    }
    return [0, 0];
  }

  /** One element access to a device; 8-byte accesses become two 4-byte ones, low first. */
  private access(space: number, req: Ioreq, addr: number, size: number, lo: number, hi: number, read: boolean): [number, number] {
    const r = this.ranges.lookup(space, addr);
    if (!r) {
      this.logOnce(`unclaimed${space}:${addr}`, `unclaimed ${space === SPACE_PORT ? "port" : "mmio"} 0x${addr.toString(16)} (${read ? "read answers all-ones" : "write dropped"})`);
      return size === 8 ? [0xffffffff, 0xffffffff] : [ALL_ONES[size]!, 0];
    }
    const dev = r.owner;
    this.stats.byDevice.set(dev.name, (this.stats.byDevice.get(dev.name) ?? 0) + 1);
    const off = addr - r.base;
    const during = (): string => this.describe(space, req);
    this.current = dev.name;
    if (read) {
      if (size === 8) {
        const l = dev.call(during, -1, (x) => x.dev_read(r.region, off, 4)) >>> 0;
        const h = dev.call(during, -1, (x) => x.dev_read(r.region, off + 4, 4)) >>> 0;
        return [l, h];
      }
      const v = dev.call(during, -1, (x) => x.dev_read(r.region, off, size));
      return [(v >>> 0) & ALL_ONES[size]!, 0];
    }
    if (size === 8) {
      dev.call(during, undefined, (x) => x.dev_write(r.region, off, 4, lo | 0));
      dev.call(during, undefined, (x) => x.dev_write(r.region, off + 4, 4, hi | 0));
    } else {
      dev.call(during, undefined, (x) => x.dev_write(r.region, off, size, lo | 0));
    }
    return [0, 0];
  }

  private handlePciConfig(req: Ioreq, addrHigh: number): [number, number] {
    const sbdf = addrHigh; // segment:16 bus:8 dev:5 fn:3
    const bdf = sbdf & 0xffff;
    const reg = req.addr % TWO32;
    const size = req.size;
    const dev = (sbdf >>> 16) === 0 ? this.pciOwners.get(bdf) : undefined;
    const during = (): string => `ioreq PCI_CONFIG ${req.dir === DIR_READ ? "read" : "write"} ${fmtBdf(bdf)} reg 0x${reg.toString(16)} size ${size}${req.dir === DIR_READ ? "" : ` data 0x${req.data.toString(16)}`}`;
    if (!dev || (size !== 1 && size !== 2 && size !== 4) || reg > 0xfff) return [ALL_ONES[size === 1 || size === 2 ? size : 4]!, 0];
    this.stats.byDevice.set(dev.name, (this.stats.byDevice.get(dev.name) ?? 0) + 1);
    if (req.dir === DIR_READ) {
      const v = dev.call(during, -1, (x) => (x.pci_cfg_read ? x.pci_cfg_read(bdf, reg, size) : -1));
      return [(v >>> 0) & ALL_ONES[size]!, 0];
    }
    dev.call(during, undefined, (x) => x.pci_cfg_write?.(bdf, reg, size, req.data % TWO32 | 0));
    return [0, 0];
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
  private unplug(from: DeviceInstance, mask: number): void {
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

  // --- imports -----------------------------------------------------------------------------

  unclaim(dev: DeviceInstance, region: number): void {
    const old = this.ranges.remove(dev, region);
    if (old) this.unmapRange(dev, old.region, old.space, old.base, old.len);
  }

  private unmapRange(dev: DeviceInstance, region: number, space: number, base: number, len: number): void {
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

  private importsFor(getDev: () => DeviceInstance, spec: DeviceSpec): ImportFns {
    const rt = this;
    const mem = (): Uint8Array => getDev().memory();
    const inMem = (ptr: number, len: number): boolean => ptr >= 0 && len >= 0 && (ptr >>> 0) + (len >>> 0) <= mem().length;
    const name = spec.name;
    const u64 = (lo: number, hi: number): number => (lo >>> 0) + (hi >>> 0) * TWO32;
    return {
      log(level, ptr, len) {
        if (!inMem(ptr, len)) return;
        rt.log(name, level, new TextDecoder().decode(mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))));
      },
      claim(region, space, baseLo, baseHi, len) {
        const dev = getDev();
        const base = u64(baseLo, baseHi);
        const length = len >>> 0;
        const limit = space === SPACE_PORT ? 0x10000 : 2 ** 52;
        if ((space !== SPACE_PORT && space !== SPACE_MMIO) || length === 0 || base + length > limit) {
          rt.log(name, 0, `claim of region ${region} refused: space ${space} base 0x${base.toString(16)} len 0x${length.toString(16)}`);
          return;
        }
        const clash = rt.ranges.conflict(dev, region, space, base, length);
        if (clash) {
          rt.log(name, 0, `claim of region ${region} at 0x${base.toString(16)}+0x${length.toString(16)} refused: overlaps ${clash.owner.name} region ${clash.region}`);
          rt.unclaim(dev, region);
          return;
        }
        const old = rt.ranges.set(dev, region, space, base, length);
        if (old && old.base === base && old.len === length && old.space === space) return;
        if (old) rt.unmapRange(dev, region, old.space, old.base, old.len);
        rt.mapRange(dev, region, space, base, length);
      },
      unclaim(region) {
        rt.unclaim(getDev(), region);
      },
      pci_register(bdf) {
        const dev = getDev();
        bdf &= 0xffff;
        const owner = rt.pciOwners.get(bdf);
        if (owner && owner !== dev) {
          rt.log(name, 0, `pci_register ${fmtBdf(bdf)} refused: owned by ${owner.name}`);
          return;
        }
        if (owner) return;
        rt.pciOwners.set(bdf, dev);
        dev.bdfs.push(bdf);
        rt.hv.mapIoRange(RANGE_PCI, bdf, bdf);
      },
      irq_set(pin, level) {
        rt.setIrq(getDev(), pin, level);
      },
      dma_read(lo, hi, ptr, len) {
        if (!inMem(ptr, len)) throw new WebAssembly.RuntimeError(`dma_read into module memory out of bounds (ptr 0x${(ptr >>> 0).toString(16)} len ${len})`);
        return rt.hv.ram.read(u64(lo, hi), mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))) ? DMA.OK : DMA.FAULT;
      },
      dma_write(lo, hi, ptr, len) {
        if (!inMem(ptr, len)) throw new WebAssembly.RuntimeError(`dma_write from module memory out of bounds (ptr 0x${(ptr >>> 0).toString(16)} len ${len})`);
        return rt.hv.ram.write(u64(lo, hi), mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))) ? DMA.OK : DMA.FAULT;
      },
      timer_arm(id, nsLo, nsHi) {
        rt.armTimer(getDev(), id, (BigInt(nsHi >>> 0) << 32n) | BigInt(nsLo >>> 0));
      },
      timer_cancel(id) {
        const dev = getDev();
        const h = dev.timers.get(id);
        if (h !== undefined) rt.hv.clock.cancel(h);
        dev.timers.delete(id);
      },
      now_lo() {
        return Number(rt.hv.clock.now() & 0xffffffffn) | 0;
      },
      now_hi() {
        return Number(rt.hv.clock.now() >> 32n) | 0;
      },
      platform(kind, a, b) {
        switch (kind) {
          case PLATFORM.RESET: rt.hv.shutdown("reboot"); break;
          case PLATFORM.POWEROFF: rt.hv.shutdown("poweroff"); break;
          case PLATFORM.A20: rt.hv.platformChange("a20", a, b); break;
          case PLATFORM.PAM: rt.hv.platformChange("pam", a, b); break;
          case PLATFORM.PCI_LINK_ROUTE:
            if (a >= 0 && a < 4) rt.hv.setPciLinkRoute(a, b >= 0 && b < 16 ? b : 0);
            break;
          case PLATFORM.UNPLUG: rt.unplug(getDev(), a); break;
          default: rt.logOnce(`${name}:platform${kind}`, `${name}: unknown platform request ${kind}`);
        }
      },
      chr_send(ptr, len) {
        if (!inMem(ptr, len) || !spec.chr) return;
        spec.chr.write(mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
      },
      chr_rx_room(room) {
        const dev = getDev();
        dev.chrRoom = room < 0 ? 0 : room;
        rt.deferChrPump(dev);
      },
      blk_info(unit, what) {
        const b = spec.blk?.[unit];
        if (!b) return what === BLK_INFO.FLAGS ? 0 : 0;
        switch (what) {
          case BLK_INFO.SECTORS_LO: return b.present ? b.sectors % TWO32 | 0 : 0;
          case BLK_INFO.SECTORS_HI: return b.present ? Math.floor(b.sectors / TWO32) | 0 : 0;
          case BLK_INFO.SECTOR_SIZE: return b.sectorSize;
          case BLK_INFO.FLAGS: return (b.present ? BLK_FLAG.PRESENT : 0) | (b.readOnly ? BLK_FLAG.READONLY : 0) | (b.removable ? BLK_FLAG.REMOVABLE : 0);
          default: return 0;
        }
      },
      blk_submit(unit, op, lbaLo, lbaHi, ptr, sectors, tag) {
        const dev = getDev();
        const b = spec.blk?.[unit];
        // Completion: dev_event(BLK_DONE, tag, status), always after blk_submit has returned.
        const complete = (s: number): void => rt.defer(() => rt.deliverEvent(dev, EVENT.BLK_DONE, null, tag, s));
        if (!b) { complete(BLK_STATUS.NOMEDIA); return 0; }
        const bytes = (sectors >>> 0) * b.sectorSize;
        if (op !== BLK_OP.FLUSH && (sectors <= 0 || !inMem(ptr, bytes))) { complete(BLK_STATUS.RANGE); return 0; }
        const lba = u64(lbaLo, lbaHi);
        if (!b.present) { complete(BLK_STATUS.NOMEDIA); return 0; }
        if (op !== BLK_OP.FLUSH && lba + sectors > b.sectors) { complete(BLK_STATUS.RANGE); return 0; }
        if (op === BLK_OP.WRITE && b.readOnly) { complete(BLK_STATUS.RDONLY); return 0; }
        const p = ptr >>> 0;
        const data = op === BLK_OP.WRITE ? mem().slice(p, p + bytes) : new Uint8Array(op === BLK_OP.READ ? bytes : 0);
        dev.blkInflight++; // a snapshot waits for these (snapshot.ts)
        b.submit({ op, lba, sectors, data }, (s) => {
          dev.blkInflight--;
          rt.defer(() => {
            // The device's memory may have grown: copy the read data in at completion time.
            if (s === BLK_STATUS.OK && op === BLK_OP.READ && !dev.failed) mem().set(data, p);
          });
          complete(s);
        });
        return 0;
      },
      net_send(ptr, len) {
        if (!inMem(ptr, len) || !spec.net) return;
        spec.net.send(mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
      },
      display_set_surface(kind, width, height, stride, ptr) {
        if (!spec.display) return;
        const dev = getDev();
        dev.surface = null;
        if (kind === 0) { spec.display.setSurface(null); return; }
        // The same checks as runtime/core (imports.c): a known kind, rows within the stride, the
        // whole span inside module memory; a refused surface is shown blank.
        const bytes = (stride >>> 0) * (height >>> 0);
        const why = kind !== SURFACE.RGBA32 && kind !== SURFACE.BGRX32 ? "display surface of an unknown kind refused"
          : (width >>> 0) * 4 > (stride >>> 0) ? "display surface rows wider than its stride refused"
          : !inMem(ptr, bytes) ? "display surface outside module memory refused" : null;
        if (why) { rt.log(name, 0, why); spec.display.setSurface(null); return; }
        const p = ptr >>> 0;
        dev.surface = { kind, width, height, stride, ptr: p };
        spec.display.setSurface({ kind, width, height, stride, pixels: () => mem().subarray(p, p + bytes) });
      },
      display_damage(x, y, w, h) {
        spec.display?.damage(x, y, w, h);
      },
      display_dirty_vram(offset, len, bitmapPtr) {
        const dev = getDev();
        const bytes = Math.ceil(Math.ceil((len >>> 0) / 4096) / 8);
        if (!inMem(bitmapPtr, bytes)) return 1;
        const bitmap = mem().subarray(bitmapPtr >>> 0, (bitmapPtr >>> 0) + bytes);
        bitmap.fill(0);
        // Dirty pages of the LFB the guest wrote directly; nothing mapped means nothing written.
        for (const region of rt.vram.get(dev)?.keys() ?? []) {
          const r = rt.ranges.find(dev, region);
          if (r && r.space === SPACE_MMIO) rt.hv.collectDirtyVram(r.base, offset >>> 0, len >>> 0, bitmap);
        }
        return 0;
      },
      vram_map(region, ptr, len) {
        const dev = getDev();
        if (!inMem(ptr, len) || len <= 0 || (ptr & 4095) !== 0) {
          rt.log(name, 0, `vram_map of region ${region} refused: [0x${(ptr >>> 0).toString(16)}, +0x${(len >>> 0).toString(16)}) is not a page-aligned span of module memory`);
          return;
        }
        const r = rt.ranges.find(dev, region);
        if (r) rt.unmapRange(dev, region, r.space, r.base, r.len);
        const m = rt.vram.get(dev) ?? new Map<number, { ptr: number; len: number }>();
        m.set(region, { ptr: ptr >>> 0, len: len >>> 0 });
        rt.vram.set(dev, m);
        if (r) rt.mapRange(dev, region, r.space, r.base, r.len);
      },
    };
  }

  private subscribeBackends(dev: DeviceInstance, spec: DeviceSpec): void {
    if (spec.chr) spec.chr.onReceive = (bytes) => this.chrInput(dev, bytes);
    if (spec.net) spec.net.onReceive = (frame) => this.deliverEvent(dev, EVENT.NET_RX, frame, 0);
    spec.blk?.forEach((b, unit) => { b.onMediaChange = () => this.deliverEvent(dev, EVENT.BLK_MEDIA, null, unit); });
  }

  private logOnce(key: string, text: string): void {
    if (this.unclaimedLogged.has(key)) return;
    this.unclaimedLogged.add(key);
    this.log(this.current || "runtime", 2, text);
  }
}

export function fmtBdf(bdf: number): string {
  return `${((bdf >> 8) & 0xff).toString(16).padStart(2, "0")}:${((bdf >> 3) & 0x1f).toString(16).padStart(2, "0")}.${bdf & 7}`;
}
