// The Bochs VBE DISPI interface (ports 0x1CE/0x1CF, and BAR2 + 0x500): ID handshake, mode
// registers, GETCAPS, ENABLE with LFB/NOCLEARMEM/8-bit DAC, BANK, virtual size and offsets,
// VIDEO_MEMORY_64K. As on QEMU's std-vga, mode registers are stored as written and sanitised
// (fixup) whenever a mode is enabled and on every later mode-register write while enabled: any
// combination whose pitch x height or offsets would reach past VRAM is cut back to one that
// fits, so no render or window access can leave VRAM. BANK is masked to VRAM at write time and
// bounds-checked again at access time.
import { S, D, vramSize } from "./state";
import { VRAM_BASE } from "./layout";
import {
  DISPI_ID, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE, DISPI_BANK, DISPI_VIRT_WIDTH,
  DISPI_VIRT_HEIGHT, DISPI_X_OFFSET, DISPI_Y_OFFSET, DISPI_VIDEO_MEMORY_64K, DISPI_REG_COUNT,
  DISPI_ID0, DISPI_ID5, DISPI_ENABLED, DISPI_GETCAPS, DISPI_NOCLEARMEM,
  DISPI_MAX_XRES, DISPI_MAX_YRES, DISPI_MAX_BPP,
} from "./regs";
import { markAll } from "./dirty";

export function dispiEnabled(): bool { return (S.vbe[DISPI_ENABLE] & DISPI_ENABLED) != 0; }

export function dispiReadIndex(): u32 { return <u32>S.vbeIndex; }
export function dispiWriteIndex(v: u32): void { S.vbeIndex = <u16>v; }

export function dispiReadData(): u32 {
  const i = <i32>S.vbeIndex;
  if (i == DISPI_VIDEO_MEMORY_64K) return vramSize() >> 16;
  if (i >= DISPI_REG_COUNT) return 0;
  if ((S.vbe[DISPI_ENABLE] & DISPI_GETCAPS) != 0) {
    if (i == DISPI_XRES) return DISPI_MAX_XRES;
    if (i == DISPI_YRES) return DISPI_MAX_YRES;
    if (i == DISPI_BPP) return DISPI_MAX_BPP;
  }
  return <u32>S.vbe[i];
}

export function dispiWriteData(value: u32): void {
  const v = <u16>value;
  const i = <i32>S.vbeIndex;
  if (i == DISPI_ID) writeId(v);
  else if (i == DISPI_XRES || i == DISPI_YRES || i == DISPI_BPP || i == DISPI_VIRT_WIDTH || i == DISPI_X_OFFSET || i == DISPI_Y_OFFSET) writeModeReg(i, v);
  else if (i == DISPI_BANK) writeBank(v);
  else if (i == DISPI_ENABLE) writeEnable(v);
  // VIRT_HEIGHT is derived (VRAM / pitch) and VIDEO_MEMORY_64K is read-only: writes ignored.
}

// Only the interface versions this model implements are accepted; reads return the last one.
function writeId(v: u16): void {
  if (v >= DISPI_ID0 && v <= DISPI_ID5) S.vbe[DISPI_ID] = v;
}

function writeModeReg(i: i32, v: u16): void {
  S.vbe[i] = v;
  fixup();
}

function writeBank(v: u16): void {
  const mask = <u16>((vramSize() >> 16) - 1);
  S.vbe[DISPI_BANK] = v & mask;
  S.bankOffset = <u32>(v & mask) << 16;
}

function writeEnable(v: u16): void {
  const was = dispiEnabled();
  if ((v & DISPI_ENABLED) != 0 && !was) {
    S.vbe[DISPI_VIRT_WIDTH] = 0;
    S.vbe[DISPI_X_OFFSET] = 0;
    S.vbe[DISPI_Y_OFFSET] = 0;
    S.vbe[DISPI_ENABLE] |= DISPI_ENABLED;
    fixup();
    if ((v & DISPI_NOCLEARMEM) == 0) clearVisible();
  } else {
    S.bankOffset = 0;
  }
  S.vbe[DISPI_ENABLE] = v;
  D.paletteDirty = true; // the 8-bit DAC bit changes how components scale
  D.fullRedraw = true;
  markAll();
}

function clearVisible(): void {
  const bytes: u64 = <u64>S.vbe[DISPI_YRES] * <u64>D.vbeLineBytes;
  const n = bytes < <u64>vramSize() ? <u32>bytes : vramSize();
  memory.fill(VRAM_BASE, 0, <usize>n);
}

function bitsFor(bpp: u32): u32 {
  if (bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32) return bpp;
  if (bpp == 15) return 16;
  return 0;
}

// The sanity rules: runs only while a mode is enabled (values written before are kept as
// written until then, like QEMU).
function fixup(): void {
  if (!dispiEnabled()) return;
  let bits = bitsFor(<u32>S.vbe[DISPI_BPP]);
  if (bits == 0) { S.vbe[DISPI_BPP] = 8; bits = 8; }
  let xres = <u32>S.vbe[DISPI_XRES] & ~7;
  if (xres == 0) xres = 8;
  if (xres > DISPI_MAX_XRES) xres = DISPI_MAX_XRES;
  S.vbe[DISPI_XRES] = <u16>xres;
  let vw = <u32>S.vbe[DISPI_VIRT_WIDTH] & ~7;
  if (vw > DISPI_MAX_XRES) vw = DISPI_MAX_XRES;
  if (vw < xres) vw = xres;
  S.vbe[DISPI_VIRT_WIDTH] = <u16>vw;
  const line: u32 = vw * bits / 8;
  const size = vramSize();
  const maxY: u32 = size / line;
  let yres = <u32>S.vbe[DISPI_YRES];
  if (yres == 0) yres = 1;
  if (yres > DISPI_MAX_YRES) yres = DISPI_MAX_YRES;
  if (yres > maxY) yres = maxY;
  S.vbe[DISPI_YRES] = <u16>yres;
  let xoff = <u32>S.vbe[DISPI_X_OFFSET];
  if (xoff > DISPI_MAX_XRES) xoff = DISPI_MAX_XRES;
  let yoff = <u32>S.vbe[DISPI_Y_OFFSET];
  if (yoff > maxY) yoff = maxY;
  let offset: u64 = <u64>(xoff * bits / 8) + <u64>yoff * <u64>line;
  const visible: u64 = <u64>yres * <u64>line;
  if (offset + visible > <u64>size) {
    yoff = 0;
    offset = <u64>(xoff * bits / 8);
    if (offset + visible > <u64>size) { xoff = 0; offset = 0; }
  }
  S.vbe[DISPI_X_OFFSET] = <u16>xoff;
  S.vbe[DISPI_Y_OFFSET] = <u16>yoff;
  S.vbe[DISPI_VIRT_HEIGHT] = <u16>(maxY > 0xffff ? 0xffff : maxY);
  D.vbeStartByte = <u32>offset & ~3;
  D.vbeLineBytes = line;
  D.vbeBits = bits;
  D.fullRedraw = true;
}
