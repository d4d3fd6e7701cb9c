// The ioreq path of StubdomRuntime (runtime.ts): consumes Xen-layout ioreqs from the shared pages
// (synchronous slots per vCPU and the buffered ring) and dispatches each through the range table
// or PCI routing to a device's dev_read/dev_write/pci_cfg_*. Devices never see an ioreq.
import { SPACE_PORT, SPACE_MMIO } from "./ranges.ts";
import {
  IoreqPage, BufIoreqPage, BUF_SLOTS, type Ioreq,
  STATE_IOREQ_READY, STATE_INPROCESS, STATE_IORESP_READY,
  IOREQ_TYPE_PIO, IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG, IOREQ_TYPE_INVALIDATE, IOREQ_TYPE_TIMEOFFSET, DIR_READ,
} from "./ioreq.ts";
import { fmtBdf } from "./device-spec.ts";
import type { StubdomRuntime } from "./runtime.ts";

const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff];
const TWO32 = 0x1_0000_0000;

export class IoreqDispatcher {
  constructor(private readonly rt: StubdomRuntime) {}

  /**
   * An event-channel kick: drain the buffered ring in order, then serve every vCPU slot in
   * IOREQ_READY. Returns the number of synchronous requests answered.
   */
  serviceEvent(page: IoreqPage, buf: BufIoreqPage | null): number {
    if (buf) this.rt.drainBuffered(buf);
    let served = 0;
    for (let vcpu = 0; vcpu < page.slots; vcpu++) {
      if (page.state(vcpu) !== STATE_IOREQ_READY) continue;
      const req = page.read(vcpu); // fields read after the state (the read barrier)
      page.setState(vcpu, STATE_INPROCESS);
      const [lo, hi] = this.rt.handle(req, page.addrHigh(vcpu), page.dataLo(vcpu), page.dataHi(vcpu));
      if (req.dir === DIR_READ && !req.dataIsPtr) page.setData(vcpu, lo, hi);
      page.setState(vcpu, STATE_IORESP_READY); // after the data (the write barrier)
      this.rt.hv.notify(req.vpEport);
      served++;
    }
    this.rt.runDeferred();
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
      this.rt.stats.buffered++;
      const req: Ioreq = { addr: s.addr, data: s.data, count: 1, size: s.size, vpEport: 0, state: 0, dataIsPtr: false, dir: 0, df: false, type: s.type };
      // Xen only buffers legacy-VGA-window writes: a 20-bit address in the first MiB.
      this.rt.handle(req, 0, s.data, hi);
      buf.readPointer = buf.readPointer + used;
    }
  }

  private bufferedResync(rp: number, wp: number, skipped: number): void {
    const n = ++this.rt.stats.ringResyncs;
    if (n & (n - 1)) return;
    this.rt.log("runtime", 1, `buffered ioreq ring inconsistent (read pointer 0x${rp.toString(16)}, write pointer 0x${wp.toString(16)}): ${skipped} slot(s) skipped to resynchronise; resync #${n}`);
  }

  /**
   * Emulates one request; returns the read data as [lo, hi]. `dataLo`/`dataHi` are the exact
   * halves of `data` (a number loses bits above 2^53; only 8-byte write values get that large).
   */
  handle(req: Ioreq, addrHigh: number, dataLo = req.data % TWO32, dataHi = Math.floor(req.data / TWO32)): [number, number] {
    this.rt.stats.ioreqs++;
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
        this.rt.logOnce(`type${req.type}`, `ignoring ioreq of unknown type ${req.type}`);
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
      this.rt.logOnce(`size${size}`, `ioreq with invalid size ${size} ignored`);
      return [0xffffffff, 0xffffffff];
    }
    if (!req.dataIsPtr) {
      if (req.dir === DIR_READ) return this.access(space, req, req.addr, size, 0, 0, true);
      this.access(space, req, req.addr, size, dataLo, dataHi, false);
      return [0, 0];
    }
    // String I/O: `count` elements through guest memory at `data`, stepping by `size` (down with df);
    // MMIO also steps the device address. Bounded by count and validated against guest RAM.
    const count = Math.min(req.count, this.rt.maxRep);
    if (req.count > this.rt.maxRep) this.rt.logOnce("repcount", `string ioreq count ${req.count} clamped to ${this.rt.maxRep}`);
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
        if (!this.rt.hv.ram.write(gpa, el)) { this.rt.logOnce(`rep${space}`, `string read buffer 0x${gpa.toString(16)} outside guest RAM: stopped`); break; }
      } else {
        if (!this.rt.hv.ram.read(gpa, el)) { this.rt.logOnce(`rep${space}`, `string write buffer 0x${gpa.toString(16)} outside guest RAM: stopped`); break; }
        const lo = size === 8 || size === 4 ? dv.getUint32(0, true) : size === 2 ? dv.getUint16(0, true) : dv.getUint8(0);
        this.access(space, req, addr, size, lo, size === 8 ? dv.getUint32(4, true) : 0, false);
      }
    }
    return [0, 0];
  }

  /** One element access to a device; 8-byte accesses become two 4-byte ones, low first. */
  private access(space: number, req: Ioreq, addr: number, size: number, lo: number, hi: number, read: boolean): [number, number] {
    const r = this.rt.ranges.lookup(space, addr);
    if (!r) {
      this.rt.logOnce(`unclaimed${space}:${addr}`, `unclaimed ${space === SPACE_PORT ? "port" : "mmio"} 0x${addr.toString(16)} (${read ? "read answers all-ones" : "write dropped"})`);
      return size === 8 ? [0xffffffff, 0xffffffff] : [ALL_ONES[size]!, 0];
    }
    const dev = r.owner;
    this.rt.stats.byDevice.set(dev.name, (this.rt.stats.byDevice.get(dev.name) ?? 0) + 1);
    const off = addr - r.base;
    const during = (): string => this.describe(space, req);
    this.rt.current = dev.name;
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
    const dev = (sbdf >>> 16) === 0 ? this.rt.pciOwners.get(bdf) : undefined;
    const during = (): string => `ioreq PCI_CONFIG ${req.dir === DIR_READ ? "read" : "write"} ${fmtBdf(bdf)} reg 0x${reg.toString(16)} size ${size}${req.dir === DIR_READ ? "" : ` data 0x${req.data.toString(16)}`}`;
    if (!dev || (size !== 1 && size !== 2 && size !== 4) || reg > 0xfff) return [ALL_ONES[size === 1 || size === 2 ? size : 4]!, 0];
    this.rt.stats.byDevice.set(dev.name, (this.rt.stats.byDevice.get(dev.name) ?? 0) + 1);
    if (req.dir === DIR_READ) {
      const v = dev.call(during, -1, (x) => (x.pci_cfg_read ? x.pci_cfg_read(bdf, reg, size) : -1));
      return [(v >>> 0) & ALL_ONES[size]!, 0];
    }
    dev.call(during, undefined, (x) => x.pci_cfg_write?.(bdf, reg, size, req.data % TWO32 | 0));
    return [0, 0];
  }
}
