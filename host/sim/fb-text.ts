// Reads a framebuffer console back as text: the image is cut into 8x16 cells from the top-left
// corner (where Linux's fbcon puts them), each cell is reduced to one bit per pixel (pixels unlike
// the cell's most common colour, its background, are ink) and looked up among the glyphs of an
// 8x16 font — the IBM VGA font, which both SeaVGABIOS (vgabios-stdvga.bin) and Linux's
// font_vga_8x16 carry. A cell matching no glyph within a few pixels reads as '?'.
import { readFileSync } from "node:fs";
import type { Image } from "../display/screenshot.ts";

/** The 8x16 font inside a VGA BIOS image, found by the IBM glyph of 'A' at 0x41 * 16. */
export function vgaBiosFont16(path: string): Uint8Array {
  const rom = readFileSync(path);
  const glyphA = Buffer.from([0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00]);
  for (let at = rom.indexOf(glyphA); at >= 0; at = rom.indexOf(glyphA, at + 1)) {
    const start = at - 0x41 * 16;
    if (start >= 0 && start + 4096 <= rom.length && rom.subarray(start, start + 16).every((b) => b === 0)) return new Uint8Array(rom.subarray(start, start + 4096));
  }
  throw new Error(`no 8x16 font found in ${path}`);
}

const popcount8 = (x: number): number => { let n = 0; for (; x; x &= x - 1) n++; return n; };

/** The text rows of `img` (trailing blanks removed), decoded with `font` (256 glyphs × 16 rows). */
export function framebufferText(img: Image, font: Uint8Array, maxMismatch = 6): string[] {
  const cols = Math.floor(img.width / 8);
  const rows = Math.floor(img.height / 16);
  // printable ASCII only: the box-drawing glyphs would match stray patterns
  const glyphs: Array<{ ch: string; rows: Uint8Array }> = [];
  for (let c = 0x20; c < 0x7f; c++) glyphs.push({ ch: String.fromCharCode(c), rows: font.subarray(c * 16, c * 16 + 16) });
  const out: string[] = [];
  const cell = new Uint8Array(16);
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < cols; c++) {
      const counts = new Map<number, number>();
      const px = (x: number, y: number): number => {
        const o = ((r * 16 + y) * img.width + c * 8 + x) * 4;
        return (img.rgba[o]! << 16) | (img.rgba[o + 1]! << 8) | img.rgba[o + 2]!;
      };
      for (let y = 0; y < 16; y++) for (let x = 0; x < 8; x++) { const p = px(x, y); counts.set(p, (counts.get(p) ?? 0) + 1); }
      let bg = 0, best = -1;
      for (const [p, n] of counts) if (n > best) { best = n; bg = p; }
      for (let y = 0; y < 16; y++) {
        let bits = 0;
        for (let x = 0; x < 8; x++) if (px(x, y) !== bg) bits |= 0x80 >> x;
        cell[y] = bits;
      }
      let ch = "?", score = maxMismatch + 1;
      for (const g of glyphs) {
        let d = 0;
        for (let y = 0; y < 16 && d < score; y++) d += popcount8(g.rows[y]! ^ cell[y]!);
        if (d < score) { score = d; ch = g.ch; }
      }
      line += ch;
    }
    out.push(line.replace(/ +$/, ""));
  }
  return out;
}
