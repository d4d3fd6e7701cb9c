// All of the VGA's mutable state, in one object `S` (a save/restore of the device is a copy of it
// and of VRAM, which lives at layout.VRAM_BASE). Register behaviours live in the other files and
// act on `S` directly: there are no setters; a write that changes what the screen shows marks the
// redraw flags in `D` itself.
//
// Two kinds of state, kept apart:
//  - VgaState (`S`): the true state — configuration, the legacy VGA registers, DAC, latches, the
//    Bochs VBE DISPI registers, the PCI function, the option-ROM image and the blink counter.
//    A snapshot must hold all of it.
//  - VgaDerived (`D` = `S.derived`): caches computed from the true state and the renderer's
//    bookkeeping of what the host was shown. None of it needs saving: after a restore,
//    D.invalidate() (a future dev_post_load) makes the next frame recompute all of it.
import { PciFunction } from "../lib/pci";
import { MAX_VRAM_PAGES, MAX_LINE, MAX_TEXT_COLS, MAX_TEXT_ROWS } from "./layout";
import { OptionRom } from "../lib/rom";
import { DISPI_ID, DISPI_ID5 } from "./regs";

const SR_COUNT: i32 = 8;
const GR_COUNT: i32 = 16;
const CR_COUNT: i32 = 256;
const AR_STORAGE: i32 = 32; // index bits 4:0; AR_COUNT of them exist
const DAC_ENTRIES: i32 = 256;
export const DAC_COMPONENTS: i32 = 3; // red, green, blue
const VBE_STORAGE: i32 = 16; // DISPI_REG_COUNT stored, the rest read as computed or 0
const BPP_POWER_ON: u32 = 8;

export class VgaState {
  // --- configuration (dev_init; a guest reset keeps it) ---
  vramBytes: u32 = 16 << 20; // a power of two in MiB
  bdf: i32 = 2 << 3;
  romConfigured: bool = true; // rom=none: no expansion ROM BAR

  // --- legacy VGA ---
  misc: u8 = 0;
  fcr: u8 = 0;
  st00: u8 = 0;
  st01: u8 = 0;
  srIndex: u8 = 0;
  sr: StaticArray<u8> = new StaticArray<u8>(SR_COUNT);
  grIndex: u8 = 0;
  gr: StaticArray<u8> = new StaticArray<u8>(GR_COUNT);
  crIndex: u8 = 0;
  cr: StaticArray<u8> = new StaticArray<u8>(CR_COUNT);
  arIndex: u8 = 0;
  arFlipFlop: u8 = 0; // 0: the next 0x3C0 write is an index, 1: data
  ar: StaticArray<u8> = new StaticArray<u8>(AR_STORAGE);
  latch: u32 = 0; // the four plane latches, plane p in byte p

  // --- DAC ---
  pelMask: u8 = 0xff;
  dacState: u8 = 0;
  dacReadIndex: u8 = 0;
  dacWriteIndex: u8 = 0;
  dacSubIndex: u8 = 0; // which component of the entry comes next
  dacCache: StaticArray<u8> = new StaticArray<u8>(DAC_COMPONENTS); // an entry being written
  palette: StaticArray<u8> = new StaticArray<u8>(DAC_ENTRIES * DAC_COMPONENTS);

  // --- Bochs VBE DISPI ---
  vbeIndex: u16 = 0;
  vbe: StaticArray<u16> = new StaticArray<u16>(VBE_STORAGE);
  bankOffset: u32 = 0; // VRAM offset of the banked 64 KiB window

  // --- the PCI function (header, BARs) and the option ROM the host delivered ---
  pci: PciFunction | null = null;
  rom: OptionRom | null = null; // rom=none: no ROM BAR (lib/rom.ts; pci-header.ts creates it)

  // --- display timing ---
  frame: u32 = 0; // frames since reset: the cursor and text blink phase

  derived: VgaDerived = new VgaDerived();

  // Power-on state: QEMU's std-vga (and the IBM VGA before the BIOS runs) comes up with every
  // register zero, so nothing is shown until a mode is set; DISPI reports ID5. Configuration, the
  // PCI function (pci-header.ts resets it) and the ROM image are kept.
  resetRegisters(): void {
    this.misc = 0; this.fcr = 0; this.st00 = 0; this.st01 = 0;
    this.srIndex = 0; this.grIndex = 0; this.crIndex = 0; this.arIndex = 0; this.arFlipFlop = 0;
    this.latch = 0;
    this.sr.fill(0); this.gr.fill(0); this.cr.fill(0); this.ar.fill(0);
    this.pelMask = 0xff; this.dacState = 0; this.dacReadIndex = 0; this.dacWriteIndex = 0; this.dacSubIndex = 0;
    this.dacCache.fill(0); this.palette.fill(0);
    this.vbeIndex = 0; this.bankOffset = 0;
    this.vbe.fill(0);
    this.vbe[DISPI_ID] = DISPI_ID5;
    this.frame = 0;
    this.derived.resetVbeMode();
    this.derived.invalidate();
  }
}

// What the renderer and the access paths compute from VgaState, and what they last told the host.
export class VgaDerived {
  // --- the current DISPI mode, derived by the fixup (dispi.ts) from S.vbe; the renderer and the
  // LFB paths trust only these ---
  vbeStartByte: u32 = 0;
  vbeLineBytes: u32 = 0;
  vbeBits: u32 = BPP_POWER_ON;

  // --- what the next frame must redraw ---
  fullRedraw: bool = true;
  paletteDirty: bool = true;
  fontDirty: bool = true;
  dirtyPages: StaticArray<u8> = new StaticArray<u8>(MAX_VRAM_PAGES); // one flag per 4 KiB of VRAM (dirty.ts)

  // --- colour lookup (palette.ts): the 256 DAC entries and 16 attribute colours as RGBA32 ---
  rgba256: StaticArray<u32> = new StaticArray<u32>(DAC_ENTRIES);
  rgba16: StaticArray<u32> = new StaticArray<u32>(16);

  // --- text cells as last drawn (render-text.ts), and the surface as last published (surface.ts) ---
  textCells: StaticArray<u32> = new StaticArray<u32>(MAX_TEXT_COLS * MAX_TEXT_ROWS);
  surfaceKind: i32 = -1; // -1: nothing published yet
  surfaceW: i32 = 0;
  surfaceH: i32 = 0;
  surfaceStride: i32 = 0;
  surfacePtr: usize = 0;
  unsupportedLogged: bool = false; // "display mode … shown blank" is logged once

  // --- working values of one frame (meaningless between frames) ---
  textCols: i32 = 0; // text geometry (render-text.ts)
  textRows: i32 = 0;
  cellW: i32 = 9;
  cellH: i32 = 16;
  gfxW: i32 = 0; // legacy graphics geometry (render-planar.ts)
  gfxH: i32 = 0;
  gfxScan: i32 = 1; // scanlines per logical row
  line: StaticArray<u32> = new StaticArray<u32>(MAX_LINE); // one rendered scanline (linebuf.ts)
  hostDirty: StaticArray<u8> = new StaticArray<u8>(MAX_VRAM_PAGES >> 3); // the host's LFB log (dirty.ts)
  dirtyEnd: u32 = 0; // second result of dirty.dirtySpan
  damageOpen: bool = false; // the damage rectangle being merged (damage.ts)
  damageX0: i32 = 0;
  damageY0: i32 = 0;
  damageX1: i32 = 0;
  damageY1: i32 = 0; // exclusive

  resetVbeMode(): void {
    this.vbeStartByte = 0;
    this.vbeLineBytes = 0;
    this.vbeBits = BPP_POWER_ON;
  }

  // Everything is recomputed and redrawn on the next frame.
  invalidate(): void {
    this.fullRedraw = true;
    this.paletteDirty = true;
    this.fontDirty = true;
  }
}

export const S = new VgaState();
export const D = S.derived;

// Bytes of VRAM (configuration).
export function vramSize(): u32 { return S.vramBytes; }
