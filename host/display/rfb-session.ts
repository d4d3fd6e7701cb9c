// One RFB connection (RFC 6143) of host/display/rfb-server.ts: the handshake (3.8, and 3.3/3.7
// clients; security None), the client messages (every size bounded: a message the server cannot
// size or that is larger than allowed closes the connection), and framebuffer updates answered
// from the damage the server hands in — a request waits until something inside it changed, so an
// unchanged screen sends nothing. Encodings: Raw, zlib, DesktopSize.
import type { Duplex } from "node:stream";
import type { DisplaySurface } from "../node/backends.ts";
import type { Rect } from "./surface-backend.ts";
import { keysymToKeycode } from "./keysyms.ts";
import {
  DamageRegion, ENC_COMPRESS_LEVEL_0, ENC_DESKTOP_SIZE, ENC_RAW, ENC_ZLIB, PixelConverter, SERVER_FORMAT, ZlibStream,
  encodePixelFormat, intersect, parsePixelFormat,
} from "./rfb-encodings.ts";

/** Where keys and pointer motion go (evdev key codes; PS/2-style relative motion). */
export interface RfbInput {
  key(code: number, down: boolean): void;
  /** dx/dy in pixels (dy positive = down), buttons bit 0 left, 1 right, 2 middle; wheel + = up. */
  pointer(dx: number, dy: number, buttons: number, wheel: number): void;
}

/** What a session needs of its server. */
export interface RfbHost {
  readonly name: string;
  /** Current screen size (the last real one while the display is blank). */
  size(): { width: number; height: number };
  /** The surface to read (a black one while the display is blank). */
  surface(): DisplaySurface;
  input: RfbInput | null;
  /** A session has a request waiting (or a new non-incremental one): refresh soon. */
  wantFrame(immediate: boolean): void;
  closed(s: RfbSession): void;
  log(line: string): void;
  count(bytes: number, rects: number): void;
}

export const LIMITS = {
  /** SetEncodings entries accepted (noVNC sends about 25). */
  encodings: 1024,
  /** ClientCutText bytes accepted (discarded unread: the guest has no clipboard channel). */
  cutText: 1 << 20,
  /** Output queued to a slow client before updates wait for it to drain. */
  outputBacklog: 16 << 20,
  /** Time to finish the handshake. */
  handshakeMs: 10_000,
};

type Stage = "version" | "security" | "init" | "normal" | "closed";

const BUTTON_MAP = [1, 4, 2]; // RFB bit 0 left, 1 middle, 2 right -> PS/2 bit 0 left, 1 right, 2 middle

export class RfbSession {
  private stage: Stage = "version";
  private minor = 8;
  private buf: Buffer = Buffer.alloc(0);
  private skip = 0; // cut-text bytes still to discard
  private conv = new PixelConverter(SERVER_FORMAT);
  private encodings = new Set<number>([ENC_RAW]);
  private compressLevel = 1;
  private zlib: ZlibStream | null = null;
  private pending: { incremental: boolean; rect: Rect } | null = null;
  private busy = false;
  private resized = false;
  private readonly damage = new DamageRegion();
  private width = 0;
  private height = 0;
  private lastX = -1;
  private lastY = -1;
  private lastMask = 0;
  private readonly keysDown = new Set<number>();
  private unknownKeysyms = 0;
  private readonly timer: NodeJS.Timeout;
  private scratch = new Uint8Array(0);

  constructor(private readonly stream: Duplex, readonly peer: string, private readonly host: RfbHost, private readonly refuse: string | null = null) {
    this.timer = setTimeout(() => { if (this.stage !== "normal") this.close("handshake not finished in time"); }, LIMITS.handshakeMs);
    stream.on("data", (d: Buffer) => this.receive(d));
    stream.on("error", () => this.close(null));
    stream.on("close", () => this.close(null));
    stream.on("drain", () => this.tryAnswer());
    stream.write("RFB 003.008\n");
  }

  get open(): boolean { return this.stage !== "closed"; }
  /** Has a request that damage could answer now. */
  get waiting(): boolean { return this.stage === "normal" && this.pending !== null && !this.busy; }

  close(why: string | null): void {
    if (this.stage === "closed") return;
    const wasNormal = this.stage === "normal";
    this.stage = "closed";
    clearTimeout(this.timer);
    if (why) this.host.log(`${this.peer}: closing: ${why}`);
    if (wasNormal && this.host.input) for (const k of this.keysDown) this.host.input.key(k, false);
    this.keysDown.clear();
    this.zlib?.close();
    this.stream.destroy();
    this.host.closed(this);
  }

  // --- input ------------------------------------------------------------------------------

  private receive(d: Buffer): void {
    if (this.stage === "closed") return;
    if (this.skip) {
      const n = Math.min(this.skip, d.length);
      this.skip -= n;
      d = d.subarray(n);
      if (!d.length) return;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    // each pass consumes one message or stops for more bytes; a message is at most ~4 KiB
    for (let guard = 0; guard < 1 << 20 && this.buf.length && (this.stage as Stage) !== "closed"; guard++) {
      const used = this.message(this.buf);
      if (used === 0) break;
      this.buf = this.buf.subarray(used);
      if (this.skip) {
        const n = Math.min(this.skip, this.buf.length);
        this.skip -= n;
        this.buf = this.buf.subarray(n);
      }
    }
    if (this.buf.length) this.buf = Buffer.from(this.buf); // do not pin the socket's chunk
  }

  /** Handles the message at the start of `b`: bytes consumed, 0 = incomplete. */
  private message(b: Buffer): number {
    switch (this.stage) {
      case "version": {
        if (b.length < 12) return 0;
        const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(b.subarray(0, 12).toString("latin1"));
        if (!m || m[1] !== "003") { this.close("not an RFB 3.x client"); return 12; }
        const minor = Number(m[2]);
        this.minor = minor >= 8 ? 8 : minor === 7 ? 7 : 3;
        if (this.refuse) { this.fail(this.refuse); return 12; }
        if (this.minor === 3) { this.stream.write(u32(1)); this.stage = "init"; } // security None
        else { this.stream.write(Buffer.from([1, 1])); this.stage = "security"; }
        return 12;
      }
      case "security": {
        if (b[0] !== 1) { this.fail(`security type ${b[0]} not offered (only None)`); return 1; }
        if (this.minor === 8) this.stream.write(u32(0));
        this.stage = "init";
        return 1;
      }
      case "init": {
        const { width, height } = this.host.size();
        this.width = width; this.height = height;
        const name = Buffer.from(this.host.name, "utf8");
        this.stream.write(Buffer.concat([u16(width), u16(height), encodePixelFormat(SERVER_FORMAT), u32(name.length), name]));
        this.stage = "normal";
        clearTimeout(this.timer);
        this.host.log(`${this.peer}: connected (RFB 3.${this.minor})`);
        return 1;
      }
      case "normal": return this.clientMessage(b);
      case "closed": return b.length;
    }
  }

  private fail(reason: string): void {
    const r = Buffer.from(reason, "utf8");
    if (this.minor === 3) this.stream.write(Buffer.concat([u32(0), u32(r.length), r]));
    else if (this.stage === "version") this.stream.write(Buffer.concat([Buffer.from([0]), u32(r.length), r]));
    else this.stream.write(Buffer.concat([u32(1), u32(r.length), r]));
    this.close(reason);
  }

  private clientMessage(b: Buffer): number {
    switch (b[0]) {
      case 0: { // SetPixelFormat
        if (b.length < 20) return 0;
        const pf = parsePixelFormat(b.subarray(4, 20));
        if (typeof pf === "string") { this.close(`SetPixelFormat: ${pf}`); return 20; }
        this.conv = new PixelConverter(pf);
        return 20;
      }
      case 2: { // SetEncodings
        if (b.length < 4) return 0;
        const n = b.readUInt16BE(2);
        if (n > LIMITS.encodings) { this.close(`SetEncodings lists ${n} encodings (at most ${LIMITS.encodings})`); return b.length; }
        if (b.length < 4 + 4 * n) return 0;
        this.encodings = new Set();
        let preferred = -1;
        for (let i = 0; i < n; i++) {
          const e = b.readInt32BE(4 + 4 * i);
          this.encodings.add(e);
          if (preferred < 0 && (e === ENC_RAW || e === ENC_ZLIB)) preferred = e;
          if (e >= ENC_COMPRESS_LEVEL_0 && e <= ENC_COMPRESS_LEVEL_0 + 9) this.compressLevel = e - ENC_COMPRESS_LEVEL_0;
        }
        this.encodings.add(ENC_RAW);
        this.preferred = preferred < 0 ? ENC_RAW : preferred;
        return 4 + 4 * n;
      }
      case 3: { // FramebufferUpdateRequest
        if (b.length < 10) return 0;
        const incremental = b[1] !== 0;
        const rect = { x: b.readUInt16BE(2), y: b.readUInt16BE(4), w: b.readUInt16BE(6), h: b.readUInt16BE(8) };
        this.request(incremental, rect);
        return 10;
      }
      case 4: { // KeyEvent
        if (b.length < 8) return 0;
        this.key(b[1] !== 0, b.readUInt32BE(4));
        return 8;
      }
      case 5: { // PointerEvent
        if (b.length < 6) return 0;
        this.pointer(b[1]!, b.readUInt16BE(2), b.readUInt16BE(4));
        return 6;
      }
      case 6: { // ClientCutText (negative length: the extended clipboard's |length| bytes)
        if (b.length < 8) return 0;
        const len = Math.abs(b.readInt32BE(4));
        if (len > LIMITS.cutText) { this.close(`ClientCutText of ${len} bytes (at most ${LIMITS.cutText})`); return b.length; }
        this.skip = len;
        return 8;
      }
      default:
        this.close(`unknown client message type ${b[0]}`);
        return b.length;
    }
  }

  private preferred = ENC_RAW;

  private key(down: boolean, keysym: number): void {
    const code = keysymToKeycode(keysym);
    if (!code) {
      if (this.unknownKeysyms++ === 0) this.host.log(`${this.peer}: keysym 0x${keysym.toString(16)} has no PS/2 key (further ones not logged)`);
      return;
    }
    if (down) this.keysDown.add(code); else if (!this.keysDown.delete(code)) return; // release of a key never pressed here
    this.host.input?.key(code, down);
  }

  private pointer(mask: number, x: number, y: number): void {
    const dx = this.lastX < 0 ? 0 : x - this.lastX;
    const dy = this.lastY < 0 ? 0 : y - this.lastY;
    const pressed = mask & ~this.lastMask;
    const wheel = (pressed & 8 ? 1 : 0) - (pressed & 16 ? 1 : 0); // buttons 4/5: one notch each press
    let buttons = 0;
    for (let i = 0; i < 3; i++) if (mask & (1 << i)) buttons |= BUTTON_MAP[i]!;
    const changed = (mask & 7) !== (this.lastMask & 7);
    this.lastX = x; this.lastY = y; this.lastMask = mask;
    if (dx || dy || wheel || changed) this.host.input?.pointer(dx, dy, buttons, wheel);
  }

  // --- updates ----------------------------------------------------------------------------

  private request(incremental: boolean, rect: Rect): void {
    const screen = { x: 0, y: 0, w: this.width, h: this.height };
    if (!incremental) { const r = intersect(rect, screen); if (r) this.damage.add(r); }
    this.pending = { incremental, rect };
    this.host.wantFrame(!incremental);
  }

  /** The server saw the screen change size: full damage, and DesktopSize when the client has it. */
  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width; this.height = height;
    this.damage.clear();
    this.damage.add({ x: 0, y: 0, w: width, h: height });
    this.resized = this.encodings.has(ENC_DESKTOP_SIZE);
  }

  addDamage(r: Rect): void {
    if (this.stage !== "normal") return;
    const c = intersect(r, { x: 0, y: 0, w: this.width, h: this.height });
    if (c) this.damage.add(c);
  }

  /** Sends an update if a request waits and something inside it changed. */
  tryAnswer(): void {
    if (!this.waiting || this.stream.writableLength > LIMITS.outputBacklog) return;
    const p = this.pending!;
    const area = this.resized ? { x: 0, y: 0, w: this.width, h: this.height } : p.rect;
    const rects = this.damage.take(area);
    if (!rects.length && !this.resized) return;
    this.pending = null;
    this.busy = true;
    const resized = this.resized;
    this.resized = false;
    this.send(rects, resized).then(() => { this.busy = false; if (this.pending) this.host.wantFrame(false); }, (e: Error) => this.close(`update failed: ${e.message}`));
  }

  private async send(rects: Rect[], resized: boolean): Promise<void> {
    const surface = this.host.surface();
    const parts: Buffer[] = [];
    const total = rects.length + (resized ? 1 : 0);
    parts.push(Buffer.from([0, 0]), u16(total));
    if (resized) parts.push(rectHeader({ x: 0, y: 0, w: this.width, h: this.height }, ENC_DESKTOP_SIZE));
    for (const r of rects) {
      const c = intersect(r, { x: 0, y: 0, w: Math.min(this.width, surface.width), h: Math.min(this.height, surface.height) });
      const need = r.w * r.h * this.conv.bytesPerPixel;
      if (this.scratch.length < need) this.scratch = new Uint8Array(need);
      const px = this.scratch.subarray(0, need);
      if (c && c.w === r.w && c.h === r.h) this.conv.convert(surface, r, px);
      else px.fill(0); // the surface shrank under a client that cannot resize: black
      if (this.preferred === ENC_ZLIB) {
        this.zlib ??= new ZlibStream(this.compressLevel);
        const z = await this.zlib.compress(px);
        parts.push(rectHeader(r, ENC_ZLIB), u32(z.length), z);
      } else {
        parts.push(rectHeader(r, ENC_RAW), Buffer.from(px));
      }
    }
    if (this.stage === "closed") return;
    const out = Buffer.concat(parts);
    this.host.count(out.length, total);
    this.stream.write(out);
  }
}

function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; }
function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
function rectHeader(r: Rect, enc: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(r.x, 0); b.writeUInt16BE(r.y, 2); b.writeUInt16BE(r.w, 4); b.writeUInt16BE(r.h, 6); b.writeInt32BE(enc, 8);
  return b;
}
