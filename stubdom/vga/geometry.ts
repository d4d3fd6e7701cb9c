// What the CRTC, sequencer and graphics controller say about the legacy display: visible
// lines, character-cell size, row pitch, start address, line compare.
import { S } from "./state";
import {
  CR_H_DISPLAY_END, CR_OVERFLOW, CR_MAX_SCAN, CR_START_HI, CR_START_LO, CR_V_DISPLAY_END, CR_OFFSET,
  CR_LINE_COMPARE, SR_CLOCKING, SR1_9DOT_OFF, SR1_DOT_CLOCK_HALF, GR_MODE,
} from "./regs";

export function displayLines(): i32 {
  const o = <i32>S.cr[CR_OVERFLOW];
  return (<i32>S.cr[CR_V_DISPLAY_END] | ((o & 0x02) << 7) | ((o & 0x40) << 3)) + 1;
}
export function charClocks(): i32 { return <i32>S.cr[CR_H_DISPLAY_END] + 1; }
export function maxScan(): i32 { return (<i32>S.cr[CR_MAX_SCAN] & 0x1f) + 1; }
export function doubleScan(): i32 { return (<i32>S.cr[CR_MAX_SCAN] >> 7) & 1; }
export function startAddress(): u32 { return (<u32>S.cr[CR_START_HI] << 8) | <u32>S.cr[CR_START_LO]; }
// Row pitch in planar addresses (CR13 counts words).
export function rowPitch(): u32 { return <u32>S.cr[CR_OFFSET] << 1; }
export function lineCompare(): i32 {
  return <i32>S.cr[CR_LINE_COMPARE] | ((<i32>S.cr[CR_OVERFLOW] & 0x10) << 4) | ((<i32>S.cr[CR_MAX_SCAN] & 0x40) << 3);
}
export function charWidth(): i32 {
  let w = (S.sr[SR_CLOCKING] & SR1_9DOT_OFF) != 0 ? 8 : 9;
  if (S.sr[SR_CLOCKING] & SR1_DOT_CLOCK_HALF) w <<= 1;
  return w;
}
export function shiftMode(): i32 { return (<i32>S.gr[GR_MODE] >> 5) & 3; }
