// Damage rectangles for one frame: rows reported top to bottom are merged while they touch
// (the x extents are united), so a one-pixel change is one 1x1 rectangle and a block of
// changed lines is one rectangle. Flushed through display_damage.
import { display_damage } from "../lib/abi";

let open: bool = false;
let rx0: i32 = 0;
let ry0: i32 = 0;
let rx1: i32 = 0;
let ry1: i32 = 0; // exclusive

function flush(): void {
  if (!open) return;
  display_damage(rx0, ry0, rx1 - rx0, ry1 - ry0);
  open = false;
}

export function beginFrame(): void { open = false; }

// Pixels [x0, x1) of rows [y0, y1) changed (rows must arrive in increasing order).
export function addRect(x0: i32, y0: i32, x1: i32, y1: i32): void {
  if (x1 <= x0 || y1 <= y0) return;
  if (open && y0 <= ry1) {
    if (x0 < rx0) rx0 = x0;
    if (x1 > rx1) rx1 = x1;
    if (y1 > ry1) ry1 = y1;
    return;
  }
  flush();
  open = true;
  rx0 = x0; ry0 = y0; rx1 = x1; ry1 = y1;
}

export function endFrame(): void { flush(); }
