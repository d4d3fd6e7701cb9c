// Text modes (80x25, 80x50, 40x25, …): characters and attributes in planes 0/1, the font in
// plane 2 (two maps chosen by SR3 and attribute bit 3), 8- or 9-dot cells (line-graphics
// column for 0xC0-0xDF), blink (attribute bit 7 when AR10 enables it), cursor shape and
// position. A per-cell cache of what was drawn (D.textCells) limits work and damage to changed
// cells; the geometry of the current frame is D.textCols/textRows/cellW/cellH.
import { S, D } from "./state";
import { VRAM_BASE, MAX_TEXT_COLS, MAX_TEXT_ROWS } from "./layout";
import { rgbaPtr } from "./surface";
import { addRect } from "./damage";
import { charWidth, maxScan, displayLines, charClocks, startAddress, rowPitch } from "./geometry";
import {
  SR_CHAR_MAP, CR_CURSOR_START, CR_CURSOR_END, CR_CURSOR_HI, CR_CURSOR_LO, CR0A_CURSOR_OFF,
  AR_MODE, AR10_BLINK, AR10_LINE_GRAPHICS, FONT_PLANE,
} from "./regs";

const CELL_INVALID: u32 = 0xffffffff;
const CURSOR_BLINK_FRAMES: u32 = 16; // cursor toggles every 16 frames, blinking text every 32

// Geometry from the registers; false when the mode is not drawable.
export function textGeometry(): bool {
  D.cellW = charWidth();
  D.cellH = maxScan();
  D.textCols = charClocks();
  D.textRows = displayLines() / D.cellH;
  return D.textCols > 0 && D.textRows > 0 && D.textCols <= MAX_TEXT_COLS && D.textRows <= MAX_TEXT_ROWS;
}

export function invalidateTextCache(): void {
  const n = D.textCols * D.textRows;
  const cache = D.textCells;
  for (let i = 0; i < n && i < MAX_TEXT_COLS * MAX_TEXT_ROWS; i++) cache[i] = CELL_INVALID;
}

// Plane-2 offset of character map n (0..7): maps 0-3 at 16 KiB steps, 4-7 at +8 KiB.
function fontBase(map: u32): u32 { return ((map & 3) << 14) | ((map >> 2) << 13); }

export function renderText(w: i32): void {
  const sr3 = <u32>S.sr[SR_CHAR_MAP];
  const fontA = fontBase(((sr3 >> 2) & 3) | ((sr3 >> 3) & 4));
  const fontB = fontBase((sr3 & 3) | ((sr3 >> 2) & 4));
  const start = startAddress();
  const pitch = rowPitch();
  const mode = S.ar[AR_MODE];
  const blinkOn = ((S.frame / (CURSOR_BLINK_FRAMES * 2)) & 1) == 0;
  const cursorOn = ((S.frame / CURSOR_BLINK_FRAMES) & 1) == 0 && (S.cr[CR_CURSOR_START] & CR0A_CURSOR_OFF) == 0;
  const cursorAddr = ((<u32>S.cr[CR_CURSOR_HI] << 8) | <u32>S.cr[CR_CURSOR_LO]) & 0xffff;
  const cols = D.textCols;
  const rows = D.textRows;
  const cellW = D.cellW;
  const cellH = D.cellH;
  const cache = D.textCells;
  for (let r = 0; r < rows; r++) {
    let x0 = -1;
    let x1 = -1;
    for (let c = 0; c < cols; c++) {
      const a = (start + <u32>r * pitch + <u32>c) & 0xffff;
      const cell = load<u32>(VRAM_BASE + (<usize>a << 2));
      const ch = cell & 0xff;
      const attr = (cell >> 8) & 0xff;
      const isCursor = cursorOn && a == cursorAddr;
      const blinks = (mode & AR10_BLINK) != 0 && (attr & 0x80) != 0;
      const shape = isCursor ? 0x10000 | (<u32>(S.cr[CR_CURSOR_START] & 0x1f) << 18) | (<u32>(S.cr[CR_CURSOR_END] & 0x1f) << 23) : 0;
      const key = ch | (attr << 8) | shape | (blinks && !blinkOn ? 0x20000 : 0);
      const idx = r * cols + c;
      if (cache[idx] == key) continue;
      cache[idx] = key;
      drawCell(w, r, c, ch, attr, (attr & 8) != 0 ? fontA : fontB, isCursor, blinks && !blinkOn, mode);
      if (x0 < 0) x0 = c;
      x1 = c + 1;
    }
    if (x0 >= 0) addRect(x0 * cellW, r * cellH, x1 * cellW, (r + 1) * cellH);
  }
}

function drawCell(w: i32, r: i32, c: i32, ch: u32, attr: u32, font: u32, cursor: bool, hidden: bool, mode: u8): void {
  const blinkMode = (mode & AR10_BLINK) != 0;
  const rgba16 = D.rgba16;
  const bg = rgba16[<i32>(blinkMode ? (attr >> 4) & 7 : attr >> 4)];
  const trueFg = rgba16[<i32>(attr & 0xf)];
  const fg = hidden ? bg : trueFg;
  const cellW = D.cellW;
  const cellH = D.cellH;
  const wide = cellW >= 16 ? 2 : 1; // dot clock halved: every dot twice
  const dots = cellW / wide;
  const lineGraphics = (mode & AR10_LINE_GRAPHICS) != 0 && ch >= 0xc0 && ch <= 0xdf;
  const cs = <i32>(S.cr[CR_CURSOR_START] & 0x1f);
  const ce = <i32>(S.cr[CR_CURSOR_END] & 0x1f);
  const base = rgbaPtr();
  for (let y = 0; y < cellH; y++) {
    let bits = <u32>load<u8>(VRAM_BASE + ((<usize>(font + (ch << 5) + <u32>(y & 31)) & 0xffff) << 2) + <usize>FONT_PLANE);
    const cursorRow = cursor && y >= cs && y <= ce;
    if (cursorRow) bits = 0xff;
    const ninth = dots == 9 && (cursorRow || lineGraphics && (bits & 1) != 0);
    const on1 = cursorRow ? trueFg : fg;
    const row = base + (<usize>(r * cellH + y) * <usize>w + <usize>(c * cellW)) * 4;
    for (let x = 0; x < dots; x++) {
      const on = x < 8 ? ((bits >> <u32>(7 - x)) & 1) != 0 : ninth;
      const px = on ? on1 : bg;
      for (let k = 0; k < wide; k++) store<u32>(row + <usize>(x * wide + k) * 4, px);
    }
  }
}
