// Bochs VBE DISPI: the ID handshake, GETCAPS, VIDEO_MEMORY_64K, the mode-register rules applied
// at enable time (pitch x height, offsets and bank cut back to fit VRAM), BANK through the A0000
// window, NOCLEARMEM, and a property test: any sequence of DISPI writes, window accesses and
// frames never traps (no out-of-bounds access) and always leaves a mode that fits VRAM.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { makeVga, programBars, dispiOut, dispiIn, unblankLikeBochs, LFB, MMIO } from "./vga-guest.ts";

const VRAM = 16 << 20;

describe("vga DISPI", () => {
  it("ID: SeaBIOS's handshake; only 0xB0C0-0xB0C5 are accepted", () => {
    const { g } = makeVga("rom=none");
    assert.equal(dispiIn(g, 0), 0xb0c5, "reset value");
    dispiOut(g, 0, 0xb0c0);
    assert.equal(dispiIn(g, 0), 0xb0c0);
    dispiOut(g, 0, 0xb0c6);
    assert.equal(dispiIn(g, 0), 0xb0c0, "unknown version refused");
    dispiOut(g, 0, 0xb0c5);
    assert.equal(dispiIn(g, 0), 0xb0c5);
    assert.equal(g.inw(0x1ce), 0, "index reads back");
    g.outw(0x1ce, 0); assert.equal(g.inw(0x1d0), 0xb0c5, "0x1D0 is a second data port");
  });

  it("BAR2 DISPI byte reads are byte lanes: a 16-bit load split into two byte loads (v86) reads the register", () => {
    // Found by Linux's bochs-drm on the development host: v86 splits readw into two byte reads,
    // and the odd byte used to return the low byte again (the ID read as 0xC5C5: "ID mismatch").
    const { g } = makeVga("rom=none");
    programBars(g);
    assert.equal(g.readb(MMIO + 0x500) | (g.readb(MMIO + 0x501) << 8), 0xb0c5);
    dispiOut(g, 1, 0x0320);
    assert.deepEqual([g.readb(MMIO + 0x502), g.readb(MMIO + 0x503)], [0x20, 0x03]);
    assert.equal(g.readw(MMIO + 0x502), 0x0320, "16-bit reads unchanged");
    assert.equal(g.inw(0x1ce), 1, "a byte access selects its register, as a 16-bit one does");
  });

  it("GETCAPS reports the maxima; VIDEO_MEMORY_64K the VRAM size; unknown indexes read 0", () => {
    const { g } = makeVga("rom=none");
    dispiOut(g, 4, 0x02);
    assert.deepEqual([dispiIn(g, 1), dispiIn(g, 2), dispiIn(g, 3)], [16000, 12000, 32]);
    dispiOut(g, 4, 0);
    assert.deepEqual([dispiIn(g, 1), dispiIn(g, 2), dispiIn(g, 3)], [0, 0, 0]);
    assert.equal(dispiIn(g, 0xa), VRAM >> 16);
    assert.equal(dispiIn(g, 0xb), 0);
    assert.equal(dispiIn(g, 0xffff), 0);
  });

  it("enable applies the rules: resolutions that do not fit VRAM are cut back, never stored past it", () => {
    const { g } = makeVga("rom=none");
    dispiOut(g, 1, 16008); dispiOut(g, 2, 12008); dispiOut(g, 3, 32);
    assert.equal(dispiIn(g, 1), 16008, "stored as written while disabled");
    dispiOut(g, 4, 0xc1);
    const line = 16000 * 4;
    assert.equal(dispiIn(g, 1), 16000);
    assert.equal(dispiIn(g, 2), Math.floor(VRAM / line), "YRES limited by VRAM / pitch");
    assert.equal(dispiIn(g, 7), Math.floor(VRAM / line), "VIRT_HEIGHT = VRAM / pitch");
    dispiOut(g, 3, 7);
    assert.equal(dispiIn(g, 3), 8, "BPP 7 becomes 8 while enabled");
    dispiOut(g, 4, 0);
    dispiOut(g, 1, 1024); dispiOut(g, 2, 768); dispiOut(g, 3, 32); dispiOut(g, 4, 0xc1);
    dispiOut(g, 6, 2048);
    dispiOut(g, 9, 4000);
    assert.equal(dispiIn(g, 9), 0, "a Y offset past VRAM is reset to 0");
    dispiOut(g, 9, 2048 - 768);
    assert.equal(dispiIn(g, 9), 2048 - 768, "the last page that fits is accepted");
    dispiOut(g, 8, 9);
    assert.equal(dispiIn(g, 8), 9);
    dispiOut(g, 5, 0xffff);
    assert.equal(dispiIn(g, 5), 0xff, "BANK masked to VRAM / 64 KiB - 1");
  });

  it("BANK moves the A0000 window over VRAM; enable clears the visible area unless NOCLEARMEM", () => {
    const { g } = makeVga("rom=none");
    programBars(g);
    dispiOut(g, 1, 640); dispiOut(g, 2, 480); dispiOut(g, 3, 8); dispiOut(g, 4, 0x41);
    dispiOut(g, 5, 2);
    g.writel(0xa0004, 0x11223344); // a buffered write (Xen's bufioreq ring) ...
    assert.equal(g.readl(0xa0004), 0x11223344); // ... the next synchronous ioreq drains it first
    assert.equal(g.readl(LFB + 0x20004), 0x11223344);
    assert.equal(g.readb(0xb0000), 0xff, "only the 64 KiB at A0000 decode in VBE mode");
    dispiOut(g, 4, 0x00);
    g.writel(LFB, 0xabcdef01);
    dispiOut(g, 4, 0xc1);
    assert.equal(g.readl(LFB), 0xabcdef01, "NOCLEARMEM kept VRAM");
    dispiOut(g, 4, 0x00);
    dispiOut(g, 4, 0x41);
    assert.equal(g.readl(LFB), 0, "cleared on enable");
  });

  it("property: no DISPI/window/frame sequence traps or leaves a mode reaching past VRAM", function () {
    this.timeout(120_000);
    const v = makeVga("vram_mb=1,rom=none");
    programBars(v.g);
    const op = fc.oneof(
      fc.record({ k: fc.constant("dispi" as const), i: fc.integer({ min: 0, max: 12 }), val: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 1, 8, 15, 24, 32, 0x41, 0xc1, 1024, 16000, 12000)) }),
      fc.record({ k: fc.constant("win" as const), a: fc.integer({ min: 0, max: 0x1ffff }), val: fc.integer({ min: 0, max: 0xffffffff }) }),
      fc.record({ k: fc.constant("frame" as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      v.m.rt.resetAll();
      unblankLikeBochs(v.g);
      for (const o of ops) {
        if (o.k === "dispi") dispiOut(v.g, o.i, o.val);
        else if (o.k === "win") { v.g.writel(0xa0000 + (o.a & ~3), o.val); v.g.readl(0xa0000 + (o.a & ~3)); }
        else v.d.refresh();
      }
      v.d.refresh();
      assert.equal(v.m.rt.failures.length, 0, JSON.stringify(v.m.rt.failures));
      const enable = dispiIn(v.g, 4);
      if ((enable & 1) && !(enable & 2)) { // (with GETCAPS set, XRES/YRES/BPP read the maxima)
        const bpp = dispiIn(v.g, 3);
        const bits = bpp === 15 ? 16 : bpp;
        const pitch = dispiIn(v.g, 6) * bits / 8;
        const start = dispiIn(v.g, 9) * pitch + dispiIn(v.g, 8) * bits / 8;
        assert.ok(start + dispiIn(v.g, 2) * pitch <= 1 << 20, `mode past VRAM: ${JSON.stringify(ops)}`);
        assert.ok(dispiIn(v.g, 1) <= dispiIn(v.g, 6));
      }
      const s = v.d.surface;
      if (s) assert.ok(s.stride * s.height <= 16 << 20 + (1 << 20));
    }), { numRuns: 150 });
  });
});
