// The published display surface: kind, geometry and where its pixels live (what was last
// published is kept in D.surface*). Publishing again only when something changed; a change
// means the whole surface is damaged.
import { display_set_surface, SURFACE_NONE } from "../lib/abi";
import { SURFACE_MAX_BYTES, VRAM_BASE } from "./layout";
import { S, D } from "./state";

// Returns true when the surface changed (the caller then redraws and damages everything).
export function publish(kind: i32, w: i32, h: i32, stride: i32, ptr: usize): bool {
  if (kind == D.surfaceKind && w == D.surfaceW && h == D.surfaceH && stride == D.surfaceStride && ptr == D.surfacePtr) return false;
  D.surfaceKind = kind; D.surfaceW = w; D.surfaceH = h; D.surfaceStride = stride; D.surfacePtr = ptr;
  display_set_surface(kind, w, h, stride, ptr);
  return true;
}

export function publishBlank(): bool { return publish(SURFACE_NONE, 0, 0, 0, 0); }

// Whether an RGBA surface of w x h fits the surface buffer.
export function fitsRgba(w: i32, h: i32): bool {
  return w > 0 && h > 0 && <u64>w * <u64>h * 4 <= <u64>SURFACE_MAX_BYTES;
}

// The RGBA surface buffer follows VRAM (layout.ts).
export function rgbaPtr(): usize { return VRAM_BASE + <usize>S.vramBytes; }
