// Damage rectangles: an unchanged frame reports none, a one-pixel change reports one small
// rectangle (text cell, mode 13h pixel, LFB page), palette changes damage only the pixels whose
// colour changed; plus the measured cost of frames (printed, for the record).
import { strict as assert } from "node:assert";
import {
  makeVga, programBars, postLikeSeaBIOS, setModeLikeSeaBIOS, MODE3, MODE12, MODE13, egaPalette64,
  dispiOut, unblankLikeBochs, LFB, putText, type Vga,
} from "./vga-guest.ts";

function mode13(): Vga {
  const v = makeVga("rom=none");
  programBars(v.g);
  postLikeSeaBIOS(v.g);
  setModeLikeSeaBIOS(v.g, MODE13, egaPalette64());
  return v;
}

function vbe(v: Vga, w: number, h: number, bpp: number): void {
  unblankLikeBochs(v.g);
  dispiOut(v.g, 4, 0); dispiOut(v.g, 3, bpp); dispiOut(v.g, 1, w); dispiOut(v.g, 2, h); dispiOut(v.g, 4, 0x41);
}

function timeFrames(v: Vga, n: number, touch: (i: number) => void): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) { touch(i); v.d.refresh(); }
  return (performance.now() - t) / n;
}

describe("vga damage rectangles", () => {
  it("mode 13h: nothing changed, no damage; one pixel, one 1x1 rectangle", () => {
    const v = mode13();
    assert.deepEqual(v.d.refresh(), [{ x: 0, y: 0, w: 320, h: 200 }], "first frame: everything");
    assert.deepEqual(v.d.refresh(), [], "unchanged frame: no damage");
    v.g.writeb(0xa0000 + 123 * 320 + 45, 7);
    assert.deepEqual(v.d.refresh(), [{ x: 45, y: 123, w: 1, h: 1 }]);
    assert.deepEqual(v.d.refresh(), []);
    v.g.writeb(0xa0000 + 123 * 320 + 45, 7);
    assert.deepEqual(v.d.refresh(), [], "rewriting the same value changes no pixel");
    v.g.outb(0x3c8, 7); v.g.outb(0x3c9, 63); v.g.outb(0x3c9, 0); v.g.outb(0x3c9, 0);
    assert.deepEqual(v.d.refresh(), [{ x: 45, y: 123, w: 1, h: 1 }], "palette change damages only pixels of that colour");
  });

  it("text mode: one character changed is one cell-sized rectangle; the cursor blinks in its cell", () => {
    const v = makeVga("rom=none");
    programBars(v.g);
    postLikeSeaBIOS(v.g);
    setModeLikeSeaBIOS(v.g, MODE3, egaPalette64());
    v.g.outw(0x3d4, 0x200a); // cursor off
    v.d.refresh();
    assert.deepEqual(v.d.refresh(), []);
    putText(v.g, 10, 20, "X", 0x07);
    assert.deepEqual(v.d.refresh(), [{ x: 20 * 9, y: 10 * 16, w: 9, h: 16 }]);
    v.g.outw(0x3d4, 0x0e0a); v.g.outw(0x3d4, 0x0f0b); v.g.outw(0x3d4, 0x000e); v.g.outw(0x3d4, 0x050f);
    const frames: Array<Array<{ x: number; y: number; w: number; h: number }>> = [];
    for (let i = 0; i < 40; i++) frames.push(v.d.refresh());
    const nonEmpty = frames.filter((f) => f.length);
    assert.ok(nonEmpty.length >= 2 && nonEmpty.length <= 4, `cursor blink damages a few frames, got ${nonEmpty.length}`);
    for (const f of nonEmpty.slice(1)) assert.deepEqual(f, [{ x: 5 * 9, y: 0, w: 9, h: 16 }]);
  });

  it("VBE 1024x768x32 (zero copy): no damage when unchanged; one pixel is one page-sized rectangle", () => {
    const v = makeVga("rom=none");
    programBars(v.g);
    vbe(v, 1024, 768, 32);
    v.d.refresh();
    assert.deepEqual(v.d.refresh(), []);
    v.g.writel(LFB + (500 * 1024 + 300) * 4, 0x00ff0000);
    assert.deepEqual(v.d.refresh(), [{ x: 0, y: 500, w: 1024, h: 1 }], "one 4 KiB page = one line here");
    assert.deepEqual(v.d.pixel(300, 500), [255, 0, 0]);
    assert.deepEqual(v.d.refresh(), []);
  });

  it("VBE 640x480x16 (converted): one pixel is one 1x1 rectangle", () => {
    const v = makeVga("rom=none");
    programBars(v.g);
    vbe(v, 640, 480, 16);
    v.d.refresh();
    assert.deepEqual(v.d.refresh(), []);
    v.g.writew(LFB + (17 * 640 + 33) * 2, 0xf800);
    assert.deepEqual(v.d.refresh(), [{ x: 33, y: 17, w: 1, h: 1 }]);
    assert.deepEqual(v.d.pixel(33, 17), [255, 0, 0]);
  });

  it("measures frame cost", function () {
    this.timeout(60_000);
    const out: string[] = [];
    const t13 = mode13();
    out.push(`13h full ${timeFrames(t13, 20, (i) => { t13.g.outb(0x3c8, 0); t13.g.outb(0x3c9, i & 63); t13.g.outb(0x3c9, 0); t13.g.outb(0x3c9, 0); }).toFixed(2)} ms`);
    out.push(`13h idle ${timeFrames(t13, 50, () => {}).toFixed(3)} ms`);
    const p = makeVga("rom=none"); programBars(p.g); postLikeSeaBIOS(p.g); setModeLikeSeaBIOS(p.g, MODE12, egaPalette64());
    out.push(`12h full ${timeFrames(p, 20, (i) => { p.g.outb(0x3c8, 0); p.g.outb(0x3c9, i & 63); p.g.outb(0x3c9, 0); p.g.outb(0x3c9, 0); }).toFixed(2)} ms`);
    const tx = makeVga("rom=none"); programBars(tx.g); postLikeSeaBIOS(tx.g); setModeLikeSeaBIOS(tx.g, MODE3, egaPalette64());
    out.push(`text full ${timeFrames(tx, 20, (i) => { tx.g.outb(0x3c8, 0); tx.g.outb(0x3c9, i & 63); tx.g.outb(0x3c9, 0); tx.g.outb(0x3c9, 0); }).toFixed(2)} ms`);
    const b = makeVga("rom=none"); programBars(b.g); vbe(b, 1024, 768, 32); b.d.refresh();
    out.push(`1024x768x32 one line dirty ${timeFrames(b, 50, (i) => b.g.writel(LFB + i * 4096, i)).toFixed(3)} ms`);
    out.push(`1024x768x32 idle ${timeFrames(b, 50, () => {}).toFixed(3)} ms`);
    const c = makeVga("rom=none"); programBars(c.g); vbe(c, 1024, 768, 16); c.d.refresh();
    out.push(`1024x768x16 full ${timeFrames(c, 10, (i) => { for (let y = 0; y < 768; y += 2) c.g.writel(LFB + y * 2048, i); }).toFixed(2)} ms`);
    console.log(`      (frame cost: ${out.join("; ")})`);
    for (const v of [t13, p, tx, b, c]) assert.equal(v.m.rt.failures.length, 0);
  });
});
