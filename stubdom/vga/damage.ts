// Damage rectangles for one frame: rows reported top to bottom are merged while they touch
// (the x extents are united), so a one-pixel change is one 1x1 rectangle and a block of
// changed lines is one rectangle. Flushed through display_damage. The rectangle being merged
// is per-frame working state (D.damage*).
import { display_damage } from "../lib/abi";
import { D } from "./state";

function flush(): void {
  if (!D.damageOpen) return;
  display_damage(D.damageX0, D.damageY0, D.damageX1 - D.damageX0, D.damageY1 - D.damageY0);
  D.damageOpen = false;
}

export function beginFrame(): void { D.damageOpen = false; }

// Pixels [x0, x1) of rows [y0, y1) changed (rows must arrive in increasing order).
export function addRect(x0: i32, y0: i32, x1: i32, y1: i32): void {
  if (x1 <= x0 || y1 <= y0) return;
  if (D.damageOpen && y0 <= D.damageY1) {
    if (x0 < D.damageX0) D.damageX0 = x0;
    if (x1 > D.damageX1) D.damageX1 = x1;
    if (y1 > D.damageY1) D.damageY1 = y1;
    return;
  }
  flush();
  D.damageOpen = true;
  D.damageX0 = x0; D.damageY0 = y0; D.damageX1 = x1; D.damageY1 = y1;
}

export function endFrame(): void { flush(); }
