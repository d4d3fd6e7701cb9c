// The legacy memory window 0xA0000-0xBFFFF: memory-map select (GR6), the banked 64 KiB VBE
// window, chain-4, odd/even, planar access with the four latches, read modes 0/1, write modes
// 0-3 with rotate, function select, set/reset, bit mask and the sequencer map mask.
// VRAM layout (as on the chip, and as QEMU keeps it): planar address a, plane p is VRAM byte
// a * 4 + p; chain-4 byte address b is VRAM byte b. Every address is checked against VRAM.
import { VRAM_BASE } from "./layout";
import { S, D, vramSize } from "./state";
import {
  SR_MAP_MASK, SR_MEMORY_MODE, SR4_CHAIN4,
  GR_SET_RESET, GR_ENABLE_SET_RESET, GR_COLOR_COMPARE, GR_ROTATE, GR_READ_MAP, GR_MODE, GR_MISC,
  GR_COLOR_DONT_CARE, GR_BIT_MASK, GR5_READ_MODE1, GR5_HOST_ODD_EVEN, VGA_WINDOW_SIZE, FONT_PLANE,
} from "./regs";
import { markByte } from "./dirty";
import { dispiEnabled } from "./dispi";

// Offsets in the window of the 0xB0000 (monochrome) and 0xB8000 (colour text) maps.
const MAP_B0000: u32 = 0x10000;
const MAP_B8000: u32 = 0x18000;

// One byte replicated to the planes whose bit is set in a 4-bit mask.
function expand4(mask: u32): u32 {
  let v: u32 = 0;
  if (mask & 1) v |= 0x000000ff;
  if (mask & 2) v |= 0x0000ff00;
  if (mask & 4) v |= 0x00ff0000;
  if (mask & 8) v |= 0xff000000;
  return v;
}

function vramRead8(off: u32): u32 { return off < vramSize() ? <u32>load<u8>(VRAM_BASE + <usize>off) : 0xff; }
function vramWrite8(off: u32, v: u32): void {
  if (off >= vramSize()) return;
  store<u8>(VRAM_BASE + <usize>off, <u8>v);
  markByte(off);
  if ((off & 3) == FONT_PLANE) D.fontDirty = true;
}

// Window offset (0..0x1FFFF from 0xA0000) → offset inside the selected map, or -1 when the
// current memory-map select does not decode it.
function decode(addr: u32): i32 {
  if (dispiEnabled()) return addr < MAP_B0000 ? <i32>addr : -1; // banked VBE window: map 1
  const map = (S.gr[GR_MISC] >> 2) & 3;
  if (map == 0) return <i32>addr;
  if (map == 1) return addr < MAP_B0000 ? <i32>addr : -1;
  if (map == 2) return addr >= MAP_B0000 && addr < MAP_B8000 ? <i32>(addr - MAP_B0000) : -1;
  return addr >= MAP_B8000 ? <i32>(addr - MAP_B8000) : -1;
}

export function windowRead(addr: u32): u32 {
  const a = decode(addr & (VGA_WINDOW_SIZE - 1));
  if (a < 0) return 0xff;
  const off = <u32>a;
  if (dispiEnabled()) return vramRead8(S.bankOffset + off);
  const mode = S.sr[SR_MEMORY_MODE];
  if (mode & SR4_CHAIN4) return vramRead8(off);
  if (S.gr[GR_MODE] & GR5_HOST_ODD_EVEN) {
    const plane = (<u32>S.gr[GR_READ_MAP] & 2) | (off & 1);
    return vramRead8(((off & ~1) << 1) | plane);
  }
  // Planar: the read loads all four latches.
  const byteOff = off << 2;
  if (byteOff + 3 >= vramSize()) return 0xff;
  const l = load<u32>(VRAM_BASE + <usize>byteOff);
  S.latch = l;
  if ((S.gr[GR_MODE] & GR5_READ_MODE1) == 0) return (l >> ((<u32>S.gr[GR_READ_MAP] & 3) << 3)) & 0xff;
  // Read mode 1: colour compare over the planes not marked "don't care".
  const cmp = expand4(<u32>S.gr[GR_COLOR_COMPARE] & 0xf);
  const care = expand4(<u32>S.gr[GR_COLOR_DONT_CARE] & 0xf);
  const diff = (l ^ cmp) & care;
  const any = (diff | (diff >> 8) | (diff >> 16) | (diff >> 24)) & 0xff;
  return (~any) & 0xff;
}

export function windowWrite(addr: u32, value: u32): void {
  const a = decode(addr & (VGA_WINDOW_SIZE - 1));
  if (a < 0) return;
  const off = <u32>a;
  let val = value & 0xff;
  if (dispiEnabled()) { vramWrite8(S.bankOffset + off, val); return; }
  const mode = S.sr[SR_MEMORY_MODE];
  const mapMask = <u32>S.sr[SR_MAP_MASK] & 0xf;
  if (mode & SR4_CHAIN4) {
    if (mapMask & (1 << (off & 3))) vramWrite8(off, val);
    return;
  }
  if (S.gr[GR_MODE] & GR5_HOST_ODD_EVEN) {
    // A0 picks the odd or even plane of the pair that read-map-select bit 1 names (as QEMU).
    const plane = (<u32>S.gr[GR_READ_MAP] & 2) | (off & 1);
    if (mapMask & (1 << plane)) vramWrite8(((off & ~1) << 1) | plane, val);
    return;
  }
  writePlanar(off, val, mapMask);
}

function writePlanar(off: u32, val: u32, mapMask: u32): void {
  const byteOff = off << 2;
  if (byteOff + 3 >= vramSize()) return;
  const writeMode = <u32>S.gr[GR_MODE] & 3;
  const rotate = <u32>S.gr[GR_ROTATE] & 7;
  let data: u32;
  let bitMask: u32 = <u32>S.gr[GR_BIT_MASK];
  if (writeMode == 1) {
    data = S.latch;
    storePlanes(byteOff, data, mapMask);
    return;
  }
  if (writeMode == 2) {
    data = expand4(val & 0xf);
  } else if (writeMode == 3) {
    val = ((val >> rotate) | (val << (8 - rotate))) & 0xff;
    bitMask &= val;
    data = expand4(<u32>S.gr[GR_SET_RESET] & 0xf);
  } else {
    val = ((val >> rotate) | (val << (8 - rotate))) & 0xff;
    data = val * 0x01010101;
    const sre = expand4(<u32>S.gr[GR_ENABLE_SET_RESET] & 0xf);
    data = (data & ~sre) | (expand4(<u32>S.gr[GR_SET_RESET] & 0xf) & sre);
  }
  const fn = (<u32>S.gr[GR_ROTATE] >> 3) & 3;
  if (fn == 1) data &= S.latch;
  else if (fn == 2) data |= S.latch;
  else if (fn == 3) data ^= S.latch;
  const bm = bitMask * 0x01010101;
  data = (data & bm) | (S.latch & ~bm);
  storePlanes(byteOff, data, mapMask);
}

function storePlanes(byteOff: u32, data: u32, mapMask: u32): void {
  const pm = expand4(mapMask);
  const p = VRAM_BASE + <usize>byteOff;
  store<u32>(p, (load<u32>(p) & ~pm) | (data & pm));
  markByte(byteOff);
  if (mapMask & (1 << FONT_PLANE)) D.fontDirty = true;
}
