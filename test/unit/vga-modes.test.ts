// Display geometry and text attributes beyond the golden images: 80x50 and 40x25 text, the
// 800x600 16-colour planar mode, attribute blink, character-map select (SR3) and blanking.
import { strict as assert } from "node:assert";
import {
  makeVga, programBars, postLikeSeaBIOS, setModeLikeSeaBIOS, MODE3, MODE12, egaPalette64, loadFontLikeVgacon,
  biosFont16, putText, type VgaMode,
} from "./vga-guest.ts";

function text(mode: VgaMode = MODE3) {
  const v = makeVga();
  programBars(v.g);
  postLikeSeaBIOS(v.g);
  setModeLikeSeaBIOS(v.g, mode, egaPalette64());
  for (let i = 0; i < 80 * 50; i++) v.g.writew(0xb8000 + i * 2, 0x0720);
  loadFontLikeVgacon(v.g, biosFont16());
  v.g.outw(0x3d4, 0x200a); // cursor off
  return v;
}

const GREY: [number, number, number] = [0xaa, 0xaa, 0xaa];

describe("vga display modes", () => {
  it("80x50 text: 8-line cells (CR9 = 7) in the same 720x400", () => {
    const crtc = [...MODE3.crtc]; crtc[9] = 0x47; crtc[0x0a] = 0x06; crtc[0x0b] = 0x07;
    const v = text({ ...MODE3, crtc });
    putText(v.g, 49, 79, "\u00db", 0x07); // full block in the last cell
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [720, 400]);
    assert.deepEqual(v.d.pixel(79 * 9 + 2, 49 * 8 + 3), GREY, "last cell of row 49");
  });

  it("40x25 text: half dot clock doubles every dot", () => {
    const crtc = [...MODE3.crtc]; crtc[1] = 0x27; crtc[0x13] = 0x14;
    const v = text({ ...MODE3, seq: [0x08, 0x03, 0x00, 0x02], crtc });
    v.g.writew(0xb8000 + 39 * 2, 0x07db);
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [720, 400]);
    assert.deepEqual(v.d.pixel(39 * 18 + 15, 5), GREY, "dot 7 drawn twice, at 14 and 15");
    assert.deepEqual(v.d.pixel(38 * 18 + 15, 5), [0, 0, 0]);
  });

  it("blink: attribute bit 7 hides the glyph every other 32 frames, damaging only that cell", () => {
    const v = text();
    putText(v.g, 0, 0, "\u00db", 0x87);
    v.d.refresh();
    assert.deepEqual(v.d.pixel(2, 2), GREY, "shown in the first phase");
    const damaged: number[] = [];
    for (let f = 1; f <= 64; f++) if (v.d.refresh().length) damaged.push(f);
    assert.deepEqual(damaged, [32, 64]);
    v.g.inb(0x3da); v.g.outb(0x3c0, 0x30); v.g.outb(0x3c0, 0x04); // AR10: blink off, intensity background
    putText(v.g, 0, 1, " ", 0x80);
    for (let f = 0; f < 40; f++) v.d.refresh();
    assert.deepEqual(v.d.pixel(2, 2), GREY, "no blinking any more");
    assert.deepEqual(v.d.pixel(8, 2), GREY, "0xDB is a line-graphics character: dot 8 repeated in the 9th column");
    assert.deepEqual(v.d.pixel(9 + 2, 2), [0x55, 0x55, 0x55], "bit 7 is background intensity (colour 8)");
  });

  it("SR3 character map select: attribute bit 3 picks font A when A and B differ", () => {
    const v = text();
    // A second font at map 1 (plane 2 offset 16 KiB): every glyph solid.
    v.g.outw(0x3c4, 0x0402); v.g.outw(0x3c4, 0x0704); v.g.outw(0x3ce, 0x0204); v.g.outw(0x3ce, 0x0005); v.g.outw(0x3ce, 0x0006);
    for (let i = 0; i < 0x2000; i++) v.g.writeb(0xa4000 + i, 0xff);
    v.g.outw(0x3c4, 0x0302); v.g.outw(0x3c4, 0x0304); v.g.outw(0x3ce, 0x0004); v.g.outw(0x3ce, 0x1005); v.g.outw(0x3ce, 0x0e06);
    v.g.outw(0x3c4, 0x0403); // map A = 1, map B = 0
    putText(v.g, 0, 0, " ", 0x0f); // bit 3 set: font A (solid)
    putText(v.g, 0, 1, " ", 0x07); // font B: a blank space
    v.d.refresh();
    assert.deepEqual(v.d.pixel(3, 3), [0xff, 0xff, 0xff]);
    assert.deepEqual(v.d.pixel(9 + 3, 3), [0, 0, 0]);
  });

  it("800x600 16-colour planar (CR1 = 0x63, 600 lines, 100 bytes per line)", () => {
    const v = makeVga();
    programBars(v.g);
    postLikeSeaBIOS(v.g);
    const crtc = [...MODE12.crtc];
    crtc[1] = 0x63; crtc[0x12] = 0x57; crtc[7] = 0xf0; crtc[0x13] = 0x32;
    setModeLikeSeaBIOS(v.g, { ...MODE12, crtc }, egaPalette64());
    v.g.outw(0x3ce, 0x0205); v.g.outw(0x3ce, 0x0108);
    v.g.readb(0xa0000 + 599 * 100 + 99);
    v.g.writeb(0xa0000 + 599 * 100 + 99, 0x0c);
    v.d.refresh();
    assert.deepEqual([v.d.width, v.d.height], [800, 600]);
    assert.deepEqual(v.d.pixel(799, 599), [0xff, 0x55, 0x55], "colour 12 in the last pixel");
    assert.deepEqual(v.d.pixel(798, 599), [0, 0, 0]);
  });

  it("the palette address source bit and SR1 screen-off blank the display", () => {
    const v = text();
    v.d.refresh();
    assert.ok(v.d.surface);
    v.g.inb(0x3da); v.g.outb(0x3c0, 0x00);
    v.d.refresh();
    assert.equal(v.d.surface, null, "PAS = 0: blank");
    v.g.outb(0x3c0, 0x00); v.g.outb(0x3c0, 0x20);
    v.d.refresh();
    assert.ok(v.d.surface);
    v.g.outw(0x3c4, 0x2001);
    v.d.refresh();
    assert.equal(v.d.surface, null, "SR1 bit 5: blank");
  });
});
