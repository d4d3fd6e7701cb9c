// CVE regression suite, VGA (std-vga + Bochs VBE DISPI): the guest-side triggers of public VGA/VBE
// emulator vulnerabilities (QEMU, Xen qemu-traditional), replayed against our device with the
// smallest VRAM (1 MiB), so that anything reaching past VRAM lands in memory we watch. VRAM sits
// at a fixed offset of the module's memory (stubdom/vga/layout.ts): the test fills VRAM with a
// pattern that never contains the canary byte and puts canaries right below VRAM and right after
// it (the surface buffer, in tests that do not render) or after the surface. Each test ends with:
// no trap, bounded time, canaries intact (no write outside VRAM/surface), no read returning the
// canary (no read outside VRAM), and the guest-visible clamping (registers, published surface).
import { strict as assert } from "node:assert";
import { SURFACE } from "../../host/node/abi.ts";
import {
  makeVga, programBars, postLikeSeaBIOS, setModeLikeSeaBIOS, MODE3, MODE12, MODE13, EGA16, egaPalette64, dispiOut, dispiIn, LFB,
  type Vga,
} from "../unit/vga-guest.ts";
import { Canary, assertServing, bounded } from "./cve-helpers.ts";

const MiB = 1 << 20;
const VRAM_BASE = 16 * MiB;         // stubdom/vga/layout.ts VRAM_BASE
const VRAM = 1 * MiB;               // vram_mb=1
const SURFACE_MAX = 16 * MiB;       // stubdom/vga/layout.ts SURFACE_MAX_BYTES
const CANARY = 0xa5;
const ID = 0, XRES = 1, YRES = 2, BPP = 3, ENABLE = 4, BANK = 5, VIRT_W = 6, VIRT_H = 7, X_OFF = 8, Y_OFF = 9, MEM64K = 10;
const ENABLED = 0x01, GETCAPS = 0x02, NOCLEARMEM = 0x80;
const SCRATCH = 0x100000;           // guest RAM used as the rep movs source/target

interface Rig { v: Vga; mem: () => Uint8Array; below: Canary; after: Canary; beyondSurface: Canary }

/** A 1 MiB VGA with VRAM patterned (bytes < 0x80, never the canary) and three canaries. */
function rig(): Rig {
  const v = makeVga("vram_mb=1");
  programBars(v.g);
  postLikeSeaBIOS(v.g);
  v.g.inb(0x3da); v.g.outb(0x3c0, 0x20); // palette address source on: frames are not blank
  const mem = () => v.m.rt.device("vga").memory();
  const m = mem();
  for (let i = 0; i < VRAM; i++) m[VRAM_BASE + i] = (i * 7 + 3) & 0x7f;
  return {
    v, mem,
    below: new Canary(mem, VRAM_BASE - MiB, MiB, CANARY),
    after: new Canary(mem, VRAM_BASE + VRAM, MiB, CANARY),   // the start of the surface buffer
    beyondSurface: new Canary(mem, VRAM_BASE + VRAM + SURFACE_MAX, MiB, CANARY),
  };
}

function intact(r: Rig, rendered: boolean): void {
  r.below.assertIntact("below VRAM");
  if (!rendered) r.after.assertIntact("right after VRAM");
  r.beyondSurface.assertIntact("after the surface buffer");
}

/** Reads the whole 128 KiB legacy window (rep movs into guest RAM); asserts no canary byte came back. */
function readWindow(r: Rig, what: string): Uint8Array {
  r.v.g.movsFromMmio(0xa0000, 4, SCRATCH, 0x8000);
  const got = r.v.g.peek(SCRATCH, 0x20000);
  const at = got.indexOf(CANARY);
  assert.equal(at, -1, `${what}: window byte 0x${at.toString(16)} read 0x${CANARY.toString(16)} (from outside VRAM)`);
  return got;
}

/** Writes the whole 128 KiB window from guest RAM (bytes 0xC0..0xFF: never the canary). */
function writeWindow(r: Rig): void {
  const src = new Uint8Array(0x20000);
  for (let i = 0; i < src.length; i++) src[i] = 0xc0 | (i & 0x3f);
  r.v.g.poke(SCRATCH, src);
  r.v.g.movsToMmio(0xa0000, 4, SCRATCH, 0x8000);
  r.v.m.sim.flushBuffered();
}

/** Checks a published surface lies inside VRAM (32 bpp) or inside the surface buffer (RGBA). */
function surfaceInBounds(r: Rig, what: string): void {
  const s = r.v.d.surface;
  if (!s || s.kind === SURFACE.NONE) return;
  const px = s.pixels();
  const start = px.byteOffset;
  const end = start + s.stride * s.height;
  if (s.kind === SURFACE.BGRX32) {
    assert.ok(start >= VRAM_BASE && end <= VRAM_BASE + VRAM, `${what}: 32-bpp surface [0x${start.toString(16)}, 0x${end.toString(16)}) outside VRAM`);
    assert.ok(s.width * 4 <= s.stride, `${what}: width ${s.width} wider than the stride ${s.stride}`);
  } else {
    assert.ok(start >= VRAM_BASE + VRAM && end <= VRAM_BASE + VRAM + SURFACE_MAX, `${what}: RGBA surface outside the surface buffer`);
    assert.equal(s.stride, s.width * 4);
  }
}

function damageInBounds(r: Rig, rects: Array<{ x: number; y: number; w: number; h: number }>, what: string): void {
  for (const d of rects) {
    assert.ok(d.x >= 0 && d.y >= 0 && d.w >= 0 && d.h >= 0 && d.x + d.w <= r.v.d.width && d.y + d.h <= r.v.d.height,
      `${what}: damage ${JSON.stringify(d)} outside the ${r.v.d.width}x${r.v.d.height} surface`);
  }
}

/** The DISPI invariant the fixup must keep while enabled: the visible frame fits VRAM. */
function dispiFits(r: Rig, what: string): void {
  const g = r.v.g;
  if ((dispiIn(g, ENABLE) & ENABLED) === 0) return;
  const bpp = dispiIn(g, BPP);
  const bits = bpp === 15 ? 16 : bpp;
  assert.ok([4, 8, 16, 24, 32].includes(bits), `${what}: bpp ${bpp}`);
  const xres = dispiIn(g, XRES), yres = dispiIn(g, YRES), vw = dispiIn(g, VIRT_W);
  assert.ok(xres > 0 && yres > 0 && vw >= xres, `${what}: ${xres}x${yres} virtual width ${vw}`);
  const line = (vw * bits) / 8;
  const start = (Math.floor((dispiIn(g, X_OFF) * bits) / 8) + dispiIn(g, Y_OFF) * line) & ~3;
  assert.ok(start + yres * line <= VRAM, `${what}: start ${start} + ${yres} lines of ${line} bytes > VRAM`);
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe("CVE suite: VGA", () => {
  // CVE-2016-3710 "Dark Portal" (QEMU/Xen XSA-179, verified): banked access bounds checking; "by
  // changing access modes after setting the bank register" the guest reached past VRAM.
  it("CVE-2016-3710: the bank register, then every access mode, keep window accesses in VRAM", () => {
    const r = rig();
    const g = r.v.g;
    dispiOut(g, XRES, 640); dispiOut(g, YRES, 480); dispiOut(g, BPP, 8);
    dispiOut(g, ENABLE, ENABLED | NOCLEARMEM);
    dispiOut(g, BANK, 0xffff);
    assert.equal(dispiIn(g, BANK), 15, "the bank is masked to the 16 banks of 1 MiB");
    bounded("window accesses in every mode", 40_000, () => {
      writeWindow(r);
      assert.equal(r.mem()[VRAM_BASE + 0xfffff], 0xc0 | (0xffff & 0x3f), "bank 15 reaches the last byte of VRAM");
      readWindow(r, "VBE bank 15");
      // the portal: change the access mode with the bank register still at 15, VBE on and off
      const modes: Array<[string, () => void]> = [
        ["chain-4", () => { g.outw(0x3c4, 0x0e04); g.outw(0x3ce, 0x4005); g.outw(0x3ce, 0x0106); }],
        ["odd/even", () => { g.outw(0x3c4, 0x0204); g.outw(0x3ce, 0x1005); g.outw(0x3ce, 0x0e06); }],
        ["planar, map 0 (128 KiB)", () => { g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0x0106); }],
        ["planar, write mode 1 (latches)", () => { g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0105); g.outw(0x3ce, 0x0506); }],
        ["planar, read mode 1, write mode 3", () => { g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0b05); g.outw(0x3ce, 0x0d06); }],
      ];
      for (const vbeOn of [true, false]) {
        dispiOut(g, ENABLE, vbeOn ? ENABLED | NOCLEARMEM : 0);
        dispiOut(g, BANK, 15);
        for (const [name, set] of modes) {
          set();
          g.outw(0x3c4, 0x0f02); // all planes
          writeWindow(r);
          readWindow(r, `${name}, VBE ${vbeOn ? "on" : "off"}`);
          intact(r, false);
        }
      }
    });
    assertServing(r.v.m, "vga");
  });

  // CVE-2016-3712 (QEMU/Xen XSA-179, verified): "integer overflow ... by editing VGA registers in
  // VBE mode" (OOB read). A seeded walk over the DISPI registers with extreme values, rendering
  // every few writes: the fixup must keep start + height x pitch inside VRAM at every step.
  it("CVE-2016-3712: extreme and overflowing DISPI values are clamped at every step", () => {
    const r = rig();
    const g = r.v.g;
    const values = [0, 1, 4, 7, 8, 15, 16, 24, 32, 33, 255, 320, 640, 1024, 1600, 2560, 4096, 16000, 16008, 0x7fff, 0x8000, 0xfff8, 0xffff];
    const regs = [XRES, YRES, BPP, ENABLE, BANK, VIRT_W, VIRT_H, X_OFF, Y_OFF, ID, MEM64K];
    const rnd = rng(3712);
    let shown = 0;
    bounded("400 DISPI writes with frames", 30_000, () => {
      for (let i = 0; i < 400; i++) {
        const reg = regs[rnd() % regs.length]!;
        let val = values[rnd() % values.length]!;
        if (reg === ENABLE) val = (rnd() & 1 ? ENABLED : 0) | NOCLEARMEM | (rnd() & 0x60);
        dispiOut(g, reg, val);
        dispiFits(r, `step ${i} (reg ${reg} = ${val})`);
        if (i % 8 === 7) {
          const dmg = r.v.d.refresh();
          surfaceInBounds(r, `frame after step ${i}`);
          if ((r.v.d.surface?.kind ?? SURFACE.NONE) !== SURFACE.NONE) shown++;
          damageInBounds(r, dmg, `frame after step ${i}`);
        }
      }
    });
    assert.ok(shown >= 10, `only ${shown} of 50 frames showed a surface`);
    intact(r, true);
    assert.equal(dispiIn(g, MEM64K), 16, "VRAM size reported as 16 x 64 KiB");
    assertServing(r.v.m, "vga");
  });

  // CVE-2014-3615 class (QEMU: display resolution larger than VRAM; CVE record not found in our
  // references, named as a class): a mode bigger than VRAM is cut to what fits.
  it("CVE-2014-3615 class: a 1600x1200x32 mode on 1 MiB of VRAM is clamped to 163 lines", () => {
    const r = rig();
    const g = r.v.g;
    dispiOut(g, ENABLE, GETCAPS);
    assert.equal(dispiIn(g, XRES), 16000, "GETCAPS: the largest X the interface takes");
    dispiOut(g, ENABLE, 0);
    dispiOut(g, XRES, 1600); dispiOut(g, YRES, 1200); dispiOut(g, BPP, 32);
    dispiOut(g, ENABLE, ENABLED | NOCLEARMEM);
    assert.equal(dispiIn(g, XRES), 1600);
    assert.equal(dispiIn(g, YRES), Math.floor(VRAM / (1600 * 4)), "height cut to what VRAM holds");
    assert.equal(dispiIn(g, VIRT_H), Math.floor(VRAM / (1600 * 4)));
    r.v.d.refresh();
    assert.equal(r.v.d.surface?.kind, SURFACE.BGRX32);
    assert.equal(r.v.d.height, 163);
    surfaceInBounds(r, "1600x163x32");
    // scrolling the start past the end: the offsets fall back to 0
    dispiOut(g, Y_OFF, 0xffff); dispiOut(g, X_OFF, 0xffff);
    dispiFits(r, "after offsets");
    r.v.d.refresh();
    surfaceInBounds(r, "after offsets");
    // the LFB itself: the last dword works, a dword straddling the end and one past it go nowhere
    g.writel(LFB + VRAM - 4, 0x11223344);
    assert.equal(g.readl(LFB + VRAM - 4), 0x11223344);
    g.writel(LFB + VRAM - 2, 0xdeadbeef);
    g.writel(LFB + VRAM, 0xdeadbeef);
    assert.equal(g.readl(LFB + VRAM - 4), 0x11223344, "the straddling store did not land");
    assert.equal(g.readl(LFB + VRAM), 0xffffffff, "past the BAR: nothing there");
    intact(r, true);
    assertServing(r.v.m, "vga");
  });

  // CVE-2017-13672 (QEMU VGA, verified: OOB read "via vectors involving display update") and
  // CVE-2018-5683 class (vga_draw_text OOB via the start address; named as a class): legacy modes
  // with every CRTC field at its extreme (start address, offset, max scan line, line compare,
  // display end with overflow bits, doubled dots), rendered after each change.
  it("CVE-2017-13672 / CVE-2018-5683 class: extreme CRTC geometry renders inside VRAM and the surface", () => {
    const r = rig();
    const g = r.v.g;
    const crtc = (i: number, v: number) => { g.outb(0x3d4, i); g.outb(0x3d5, v); };
    let shown = 0;
    const frame = (what: string) => {
      const dmg = r.v.d.refresh();
      if ((r.v.d.surface?.kind ?? SURFACE.NONE) !== SURFACE.NONE) shown++;
      surfaceInBounds(r, what);
      damageInBounds(r, dmg, what);
      const px = r.v.d.surface?.kind === SURFACE.RGBA32 ? r.v.d.width * r.v.d.height * 4 : 0;
      assert.ok(px <= SURFACE_MAX, `${what}: surface of ${px} bytes`);
    };
    bounded("extreme text and graphics geometry", 30_000, () => {
      for (const [name, mode, pal] of [["text 80x25", MODE3, EGA16], ["planar 640x480", MODE12, egaPalette64()], ["256-colour 320x200", MODE13, egaPalette64()]] as const) {
        setModeLikeSeaBIOS(g, mode, pal);
        frame(`${name}, as set`);
        crtc(0x0c, 0xff); crtc(0x0d, 0xff);                      // start address 0xffff
        crtc(0x0e, 0xff); crtc(0x0f, 0xff);                      // cursor at 0xffff
        frame(`${name}, start 0xffff`);
        crtc(0x13, 0xff);                                        // offset: 510-word rows
        crtc(0x09, 0x1f | (mode === MODE3 ? 0 : 0x80));          // 32 scan lines a row (doubled)
        frame(`${name}, pitch 0xff`);
        crtc(0x12, 0xff); crtc(0x07, 0xff);                      // display end 1023 with overflow bits
        crtc(0x18, 0x00);                                        // line compare 0x100|0x200 from overflow bits
        frame(`${name}, 1024 lines`);
        crtc(0x01, 0xff);                                        // 256 character clocks
        g.outb(0x3c4, 1); g.outb(0x3c5, 0x08);                   // dot clock halved: 18-dot cells
        frame(`${name}, 256 clocks, wide dots`);
        g.outb(0x3c4, 3); g.outb(0x3c5, 0xff);                   // every character-map bit set
        g.outb(0x3ce, 5); g.outb(0x3cf, 0x60);                   // shift 256 + interleave bits
        frame(`${name}, odd shift modes`);
      }
      assert.ok(shown >= 9, `only ${shown} of 18 extreme frames were drawn`);
      // a seeded walk over CRTC / sequencer / graphics / attribute registers, framed often
      const rnd = rng(5683);
      for (let i = 0; i < 300; i++) {
        const which = rnd() % 4;
        const idx = rnd() & 0x1f, val = rnd() & 0xff;
        if (which === 0) crtc(idx % 0x19, val);
        else if (which === 1) { g.outb(0x3c4, idx % 5); g.outb(0x3c5, val); }
        else if (which === 2) { g.outb(0x3ce, idx % 9); g.outb(0x3cf, val); }
        else { g.inb(0x3da); g.outb(0x3c0, (idx % 0x15) | 0x20); g.outb(0x3c0, val); }
        if (i % 6 === 5) frame(`random step ${i}`);
      }
    });
    intact(r, true);
    assertServing(r.v.m, "vga");
  });

  // CVE-2017-2620 / CVE-2017-2615 (QEMU Cirrus bitblt OOB, 2620 verified; we have no Cirrus
  // blitter): the std-vga analog is latched planar copies at the edges of the planar address
  // space and of each memory-map window.
  it("CVE-2017-2620 analog: latched planar copies at the window edges stay in VRAM", () => {
    const r = rig();
    const g = r.v.g;
    setModeLikeSeaBIOS(g, MODE12, egaPalette64());
    const vram = () => r.mem().subarray(VRAM_BASE, VRAM_BASE + VRAM);
    const before = vram().slice();
    g.outw(0x3ce, 0x0506);                       // memory map 1: A0000-AFFFF
    g.outw(0x3c4, 0x0f02);
    g.readb(0xa0000 + 0xffff);                   // latches <- planar address 0xFFFF (VRAM 0x3FFFC..F)
    g.outw(0x3ce, 0x0105);                       // write mode 1: store the latches
    g.writeb(0xa0000, 0);                        // ... at planar address 0
    r.v.m.sim.flushBuffered();
    assert.deepEqual([...vram().subarray(0, 4)], [...before.subarray(0x3fffc, 0x40000)], "latch copy of the last planar address");
    // outside the selected map: reads 0xFF, writes go nowhere
    assert.equal(g.readb(0xa0000 + 0x10000), 0xff);
    const snap = vram().slice();
    g.writeb(0xa0000 + 0x10000, 0x55); g.writeb(0xbffff, 0x55);
    r.v.m.sim.flushBuffered();
    assert.deepEqual(vram(), snap, "writes outside the mapped window change nothing");
    // map 3 (B8000-BFFFF) and map 2 (B0000-B7FFF) at their last byte, all write modes and functions
    bounded("edge accesses", 5000, () => {
      for (const map of [0, 1, 2, 3]) {
        g.outw(0x3ce, 0x0106 | (map << 10));
        for (const gr5 of [0x00, 0x01, 0x02, 0x03, 0x08, 0x10, 0x40]) {
          for (const gr3 of [0x00, 0x08, 0x10, 0x18, 0x07]) {
            g.outw(0x3ce, (gr5 << 8) | 0x05); g.outw(0x3ce, (gr3 << 8) | 0x03);
            for (const off of [0x0000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x17fff, 0x18000, 0x1fffc]) {
              const v = g.readl(0xa0000 + off);
              assert.notEqual(v & 0xff, CANARY, "no canary read");
              g.writel(0xa0000 + off, 0xc3c2c1c0);
            }
          }
        }
      }
      r.v.m.sim.flushBuffered();
    });
    intact(r, false);
    assertServing(r.v.m, "vga");
  });
});
