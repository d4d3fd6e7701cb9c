// The guest-side API: what a guest's CPU does (in/out, MMIO loads and stores, PCI config cycles
// through 0xCF8/0xCFC, rep ins/outs/movs), turned by the hypervisor simulator into Xen ioreq
// records. Every unit test drives devices through this, so it exercises the real protocol.
import { XenSim } from "./xen-sim.ts";
import { DIR_READ, DIR_WRITE, IOREQ_TYPE_PIO, IOREQ_TYPE_COPY } from "./ioreq.ts";

/** The register-access surface shared with the QEMU oracle (test/oracle/script.ts). */
export interface GuestIo {
  inb(port: number): number;
  inw(port: number): number;
  inl(port: number): number;
  outb(port: number, v: number): void;
  outw(port: number, v: number): void;
  outl(port: number, v: number): void;
  readb(addr: number): number;
  readw(addr: number): number;
  readl(addr: number): number;
  writeb(addr: number, v: number): void;
  writew(addr: number, v: number): void;
  writel(addr: number, v: number): void;
  pciRead(bdf: number, reg: number, size: 1 | 2 | 4): number;
  pciWrite(bdf: number, reg: number, size: 1 | 2 | 4, v: number): void;
}

export function bdfOf(bus: number, dev: number, fn = 0): number {
  return (bus << 8) | (dev << 3) | fn;
}

export class Guest implements GuestIo {
  constructor(readonly sim: XenSim, readonly vcpu = 0) {}

  inb(port: number): number { return this.sim.pio(this.vcpu, port, 1, DIR_READ); }
  inw(port: number): number { return this.sim.pio(this.vcpu, port, 2, DIR_READ); }
  inl(port: number): number { return this.sim.pio(this.vcpu, port, 4, DIR_READ) >>> 0; }
  outb(port: number, v: number): void { this.sim.pio(this.vcpu, port, 1, DIR_WRITE, v & 0xff); }
  outw(port: number, v: number): void { this.sim.pio(this.vcpu, port, 2, DIR_WRITE, v & 0xffff); }
  outl(port: number, v: number): void { this.sim.pio(this.vcpu, port, 4, DIR_WRITE, v >>> 0); }

  readb(addr: number): number { return this.sim.mmioAccess(this.vcpu, addr, 1, DIR_READ); }
  readw(addr: number): number { return this.sim.mmioAccess(this.vcpu, addr, 2, DIR_READ); }
  readl(addr: number): number { return this.sim.mmioAccess(this.vcpu, addr, 4, DIR_READ) >>> 0; }
  /** An 8-byte load (the runtime splits it into two 4-byte device accesses, low first). */
  readq(addr: number): bigint {
    const [lo, hi] = this.sim.mmio64(this.vcpu, addr, 8, DIR_READ, 0, 0);
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }
  writeb(addr: number, v: number): void { this.sim.mmioAccess(this.vcpu, addr, 1, DIR_WRITE, v & 0xff); }
  writew(addr: number, v: number): void { this.sim.mmioAccess(this.vcpu, addr, 2, DIR_WRITE, v & 0xffff); }
  writel(addr: number, v: number): void { this.sim.mmioAccess(this.vcpu, addr, 4, DIR_WRITE, v >>> 0); }
  /** An 8-byte store (the runtime splits it, low half first). */
  writeq(addr: number, v: bigint): void { this.sim.mmio64(this.vcpu, addr, 8, DIR_WRITE, Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)); }

  pciRead(bdf: number, reg: number, size: 1 | 2 | 4): number {
    this.outl(0xcf8, 0x80000000 | (bdf << 8) | (reg & 0xfc));
    const port = 0xcfc + (reg & 3);
    return size === 1 ? this.inb(port) : size === 2 ? this.inw(port) : this.inl(port);
  }
  pciWrite(bdf: number, reg: number, size: 1 | 2 | 4, v: number): void {
    this.outl(0xcf8, 0x80000000 | (bdf << 8) | (reg & 0xfc));
    const port = 0xcfc + (reg & 3);
    if (size === 1) this.outb(port, v);
    else if (size === 2) this.outw(port, v);
    else this.outl(port, v);
  }

  // --- string I/O (data_is_ptr) ---
  /** rep outs: `count` elements of `size` bytes from guest memory at `gpa` to `port`. */
  repOuts(port: number, size: 1 | 2 | 4, gpa: number, count: number, df = false): void {
    this.sim.stringIo(this.vcpu, IOREQ_TYPE_PIO, port, size, DIR_WRITE, gpa, count, df);
  }
  /** rep ins: `count` elements of `size` bytes from `port` into guest memory at `gpa`. */
  repIns(port: number, size: 1 | 2 | 4, gpa: number, count: number, df = false): void {
    this.sim.stringIo(this.vcpu, IOREQ_TYPE_PIO, port, size, DIR_READ, gpa, count, df);
  }
  /** rep movs from guest RAM at `gpa` to MMIO at `addr` (both stepping). */
  movsToMmio(addr: number, size: 1 | 2 | 4 | 8, gpa: number, count: number, df = false): void {
    this.sim.stringIo(this.vcpu, IOREQ_TYPE_COPY, addr, size, DIR_WRITE, gpa, count, df);
  }
  /** rep movs from MMIO at `addr` into guest RAM at `gpa`. */
  movsFromMmio(addr: number, size: 1 | 2 | 4 | 8, gpa: number, count: number, df = false): void {
    this.sim.stringIo(this.vcpu, IOREQ_TYPE_COPY, addr, size, DIR_READ, gpa, count, df);
  }

  // --- guest RAM (what the guest's own loads/stores do, no ioreq) ---
  poke(gpa: number, bytes: ArrayLike<number>): void { this.sim.ram.bytes.set(bytes, gpa); }
  peek(gpa: number, len: number): Uint8Array { return this.sim.ram.bytes.slice(gpa, gpa + len); }
  poke32(gpa: number, v: number): void { new DataView(this.sim.ram.bytes.buffer).setUint32(gpa, v >>> 0, true); }
  peek32(gpa: number): number { return new DataView(this.sim.ram.bytes.buffer).getUint32(gpa, true); }

  /** Lets virtual time pass (device timers fire, backends complete). */
  wait(ns: number | bigint): void { this.sim.advance(ns); }
  irq(line: number): boolean { return this.sim.irqLine(line); }
}
