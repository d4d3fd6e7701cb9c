// Colour lookup for the renderer: the 256 DAC entries (6-bit components scaled to 8 bits, or
// taken as they are with the VBE 8-bit DAC; PEL mask applied) as RGBA32 words, and the 16
// attribute-controller colours (colour plane enable, palette registers, P5-P4 / colour select).
// Both tables are caches in D, rebuilt from S whenever D.paletteDirty.
import { S, D, DAC_COMPONENTS } from "./state";
import { AR_MODE, AR_PLANE_ENABLE, AR_COLOR_SELECT, AR10_P54_SELECT, DISPI_ENABLE, DISPI_8BIT_DAC } from "./regs";

function scale(c: u32, eight: bool): u32 { return eight ? c & 0xff : ((c & 0x3f) << 2) | ((c & 0x3f) >> 4); }

// RGBA32 in memory is R, G, B, A: as a little-endian word, 0xAABBGGRR.
export function rgba(r: u32, g: u32, b: u32): u32 { return 0xff000000 | (b << 16) | (g << 8) | r; }

export function rebuildPalette(): void {
  const eight = (S.vbe[DISPI_ENABLE] & DISPI_8BIT_DAC) != 0;
  const rgba256 = D.rgba256;
  const rgba16 = D.rgba16;
  for (let i = 0; i < 256; i++) {
    const e = (i & <i32>S.pelMask) * DAC_COMPONENTS;
    rgba256[i] = rgba(scale(<u32>S.palette[e], eight), scale(<u32>S.palette[e + 1], eight), scale(<u32>S.palette[e + 2], eight));
  }
  const mode = S.ar[AR_MODE];
  const sel = <i32>S.ar[AR_COLOR_SELECT];
  for (let c = 0; c < 16; c++) {
    const v = <i32>S.ar[c & <i32>(S.ar[AR_PLANE_ENABLE] & 0xf)];
    const idx = (mode & AR10_P54_SELECT) != 0 ? (v & 0x0f) | ((sel & 0x0f) << 4) : (v & 0x3f) | ((sel & 0x0c) << 4);
    rgba16[c] = rgba256[idx & 0xff];
  }
}
