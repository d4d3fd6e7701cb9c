// Legacy VGA I/O ports 0x3B0-0x3DF (also reached through BAR2 + 0x400): misc output, input
// status 0/1 (reading status 1 toggles retrace and resets the attribute flip-flop), sequencer,
// graphics controller, CRTC with the CR11 protect bit, attribute controller with its
// index/data flip-flop, DAC indexes and data with 6-bit components, PEL mask, feature control.
// The mono (0x3Bx) or colour (0x3Dx) CRTC/status ports not selected by MISC bit 0 are ignored.
import { S, D, DAC_COMPONENTS } from "./state";
import {
  PORT_CRTC_INDEX_MONO, PORT_CRTC_DATA_MONO, PORT_STATUS1_MONO, PORT_ATTR_INDEX, PORT_ATTR_DATA,
  PORT_MISC_WRITE, PORT_SEQ_INDEX, PORT_SEQ_DATA, PORT_PEL_MASK, PORT_DAC_READ_INDEX,
  PORT_DAC_WRITE_INDEX, PORT_DAC_DATA, PORT_FEATURE_READ, PORT_MISC_READ, PORT_GR_INDEX,
  PORT_GR_DATA, PORT_CRTC_INDEX_COLOR, PORT_CRTC_DATA_COLOR, PORT_STATUS1_COLOR,
  MISC_COLOR_EMULATION, MISC_WRITE_MASK, FCR_WRITE_MASK, ST01_DISPLAY_DISABLED, ST01_VERTICAL_RETRACE,
  SR_INDEX_MASK, SR_CLOCKING, SR_CHAR_MAP, GR_INDEX_MASK, GR_MODE, GR_MISC, GR5_SHIFT_MASK, GR6_GRAPHICS,
  CR_CURSOR_START, CR_CURSOR_END, CR_CURSOR_HI, CR_CURSOR_LO, CR_OVERFLOW, CR_V_RETRACE_END, CR11_PROTECT, CR07_LINE_COMPARE_8,
  AR_COUNT, AR_INDEX_PAS, AR_INDEX_MASK, AR_INDEX_WRITE_MASK, DISPI_ENABLE, DISPI_8BIT_DAC,
} from "./regs";

// Writable bits per sequencer / graphics-controller register (the rest read back 0).
const SR_WRITE_MASK: StaticArray<u8> = [0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff];
const GR_WRITE_MASK: StaticArray<u8> = [0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff, 0, 0, 0, 0, 0, 0, 0];
// ... and per attribute-controller register: palette 0-15 (6 bits), mode (bit 4 does not exist),
// overscan, colour plane enable (bits 5:4), pel panning and colour select (bits 3:0).
const AR_WRITE_MASK: StaticArray<u8> = [
  0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
  0xef, 0xff, 0x3f, 0x0f, 0x0f,
];
const DAC_STATE_WRITE: u8 = 0; // 0x3C7 reads what the last index write selected
const DAC_STATE_READ: u8 = 3;

// Ports of the CRTC/status block the current MISC bit 0 does not select.
function unselected(port: i32): bool {
  const color = (S.misc & MISC_COLOR_EMULATION) != 0;
  if (port >= 0x3b0 && port <= 0x3bf) return color;
  if (port >= 0x3d0 && port <= 0x3df) return !color;
  return false;
}

export function portRead(port: i32): u32 {
  if (unselected(port)) return 0xff;
  switch (port) {
    case PORT_ATTR_INDEX: return <u32>S.arIndex;
    case PORT_ATTR_DATA: return readAttrData();
    case PORT_MISC_WRITE: return <u32>S.st00;
    case PORT_SEQ_INDEX: return <u32>S.srIndex;
    case PORT_SEQ_DATA: return <u32>S.sr[S.srIndex & SR_INDEX_MASK];
    case PORT_PEL_MASK: return <u32>S.pelMask;
    case PORT_DAC_READ_INDEX: return <u32>S.dacState;
    case PORT_DAC_WRITE_INDEX: return <u32>S.dacWriteIndex;
    case PORT_DAC_DATA: return readDacData();
    case PORT_FEATURE_READ: return <u32>S.fcr;
    case PORT_MISC_READ: return <u32>S.misc;
    case PORT_GR_INDEX: return <u32>S.grIndex;
    case PORT_GR_DATA: return <u32>S.gr[S.grIndex & GR_INDEX_MASK];
    case PORT_CRTC_INDEX_MONO: case PORT_CRTC_INDEX_COLOR: return <u32>S.crIndex;
    case PORT_CRTC_DATA_MONO: case PORT_CRTC_DATA_COLOR: return <u32>S.cr[S.crIndex];
    case PORT_STATUS1_MONO: case PORT_STATUS1_COLOR: return readStatus1();
    default: return 0xff;
  }
}

export function portWrite(port: i32, value: u32): void {
  if (unselected(port)) return;
  const v = <u8>value;
  switch (port) {
    case PORT_ATTR_INDEX: writeAttr(v); break;
    case PORT_MISC_WRITE: writeMisc(v); break;
    case PORT_SEQ_INDEX: S.srIndex = v & <u8>SR_INDEX_MASK; break;
    case PORT_SEQ_DATA: writeSeq(v); break;
    case PORT_PEL_MASK: S.pelMask = v; D.paletteDirty = true; break;
    case PORT_DAC_READ_INDEX: writeDacReadIndex(v); break;
    case PORT_DAC_WRITE_INDEX: writeDacWriteIndex(v); break;
    case PORT_DAC_DATA: writeDacData(v); break;
    case PORT_GR_INDEX: S.grIndex = v & <u8>GR_INDEX_MASK; break;
    case PORT_GR_DATA: writeGr(v); break;
    case PORT_CRTC_INDEX_MONO: case PORT_CRTC_INDEX_COLOR: S.crIndex = v; break;
    case PORT_CRTC_DATA_MONO: case PORT_CRTC_DATA_COLOR: writeCrtc(v); break;
    case PORT_STATUS1_MONO: case PORT_STATUS1_COLOR: S.fcr = v & FCR_WRITE_MASK; break;
    default: break;
  }
}

// Input status 1: the "dumb retrace" of QEMU's std-vga, display-disabled and vertical-retrace
// toggle on every read so polling loops end; the read resets the attribute flip-flop.
function readStatus1(): u32 {
  const v = S.st01 ^ (ST01_DISPLAY_DISABLED | ST01_VERTICAL_RETRACE);
  S.st01 = v;
  S.arFlipFlop = 0;
  return <u32>v;
}

function writeMisc(v: u8): void {
  S.misc = v & MISC_WRITE_MASK;
  D.fullRedraw = true;
}

function readAttrData(): u32 {
  const i = <i32>(S.arIndex & AR_INDEX_MASK);
  return i < AR_COUNT ? <u32>S.ar[i] : 0;
}

// 0x3C0: index on the first write, data on the second.
function writeAttr(v: u8): void {
  if (S.arFlipFlop == 0) {
    writeAttrIndex(v & AR_INDEX_WRITE_MASK);
  } else {
    writeAttrData(<i32>(S.arIndex & AR_INDEX_MASK), v);
  }
  S.arFlipFlop ^= 1;
}

// PAS (palette address source) going on or off shows or blanks the screen.
function writeAttrIndex(v: u8): void {
  if (((v ^ S.arIndex) & AR_INDEX_PAS) != 0) D.fullRedraw = true;
  S.arIndex = v;
}

function writeAttrData(i: i32, v: u8): void {
  if (i >= AR_COUNT) return;
  S.ar[i] = v & AR_WRITE_MASK[i];
  D.paletteDirty = true;
  D.fullRedraw = true;
}

// Only registers that change what the screen shows force a full redraw: the map mask, set/reset,
// bit mask and friends are rewritten constantly while drawing and do not.
function writeSeq(v: u8): void {
  const i = <i32>(S.srIndex & <u8>SR_INDEX_MASK);
  const old = S.sr[i];
  S.sr[i] = v & SR_WRITE_MASK[i];
  if ((i == SR_CLOCKING || i == SR_CHAR_MAP) && old != S.sr[i]) D.fullRedraw = true;
}

function writeGr(v: u8): void {
  const i = <i32>(S.grIndex & <u8>GR_INDEX_MASK);
  const old = S.gr[i];
  S.gr[i] = v & GR_WRITE_MASK[i];
  const changed = old ^ S.gr[i];
  if ((i == GR_MODE && (changed & GR5_SHIFT_MASK) != 0) || (i == GR_MISC && (changed & GR6_GRAPHICS) != 0)) D.fullRedraw = true;
}

// CR0-CR7 are read-only while CR11 bit 7 is set, except the line-compare bit 8 in CR7.
function writeCrtc(v: u8): void {
  const i = <i32>S.crIndex;
  if (i <= CR_OVERFLOW && (S.cr[CR_V_RETRACE_END] & CR11_PROTECT) != 0) {
    if (i == CR_OVERFLOW) S.cr[i] = (S.cr[i] & ~CR07_LINE_COMPARE_8) | (v & CR07_LINE_COMPARE_8);
    return;
  }
  S.cr[i] = v;
  // Cursor shape and position are part of each text cell's cache key (render-text.ts).
  if (i != CR_CURSOR_START && i != CR_CURSOR_END && i != CR_CURSOR_HI && i != CR_CURSOR_LO) D.fullRedraw = true;
}

function dacComponentMask(): u8 { return (S.vbe[DISPI_ENABLE] & DISPI_8BIT_DAC) != 0 ? 0xff : 0x3f; }

function writeDacReadIndex(v: u8): void {
  S.dacReadIndex = v;
  S.dacSubIndex = 0;
  S.dacState = DAC_STATE_READ;
}

function writeDacWriteIndex(v: u8): void {
  S.dacWriteIndex = v;
  S.dacSubIndex = 0;
  S.dacState = DAC_STATE_WRITE;
}

// Three writes (red, green, blue) per entry; the index then advances and wraps at 256.
function writeDacData(v: u8): void {
  S.dacCache[<i32>S.dacSubIndex] = v & dacComponentMask();
  const next = S.dacSubIndex + 1;
  if (<i32>next < DAC_COMPONENTS) { S.dacSubIndex = next; return; }
  const base = <i32>S.dacWriteIndex * DAC_COMPONENTS;
  for (let k = 0; k < DAC_COMPONENTS; k++) S.palette[base + k] = S.dacCache[k];
  S.dacSubIndex = 0;
  S.dacWriteIndex++;
  D.paletteDirty = true;
}

function readDacData(): u32 {
  const v = S.palette[<i32>S.dacReadIndex * DAC_COMPONENTS + <i32>S.dacSubIndex];
  const next = S.dacSubIndex + 1;
  if (<i32>next < DAC_COMPONENTS) S.dacSubIndex = next;
  else { S.dacSubIndex = 0; S.dacReadIndex++; }
  return <u32>v;
}
