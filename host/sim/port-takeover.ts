// Takes v86's I/O port table over: every port of a v86 device that Xen would not emulate in the
// hypervisor (PCI, PS/2, UART, IDE, VGA, DMA, floppy, parallel, SB16, VMware backdoor) answers as
// absent (reads all-ones, writes dropped); every port a stub-domain device claims is forwarded
// as a PIO ioreq through the simulator; 0xCF8–0xCFF always go to the simulator, which latches
// 0xCF8 (32-bit) and turns 0xCFC–0xCFF into PCI_CONFIG ioreqs as Xen does.
import type { V86Cpu, V86PortEntry } from "./v86-types.ts";
import type { XenSim } from "../node/xen-sim.ts";
import { DIR_READ, DIR_WRITE } from "../node/ioreq.ts";
import { ABSENT, FORWARDED, hypervisorPort, ownerNames, portOwner } from "./v86-owners.ts";

export const PCI_PORTS_START = 0xcf8;
export const PCI_PORTS_END = 0xcff;

type Saved = Pick<V86PortEntry, "read8" | "read16" | "read32" | "write8" | "write16" | "write32" | "device">;

export class PortTakeover {
  /** Ports whose v86 owner stays (hypervisor devices, CPU glue) as they were before takeover. */
  private readonly kept = new Map<number, Saved>();
  /** How many mapped ranges of the ioreq server cover each port. */
  private readonly claims = new Uint16Array(0x10000);
  /** Ports with a fixed handler of ours (PCI decode, CMOS split, debug port): claims change nothing. */
  private readonly fixed = new Set<number>();
  readonly ignoredClaims: number[] = [];

  constructor(private readonly cpu: V86Cpu, private readonly sim: XenSim, private readonly beforeAccess: () => void) {}

  /** Silences v86's own devices and routes the PCI configuration ports. */
  install(): void {
    const names = ownerNames(this.cpu);
    for (let port = 0; port < 0x10000; port++) {
      const owner = portOwner(this.cpu, names, port);
      if (owner === "") continue;
      if (hypervisorPort(owner, port) || owner === "cpu") this.kept.set(port, { ...this.cpu.io.ports[port]! });
      else this.setAbsent(port);
    }
    for (let p = PCI_PORTS_START; p <= PCI_PORTS_END; p++) this.fixPort(p, () => this.forward(p));
  }

  /** Installs a fixed handler of ours on `port` (claims of the port no longer matter). */
  fixPort(port: number, install: () => void): void {
    this.fixed.add(port);
    install();
  }

  mapped(start: number, end: number): void {
    for (let p = start; p <= end && p < 0x10000; p++) {
      if (++this.claims[p]! !== 1 || this.fixed.has(p)) continue;
      const keptBy = this.kept.get(p);
      if (keptBy && keptBy.device !== this.cpu) {
        // Xen emulates this port itself (PIT, RTC, PM timer): a device model never sees it.
        this.ignoredClaims.push(p);
        continue;
      }
      this.forward(p);
    }
  }

  unmapped(start: number, end: number): void {
    for (let p = start; p <= end && p < 0x10000; p++) {
      if (this.claims[p] === 0 || --this.claims[p]! !== 0 || this.fixed.has(p)) continue;
      const k = this.kept.get(p);
      if (k) Object.assign(this.cpu.io.ports[p]!, k);
      else this.setAbsent(p);
    }
  }

  private setAbsent(port: number): void {
    const io = this.cpu.io;
    io.register_read(port, ABSENT, () => 0xff, () => 0xffff, () => -1);
    io.register_write(port, ABSENT, () => {}, () => {}, () => {});
  }

  /** Routes `port` to the simulator: one PIO ioreq per access, of the access's width. */
  forward(port: number): void {
    const { sim, beforeAccess } = this;
    const rd = (size: number) => (): number => { beforeAccess(); return sim.pio(0, port, size, DIR_READ) | 0; };
    const wr = (size: number, mask: number) => (v: number): void => { beforeAccess(); sim.pio(0, port, size, DIR_WRITE, (v & mask) >>> 0); };
    this.cpu.io.register_read(port, FORWARDED, (() => { const r = rd(1); return () => r() & 0xff; })(), (() => { const r = rd(2); return () => r() & 0xffff; })(), rd(4));
    this.cpu.io.register_write(port, FORWARDED, wr(1, 0xff), wr(2, 0xffff), wr(4, -1));
  }
}
