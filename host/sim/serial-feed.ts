// Input for the guest's serial port from any number of sources (the terminal, a pipe, the web
// console's xterm), paced by the UART's receive room: the runtime already delivers what it holds
// no faster than the device reports room (chr_rx_room), so this feed hands it only a little at a
// time (at most `runtimeBytes` waiting there) and keeps the rest; a source pauses while more than
// `pauseAt` bytes wait here and resumes when they have gone. Nothing is dropped below `limit`.
import type { Readable } from "node:stream";

export interface SerialFeedOptions {
  /** Bytes the runtime holds for the device (its receive queue), polled while input waits. */
  waiting: () => number;
  live?: () => boolean;
  runtimeBytes?: number;
  pauseAt?: number;
  /** Hard bound of bytes held here (a source that ignores pausing loses what is beyond it). */
  limit?: number;
  tickMs?: number;
  log?: (line: string) => void;
}

export class SerialFeed {
  private chunks: Uint8Array[] = [];
  private held = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly drainWaiters = new Set<() => void>();
  private warned = false;
  /** Bytes handed to the runtime so far. */
  sent = 0;

  constructor(private readonly type: (bytes: Uint8Array) => void, private readonly opts: SerialFeedOptions) {}

  /** Queues bytes; false when the source should pause until `onDrain` fires. */
  push(bytes: Uint8Array): boolean {
    const limit = this.opts.limit ?? 1 << 20;
    const take = Math.min(bytes.length, limit - this.held);
    if (take < bytes.length && !this.warned) {
      this.warned = true;
      this.opts.log?.(`serial input: ${limit} bytes already wait for the guest; dropping input (logged once)`);
    }
    if (take > 0) { this.chunks.push(bytes.slice(0, take)); this.held += take; }
    this.pump();
    return this.held < (this.opts.pauseAt ?? 65536);
  }

  get pending(): number { return this.held; }

  /** Calls `fn` once, when the bytes held here fall below the pause mark again. */
  onDrain(fn: () => void): void { this.drainWaiters.add(fn); }

  /** Reads a stream (a pipe) into the guest, pausing it while the guest is behind. */
  readStream(stream: Readable): () => void {
    const onData = (d: Buffer): void => {
      if (!this.push(new Uint8Array(d))) { stream.pause(); this.onDrain(() => stream.resume()); }
    };
    stream.on("data", onData);
    stream.resume();
    return () => { stream.off("data", onData); stream.pause(); };
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.chunks = [];
    this.held = 0;
    this.drainWaiters.clear();
  }

  private pump(): void {
    if (this.timer) return;
    if (this.opts.live && !this.opts.live()) { this.stop(); return; }
    let room = (this.opts.runtimeBytes ?? 256) - this.opts.waiting();
    while (room > 0 && this.chunks.length) {
      const c = this.chunks[0]!;
      const n = Math.min(room, c.length);
      this.type(c.subarray(0, n));
      this.sent += n;
      this.held -= n;
      room -= n;
      if (n === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(n);
    }
    if (this.held < (this.opts.pauseAt ?? 65536) / 4 && this.drainWaiters.size) {
      const ws = [...this.drainWaiters];
      this.drainWaiters.clear();
      for (const w of ws) w();
    }
    if (this.held > 0) this.timer = setTimeout(() => { this.timer = null; this.pump(); }, this.opts.tickMs ?? 5);
  }
}
