// Golden images: text mode with a string, colours and the cursor; mode 13h with a palette; a
// mode 12h planar pattern drawn through write modes 0, 2 and 3; VBE 1024x768x32 through the LFB.
// Each test also asserts the pixel facts that must hold, so a golden file cannot silently
// encode a wrong picture. Regenerate (after checking by eye) with VGA_GOLDEN_UPDATE=1.
import { strict as assert } from "node:assert";
import { existsSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePng, captureImage, compareWithPng } from "../../host/display/screenshot.ts";
import type { SurfaceBackend } from "../../host/display/surface-backend.ts";
import {
  makeVga, programBars, postLikeSeaBIOS, setModeLikeSeaBIOS, MODE3, MODE12, MODE13, egaPalette64,
  loadFontLikeVgacon, biosFont16, putText, setCursor, dispiOut, unblankLikeBochs, LFB,
} from "./vga-guest.ts";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");

function golden(d: SurfaceBackend, name: string): void {
  const path = join(GOLDEN, `${name}.png`);
  if (process.env.VGA_GOLDEN_UPDATE === "1") writeFileSync(path, encodePng(captureImage(d)));
  assert.ok(existsSync(path), `golden image ${path} missing (generate with VGA_GOLDEN_UPDATE=1 and check it by eye)`);
  const diff = compareWithPng(d, path);
  assert.equal(diff, null, `${name}: ${diff}`);
}

const rgb6 = (r: number, g: number, b: number): [number, number, number] => [(r << 2) | (r >> 4), (g << 2) | (g >> 4), (b << 2) | (b >> 4)];

export function textScreen() {
  const v = makeVga();
  programBars(v.g);
  postLikeSeaBIOS(v.g);
  setModeLikeSeaBIOS(v.g, MODE3, egaPalette64());
  for (let i = 0; i < 80 * 25; i++) v.g.writew(0xb8000 + i * 2, 0x0720);
  loadFontLikeVgacon(v.g, biosFont16());
  putText(v.g, 0, 0, "wasm-stubdom VGA", 0x1f); // white on blue
  putText(v.g, 1, 2, "yellow on red", 0x4e);
  putText(v.g, 2, 0, "\u00c4\u00c4\u00c4 line graphics \u00b3", 0x0a);
  setCursor(v.g, 3, 5);
  return v;
}

describe("vga golden images", () => {
  it("text mode 3: a string, colours and the cursor", () => {
    const { d } = textScreen();
    d.refresh();
    assert.deepEqual([d.width, d.height], [720, 400]);
    // 'w' of row 0 on blue: the cell's background is EGA blue, and some dot is bright white.
    assert.deepEqual(d.pixel(0, 0), rgb6(0, 0, 42));
    let white = 0;
    for (let y = 0; y < 16; y++) for (let x = 0; x < 9; x++) if (d.pixel(x, y).join() === rgb6(63, 63, 63).join()) white++;
    assert.ok(white > 5, "glyph dots drawn in the foreground colour");
    // Row 1, col 2: red background (attribute 0x4e).
    assert.deepEqual(d.pixel(2 * 9, 16), rgb6(42, 0, 0));
    // Cursor at row 3 col 5, scan lines 14-15 in the light-grey foreground of attribute 0x07.
    assert.deepEqual(d.pixel(5 * 9 + 3, 3 * 16 + 14), rgb6(42, 42, 42));
    assert.deepEqual(d.pixel(5 * 9 + 3, 3 * 16 + 13), [0, 0, 0]);
    // Line graphics 0xC4 repeats dot 8 into the 9th column (AR10 bit 2 set by mode 3).
    assert.deepEqual(d.pixel(8, 2 * 16 + 7), rgb6(21, 63, 21));
    golden(d, "text-mode3");
  });

  it("mode 13h: 320x200, 256 colours through the DAC", () => {
    const v = makeVga();
    programBars(v.g);
    postLikeSeaBIOS(v.g);
    const pal: Array<[number, number, number]> = [];
    for (let i = 0; i < 256; i++) pal.push([i & 63, (i >> 2) & 63, 63 - (i & 63)]);
    setModeLikeSeaBIOS(v.g, MODE13, pal);
    for (let y = 0; y < 200; y++) for (let x = 0; x < 320; x += 4) {
      const c = (i: number) => ((x + i) ^ y) & 0xff;
      v.g.writel(0xa0000 + y * 320 + x, c(0) | (c(1) << 8) | (c(2) << 16) | (c(3) << 24));
    }
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [320, 200]);
    for (const [x, y] of [[0, 0], [17, 3], [319, 199], [100, 50]] as const) {
      const i = (x ^ y) & 0xff;
      assert.deepEqual(v.d.pixel(x, y), rgb6(i & 63, (i >> 2) & 63, 63 - (i & 63)), `pixel ${x},${y}`);
    }
    golden(v.d, "mode13h");
  });

  it("mode 12h: a planar pattern through write modes 0, 2 and 3", () => {
    const v = makeVga();
    programBars(v.g);
    postLikeSeaBIOS(v.g);
    setModeLikeSeaBIOS(v.g, MODE12, egaPalette64());
    const g = v.g;
    // Write mode 2: vertical colour bars, 40 pixels (5 bytes) per colour, every plane at once.
    g.outw(0x3ce, 0x0205); g.outw(0x3ce, 0xff08);
    for (let y = 0; y < 480; y++) for (let xb = 0; xb < 80; xb++) g.writeb(0xa0000 + y * 80 + xb, Math.floor(xb / 5) & 15);
    // Write mode 0 with set/reset on all planes and a bit mask: a white 1-pixel grid every 32.
    g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0x0f00); g.outw(0x3ce, 0x0f01);
    g.outw(0x3ce, 0x8008);
    for (let y = 0; y < 480; y++) for (let xb = 0; xb < 80; xb += 4) { g.readb(0xa0000 + y * 80 + xb); g.writeb(0xa0000 + y * 80 + xb, 0xff); }
    g.outw(0x3ce, 0xff08);
    for (let y = 0; y < 480; y += 32) for (let xb = 0; xb < 80; xb++) g.writeb(0xa0000 + y * 80 + xb, 0xff);
    g.outw(0x3ce, 0x0001);
    // Write mode 3: a diagonal band in colour 12 (light red) with the CPU byte as bit mask.
    g.outw(0x3ce, 0x0305); g.outw(0x3ce, 0x0c00); g.outw(0x3ce, 0xff08);
    for (let y = 100; y < 200; y++) { const x = y + 100; g.readb(0xa0000 + y * 80 + (x >> 3)); g.writeb(0xa0000 + y * 80 + (x >> 3), 0x80 >> (x & 7)); }
    g.outw(0x3ce, 0x0005);
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [640, 480]);
    const ega = egaPalette64();
    const colour = (c: number) => rgb6(...ega[MODE12.attr[c]!]!);
    assert.deepEqual(v.d.pixel(41, 1), colour(1), "bar 1 (mode 2)");
    assert.deepEqual(v.d.pixel(0, 5), colour(15), "grid column (mode 0 + set/reset + bit mask)");
    assert.deepEqual(v.d.pixel(7, 64), colour(15), "grid row");
    assert.deepEqual(v.d.pixel(1, 5), colour(0), "bit mask kept the latched pixels");
    assert.deepEqual(v.d.pixel(250, 150), colour(12), "diagonal (mode 3)");
    assert.deepEqual(v.d.pixel(251, 150), colour(Math.floor((251 >> 3) / 5) & 15), "mode 3 bit mask spared the neighbour");
    golden(v.d, "mode12h");
  });

  it("VBE 1024x768x32 drawn through the LFB", () => {
    const v = makeVga();
    programBars(v.g);
    unblankLikeBochs(v.g);
    dispiOut(v.g, 4, 0); dispiOut(v.g, 3, 32); dispiOut(v.g, 1, 1024); dispiOut(v.g, 2, 768);
    dispiOut(v.g, 4, 0x41);
    for (let y = 0; y < 768; y += 1) for (let x = 0; x < 1024; x += 8) {
      const px = ((x >> 2) << 16) | ((y / 3) << 8) | ((x + y) >> 3 & 0xff);
      for (let k = 0; k < 8; k++) v.g.writel(LFB + (y * 1024 + x + k) * 4, px);
    }
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [1024, 768]);
    assert.equal(v.d.surface!.kind, 2, "32 bpp is served straight from VRAM as BGRX");
    assert.deepEqual(v.d.pixel(16, 30), [4, 10, 5]);
    assert.deepEqual(v.d.pixel(1023, 767), [0xfe, 0xff, (1016 + 767) >> 3 & 0xff]);
    golden(v.d, "vbe-1024x768x32");
  });
});
