// Legacy graphics modes, one scanline at a time into the line buffer: 16-colour planar
// (mode 12h, 800x600, 0Dh/0Eh/10h), CGA 4-colour (modes 4/5, interlaced banks) and 256-colour
// (mode 13h chain-4 and unchained "mode X"). Logical resolution: one pixel per VRAM pixel,
// scan doubling and dot doubling undone. Planar addresses wrap at 64 KiB per plane as on the chip.
import { S, D } from "./state";
import { VRAM_BASE, MAX_LINE } from "./layout";
import { commitLine } from "./linebuf";
import { rangeDirty } from "./dirty";
import { displayLines, charClocks, maxScan, doubleScan, startAddress, rowPitch, lineCompare, shiftMode } from "./geometry";
import { CR_MODE_CONTROL, CR17_CGA_BANKS_OFF } from "./regs";

// The shift modes of GR5 bits 6:5 (geometry.shiftMode); 2 and 3 are 256-colour.
export const SHIFT_PLANAR16: i32 = 0;
export const SHIFT_CGA4: i32 = 1;
const SHIFT_256: i32 = 2;
const CGA_BANK_STRIDE: u32 = 0x1000; // planar addresses between the two CGA scanline banks

// Geometry of this frame into D.gfxW/gfxH/gfxScan; false when the mode is not drawable.
export function graphicsGeometry(): bool {
  const shift = shiftMode();
  D.gfxW = shift >= SHIFT_256 ? charClocks() * 4 : charClocks() * 8;
  if (shift == SHIFT_CGA4) D.gfxScan = 1 << doubleScan();
  else D.gfxScan = maxScan() << doubleScan();
  D.gfxH = displayLines() / D.gfxScan;
  return D.gfxW > 0 && D.gfxH > 0 && D.gfxW <= MAX_LINE;
}

function plane(a: u32, p: u32): u32 { return <u32>load<u8>(VRAM_BASE + ((<usize>(a & 0xffff)) << 2) + <usize>p); }

// Planar address of logical row y, honouring line compare (the split screen restarts at 0).
function rowAddress(y: i32): u32 {
  const pitch = rowPitch();
  const scan = D.gfxScan;
  const split = (lineCompare() + scan) / scan;
  if (y >= split) return <u32>(y - split) * pitch;
  if (shiftMode() == SHIFT_CGA4 && (S.cr[CR_MODE_CONTROL] & CR17_CGA_BANKS_OFF) == 0) {
    // CGA compatibility: scanline bit 0 selects the bank at 8 KiB (0x1000 planar).
    const ms = maxScan();
    return startAddress() + <u32>(y / ms) * pitch + <u32>(y % ms) * CGA_BANK_STRIDE;
  }
  return startAddress() + <u32>y * pitch;
}

export function renderGraphics(full: bool): void {
  const shift = shiftMode();
  const gw = D.gfxW;
  const gh = D.gfxH;
  for (let y = 0; y < gh; y++) {
    const a = rowAddress(y);
    const bytes = <u32>(shift >= SHIFT_256 ? gw : gw >> 1);
    if (!full && !rangeDirty((a & 0xffff) << 2, bytes)) continue;
    if (shift >= SHIFT_256) draw256(a, gw);
    else if (shift == SHIFT_CGA4) drawCga(a, gw);
    else draw16(a, gw);
    commitLine(y, gw);
  }
}

function draw16(a: u32, gw: i32): void {
  const line = D.line;
  const rgba16 = D.rgba16;
  for (let x = 0; x < gw; x += 8) {
    const o = a + <u32>(x >> 3);
    const p0 = plane(o, 0), p1 = plane(o, 1), p2 = plane(o, 2), p3 = plane(o, 3);
    for (let b = 0; b < 8; b++) {
      const s = <u32>(7 - b);
      const c = ((p0 >> s) & 1) | (((p1 >> s) & 1) << 1) | (((p2 >> s) & 1) << 2) | (((p3 >> s) & 1) << 3);
      line[x + b] = rgba16[<i32>c];
    }
  }
}

function drawCga(a: u32, gw: i32): void {
  const line = D.line;
  const rgba16 = D.rgba16;
  for (let x = 0; x < gw; x++) {
    const byte = plane(a + <u32>(x >> 3), <u32>((x >> 2) & 1));
    line[x] = rgba16[<i32>((byte >> <u32>(6 - ((x & 3) << 1))) & 3)];
  }
}

function draw256(a: u32, gw: i32): void {
  const line = D.line;
  const rgba256 = D.rgba256;
  const base = a << 2;
  for (let x = 0; x < gw; x++) {
    line[x] = rgba256[<i32>load<u8>(VRAM_BASE + <usize>((base + <u32>x) & 0x3ffff))];
  }
}
