// One frame (EVENT_DISPLAY_REFRESH): chooses blank / text / legacy graphics / VBE from the
// registers, publishes the surface when its kind or geometry changed, pulls the host's LFB
// dirty log, renders only what changed and reports damage rectangles.
import { SURFACE_RGBA32, SURFACE_BGRX32 } from "../lib/abi";
import { logWarn } from "../lib/log";
import { S, D } from "./state";
import { VRAM_BASE } from "./layout";
import { rebuildPalette } from "./palette";
import { publish, publishBlank, fitsRgba, rgbaPtr } from "./surface";
import { beginFrame, endFrame } from "./damage";
import { fillSurface } from "./linebuf";
import { mergeHostLog, clearRange, clearAll } from "./dirty";
import { textGeometry, renderText, invalidateTextCache } from "./render-text";
import { graphicsGeometry, renderGraphics } from "./render-planar";
import { vbeFits, vbeWidth, vbeHeight, damageDirect, renderConverted } from "./render-vbe";
import { dispiEnabled } from "./dispi";
import { SR_CLOCKING, SR1_SCREEN_OFF, GR_MISC, GR6_GRAPHICS, AR_INDEX_PAS } from "./regs";

const LEGACY_VRAM_BYTES: u32 = 0x80000; // what the legacy window can reach (128 KiB planar x 4)

export function refresh(): void {
  beginFrame();
  if (D.paletteDirty) { rebuildPalette(); D.fullRedraw = true; }
  if ((S.arIndex & AR_INDEX_PAS) == 0 || (S.sr[SR_CLOCKING] & SR1_SCREEN_OFF) != 0) {
    publishBlank();
  } else if (dispiEnabled()) {
    frameVbe();
  } else if ((S.gr[GR_MISC] & GR6_GRAPHICS) != 0) {
    frameGraphics();
  } else {
    frameText();
  }
  endFrame();
  D.fullRedraw = false;
  D.paletteDirty = false;
  D.fontDirty = false;
  S.frame++;
}

function startRgba(w: i32, h: i32): bool {
  const changed = publish(SURFACE_RGBA32, w, h, w * 4, rgbaPtr());
  if (changed) fillSurface(w, h, 0);
  return changed;
}

function frameText(): void {
  if (!textGeometry() || !fitsRgba(D.textCols * D.cellW, D.textRows * D.cellH)) { unsupported(); return; }
  const w = D.textCols * D.cellW;
  if (startRgba(w, D.textRows * D.cellH) || D.fullRedraw || D.fontDirty) invalidateTextCache();
  renderText(w);
  clearRange(0, LEGACY_VRAM_BYTES);
}

function frameGraphics(): void {
  if (!graphicsGeometry() || !fitsRgba(D.gfxW, D.gfxH)) { unsupported(); return; }
  const changed = startRgba(D.gfxW, D.gfxH);
  renderGraphics(changed || D.fullRedraw);
  clearRange(0, LEGACY_VRAM_BYTES);
}

function frameVbe(): void {
  if (!vbeFits()) { unsupported(); return; }
  const w = vbeWidth();
  const h = vbeHeight();
  const visible = <u32>h * D.vbeLineBytes;
  mergeHostLog(D.vbeStartByte, visible);
  if (D.vbeBits == 32) {
    const changed = publish(SURFACE_BGRX32, w, h, <i32>D.vbeLineBytes, VRAM_BASE + <usize>D.vbeStartByte);
    damageDirect(changed || D.fullRedraw);
  } else {
    if (!fitsRgba(w, h)) { unsupported(); return; }
    const changed = startRgba(w, h);
    renderConverted(changed || D.fullRedraw);
  }
  clearRange(D.vbeStartByte, visible);
}

function unsupported(): void {
  if (!D.unsupportedLogged) { D.unsupportedLogged = true; logWarn("display mode too large for the surface buffer or not drawable: shown blank"); }
  publishBlank();
}

// Guest reset: everything is redrawn on the next frame.
export function displayReset(): void {
  clearAll();
  publishBlank();
}
