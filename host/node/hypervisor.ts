// What the stub-domain runtime asks of the hypervisor, as a TypeScript interface. On Xen these
// are dm_op hypercalls against the guest (map/unmap_io_range, set_isa_irq_level,
// set_pci_intx_level, set_pci_link_route, remote_shutdown) and event-channel notifications;
// host/node/xen-sim.ts implements them in memory for tests and the development host.
import type { GuestMemory } from "./guest-memory.ts";
import type { VirtualClock } from "./clock.ts";

export const RANGE_PORT = 0;
export const RANGE_MMIO = 1;
export const RANGE_PCI = 2;

export type ShutdownReason = "reboot" | "poweroff";

export interface Hypervisor {
  /** Guest RAM, mapped into the stub domain. */
  readonly ram: GuestMemory;
  readonly clock: VirtualClock;
  /** Ranges are inclusive of `end`, as in dm_op; PCI ranges are SBDFs (seg<<16 | bdf). */
  mapIoRange(type: number, start: number, end: number): void;
  unmapIoRange(type: number, start: number, end: number): void;
  setIsaIrqLevel(isaIrq: number, level: number): void;
  setPciIntxLevel(bdf: number, intx: number, level: number): void;
  setPciLinkRoute(link: number, isaIrq: number): void;
  shutdown(reason: ShutdownReason): void;
  /** Platform changes only the hypervisor can carry out or ignore (A20, PAM). */
  platformChange(kind: "a20" | "pam", a: number, b: number): void;
  /**
   * Backs guest-physical [start, start+len) with device memory, accessed by the guest with no
   * ioreq (Xen: the VRAM pages live in the guest physmap and are mapped into the stub domain).
   */
  mapVram(start: number, len: number, backing: () => Uint8Array): void;
  unmapVram(start: number): void;
  /** Dirty log of a mapped VRAM range (Xen: track_dirty_vram): one bit per 4 KiB page of
   *  [start+offset, +len), then cleared. False if nothing is mapped at `start`. */
  collectDirtyVram(start: number, offset: number, len: number, bitmap: Uint8Array): boolean;
  /** Event-channel send on `port` (the response to a vCPU's ioreq). */
  notify(port: number): void;
}
