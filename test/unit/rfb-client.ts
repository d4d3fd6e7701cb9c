// A small raw-socket RFB client for the tests and the bench (not a test file itself): the
// handshake of RFB 3.3/3.7/3.8 with security None, the client messages, and framebuffer updates
// decoded into RGBA (Raw, zlib — one inflate stream across rectangles — and DesktopSize).
import { connect, type Socket } from "node:net";
import { constants as zc, inflateSync } from "node:zlib";
import { encodePixelFormat, type PixelFormat } from "../../host/display/rfb-encodings.ts";

export interface ServerInit { width: number; height: number; name: string; format: Buffer }
export interface UpdateRect { x: number; y: number; w: number; h: number; encoding: number; data: Buffer }

export class RfbTestClient {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Inflate zlib rectangles (the bench turns it off: it measures the server). */
  decode = true;
  private waiter: (() => void) | null = null;
  closed = false;
  received = 0;
  private zin = Buffer.alloc(0); // every zlib byte so far (one stream)
  private zout = 0; // inflated bytes already consumed
  bpp = 4;
  init: ServerInit = { width: 0, height: 0, name: "", format: Buffer.alloc(16) };

  private constructor(readonly sock: Socket) {
    sock.on("data", (d: Buffer) => { this.received += d.length; this.chunks.push(d); this.held += d.length; this.waiter?.(); });
    sock.on("close", () => { this.closed = true; this.waiter?.(); });
    sock.on("error", () => {});
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RfbTestClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RfbTestClient(s)));
      s.once("error", reject);
    });
  }

  /** Connects and completes the handshake as a client of version 3.`minor`. */
  static async open(port: number, minor = 8): Promise<RfbTestClient> {
    const c = await RfbTestClient.connect(port);
    await c.handshake(minor);
    return c;
  }

  async handshake(minor: number): Promise<void> {
    const v = (await this.read(12)).toString("latin1");
    if (v !== "RFB 003.008\n") throw new Error(`server version ${JSON.stringify(v)}`);
    this.sock.write(`RFB 003.00${minor}\n`);
    if (minor === 3) {
      const t = (await this.read(4)).readUInt32BE(0);
      if (t !== 1) throw new Error(`security ${t}: ${await this.reason()}`);
    } else {
      const n = (await this.read(1))[0]!;
      if (n === 0) throw new Error(`refused: ${await this.reason()}`);
      const types = await this.read(n);
      if (!types.includes(1)) throw new Error(`no None security in ${[...types]}`);
      this.sock.write(Buffer.from([1]));
      if (minor === 8) { const r = (await this.read(4)).readUInt32BE(0); if (r !== 0) throw new Error(`security result ${r}: ${await this.reason()}`); }
    }
    this.sock.write(Buffer.from([1])); // shared
    const si = await this.read(24);
    const name = (await this.read(si.readUInt32BE(20))).toString("utf8");
    this.init = { width: si.readUInt16BE(0), height: si.readUInt16BE(2), format: si.subarray(4, 20), name };
  }

  private async reason(): Promise<string> { const n = (await this.read(4)).readUInt32BE(0); return (await this.read(n)).toString("utf8"); }

  /** Resolves with exactly n bytes; rejects when the server closes first or after `ms`. */
  read(n: number, ms = 20_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = null; reject(new Error(`timeout waiting for ${n} bytes (have ${this.held})`)); }, ms);
      const check = (): void => {
        if (this.held >= n) {
          clearTimeout(t);
          this.waiter = null;
          resolve(this.take(n));
        } else if (this.closed) { clearTimeout(t); this.waiter = null; reject(new Error("server closed the connection")); }
      };
      this.waiter = check;
      check();
    });
  }

  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.chunks[0]!;
      if (c.length <= need) { parts.push(c); this.chunks.shift(); need -= c.length; }
      else { parts.push(c.subarray(0, need)); this.chunks[0] = c.subarray(need); need = 0; }
    }
    this.held -= n;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  get buffered(): number { return this.held; }

  setPixelFormat(pf: PixelFormat): void { this.bpp = pf.bpp >> 3; this.sock.write(Buffer.concat([Buffer.from([0, 0, 0, 0]), encodePixelFormat(pf)])); }

  setEncodings(encs: number[]): void {
    const b = Buffer.alloc(4 + 4 * encs.length);
    b[0] = 2; b.writeUInt16BE(encs.length, 2);
    encs.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
    this.sock.write(b);
  }

  request(incremental: boolean, x = 0, y = 0, w = this.init.width, h = this.init.height): void {
    const b = Buffer.alloc(10);
    b[0] = 3; b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4); b.writeUInt16BE(w, 6); b.writeUInt16BE(h, 8);
    this.sock.write(b);
  }

  key(down: boolean, keysym: number): void {
    const b = Buffer.alloc(8);
    b[0] = 4; b[1] = down ? 1 : 0; b.writeUInt32BE(keysym, 4);
    this.sock.write(b);
  }

  pointer(mask: number, x: number, y: number): void {
    const b = Buffer.alloc(6);
    b[0] = 5; b[1] = mask; b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4);
    this.sock.write(b);
  }

  /** Reads one FramebufferUpdate (skipping nothing else: the server sends no other message). */
  async update(ms = 20_000): Promise<UpdateRect[]> {
    const h = await this.read(4, ms);
    if (h[0] !== 0) throw new Error(`server message type ${h[0]}`);
    const n = h.readUInt16BE(2);
    const rects: UpdateRect[] = [];
    for (let i = 0; i < n; i++) {
      const r = await this.read(12, ms);
      const x = r.readUInt16BE(0), y = r.readUInt16BE(2), w = r.readUInt16BE(4), hh = r.readUInt16BE(6), encoding = r.readInt32BE(8);
      let data: Buffer;
      if (encoding === 0) data = Buffer.from(await this.read(w * hh * this.bpp, ms));
      else if (encoding === 6) {
        const len = (await this.read(4, ms)).readUInt32BE(0);
        const z = await this.read(len, ms);
        if (!this.decode) { rects.push({ x, y, w, h: hh, encoding, data: z }); continue; }
        this.zin = Buffer.concat([this.zin, z]);
        const all = inflateSync(this.zin, { finishFlush: zc.Z_SYNC_FLUSH });
        data = Buffer.from(all.subarray(this.zout, this.zout + w * hh * this.bpp));
        this.zout += w * hh * this.bpp;
      } else if (encoding === -223) {
        data = Buffer.alloc(0);
        this.init = { ...this.init, width: w, height: hh };
      } else throw new Error(`unexpected encoding ${encoding}`);
      rects.push({ x, y, w, h: hh, encoding, data });
    }
    return rects;
  }

  /** Resolves true if nothing arrives within `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    const before = this.received;
    await new Promise((r) => setTimeout(r, ms));
    return this.received === before && this.held === 0;
  }

  close(): void { this.sock.destroy(); }
}

/** Paints 32-bpp little-endian R<<16|G<<8|B rectangles (the server's format) into an RGBA image. */
export function paint(rgba: Uint8Array, width: number, rects: UpdateRect[]): void {
  for (const r of rects) {
    if (r.encoding === -223) continue;
    for (let y = 0; y < r.h; y++) {
      for (let x = 0; x < r.w; x++) {
        const s = (y * r.w + x) * 4, o = ((r.y + y) * width + r.x + x) * 4;
        rgba[o] = r.data[s + 2]!; rgba[o + 1] = r.data[s + 1]!; rgba[o + 2] = r.data[s]!; rgba[o + 3] = 255;
      }
    }
  }
}
