// Drives the simulator's virtual clock from wall time, the time base v86's own PIT, RTC and APIC
// use (performance.now), so device timers fire while the guest runs: before every forwarded
// access, and on each pass of v86's main loop through its hardware timers — which also learns
// when the next device timer is due, so a halted guest wakes for it.
import type { V86Cpu } from "./v86-types.ts";
import type { XenSim } from "../node/xen-sim.ts";

/** Clock steps smaller than this are not taken (a forwarded access costs about a microsecond). */
export const GRANULARITY_NS = 20_000;

export class WallClock {
  private readonly t0 = performance.now();
  private busy = false;
  private lastNs = 0;

  constructor(private readonly sim: XenSim) {}

  /**
   * Moves the virtual clock up to now (never backwards; not re-entered from a timer it fires).
   * Cheap on the hot path: steps under GRANULARITY_NS are skipped, and only a step that makes a
   * device timer due goes through XenSim.advance (which first drains the buffered ring, so the
   * device sees the guest's earlier writes before its timer fires); otherwise the clock just moves.
   */
  sync(): void {
    if (this.busy) return;
    const nowNs = (performance.now() - this.t0) * 1e6;
    if (nowNs - this.lastNs < GRANULARITY_NS) return;
    this.lastNs = nowNs;
    const target = BigInt(Math.floor(nowNs));
    const clock = this.sim.clock;
    const delta = target - clock.now();
    if (delta <= 0n) return;
    const next = clock.nextDeadline();
    if (next === null || next > target) { clock.advance(delta); return; }
    this.busy = true;
    try {
      this.sim.advance(delta);
    } finally {
      this.busy = false;
    }
  }

  /** Milliseconds until the next device timer, or null. */
  msToNextTimer(): number | null {
    const next = this.sim.clock.nextDeadline();
    if (next === null) return null;
    const ns = next - this.sim.clock.now();
    return ns <= 0n ? 0 : Number(ns) / 1e6;
  }

  /** Hooks v86's main-loop timer pass (an import that calls cpu.run_hardware_timers each time). */
  hook(cpu: V86Cpu): void {
    const orig = cpu.run_hardware_timers.bind(cpu);
    cpu.run_hardware_timers = (acpi: number, now: number): number => {
      this.sync();
      const t = orig(acpi, now);
      const mine = this.msToNextTimer();
      return mine === null ? t : Math.min(t, mine);
    };
  }
}
