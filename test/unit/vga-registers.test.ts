// PCI identity and BARs, configuration, and the legacy register file: misc output and the
// mono/colour port sets, sequencer and graphics-controller masks, CRTC protect, attribute
// flip-flop (reset by input status 1), DAC indexes with 6-bit components and wrap, the retrace
// toggle, 16-bit port writes, and the BAR2 mirror of ports 0x3C0-0x3DF.
import { strict as assert } from "node:assert";
import { createMachine } from "../../host/node/machine.ts";
import { makeVga, programBars, VGA_BDF, MMIO, LFB } from "./vga-guest.ts";

describe("vga PCI function and configuration", () => {
  it("is 1234:1111 rev 2, class 0300, subsystem 1af4:1100, no interrupt pin", () => {
    const { g } = makeVga("rom=none");
    assert.equal(g.pciRead(VGA_BDF, 0, 4), 0x11111234);
    assert.equal(g.pciRead(VGA_BDF, 8, 4), 0x03000002);
    assert.equal(g.pciRead(VGA_BDF, 0x2c, 4), 0x11001af4);
    assert.equal(g.pciRead(VGA_BDF, 0x0e, 1), 0);
    assert.equal(g.pciRead(VGA_BDF, 0x3d, 1), 0);
  });

  it("BAR0 is 16 MiB prefetchable memory, BAR2 4 KiB memory, the rest absent", () => {
    const { g } = makeVga("rom=none");
    const size = (bar: number) => { g.pciWrite(VGA_BDF, 0x10 + bar * 4, 4, 0xffffffff); const v = g.pciRead(VGA_BDF, 0x10 + bar * 4, 4) >>> 0; g.pciWrite(VGA_BDF, 0x10 + bar * 4, 4, 0); return v; };
    assert.equal(size(0), 0xff000008);
    assert.equal(size(1), 0);
    assert.equal(size(2), 0xfffff000);
    for (const b of [3, 4, 5]) assert.equal(size(b), 0);
  });

  it("vram_mb sizes BAR0 and VIDEO_MEMORY_64K; bad configurations are refused", () => {
    const { g } = makeVga("vram_mb=8,rom=none");
    g.pciWrite(VGA_BDF, 0x10, 4, 0xffffffff);
    assert.equal(g.pciRead(VGA_BDF, 0x10, 4) >>> 0, 0xff800008);
    g.outw(0x1ce, 0xa);
    assert.equal(g.inw(0x1cf), 128);
    for (const bad of ["vram_mb=3", "vram_mb=0", "vram_mb=512", "colour=1", "bdf=zz"]) {
      assert.throws(() => createMachine([{ name: "vga", module: "vga", config: bad }]), /configuration rejected/, bad);
    }
  });

  it("vram_mb=64 grows module memory once: the whole 64 MiB LFB is backed", () => {
    const { g, m } = makeVga("vram_mb=64,rom=none");
    programBars(g);
    g.writel(LFB + (64 << 20) - 4, 0x12345678);
    assert.equal(g.readl(LFB + (64 << 20) - 4), 0x12345678);
    assert.equal(g.readl(LFB + (64 << 20)), 0xffffffff, "past the BAR: unassigned");
    assert.equal(m.rt.failures.length, 0);
  });

  it("guest reset: registers, DISPI and the PCI header return to power-on state, display blank", () => {
    const { g, m, d } = makeVga("rom=none");
    programBars(g);
    g.outb(0x3c2, 0x67); g.outw(0x3c4, 0x0302); g.inb(0x3da); g.outb(0x3c0, 0x20);
    g.outw(0x1ce, 1); g.outw(0x1cf, 640); g.outw(0x1ce, 4); g.outw(0x1cf, 0x41);
    d.refresh();
    assert.ok(d.surface);
    m.rt.resetAll();
    assert.equal(g.inb(0x3cc), 0);
    g.outb(0x3c4, 2); assert.equal(g.inb(0x3c5), 0);
    g.outw(0x1ce, 4); assert.equal(g.inw(0x1cf), 0);
    g.outw(0x1ce, 0); assert.equal(g.inw(0x1cf), 0xb0c5);
    assert.equal(g.pciRead(VGA_BDF, 0x10, 4), 8, "BAR0 unassigned (prefetchable bit only)");
    assert.equal(g.pciRead(VGA_BDF, 4, 2), 0);
    d.refresh();
    assert.equal(d.surface, null);
  });

  it("the LFB is module memory: guest writes land in VRAM with no ioreq", () => {
    const { g, m } = makeVga("rom=none");
    programBars(g);
    const before = m.rt.stats.ioreqs;
    g.writel(LFB + 0x1000, 0xdeadbeef);
    assert.equal(g.readl(LFB + 0x1000), 0xdeadbeef);
    assert.equal(m.rt.stats.ioreqs, before, "no ioreq for LFB accesses");
    assert.equal(g.readl(LFB + 0x1000000 - 4), 0, "last dword of 16 MiB");
  });
});

describe("vga legacy registers", () => {
  it("MISC selects the CRTC port set; the other set is ignored and reads 0xFF", () => {
    const { g } = makeVga("rom=none");
    assert.equal(g.inb(0x3cc), 0);
    g.outb(0x3b4, 0x0c); g.outb(0x3b5, 0x12);
    assert.equal(g.inb(0x3b5), 0x12, "mono CRTC while MISC bit 0 = 0");
    assert.equal(g.inb(0x3d5), 0xff);
    g.outb(0x3c2, 0xff);
    assert.equal(g.inb(0x3cc), 0xef, "bit 4 does not exist");
    assert.equal(g.inb(0x3d5), 0x12, "colour CRTC now, same registers");
    assert.equal(g.inb(0x3b5), 0xff);
    g.outb(0x3b4, 0x0c); g.outb(0x3b5, 0x34);
    assert.equal(g.inb(0x3d5), 0x12, "mono write ignored");
  });

  it("sequencer and graphics controller: index masks and per-register writable bits", () => {
    const { g } = makeVga("rom=none");
    g.outb(0x3c4, 0x0c); assert.equal(g.inb(0x3c4), 0x04, "SR index is 3 bits");
    const sr = [0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0xff];
    sr.forEach((mask, i) => { g.outb(0x3c4, i); g.outb(0x3c5, 0xff); assert.equal(g.inb(0x3c5), mask, `SR${i}`); });
    const gr = [0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff];
    gr.forEach((mask, i) => { g.outb(0x3ce, i); g.outb(0x3cf, 0xff); assert.equal(g.inb(0x3cf), mask, `GR${i}`); });
    g.outw(0x3ce, 0x5a08);
    assert.equal(g.inb(0x3ce), 0x08);
    assert.equal(g.inb(0x3cf), 0x5a, "16-bit write = index then data");
  });

  it("CRTC: CR11 bit 7 protects CR0-CR7 except the line-compare bit of CR7", () => {
    const { g } = makeVga("rom=none");
    g.outb(0x3c2, 0x01);
    g.outw(0x3d4, 0x5501); g.outw(0x3d4, 0x0007);
    g.outw(0x3d4, 0x8011);
    g.outw(0x3d4, 0xaa01);
    g.outw(0x3d4, 0xff07);
    g.outb(0x3d4, 0x01); assert.equal(g.inb(0x3d5), 0x55, "CR1 protected");
    g.outb(0x3d4, 0x07); assert.equal(g.inb(0x3d5), 0x10, "only CR7 bit 4 written");
    g.outw(0x3d4, 0xaa08);
    g.outb(0x3d4, 0x08); assert.equal(g.inb(0x3d5), 0xaa, "CR8 is not protected");
    g.outw(0x3d4, 0x0011); g.outw(0x3d4, 0xaa01);
    g.outb(0x3d4, 0x01); assert.equal(g.inb(0x3d5), 0xaa, "unprotected again");
  });

  it("attribute controller: index/data flip-flop, reset by reading input status 1", () => {
    const { g } = makeVga("rom=none");
    g.outb(0x3c2, 0x01);
    g.inb(0x3da);
    g.outb(0x3c0, 0x05); g.outb(0x3c0, 0xff);
    assert.equal(g.inb(0x3c0), 0x05);
    assert.equal(g.inb(0x3c1), 0x3f, "palette registers are 6 bits");
    g.outb(0x3c0, 0x31); // flip-flop is at index again: PAS | 0x11
    assert.equal(g.inb(0x3c0), 0x31);
    g.outb(0x3c0, 0x07); // data for index 0x11 (overscan)
    g.inb(0x3da);
    g.outb(0x3c0, 0x11);
    assert.equal(g.inb(0x3c1), 0x07);
    g.outb(0x3c0, 0xaa); // data
    g.outb(0x3c0, 0x16); // index beyond the registers
    assert.equal(g.inb(0x3c1), 0, "indexes >= 0x15 read 0");
  });

  it("input status 1 toggles retrace and display-disabled on every read", () => {
    const { g } = makeVga("rom=none");
    const a = g.inb(0x3ba);
    const b = g.inb(0x3ba);
    assert.equal(a ^ b, 0x09);
    g.outb(0x3c2, 0x01);
    assert.equal(g.inb(0x3da) ^ g.inb(0x3da), 0x09);
  });

  it("DAC: 6-bit components, auto-increment, wrap at 256, read and write indexes, state", () => {
    const { g } = makeVga("rom=none");
    g.outb(0x3c8, 0xff);
    assert.equal(g.inb(0x3c7), 0, "DAC state after a write-index write");
    for (const c of [0x3f, 0x41, 0xff, 0x01, 0x02, 0x03]) g.outb(0x3c9, c);
    assert.equal(g.inb(0x3c8), 0x01, "wrapped past 255");
    g.outb(0x3c7, 0xff);
    assert.equal(g.inb(0x3c7), 3, "DAC state after a read-index write");
    assert.deepEqual([g.inb(0x3c9), g.inb(0x3c9), g.inb(0x3c9), g.inb(0x3c9), g.inb(0x3c9), g.inb(0x3c9)], [0x3f, 0x01, 0x3f, 0x01, 0x02, 0x03]);
    g.outb(0x3c6, 0x0f);
    assert.equal(g.inb(0x3c6), 0x0f, "PEL mask");
  });

  it("BAR2 mirrors ports 0x3C0-0x3DF at 0x400 (byte and word) and DISPI at 0x500", () => {
    const { g } = makeVga("rom=none");
    programBars(g);
    g.writeb(MMIO + 0x402, 0x01); // MISC via the mirror
    assert.equal(g.inb(0x3cc), 0x01);
    g.writew(MMIO + 0x414, 0x340c); // CRTC index + data
    assert.equal(g.inb(0x3d5), 0x34);
    assert.equal(g.readb(MMIO + 0x415), 0x34);
    assert.equal(g.readw(MMIO + 0x500), 0xb0c5);
    assert.equal(g.readw(MMIO + 0x514), 16 * 1024 / 64);
    assert.equal(g.readl(MMIO + 0x600), 8, "QEMU extension region size");
    assert.equal(g.readl(MMIO + 0x604), 0x1e1e1e1e, "little-endian framebuffer");
    assert.equal(g.readl(MMIO), 0, "no EDID blob");
  });
});
