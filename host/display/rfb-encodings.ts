// RFB (RFC 6143) pixel formats and rectangle encodings for host/display/rfb-server.ts: the
// server's native format (32 bpp, depth 24, little endian, R<<16|G<<8|B: the bytes of a
// SURFACE_BGRX32 surface), validation of a client's SetPixelFormat (true colour, 8/16/32 bpp),
// conversion of a surface rectangle into the client's format, and the Raw (0) and zlib (6)
// encodings (one zlib stream per connection, flushed with Z_SYNC_FLUSH after every rectangle, as
// the encoding requires). Also the damage region a connection accumulates between updates.
import { constants as zc, createDeflate, type Deflate } from "node:zlib";
import type { DisplaySurface } from "../node/backends.ts";
import { SURFACE } from "../node/abi.ts";
import type { Rect } from "./surface-backend.ts";

export const ENC_RAW = 0;
export const ENC_ZLIB = 6;
export const ENC_DESKTOP_SIZE = -223;
export const ENC_COMPRESS_LEVEL_0 = -256; // -256..-247: compression level 0..9

export interface PixelFormat {
  bpp: number; depth: number; bigEndian: boolean; trueColour: boolean;
  redMax: number; greenMax: number; blueMax: number;
  redShift: number; greenShift: number; blueShift: number;
}

export const SERVER_FORMAT: PixelFormat = { bpp: 32, depth: 24, bigEndian: false, trueColour: true, redMax: 255, greenMax: 255, blueMax: 255, redShift: 16, greenShift: 8, blueShift: 0 };

export function encodePixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b[0] = pf.bpp; b[1] = pf.depth; b[2] = pf.bigEndian ? 1 : 0; b[3] = pf.trueColour ? 1 : 0;
  b.writeUInt16BE(pf.redMax, 4); b.writeUInt16BE(pf.greenMax, 6); b.writeUInt16BE(pf.blueMax, 8);
  b[10] = pf.redShift; b[11] = pf.greenShift; b[12] = pf.blueShift;
  return b;
}

/** Parses the 16-byte PIXEL_FORMAT; returns the reason when this server cannot send it. */
export function parsePixelFormat(b: Uint8Array): PixelFormat | string {
  const v = Buffer.from(b.buffer, b.byteOffset, 16);
  const pf: PixelFormat = {
    bpp: v[0]!, depth: v[1]!, bigEndian: v[2] !== 0, trueColour: v[3] !== 0,
    redMax: v.readUInt16BE(4), greenMax: v.readUInt16BE(6), blueMax: v.readUInt16BE(8),
    redShift: v[10]!, greenShift: v[11]!, blueShift: v[12]!,
  };
  if (!pf.trueColour) return "colour-map pixel formats are not supported (true colour only)";
  if (pf.bpp !== 8 && pf.bpp !== 16 && pf.bpp !== 32) return `${pf.bpp} bits per pixel is not 8, 16 or 32`;
  for (const [max, shift] of [[pf.redMax, pf.redShift], [pf.greenMax, pf.greenShift], [pf.blueMax, pf.blueShift]] as const) {
    if (max === 0 || (max & (max + 1)) !== 0) return `channel maximum ${max} is not 2^n - 1`;
    if (shift >= pf.bpp || max * 2 ** shift >= 2 ** pf.bpp) return `channel (max ${max}, shift ${shift}) does not fit ${pf.bpp} bits`;
  }
  return pf;
}

/** Per-channel lookup tables for one pixel format: value = r[R] | g[G] | b[B]. */
export class PixelConverter {
  readonly bytesPerPixel: number;
  private readonly r = new Uint32Array(256);
  private readonly g = new Uint32Array(256);
  private readonly b = new Uint32Array(256);

  constructor(readonly pf: PixelFormat) {
    this.bytesPerPixel = pf.bpp >> 3;
    for (let i = 0; i < 256; i++) {
      this.r[i] = (Math.round((i * pf.redMax) / 255) * 2 ** pf.redShift) >>> 0;
      this.g[i] = (Math.round((i * pf.greenMax) / 255) * 2 ** pf.greenShift) >>> 0;
      this.b[i] = (Math.round((i * pf.blueMax) / 255) * 2 ** pf.blueShift) >>> 0;
    }
  }

  /** Bytes of rectangle `r` of the surface in this format, into `out` (at least w*h*Bpp long). */
  convert(s: DisplaySurface, r: Rect, out: Uint8Array): number {
    const src = s.pixels();
    const bgrx = s.kind === SURFACE.BGRX32;
    const pf = this.pf;
    if (this.bytesPerPixel === 4 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 && src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0 && s.stride % 4 === 0) {
      return this.convert32(src, s.stride, bgrx, r, out);
    }
    const bpp = this.bytesPerPixel, be = this.pf.bigEndian;
    const tr = this.r, tg = this.g, tb = this.b;
    let o = 0;
    for (let y = r.y; y < r.y + r.h; y++) {
      let i = y * s.stride + r.x * 4;
      for (let x = 0; x < r.w; x++, i += 4) {
        const red = bgrx ? src[i + 2]! : src[i]!, green = src[i + 1]!, blue = bgrx ? src[i]! : src[i + 2]!;
        const v = tr[red]! | tg[green]! | tb[blue]!;
        if (bpp === 4) {
          if (be) { out[o] = v >>> 24; out[o + 1] = v >>> 16; out[o + 2] = v >>> 8; out[o + 3] = v; }
          else { out[o] = v; out[o + 1] = v >>> 8; out[o + 2] = v >>> 16; out[o + 3] = v >>> 24; }
        } else if (bpp === 2) {
          if (be) { out[o] = v >>> 8; out[o + 1] = v; } else { out[o] = v; out[o + 1] = v >>> 8; }
        } else out[o] = v;
        o += bpp;
      }
    }
    return o;
  }

  /** 8 bits per channel into 32 bits: whole words (this host is little endian, as x86 is). */
  private convert32(src: Uint8Array, stride: number, bgrx: boolean, r: Rect, out: Uint8Array): number {
    const pf = this.pf;
    const s32 = new Uint32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
    const o32 = new Uint32Array(out.buffer, out.byteOffset, r.w * r.h);
    const [sr, sg, sb] = bgrx ? [16, 8, 0] : [0, 8, 16];
    const same = !pf.bigEndian && sr === pf.redShift && sg === pf.greenShift && sb === pf.blueShift;
    let o = 0;
    for (let y = r.y; y < r.y + r.h; y++) {
      const i0 = (y * stride) / 4 + r.x;
      if (same) { o32.set(s32.subarray(i0, i0 + r.w), o); o += r.w; continue; }
      for (let i = i0; i < i0 + r.w; i++) {
        const v = s32[i]!;
        let w = (((v >>> sr) & 255) << pf.redShift) | (((v >>> sg) & 255) << pf.greenShift) | (((v >>> sb) & 255) << pf.blueShift);
        if (pf.bigEndian) w = ((w & 255) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
        o32[o++] = w;
      }
    }
    return r.w * r.h * 4;
  }
}

/** One zlib stream per connection (the client keeps one inflater for all zlib rectangles). */
export class ZlibStream {
  private readonly z: Deflate;
  private chunks: Buffer[] = [];

  constructor(level: number) {
    this.z = createDeflate({ level, memLevel: 9, chunkSize: 64 * 1024 });
    this.z.on("data", (c: Buffer) => this.chunks.push(c));
  }

  /** Compresses `data` and flushes it (Z_SYNC_FLUSH): the bytes of one zlib rectangle. */
  compress(data: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.z.write(data, (e) => { if (e) reject(e); });
      this.z.flush(zc.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void { this.z.destroy(); }
}

// --- damage accumulated per connection ---------------------------------------------------

/** Rectangles waiting to be sent; merged as they arrive, collapsed to their bounds past `limit`. */
export class DamageRegion {
  rects: Rect[] = [];
  constructor(private readonly limit = 32) {}

  get empty(): boolean { return this.rects.length === 0; }

  add(r: Rect): void {
    if (r.w <= 0 || r.h <= 0) return;
    for (const q of this.rects) {
      if (q.x <= r.x && q.y <= r.y && q.x + q.w >= r.x + r.w && q.y + q.h >= r.y + r.h) return;
      // same columns and vertically touching, or same rows and horizontally touching: one rectangle
      if (q.x === r.x && q.w === r.w && r.y <= q.y + q.h && q.y <= r.y + r.h) {
        const y0 = Math.min(q.y, r.y); q.h = Math.max(q.y + q.h, r.y + r.h) - y0; q.y = y0; return;
      }
      if (q.y === r.y && q.h === r.h && r.x <= q.x + q.w && q.x <= r.x + r.w) {
        const x0 = Math.min(q.x, r.x); q.w = Math.max(q.x + q.w, r.x + r.w) - x0; q.x = x0; return;
      }
    }
    this.rects.push({ ...r });
    if (this.rects.length > this.limit) this.rects = [bounds(this.rects)];
  }

  /** Takes the damage inside `clip` (what lies outside it stays). */
  take(clip: Rect): Rect[] {
    const out: Rect[] = [];
    const keep: Rect[] = [];
    for (const r of this.rects) {
      const i = intersect(r, clip);
      if (!i) { keep.push(r); continue; }
      out.push(i);
      if (i.w !== r.w || i.h !== r.h) keep.push(r); // partly outside the request: resent later too
    }
    this.rects = keep;
    return out;
  }

  clear(): void { this.rects = []; }
}

export function intersect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.w, b.x + b.w), y1 = Math.min(a.y + a.h, b.y + b.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

export function bounds(rs: readonly Rect[]): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const r of rs) { x0 = Math.min(x0, r.x); y0 = Math.min(y0, r.y); x1 = Math.max(x1, r.x + r.w); y1 = Math.max(y1, r.y + r.h); }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
