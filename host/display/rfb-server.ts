// The development host's VNC server: RFB sessions (rfb-session.ts) over TCP, and over any other
// byte stream handed to attach() (the web console's WebSocket), all fed by one display's damage.
// Frames are pulled from the device (EVENT_DISPLAY_REFRESH, SurfaceBackend.refresh) only while a
// client has an update request waiting, at most every `frameMs`; the damage of each frame goes to
// every session, and a session answers its request only when something inside it changed. With
// no client, or none waiting, no timer runs at all. Client count and every message are bounded.
import { createServer, type AddressInfo, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { SURFACE } from "../node/abi.ts";
import type { DisplaySurface } from "../node/backends.ts";
import type { SurfaceBackend } from "./surface-backend.ts";
import { RfbSession, type RfbHost, type RfbInput } from "./rfb-session.ts";

export type { RfbInput } from "./rfb-session.ts";

export interface RfbServerOptions {
  /** Desktop name sent to clients. */
  name?: string;
  /** Connections served at once; more are refused with a reason (default 8). */
  maxClients?: number;
  /** Minimum interval between frames pulled from the device (default 33 ms, ~30 fps). */
  frameMs?: number;
  log?: (line: string) => void;
}

export interface RfbStats {
  /** Bytes of FramebufferUpdate messages sent, over all clients. */
  bytes: number;
  updates: number;
  rects: number;
  /** Frames pulled from the device (EVENT_DISPLAY_REFRESH). */
  refreshes: number;
}

/** The listen address of `--vnc`: `:N` is display N (127.0.0.1, port 5900+N); `HOST:PORT` is
 *  that port exactly (0 = any free one). */
export function parseVncAddress(spec: string): { host: string; port: number } | string {
  const m = /^(.*):(\d+)$/.exec(spec);
  if (!m) return `${spec}: want :N (display N, port 5900+N) or HOST:PORT`;
  const host = (m[1] ?? "").replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const n = Number(m[2]);
  const port = m[1] === "" ? 5900 + n : n;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `${spec}: port ${port} out of range`;
  return { host, port };
}

const DEFAULT_SIZE = { width: 640, height: 480 };

export class RfbServer {
  readonly stats: RfbStats = { bytes: 0, updates: 0, rects: 0, refreshes: 0 };
  private readonly sessions = new Set<RfbSession>();
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastFrame = 0;
  private size = { ...DEFAULT_SIZE };
  private black: DisplaySurface | null = null;
  private logged = 0;
  private logWindow = 0;
  private readonly host: RfbHost;

  constructor(private readonly display: SurfaceBackend, input: RfbInput | null, private readonly opts: RfbServerOptions = {}) {
    this.host = {
      name: opts.name ?? "wasm-stubdom",
      input,
      size: () => this.currentSize(),
      surface: () => this.currentSurface(),
      wantFrame: (immediate) => this.schedule(immediate),
      closed: (s) => { this.sessions.delete(s); this.log(`${s.peer}: disconnected (${this.sessions.size} client(s) left)`); },
      log: (line) => this.log(line),
      count: (bytes, rects) => { this.stats.bytes += bytes; this.stats.updates++; this.stats.rects += rects; },
    };
  }

  get clients(): number { return this.sessions.size; }

  /** Listens on TCP; resolves with the address actually bound (port 0 = any free port). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const srv = createServer((sock) => { sock.setNoDelay(true); this.attach(sock, `vnc ${sock.remoteAddress}:${sock.remotePort}`); });
      srv.once("error", reject);
      srv.listen(port, host, () => { srv.off("error", reject); this.server = srv; resolve(srv.address() as AddressInfo); });
    });
  }

  /** Serves one RFB client on a byte stream (a TCP socket, a WebSocket's stream). */
  attach(stream: Duplex, peer: string): void {
    const max = this.opts.maxClients ?? 8;
    // past the limit a few are told why (RFB failure reason); past that they are cut at once
    if (this.sessions.size >= max + 4) { stream.destroy(); return; }
    const refuse = this.sessions.size >= max ? `too many clients (at most ${max})` : null;
    const s = new RfbSession(stream, peer, this.host, refuse);
    if (s.open) this.sessions.add(s);
  }

  async close(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    for (const s of [...this.sessions]) s.close(null);
    const srv = this.server;
    this.server = null;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  /** Pulls one frame from the device and hands its damage to every session. */
  frame(): void {
    this.lastFrame = performance.now();
    this.stats.refreshes++;
    const rects = this.display.refresh();
    const { width, height } = this.currentSize();
    for (const s of this.sessions) {
      s.resize(width, height);
      for (const r of rects) s.addDamage(r);
    }
    for (const s of this.sessions) s.tryAnswer();
  }

  private schedule(immediate: boolean): void {
    if (this.timer && !immediate) return;
    if (this.timer) clearTimeout(this.timer);
    const frameMs = this.opts.frameMs ?? 33;
    const delay = immediate ? 0 : Math.max(0, frameMs - (performance.now() - this.lastFrame));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.frame();
      if ([...this.sessions].some((s) => s.waiting)) this.schedule(false);
    }, delay);
  }

  private currentSize(): { width: number; height: number } {
    // a client arriving before any frame was pulled learns the real size, not the default
    if (!this.display.surface && this.stats.refreshes === 0) this.frame();
    const s = this.display.surface;
    if (s && s.kind !== SURFACE.NONE && s.width > 0 && s.height > 0) this.size = { width: s.width, height: s.height };
    return this.size;
  }

  private currentSurface(): DisplaySurface {
    const s = this.display.surface;
    if (s && s.kind !== SURFACE.NONE && s.width > 0 && s.height > 0) return s;
    const { width, height } = this.size;
    if (!this.black || this.black.width !== width || this.black.height !== height) {
      const px = new Uint8Array(width * height * 4);
      this.black = { kind: SURFACE.RGBA32, width, height, stride: width * 4, pixels: () => px };
    }
    return this.black;
  }

  /** At most 20 lines per 10 s (a client reconnecting in a loop cannot flood the log). */
  private log(line: string): void {
    const now = performance.now();
    if (now - this.logWindow > 10_000) { this.logWindow = now; this.logged = 0; }
    if (++this.logged === 21) this.opts.log?.("vnc: further lines suppressed for 10 s");
    if (this.logged <= 20) this.opts.log?.(`vnc: ${line}`);
  }
}
