// Virtual time in nanoseconds with one-shot timers. Time moves only when its owner advances it,
// so tests are deterministic (QEMU qtest's clock_step model). Timers due at the same instant
// fire in the order they were armed.

export type TimerHandle = number;

interface Pending {
  handle: TimerHandle;
  deadline: bigint;
  seq: number;
  fire: () => void;
}

export class VirtualClock {
  private nowNs = 0n;
  private seq = 0;
  private pending: Pending[] = [];

  now(): bigint {
    return this.nowNs;
  }

  /** Arms a one-shot timer `delayNs` from now. */
  schedule(delayNs: bigint, fire: () => void): TimerHandle {
    const handle = ++this.seq;
    this.pending.push({ handle, deadline: this.nowNs + (delayNs < 0n ? 0n : delayNs), seq: handle, fire });
    return handle;
  }

  cancel(handle: TimerHandle): void {
    this.pending = this.pending.filter((p) => p.handle !== handle);
  }

  /** A pending timer's deadline and arm order (snapshots), or null. */
  info(handle: TimerHandle): { deadline: bigint; seq: number } | null {
    const p = this.pending.find((x) => x.handle === handle);
    return p ? { deadline: p.deadline, seq: p.seq } : null;
  }

  /** Restoring a snapshot: time continues from `ns`; pending timers keep their remaining time. */
  setNow(ns: bigint): void {
    const delta = ns - this.nowNs;
    for (const p of this.pending) p.deadline += delta;
    this.nowNs = ns;
  }

  /** Deadline of the next timer, or null when none is armed. */
  nextDeadline(): bigint | null {
    let best: bigint | null = null;
    for (const p of this.pending) if (best === null || p.deadline < best) best = p.deadline;
    return best;
  }

  /** Moves time forward by `ns`, firing every timer that falls due on the way, in order. */
  advance(ns: bigint): void {
    const target = this.nowNs + ns;
    for (;;) {
      let due: Pending | null = null;
      for (const p of this.pending) {
        if (p.deadline <= target && (due === null || p.deadline < due.deadline || (p.deadline === due.deadline && p.seq < due.seq))) due = p;
      }
      if (!due) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      if (due.deadline > this.nowNs) this.nowNs = due.deadline;
      due.fire();
    }
    this.nowNs = target;
  }
}
