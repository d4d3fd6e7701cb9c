// The hypervisor simulator of the development host: host/node's XenSim (ioreq page, buffered
// ring, event kicks, PCI decode, IRQ routing, VRAM mapping) with v86's memory as guest RAM, and
// every change to the ioreq server's ranges reported to a listener so that the v86 side can
// route those ports and 128 KiB MMIO blocks to the simulator (Xen: map_io_range_to_ioreq_server
// changes what the hypervisor forwards).
import { XenSim, type XenSimOptions } from "../node/xen-sim.ts";
import { RANGE_PCI } from "../node/hypervisor.ts";
import { DIR_READ } from "../node/ioreq.ts";
import type { GuestRam } from "../node/guest-memory.ts";

export type RangeKind = "port" | "mmio" | "vram";

export interface RangeListener {
  mapped(kind: RangeKind, start: number, end: number): void;
  unmapped(kind: RangeKind, start: number, end: number): void;
}

export class V86XenSim extends XenSim {
  private listener: RangeListener | null = null;
  /**
   * An exception thrown while serving the guest (a simulator or runtime bug, not a device trap:
   * those are contained by the runtime). It must not unwind into v86's CPU loop: the access
   * answers all-ones and this is told, once per exception.
   */
  onFault: ((e: Error) => void) | null = null;
  private readonly vramLen = new Map<number, number>();

  constructor(ram: GuestRam, opts: Omit<XenSimOptions, "ramBytes"> = {}) {
    super({ ...opts, ramBytes: 0 });
    // XenSim builds its own GuestRam; ours is v86's memory (see the report: a `ram` option).
    (this as { ram: GuestRam }).ram = ram;
  }

  /** Sets the listener (before any device is added: ranges mapped earlier are not replayed). */
  setRangeListener(l: RangeListener): void {
    this.listener = l;
  }

  override pio(vcpu: number, port: number, size: number, dir: number, value = 0): number {
    try {
      return super.pio(vcpu, port, size, dir, value);
    } catch (e) {
      return this.fault(e, dir, size);
    }
  }

  override mmio64(vcpu: number, addr: number, size: number, dir: number, lo: number, hi: number): [number, number] {
    try {
      return super.mmio64(vcpu, addr, size, dir, lo, hi);
    } catch (e) {
      const v = this.fault(e, dir, size);
      return [v, size === 8 ? v : 0];
    }
  }

  private fault(e: unknown, dir: number, size: number): number {
    this.page.setState(0, 0); // free the slot so a later access is not refused as "busy"
    this.onFault?.(e instanceof Error ? e : new Error(String(e)));
    return dir === DIR_READ ? (size >= 4 ? 0xffffffff : (1 << (8 * size)) - 1) : 0;
  }

  override mapIoRange(type: number, start: number, end: number): void {
    super.mapIoRange(type, start, end);
    if (type !== RANGE_PCI) this.listener?.mapped(type === 0 ? "port" : "mmio", start, end);
  }

  override unmapIoRange(type: number, start: number, end: number): void {
    super.unmapIoRange(type, start, end);
    if (type !== RANGE_PCI) this.listener?.unmapped(type === 0 ? "port" : "mmio", start, end);
  }

  override mapVram(start: number, len: number, backing: () => Uint8Array): void {
    super.mapVram(start, len, backing); // unmaps an older mapping at `start` through unmapVram
    this.vramLen.set(start, len);
    this.listener?.mapped("vram", start, start + len - 1);
  }

  override unmapVram(start: number): void {
    super.unmapVram(start);
    const len = this.vramLen.get(start);
    if (len === undefined) return;
    this.vramLen.delete(start);
    this.listener?.unmapped("vram", start, start + len - 1);
  }
}
