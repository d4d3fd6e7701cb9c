// Replays of real drivers' register traffic, written down from their documented behaviour:
// Linux's bochs DRM driver (drivers/gpu/drm/tiny/bochs.c: probe, bochs_hw_init,
// bochs_hw_setmode, bochs_hw_setbase) finding the device and setting 1024x768x32 through BAR2,
// and SeaBIOS's VGA BIOS (vgasrc: POST, bochsvga_setup's DISPI handshake, INT 10h AX=0003:
// DISPI disabled, stdvga_set_mode, clear, font load) setting text mode 3.
import { strict as assert } from "node:assert";
import {
  makeVga, VGA_BDF, LFB, MMIO, postLikeSeaBIOS, setModeLikeSeaBIOS, MODE3, egaPalette64, biosFont16, dispiOut, dispiIn,
} from "./vga-guest.ts";
import type { Guest } from "../../host/node/guest.ts";

// bochs.c accessors when BAR2 exists: VGA ports at mmio + 0x400 + (port - 0x3c0), DISPI at 0x500 + 2i.
const vgaW = (g: Guest, port: number, v: number) => g.writeb(MMIO + 0x400 + port - 0x3c0, v);
const vgaR = (g: Guest, port: number) => g.readb(MMIO + 0x400 + port - 0x3c0);
const dispiW = (g: Guest, i: number, v: number) => g.writew(MMIO + 0x500 + i * 2, v);
const dispiR = (g: Guest, i: number) => g.readw(MMIO + 0x500 + i * 2);

describe("vga driver replays", () => {
  it("Linux bochs DRM: probe, hw_init, setmode 1024x768x32, page flip", () => {
    const { g, d, m } = makeVga();
    // PCI core: identity, then resources (BIOS-assigned here) and pci_enable_device.
    assert.equal(g.pciRead(VGA_BDF, 0, 2), 0x1234);
    assert.equal(g.pciRead(VGA_BDF, 2, 2), 0x1111);
    assert.equal(g.pciRead(VGA_BDF, 0x0a, 2), 0x0300);
    const rev = g.pciRead(VGA_BDF, 8, 1);
    g.pciWrite(VGA_BDF, 0x10, 4, 0xffffffff);
    const fbSize = (~(g.pciRead(VGA_BDF, 0x10, 4) & ~0xf) >>> 0) + 1;
    g.pciWrite(VGA_BDF, 0x10, 4, LFB);
    g.pciWrite(VGA_BDF, 0x18, 4, 0xffffffff);
    const mmioSize = (~(g.pciRead(VGA_BDF, 0x18, 4) & ~0xf) >>> 0) + 1;
    g.pciWrite(VGA_BDF, 0x18, 4, MMIO);
    g.pciWrite(VGA_BDF, 4, 2, g.pciRead(VGA_BDF, 4, 2) | 0x2);
    assert.equal(mmioSize, 4096, "BAR2 is present: the driver uses MMIO, not ports");
    // bochs_hw_init
    const id = dispiR(g, 0);
    assert.equal(id & 0xfff0, 0xb0c0, "VBE_DISPI_ID0 family");
    const mem = dispiR(g, 0xa) * 64 * 1024;
    assert.equal(mem, 16 << 20);
    assert.equal(fbSize, mem, "fb BAR matches the memory DISPI reports");
    assert.ok(rev >= 2, "revision >= 2: QEMU extended registers");
    const qextSize = g.readl(MMIO + 0x600);
    assert.ok(qextSize >= 8);
    assert.equal(g.readl(MMIO + 0x604), 0x1e1e1e1e);
    g.writel(MMIO + 0x604, 0x1e1e1e1e); // bochs_hw_set_little_endian
    // bochs_hw_setmode: unblank (bochs_hw_blank(false)) then the DISPI sequence.
    vgaW(g, 0x3c2, 0x01);
    vgaR(g, 0x3da);
    vgaW(g, 0x3c0, 0x20);
    const xres = 1024, yres = 768, bpp = 32, stride = xres * 4;
    dispiW(g, 4, 0);
    dispiW(g, 3, bpp);
    dispiW(g, 1, xres);
    dispiW(g, 2, yres);
    dispiW(g, 5, 0);
    dispiW(g, 6, xres);
    dispiW(g, 7, mem / stride);
    dispiW(g, 8, 0);
    dispiW(g, 9, 0);
    dispiW(g, 4, 0x01 | 0x40);
    assert.deepEqual([1, 2, 3, 6, 8, 9].map((i) => dispiR(g, i)), [1024, 768, 32, 1024, 0, 0]);
    assert.equal(dispiR(g, 7), 4096, "VIRT_HEIGHT = VRAM / stride");
    // fbdev/DRM client draws into the LFB: two buffers, the second at line 768.
    for (let y = 0; y < 768; y += 64) for (let x = 0; x < 1024; x += 64) g.writel(LFB + (y * 1024 + x) * 4, 0x0000ff00);
    for (let y = 0; y < 768; y += 64) g.writel(LFB + ((768 + y) * 1024 + 5) * 4, 0x000000ff);
    d.refresh();
    assert.deepEqual([d.width, d.height, d.surface!.stride], [1024, 768, 4096]);
    assert.deepEqual(d.pixel(64, 128), [0, 255, 0]);
    assert.deepEqual(d.pixel(5, 64), [0, 0, 0]);
    // bochs_hw_setbase (page flip): X/Y offset.
    dispiW(g, 8, 0);
    dispiW(g, 9, 768);
    const dmg = d.refresh();
    assert.deepEqual(dmg, [{ x: 0, y: 0, w: 1024, h: 768 }], "a flip damages the whole surface");
    assert.deepEqual(d.pixel(5, 64), [0, 0, 255]);
    assert.deepEqual(d.pixel(64, 128), [0, 0, 0]);
    assert.equal(m.rt.failures.length, 0);
  });

  it("SeaBIOS VGA BIOS: POST, DISPI handshake, INT 10h mode 3, then text on screen", () => {
    const { g, d, m } = makeVga();
    postLikeSeaBIOS(g);
    // bochsvga_setup: handshake and capabilities.
    dispiOut(g, 0, 0xb0c0);
    assert.equal(dispiIn(g, 0), 0xb0c0, "else 'No VBE DISPI interface detected'");
    dispiOut(g, 0, 0xb0c5);
    const totalMem = dispiIn(g, 0xa) * 64 * 1024;
    dispiOut(g, 4, 0x02);
    const maxX = dispiIn(g, 1), maxBpp = dispiIn(g, 3);
    dispiOut(g, 4, 0);
    assert.deepEqual([totalMem, maxX, maxBpp], [16 << 20, 16000, 32]);
    // INT 10h AX=0003: bochsvga_set_mode for a legacy mode disables DISPI, then stdvga_set_mode.
    dispiOut(g, 4, 0);
    setModeLikeSeaBIOS(g, MODE3, egaPalette64());
    for (let i = 0; i < 0x4000; i++) g.writew(0xb8000 + i * 2, 0x0720); // clear 32 KiB of text
    // stdvga_load_font: get font access, 256 glyphs of 16 lines at 32-byte steps, release.
    const font = biosFont16();
    g.outw(0x3c4, 0x0100); g.outw(0x3c4, 0x0402); g.outw(0x3c4, 0x0704); g.outw(0x3c4, 0x0300);
    g.outw(0x3ce, 0x0204); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0x0406);
    for (let ch = 0; ch < 256; ch++) for (let y = 0; y < 16; y++) g.writeb(0xa0000 + ch * 32 + y, font[ch * 16 + y]!);
    g.outw(0x3c4, 0x0100); g.outw(0x3c4, 0x0302); g.outw(0x3c4, 0x0304); g.outw(0x3c4, 0x0300);
    g.outw(0x3ce, 0x0004); g.outw(0x3ce, 0x1005); g.outw(0x3ce, 0x0e06);
    // Cursor shape 0x0D-0x0E (INT 10h AH=01 CX=0607 scaled to 16 lines) at row 1, col 0.
    g.outw(0x3d4, 0x0d0a); g.outw(0x3d4, 0x0e0b); g.outw(0x3d4, 0x000e); g.outw(0x3d4, 0x500f);
    // SeaBIOS prints its banner through INT 10h teletype: characters with attribute 0x07.
    const banner = "SeaBIOS";
    for (let i = 0; i < banner.length; i++) g.writew(0xb8000 + i * 2, banner.charCodeAt(i) | 0x0700);
    d.refresh();
    assert.deepEqual([d.width, d.height], [720, 400]);
    // 'S' (0x53) in the BIOS font: its dots appear in light grey in cell 0.
    const grey = [0xaa, 0xaa, 0xaa];
    for (let y = 0; y < 16; y++) for (let x = 0; x < 8; x++) {
      const on = (font[0x53 * 16 + y]! >> (7 - x)) & 1;
      assert.deepEqual(d.pixel(x, y), on ? grey : [0, 0, 0], `S dot ${x},${y}`);
    }
    assert.deepEqual(d.pixel(3, 16 + 13), grey, "cursor line 13 at row 1");
    assert.deepEqual(d.pixel(3, 16 + 12), [0, 0, 0]);
    assert.equal(m.rt.failures.length, 0);
  });
});
