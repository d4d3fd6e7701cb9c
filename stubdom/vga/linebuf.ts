// One scanline of RGBA pixels rendered off-surface, then compared with the surface row: only
// the changed span is copied and reported as damage (so repainting identical pixels costs no
// damage, and a one-pixel change is a one-pixel rectangle). The scanline is D.line.
import { rgbaPtr } from "./surface";
import { addRect } from "./damage";
import { D } from "./state";

export function commitLine(y: i32, w: i32): void {
  const row = rgbaPtr() + <usize>y * <usize>w * 4;
  const src = changetype<usize>(D.line);
  let x0 = 0;
  while (x0 < w && load<u32>(row + <usize>x0 * 4) == load<u32>(src + <usize>x0 * 4)) x0++;
  if (x0 == w) return;
  let x1 = w;
  while (x1 > x0 && load<u32>(row + <usize>(x1 - 1) * 4) == load<u32>(src + <usize>(x1 - 1) * 4)) x1--;
  memory.copy(row + <usize>x0 * 4, src + <usize>x0 * 4, <usize>(x1 - x0) * 4);
  addRect(x0, y, x1, y + 1);
}

// Fills the whole RGBA surface with one colour (on a surface change, before a full repaint).
export function fillSurface(w: i32, h: i32, c: u32): void {
  const p = rgbaPtr();
  const n = <usize>w * <usize>h;
  for (let i: usize = 0; i < n; i++) store<u32>(p + i * 4, c);
}
