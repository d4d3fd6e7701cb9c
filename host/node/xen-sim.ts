// An in-memory stand-in for the parts of Xen a device model talks to: guest RAM, the ioreq server
// (the ranges and PCI functions the device model mapped), the synchronous ioreq page and the
// buffered ring, event channels, the 0xCF8/0xCFC decode into PCI_CONFIG ioreqs, ISA IRQ levels
// and PCI INTx through the four PCI-ISA links (dm_op set_pci_link_route), and guest shutdown.
// Requests go to the stub-domain runtime only through the shared pages and an event kick.
import { GuestRam } from "./guest-memory.ts";
import { VirtualClock } from "./clock.ts";
import {
  IoreqPage, BufIoreqPage, BUF_SLOTS, type Ioreq, IOREQ_SIZE,
  STATE_NONE, STATE_IOREQ_READY, STATE_IORESP_READY,
  IOREQ_TYPE_PIO, IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG, DIR_READ, DIR_WRITE,
} from "./ioreq.ts";
import { RANGE_PORT, RANGE_MMIO, RANGE_PCI, type Hypervisor, type ShutdownReason } from "./hypervisor.ts";

/** The device-model side, as the hypervisor sees it: something an event kick wakes up. */
export interface StubDomain {
  serviceEvent(page: IoreqPage, buf: BufIoreqPage | null): number;
  drainBuffered(buf: BufIoreqPage): void;
  runDeferred(): void;
}

export interface XenSimOptions {
  ramBytes?: number;
  vcpus?: number;
  /** Send writes to the legacy VGA window through the buffered ring, as Xen does. */
  bufferVgaWrites?: boolean;
  /** PCI INTx → link swizzle: Xen's hvm_pci_intx_link (dev + intx) & 3 by default. */
  intxLink?: (dev: number, intx: number) => number;
}

interface Span { start: number; end: number }

const TWO32 = 0x1_0000_0000;
const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff];
export const VGA_WINDOW_START = 0xa0000;
export const VGA_WINDOW_END = 0xbffff;

export class XenSim implements Hypervisor {
  readonly ram: GuestRam;
  readonly clock = new VirtualClock();
  readonly page: IoreqPage;
  readonly buf = new BufIoreqPage();
  private stub: StubDomain | null = null;
  private readonly ports: Span[] = [];
  private readonly mmio: Span[] = [];
  private readonly pci = new Set<number>();
  /** Guest-physical ranges backed by device memory (VRAM), with a dirty bit per 4 KiB page. */
  private readonly vram: Array<{ start: number; len: number; backing: () => Uint8Array; dirty: Uint8Array }> = [];
  private cf8 = 0;
  /** ISA IRQ levels asserted by the device model (set_isa_irq_level). */
  private readonly isaLevel = new Array<number>(16).fill(0);
  /** PCI INTx levels by "bdf:intx" (set_pci_intx_level). */
  private readonly intxLevel = new Map<string, number>();
  readonly linkRoute = [0, 0, 0, 0];
  private lineLevel = new Array<boolean>(16).fill(false);
  readonly shutdowns: ShutdownReason[] = [];
  readonly platformLog: Array<{ kind: string; a: number; b: number }> = [];
  readonly notified: number[] = [];
  /** Called whenever the level of an ISA IRQ line (what the PIC/IO-APIC sees) changes. */
  onIrq: ((irq: number, level: boolean) => void) | null = null;
  onShutdown: ((reason: ShutdownReason) => void) | null = null;
  private readonly intxLink: (dev: number, intx: number) => number;
  private readonly bufferVga: boolean;

  constructor(opts: XenSimOptions = {}) {
    this.ram = new GuestRam(opts.ramBytes ?? 16 << 20);
    this.page = new IoreqPage(new Uint8Array(Math.max(1, opts.vcpus ?? 1) * IOREQ_SIZE));
    this.intxLink = opts.intxLink ?? ((dev, intx) => (dev + intx) & 3);
    this.bufferVga = opts.bufferVgaWrites ?? true;
  }

  attach(stub: StubDomain): void {
    this.stub = stub;
  }

  /** A device model restarted (restored from a snapshot): its new ioreq server has no ranges yet.
   *  Guest RAM, IRQ levels and link routes stay, as Xen keeps them. */
  newIoreqServer(): void {
    this.ports.length = 0;
    this.mmio.length = 0;
    this.pci.clear();
    this.vram.length = 0;
  }

  // --- Hypervisor interface (what the device model calls) ------------------------------------

  mapIoRange(type: number, start: number, end: number): void {
    if (type === RANGE_PCI) this.pci.add(start);
    else (type === RANGE_PORT ? this.ports : this.mmio).push({ start, end });
  }

  unmapIoRange(type: number, start: number, end: number): void {
    if (type === RANGE_PCI) { this.pci.delete(start); return; }
    const list = type === RANGE_PORT ? this.ports : this.mmio;
    const i = list.findIndex((s) => s.start === start && s.end === end);
    if (i >= 0) list.splice(i, 1);
  }

  mapVram(start: number, len: number, backing: () => Uint8Array): void {
    this.unmapVram(start);
    this.vram.push({ start, len, backing, dirty: new Uint8Array(Math.ceil(len / 4096)) });
  }

  unmapVram(start: number): void {
    const i = this.vram.findIndex((v) => v.start === start);
    if (i >= 0) this.vram.splice(i, 1);
  }

  collectDirtyVram(start: number, offset: number, len: number, bitmap: Uint8Array): boolean {
    const v = this.vram.find((m) => m.start === start);
    if (!v) return false;
    const first = Math.floor(offset / 4096);
    const pages = Math.ceil(len / 4096);
    for (let i = 0; i < pages && first + i < v.dirty.length; i++) {
      if (v.dirty[first + i]) {
        bitmap[i >> 3]! |= 1 << (i & 7);
        v.dirty[first + i] = 0;
      }
    }
    return true;
  }

  /** The VRAM mapping holding guest-physical `addr`, if any. */
  vramAt(addr: number): { start: number; len: number; backing: () => Uint8Array; dirty: Uint8Array } | null {
    return this.vram.find((v) => addr >= v.start && addr < v.start + v.len) ?? null;
  }

  setIsaIrqLevel(isaIrq: number, level: number): void {
    if (isaIrq < 0 || isaIrq > 15) return;
    this.isaLevel[isaIrq] = level ? 1 : 0;
    this.recomputeLines();
  }

  setPciIntxLevel(bdf: number, intx: number, level: number): void {
    this.intxLevel.set(`${bdf & 0xffff}:${intx & 3}`, level ? 1 : 0);
    this.recomputeLines();
  }

  setPciLinkRoute(link: number, isaIrq: number): void {
    this.linkRoute[link & 3] = isaIrq & 15;
    this.recomputeLines();
  }

  shutdown(reason: ShutdownReason): void {
    this.shutdowns.push(reason);
    this.onShutdown?.(reason);
  }

  platformChange(kind: "a20" | "pam", a: number, b: number): void {
    this.platformLog.push({ kind, a, b });
  }

  notify(port: number): void {
    this.notified.push(port);
    if (this.notified.length > 64) this.notified.splice(0, 32);
  }

  // --- interrupt lines ----------------------------------------------------------------------

  /** The level of ISA IRQ `irq` as the interrupt controllers see it. */
  irqLine(irq: number): boolean {
    return this.lineLevel[irq] ?? false;
  }

  private recomputeLines(): void {
    const next = this.isaLevel.map((l) => l === 1);
    for (const [key, level] of this.intxLevel) {
      if (!level) continue;
      const [bdf, intx] = key.split(":").map(Number) as [number, number];
      const irq = this.linkRoute[this.intxLink((bdf >> 3) & 0x1f, intx)]!;
      if (irq) next[irq] = true;
    }
    for (let i = 0; i < 16; i++) {
      if (next[i] !== this.lineLevel[i]) {
        this.lineLevel[i] = next[i]!;
        this.onIrq?.(i, next[i]!);
      }
    }
  }

  // --- the guest side: turning an access into an ioreq ----------------------------------------

  private claimed(list: Span[], addr: number): boolean {
    return list.some((s) => addr >= s.start && addr <= s.end);
  }

  /** A port access by vCPU `vcpu`. 0xCF8 and 0xCFC–0xCFF are decoded here, as Xen does. */
  pio(vcpu: number, port: number, size: number, dir: number, value = 0): number {
    if (port === 0xcf8 && size === 4) {
      if (dir === DIR_WRITE) { this.cf8 = value >>> 0; return 0; }
      return this.cf8;
    }
    if (port >= 0xcfc && port <= 0xcff && (this.cf8 & 0x80000000) !== 0) {
      const bdf = (this.cf8 >>> 8) & 0xffff;
      const reg = (this.cf8 & 0xfc) | (port & 3);
      if (!this.pci.has(bdf)) return dir === DIR_READ ? ALL_ONES[size]! : 0;
      return this.send(vcpu, { addr: reg, data: value >>> 0, count: 1, size, vpEport: 0, state: 0, dataIsPtr: false, dir, df: false, type: IOREQ_TYPE_PCI_CONFIG }, bdf)[0];
    }
    if (!this.claimed(this.ports, port)) return dir === DIR_READ ? ALL_ONES[size]! : 0;
    return this.send(vcpu, { addr: port, data: value >>> 0, count: 1, size, vpEport: 0, state: 0, dataIsPtr: false, dir, df: false, type: IOREQ_TYPE_PIO })[0];
  }

  /** A single MMIO access of 1, 2 or 4 bytes (8-byte ones: mmio64). */
  mmioAccess(vcpu: number, addr: number, size: number, dir: number, value = 0): number {
    const [lo] = this.mmio64(vcpu, addr, size, dir, value >>> 0, 0);
    return lo;
  }

  /** An MMIO access of any size with the value as 32-bit halves; returns the read [lo, hi]. */
  mmio64(vcpu: number, addr: number, size: number, dir: number, lo: number, hi: number): [number, number] {
    const v = this.vramAt(addr);
    if (v) return this.vramAccess(v, addr - v.start, size, dir, lo, hi);
    if (!this.claimed(this.mmio, addr)) return dir === DIR_READ ? [size === 8 ? 0xffffffff : ALL_ONES[size]!, size === 8 ? 0xffffffff : 0] : [0, 0];
    if (dir === DIR_WRITE && this.bufferVga && addr >= VGA_WINDOW_START && addr + size - 1 <= VGA_WINDOW_END) {
      if (!this.bufferedSend(size, addr, lo, hi)) {
        this.stub?.drainBuffered(this.buf); // ring full: the device model catches up first
        this.bufferedSend(size, addr, lo, hi);
      }
      return [0, 0];
    }
    return this.send(vcpu, { addr, data: (lo >>> 0) + (hi >>> 0) * TWO32, count: 1, size, vpEport: 0, state: 0, dataIsPtr: false, dir, df: false, type: IOREQ_TYPE_COPY }, 0, [lo, hi]);
  }

  /**
   * Xen 4.17's ioreq_send_buffered in HVM_IOREQSRV_BUFIOREQ_ATOMIC mode (runtime/posix/sim.c's
   * buf_push): publish the entry, then rebase both pointers by n*511 once read_pointer has passed
   * 511 (Xen does it with a 64-bit cmpxchg of the pair; nothing runs concurrently here).
   */
  private bufferedSend(size: number, addr: number, lo: number, hi: number): boolean {
    if (!this.buf.push(IOREQ_TYPE_COPY, size, addr, lo, hi)) return false;
    const rp = this.buf.readPointer;
    if (rp >= BUF_SLOTS) {
      const n = Math.floor(rp / BUF_SLOTS) * BUF_SLOTS;
      this.buf.readPointer = rp - n;
      this.buf.writePointer = this.buf.writePointer - n;
    }
    return true;
  }

  /** A guest load/store to device-backed memory: no ioreq, the page is marked dirty on write. */
  private vramAccess(v: { len: number; backing: () => Uint8Array; dirty: Uint8Array }, off: number, size: number, dir: number, lo: number, hi: number): [number, number] {
    const mem = v.backing();
    if (off + size > v.len) return dir === DIR_READ ? [0xffffffff, 0xffffffff] : [0, 0];
    const dv = new DataView(mem.buffer, mem.byteOffset + off, size);
    if (dir === DIR_READ) {
      if (size === 1) return [dv.getUint8(0), 0];
      if (size === 2) return [dv.getUint16(0, true), 0];
      if (size === 4) return [dv.getUint32(0, true), 0];
      return [dv.getUint32(0, true), dv.getUint32(4, true)];
    }
    if (size === 1) dv.setUint8(0, lo);
    else if (size === 2) dv.setUint16(0, lo, true);
    else if (size === 4) dv.setUint32(0, lo >>> 0, true);
    else { dv.setUint32(0, lo >>> 0, true); dv.setUint32(4, hi >>> 0, true); }
    v.dirty[off >> 12] = 1;
    if (((off + size - 1) >> 12) !== off >> 12) v.dirty[(off + size - 1) >> 12] = 1;
    return [0, 0];
  }

  /** String I/O (rep ins/outs/movs): `count` elements of `size` bytes at guest-physical `gpa`. */
  stringIo(vcpu: number, type: number, addr: number, size: number, dir: number, gpa: number, count: number, df = false): void {
    const list = type === IOREQ_TYPE_PIO ? this.ports : this.mmio;
    if (!this.claimed(list, addr)) return;
    this.send(vcpu, { addr, data: gpa, count, size, vpEport: 0, state: 0, dataIsPtr: true, dir, df, type });
  }

  /** Writes the request into vCPU's slot, kicks the device model, and collects the answer [lo, hi]. */
  private send(vcpu: number, req: Ioreq, sbdf = 0, halves?: [number, number]): [number, number] {
    if (!this.stub) throw new Error("no stub domain attached to the simulator");
    const p = this.page;
    if (p.state(vcpu) !== STATE_NONE) throw new Error(`vCPU ${vcpu} slot busy (state ${p.state(vcpu)})`);
    req.vpEport = vcpu + 1;
    req.state = STATE_NONE;
    p.write(vcpu, req);
    if (req.type === IOREQ_TYPE_PCI_CONFIG) p.setAddr(vcpu, req.addr, sbdf);
    // `data` as a number is exact only below 2^53: a write's 32-bit halves go in as they are
    if (halves && req.dir === DIR_WRITE) p.setData(vcpu, halves[0] >>> 0, halves[1] >>> 0);
    p.setState(vcpu, STATE_IOREQ_READY); // after the fields (write barrier)
    this.stub.serviceEvent(p, this.buf);
    if (p.state(vcpu) !== STATE_IORESP_READY) throw new Error(`device model did not answer vCPU ${vcpu}'s ioreq (state ${p.state(vcpu)})`);
    const lo = p.dataLo(vcpu);
    const hi = p.dataHi(vcpu);
    p.setState(vcpu, STATE_NONE);
    if (req.dir !== DIR_READ || req.dataIsPtr) return [0, 0];
    return req.size === 8 ? [lo, hi] : [(lo & ALL_ONES[req.size]!) >>> 0, 0];
  }

  /** Drains the buffered ring now (what the device model does on the bufioreq port's event). */
  flushBuffered(): void {
    if (this.buf.pending()) this.stub?.drainBuffered(this.buf);
  }

  /** Advances virtual time, firing device timers, and lets backends complete. */
  advance(ns: bigint | number): void {
    this.flushBuffered();
    this.clock.advance(BigInt(ns));
    this.stub?.runDeferred();
  }
}
