// VBE DISPI modes. 32 bpp is not rendered at all: the surface is VRAM itself (BGRX32 at the
// start offset, pitch = line length) and damage comes from the dirty pages. 8/15/16/24 bpp are
// converted line by line into the RGBA surface. The fixup (dispi.ts) guarantees that
// start + yres * pitch fits VRAM; it is checked again here.
import { S, D, vramSize } from "./state";
import { VRAM_BASE, MAX_LINE } from "./layout";
import { rgba } from "./palette";
import { commitLine } from "./linebuf";
import { rangeDirty, dirtySpan } from "./dirty";
import { addRect } from "./damage";
import { DISPI_XRES, DISPI_YRES, DISPI_BPP } from "./regs";

export function vbeWidth(): i32 { return <i32>S.vbe[DISPI_XRES]; }
export function vbeHeight(): i32 { return <i32>S.vbe[DISPI_YRES]; }

export function vbeFits(): bool {
  const w = vbeWidth();
  const h = vbeHeight();
  if (w <= 0 || h <= 0 || D.vbeLineBytes == 0) return false;
  if (<u64>w * <u64>D.vbeBits / 8 > <u64>D.vbeLineBytes) return false;
  return <u64>D.vbeStartByte + <u64>h * <u64>D.vbeLineBytes <= <u64>vramSize();
}

// 32 bpp: damage from dirty pages, x extent from where the dirty pages meet each line.
export function damageDirect(full: bool): void {
  const w = vbeWidth();
  const h = vbeHeight();
  const pitch = D.vbeLineBytes;
  for (let y = 0; y < h; y++) {
    const ls = D.vbeStartByte + <u32>y * pitch;
    if (full) { addRect(0, y, w, y + 1); continue; }
    const lo = dirtySpan(ls, <u32>w * 4);
    if (lo < 0) continue;
    const x0 = <i32>((<u32>lo - ls) >> 2);
    const x1 = <i32>((D.dirtyEnd - ls + 3) >> 2);
    addRect(x0, y, x1 > w ? w : x1, y + 1);
  }
}

export function renderConverted(full: bool): void {
  const w = vbeWidth();
  const h = vbeHeight();
  if (w > MAX_LINE) return;
  const bits = D.vbeBits;
  const bytes = <u32>w * bits / 8;
  const line = D.line;
  const rgba256 = D.rgba256;
  for (let y = 0; y < h; y++) {
    const ls = D.vbeStartByte + <u32>y * D.vbeLineBytes;
    if (!full && !rangeDirty(ls, bytes)) continue;
    const p = VRAM_BASE + <usize>ls;
    if (bits == 8) for (let x = 0; x < w; x++) line[x] = rgba256[<i32>load<u8>(p + <usize>x)];
    else if (bits == 16 || bits == 15) convert16(p, w, S.vbe[DISPI_BPP] == 15);
    else if (bits == 24) for (let x = 0; x < w; x++) {
      const q = p + <usize>x * 3;
      line[x] = rgba(<u32>load<u8>(q + 2), <u32>load<u8>(q + 1), <u32>load<u8>(q));
    }
    else for (let x = 0; x < w; x++) line[x] = rgba256[<i32>((load<u8>(p + <usize>(x >> 1)) >> <u8>((1 - (x & 1)) << 2)) & 0xf)];
    commitLine(y, w);
  }
}

function convert16(p: usize, w: i32, is15: bool): void {
  const line = D.line;
  for (let x = 0; x < w; x++) {
    const v = <u32>load<u16>(p + <usize>x * 2);
    let r: u32, g: u32, b: u32;
    if (is15) { r = (v >> 10) & 0x1f; g = (v >> 5) & 0x1f; b = v & 0x1f; r = (r << 3) | (r >> 2); g = (g << 3) | (g >> 2); }
    else { r = (v >> 11) & 0x1f; g = (v >> 5) & 0x3f; b = v & 0x1f; r = (r << 3) | (r >> 2); g = (g << 2) | (g >> 4); }
    b = (b << 3) | (b >> 2);
    line[x] = rgba(r, g, b);
  }
}
