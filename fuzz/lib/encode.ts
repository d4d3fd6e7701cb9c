// Writing fuzz inputs (docs/fuzz-format.md): the inverse of decode.ts, for hand-written seeds,
// converted traces and the CVE-class inputs. Selectors are indexes into the device's claimed
// ranges / PCI functions in claim order (fuzz/lib/exec.ts `claims()` lists them).
import { ADDR_SCALE, MAX_PAYLOAD } from "./decode.ts";

type Size = 1 | 2 | 4;
const SIZE_CODE: Record<Size, number> = { 1: 0, 2: 1, 4: 2 };

export class FuzzInput {
  private readonly b: number[] = [];

  bytes(): Uint8Array { return Uint8Array.from(this.b); }

  private u(n: number, k: number): void { for (let i = 0; i < k; i++) this.b.push(Math.floor(n / 2 ** (8 * i)) & 0xff); }
  private opByte(nibble: number, size: Size, addr = false, hi = false): void { this.b.push(nibble | SIZE_CODE[size] << 4 | (addr ? 0x40 : 0) | (hi ? 0x80 : 0)); }
  private val(v: number, addr: boolean): void {
    if (addr) {
      if (v % ADDR_SCALE || v / ADDR_SCALE > 0xffff) throw new Error(`address 0x${v.toString(16)} not encodable (multiple of ${ADDR_SCALE} below 2 MiB)`);
      this.u(v / ADDR_SCALE, 2);
    } else this.u(v >>> 0, 4);
  }
  /** `off` may reach 19 bits: bits 16-18 ride in the selector's top bits. */
  private selOff(sel: number, off: number): void { this.b.push((sel & 0x1f) | ((off >>> 16) & 7) << 5); this.u(off & 0xffff, 2); }

  write(sel: number, off: number, size: Size, value: number, addrMode?: boolean): this {
    const a = addrMode ?? false;
    this.opByte(0, size, a); this.selOff(sel, off); this.val(value, a); return this;
  }
  read(sel: number, off: number, size: Size): this { this.opByte(3, size); this.selOff(sel, off); return this; }
  cfgWrite(fn: number, reg: number, size: Size, value: number, addrMode?: boolean): this {
    const a = addrMode ?? false;
    this.opByte(5, size, a); this.b.push(fn & 0xff, reg & 0xff); this.val(value, a); return this;
  }
  cfgRead(fn: number, reg: number, size: Size): this { this.opByte(6, size); this.b.push(fn & 0xff, reg & 0xff); return this; }
  /** Guest RAM at `gpa` (a multiple of 32 below 2 MiB) gets `data` (split into 256-byte fills). */
  fill(gpa: number, data: Uint8Array | number[]): this {
    const d = Uint8Array.from(data);
    for (let o = 0; o < d.length; o += 256) {
      const part = d.subarray(o, Math.min(d.length, o + 256));
      if ((gpa + o) % ADDR_SCALE) throw new Error("fill address must be a multiple of 32");
      this.b.push(7); this.u((gpa + o) / ADDR_SCALE, 2); this.b.push(part.length - 1); this.b.push(...part);
    }
    return this;
  }
  /** Advances virtual time by at least `ns` (the nearest encodable step at or above it, ≤ 17 s). */
  clock(ns: number): this {
    for (let e = 0; e < 256; e++) {
      if (((e & 15) + 1) * 4 ** (e >> 4) >= ns) { this.b.push(8, e); return this; }
    }
    this.b.push(8, 0xff); return this;
  }
  event(ev: number, arg = 0, arg2 = 0): this { this.b.push(9, ev & 0x7f); this.u(arg >>> 0, 4); this.u(arg2 >>> 0, 4); return this; }
  eventData(ev: number, data: Uint8Array | number[]): this {
    const d = Uint8Array.from(data);
    if (d.length > MAX_PAYLOAD) throw new Error("payload too long");
    this.b.push(9, 0x80 | (ev & 0x7f)); this.u(d.length, 2); this.b.push(...d); return this;
  }
  blkDone(sel = 0, status = 0): this { this.b.push(10, sel & 0xff, status & 0xff); return this; }
  burstRead(sel: number, off: number, size: Size, count: number): this { this.opByte(11, size); this.selOff(sel, off); this.b.push(count - 1); return this; }
  burstWrite(sel: number, off: number, size: Size, count: number, value: number): this {
    this.opByte(11, size, false, true); this.selOff(sel, off); this.b.push(count - 1); this.val(value, false); return this;
  }
  reset(): this { this.b.push(0x0f); return this; }
}
