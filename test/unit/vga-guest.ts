// Guest-side helpers for the VGA tests (not a test file itself): a machine with the vga device
// and a SurfaceBackend, the standard VGA register tables of modes 3, 12h and 13h (IBM VGA
// reference values), SeaBIOS's mode-set order, Linux vgacon's font upload, DISPI accessors,
// PCI BAR programming, and the 8x16 font taken out of the configured VGA BIOS image.
import { createMachine, type Machine } from "../../host/node/machine.ts";
import type { Guest } from "../../host/node/guest.ts";
import { SurfaceBackend } from "../../host/display/surface-backend.ts";
import { installVgaRom, DEFAULT_VGA_ROM } from "../../host/display/vga-rom.ts";
import { vgaBiosFont16 } from "../../host/sim/fb-text.ts";

export const VGA_BDF = 2 << 3;
export const LFB = 0xe0000000;
export const MMIO = 0xfeb00000;
export const ROM = 0xfeb10000;

export interface Vga { m: Machine; g: Guest; d: SurfaceBackend }

export function makeVga(config?: string): Vga {
  const d = new SurfaceBackend();
  const m = createMachine([{ name: "vga", module: "vga", config, display: d }]);
  d.attach(m, "vga");
  installVgaRom(m.rt, "vga", config);
  return { m, g: m.guest, d };
}

/** What a BIOS does: BAR0 and BAR2 (and the ROM BAR when asked) assigned, memory decode on. */
export function programBars(g: Guest, rom = false): void {
  g.pciWrite(VGA_BDF, 0x10, 4, LFB);
  g.pciWrite(VGA_BDF, 0x18, 4, MMIO);
  if (rom) g.pciWrite(VGA_BDF, 0x30, 4, ROM | 1);
  g.pciWrite(VGA_BDF, 0x04, 2, 0x0003);
}

export interface VgaMode { misc: number; seq: number[]; crtc: number[]; attr: number[]; gr: number[] }

// Sequencer 1..4, CRTC 0..0x18, attribute 0..0x13, graphics 0..8.
export const MODE3: VgaMode = {
  misc: 0x67, seq: [0x00, 0x03, 0x00, 0x02],
  crtc: [0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff],
  attr: [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08],
  gr: [0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff],
};
export const MODE12: VgaMode = {
  misc: 0xe3, seq: [0x01, 0x0f, 0x00, 0x06],
  crtc: [0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff],
  attr: [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00],
  gr: [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff],
};
export const MODE13: VgaMode = {
  misc: 0x63, seq: [0x01, 0x0f, 0x00, 0x0e],
  crtc: [0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff],
  attr: [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00],
  gr: [0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff],
};

/** The 16 EGA colours as 6-bit DAC triples (the text-mode palette). */
export const EGA16: Array<[number, number, number]> = [
  [0, 0, 0], [0, 0, 42], [0, 42, 0], [0, 42, 42], [42, 0, 0], [42, 0, 42], [42, 21, 0], [42, 42, 42],
  [21, 21, 21], [21, 21, 63], [21, 63, 21], [21, 63, 63], [63, 21, 21], [63, 21, 63], [63, 63, 21], [63, 63, 63],
];

/** The 64-entry EGA palette: entry i has 2-bit components from bits (r: 5,2) (g: 4,1) (b: 3,0). */
export function egaPalette64(): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < 64; i++) {
    const c = (hi: number, lo: number) => (((i >> hi) & 1) * 2 + ((i >> lo) & 1)) * 21;
    out.push([c(2, 5), c(1, 4), c(0, 3)]);
  }
  return out;
}

/**
 * SeaBIOS vgabios POST (stdvga_setup): colour emulation with CPU access enabled (MISC 0xC3, so
 * the 0x3Dx CRTC ports decode from now on) and "more than 64k" (SR4 = 0x02).
 */
export function postLikeSeaBIOS(g: Guest): void {
  g.outb(0x3c2, 0xc3);
  g.outb(0x3c4, 0x04); g.outb(0x3c5, 0x02);
}

/**
 * SeaBIOS vgabios (stdvga_set_mode) order: PEL mask, DAC palette, reset the attribute flip-flop,
 * attribute registers, sequencer (reset first), graphics controller, CRTC unprotect (outw 0x0011)
 * and registers, misc output, re-enable video (0x20 to 0x3C0), then the caller clears memory.
 */
export function setModeLikeSeaBIOS(g: Guest, mode: VgaMode, pal: Array<[number, number, number]>): void {
  g.outb(0x3c6, 0xff);
  g.outb(0x3c8, 0);
  for (let i = 0; i < 256; i++) {
    const [r, gg, b] = pal[i] ?? [0, 0, 0];
    g.outb(0x3c9, r); g.outb(0x3c9, gg); g.outb(0x3c9, b);
  }
  g.inb(0x3da);
  mode.attr.forEach((v, i) => { g.outb(0x3c0, i); g.outb(0x3c0, v); });
  g.outb(0x3c0, 0x14); g.outb(0x3c0, 0x00);
  g.outb(0x3c4, 0); g.outb(0x3c5, 0x03);
  mode.seq.forEach((v, i) => { g.outb(0x3c4, i + 1); g.outb(0x3c5, v); });
  mode.gr.forEach((v, i) => { g.outb(0x3ce, i); g.outb(0x3cf, v); });
  const crtc = mode.misc & 1 ? 0x3d4 : 0x3b4;
  g.outw(crtc, 0x0011);
  mode.crtc.forEach((v, i) => { g.outb(crtc, i); g.outb(crtc + 1, v); });
  g.outb(0x3c2, mode.misc);
  g.outb(0x3c0, 0x20);
  g.inb(0x3da);
}

/** Linux vgacon's font upload (vgacon_do_font_op): plane 2 through A0000, then restore. */
export function loadFontLikeVgacon(g: Guest, font: Uint8Array, height = 16): void {
  g.outw(0x3c4, 0x0100); g.outw(0x3c4, 0x0402); g.outw(0x3c4, 0x0704); g.outw(0x3c4, 0x0300);
  g.outw(0x3ce, 0x0204); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0x0006);
  for (let ch = 0; ch < 256; ch++) for (let y = 0; y < 32; y++) g.writeb(0xa0000 + ch * 32 + y, y < height ? font[ch * height + y]! : 0);
  g.outw(0x3c4, 0x0100); g.outw(0x3c4, 0x0302); g.outw(0x3c4, 0x0304); g.outw(0x3c4, 0x0300);
  g.outw(0x3ce, 0x0004); g.outw(0x3ce, 0x1005); g.outw(0x3ce, 0x0e06);
}

/** The 8x16 font inside the VGA BIOS image, found by the IBM glyph of 'A' (host/sim/fb-text.ts). */
export function biosFont16(path = DEFAULT_VGA_ROM): Uint8Array {
  return vgaBiosFont16(path);
}

/** Text at (row, col) of an 80-column text screen at B8000. */
export function putText(g: Guest, row: number, col: number, text: string, attr: number): void {
  for (let i = 0; i < text.length; i++) g.writew(0xb8000 + (row * 80 + col + i) * 2, text.charCodeAt(i) | (attr << 8));
}

export function setCursor(g: Guest, row: number, col: number, start = 14, end = 15): void {
  const pos = row * 80 + col;
  g.outw(0x3d4, 0x0a | (start << 8)); g.outw(0x3d4, 0x0b | (end << 8));
  g.outw(0x3d4, 0x0e | (pos & 0xff00)); g.outw(0x3d4, 0x0f | ((pos & 0xff) << 8));
}

// --- DISPI ---
/** What Linux's bochs DRM does to unblank: colour MISC, reset the flip-flop, PAS on. */
export function unblankLikeBochs(g: Guest): void {
  g.writeb(MMIO + 0x400 + 2, 0x01); g.readb(MMIO + 0x400 + 0x1a); g.writeb(MMIO + 0x400, 0x20);
}

export function dispiOut(g: Guest, index: number, value: number): void { g.outw(0x1ce, index); g.outw(0x1cf, value); }
export function dispiIn(g: Guest, index: number): number { g.outw(0x1ce, index); return g.inw(0x1cf); }
export function dispiMmioWrite(g: Guest, index: number, value: number): void { g.writew(MMIO + 0x500 + index * 2, value); }
export function dispiMmioRead(g: Guest, index: number): number { return g.readw(MMIO + 0x500 + index * 2); }
