// The published display surface: kind, geometry and where its pixels live. Publishing again
// only when something changed; a change means the whole surface is damaged.
import { display_set_surface, SURFACE_NONE } from "../lib/abi";
import { SURFACE_MAX_BYTES, surfaceBase } from "./layout";

export let curKind: i32 = -1;
export let curW: i32 = 0;
export let curH: i32 = 0;
export let curStride: i32 = 0;
export let curPtr: usize = 0;

// Returns true when the surface changed (the caller then redraws and damages everything).
export function publish(kind: i32, w: i32, h: i32, stride: i32, ptr: usize): bool {
  if (kind == curKind && w == curW && h == curH && stride == curStride && ptr == curPtr) return false;
  curKind = kind; curW = w; curH = h; curStride = stride; curPtr = ptr;
  display_set_surface(kind, w, h, stride, ptr);
  return true;
}

export function publishBlank(): bool { return publish(SURFACE_NONE, 0, 0, 0, 0); }

// Whether an RGBA surface of w x h fits the surface buffer.
export function fitsRgba(w: i32, h: i32): bool {
  return w > 0 && h > 0 && <u64>w * <u64>h * 4 <= <u64>SURFACE_MAX_BYTES;
}

export function rgbaPtr(): usize { return surfaceBase(); }
