// A console CharBackend (a UART's byte stream) for tests and the CLI: collects every byte the
// device transmits, optionally echoes them to a stream (process.stdout for the CLI), and lets
// the host type bytes into the device (delivered as dev_event EVENT_CHR_RX once the runtime has
// subscribed, i.e. after the device was added).
import type { CharBackend } from "../backends.ts";

export interface ConsoleOptions {
  /** Echo transmitted bytes here as they arrive. */
  echo?: { write(chunk: Uint8Array): unknown };
  /** Keep at most this many transmitted bytes (oldest dropped); default 1 MiB. */
  limit?: number;
}

export class ConsoleBackend implements CharBackend {
  onReceive?: (bytes: Uint8Array) => void;
  private chunks: Uint8Array[] = [];
  private held = 0;
  /** Number of write() calls (one per chr_send). */
  writes = 0;
  private readonly limit: number;

  constructor(private readonly opts: ConsoleOptions = {}) {
    this.limit = opts.limit ?? 1 << 20;
  }

  write(bytes: Uint8Array): void {
    this.writes++;
    const copy = bytes.slice();
    this.chunks.push(copy);
    this.held += copy.length;
    while (this.held > this.limit && this.chunks.length > 1) this.held -= this.chunks.shift()!.length;
    this.opts.echo?.write(copy);
  }

  /** Everything transmitted so far (up to the limit), in order. */
  get bytes(): Uint8Array {
    const out = new Uint8Array(this.held);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }

  /** The transmitted bytes as text (latin-1: one character per byte). */
  text(): string {
    return Buffer.from(this.bytes).toString("latin1");
  }

  clear(): void {
    this.chunks = [];
    this.held = 0;
  }

  /** Types bytes (or a latin-1 string) into the device's receiver. */
  type(input: Uint8Array | string): void {
    const bytes = typeof input === "string" ? Uint8Array.from(input, (ch) => ch.charCodeAt(0) & 0xff) : input;
    if (!this.onReceive) throw new Error("console backend is not attached to a device yet");
    this.onReceive(bytes);
  }
}
