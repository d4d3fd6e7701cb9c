// Keyboard and mouse input for the ps2 device of a runtime (EVENT_KEY / EVENT_MOUSE), paced: the
// device keeps 16 bytes of scan codes and drops a key that does not fit (one overrun code), and
// the ABI has no room report for it, so events leave a bounded queue one per `tickMs` — a pasted
// word or a burst of VNC key events reaches the guest whole. Pointer motion waiting in the queue
// is merged into one event. Beyond `limit` queued events new ones are dropped (logged once).
import type { StubdomRuntime } from "../node/runtime.ts";
import { EVENT } from "../node/abi.ts";
import type { RfbInput } from "../display/rfb-server.ts";

type Ev = { key: number; down: boolean } | { dx: number; dy: number; buttons: number; wheel: number };

export class Ps2Input implements RfbInput {
  private readonly queue: Ev[] = [];
  private timer: NodeJS.Timeout | null = null;
  private dropped = false;
  /** Events delivered to the device so far. */
  delivered = 0;

  constructor(
    private readonly rt: StubdomRuntime,
    private readonly deviceName = "ps2",
    private readonly opts: { tickMs?: number; limit?: number; live?: () => boolean; log?: (line: string) => void } = {},
  ) {}

  key(code: number, down: boolean): void { this.push({ key: code, down }); }

  pointer(dx: number, dy: number, buttons: number, wheel: number): void {
    const last = this.queue[this.queue.length - 1];
    if (last && "dx" in last && last.buttons === buttons) {
      last.dx = clamp16(last.dx + dx); last.dy = clamp16(last.dy + dy); last.wheel = clamp8(last.wheel + wheel);
      return;
    }
    this.push({ dx: clamp16(dx), dy: clamp16(dy), buttons, wheel: clamp8(wheel) });
  }

  /** Events not yet delivered. */
  get pending(): number { return this.queue.length; }

  stop(): void { if (this.timer) clearTimeout(this.timer); this.timer = null; this.queue.length = 0; }

  private push(e: Ev): void {
    if (this.queue.length >= (this.opts.limit ?? 512)) {
      if (!this.dropped) this.opts.log?.(`ps2 input: more than ${this.opts.limit ?? 512} events waiting; dropping input (logged once)`);
      this.dropped = true;
      return;
    }
    this.queue.push(e);
    if (!this.timer) this.step();
  }

  private step(): void {
    this.timer = null;
    const e = this.queue.shift();
    if (!e) return;
    if (this.opts.live?.() ?? true) {
      const dev = this.rt.device(this.deviceName);
      if ("key" in e) this.rt.deliverEvent(dev, EVENT.KEY, null, e.key, e.down ? 1 : 0);
      else this.rt.deliverEvent(dev, EVENT.MOUSE, null, (e.dx & 0xffff) | (e.dy << 16), (e.buttons & 7) | ((e.wheel & 0xff) << 8));
      this.delivered++;
    }
    if (this.queue.length) this.timer = setTimeout(() => this.step(), this.opts.tickMs ?? 8);
  }
}

const clamp16 = (v: number): number => Math.max(-32768, Math.min(32767, v));
const clamp8 = (v: number): number => Math.max(-127, Math.min(127, v));
