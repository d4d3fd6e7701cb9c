// All device state in one place (so it can be saved and restored): the legacy VGA registers,
// DAC, latches, the Bochs VBE DISPI registers and what the mode set derived from them, the
// option-ROM status and the renderer's bookkeeping. VRAM itself lives at layout.VRAM_BASE.

// --- legacy VGA ---
export let misc: u8 = 0;
export let fcr: u8 = 0;
export let st00: u8 = 0;
export let st01: u8 = 0;
export let srIndex: u8 = 0;
export const sr = new StaticArray<u8>(8);
export let grIndex: u8 = 0;
export const gr = new StaticArray<u8>(16);
export let crIndex: u8 = 0;
export const cr = new StaticArray<u8>(256);
export let arIndex: u8 = 0;
export let arFlipFlop: u8 = 0;
export const ar = new StaticArray<u8>(32);
export let latch: u32 = 0;

// --- DAC ---
export let pelMask: u8 = 0xff;
export let dacState: u8 = 0;
export let dacReadIndex: u8 = 0;
export let dacWriteIndex: u8 = 0;
export let dacSubIndex: u8 = 0;
export const dacCache = new StaticArray<u8>(3);
export const palette = new StaticArray<u8>(768);

// --- Bochs VBE DISPI ---
export let vbeIndex: u16 = 0;
export const vbe = new StaticArray<u16>(16);
export let bankOffset: u32 = 0;
// Derived by the fixup when a mode is enabled; the renderer and LFB paths trust only these.
export let vbeStartByte: u32 = 0;
export let vbeLineBytes: u32 = 0;
export let vbeBits: u32 = 8;

// --- renderer bookkeeping (see display.ts) ---
export let frame: u32 = 0;
export let fullRedraw: bool = true;
export let paletteDirty: bool = true;
export let fontDirty: bool = true;

// Setters (AssemblyScript exports `let` bindings read-only to other modules).
export function setMisc(v: u8): void { misc = v; fullRedraw = true; }
export function setFcr(v: u8): void { fcr = v; }
export function setSt01(v: u8): void { st01 = v; }
export function setSrIndex(v: u8): void { srIndex = v; }
export function setGrIndex(v: u8): void { grIndex = v; }
export function setCrIndex(v: u8): void { crIndex = v; }
export function setArIndex(v: u8): void { if ((v ^ arIndex) & 0x20) fullRedraw = true; arIndex = v; }
export function setArFlipFlop(v: u8): void { arFlipFlop = v; }
export function setLatch(v: u32): void { latch = v; }
export function setPelMask(v: u8): void { pelMask = v; paletteDirty = true; }
export function setDacState(v: u8): void { dacState = v; }
export function setDacReadIndex(v: u8): void { dacReadIndex = v; }
export function setDacWriteIndex(v: u8): void { dacWriteIndex = v; }
export function setDacSubIndex(v: u8): void { dacSubIndex = v; }
export function setVbeIndex(v: u16): void { vbeIndex = v; }
export function setBankOffset(v: u32): void { bankOffset = v; }
export function setVbeDerived(start: u32, line: u32, bits: u32): void { vbeStartByte = start; vbeLineBytes = line; vbeBits = bits; fullRedraw = true; }
export function nextFrame(): void { frame++; }
export function invalidateAll(): void { fullRedraw = true; paletteDirty = true; fontDirty = true; }
export function markFullRedraw(): void { fullRedraw = true; }
export function markPaletteDirty(): void { paletteDirty = true; }
export function markFontDirty(): void { fontDirty = true; }
export function clearRedrawFlags(): void { fullRedraw = false; paletteDirty = false; fontDirty = false; }

// Power-on state: QEMU's std-vga (and the IBM VGA before the BIOS runs) comes up with every
// register zero, so nothing is shown until a mode is set; DISPI reports ID5.
export function resetState(): void {
  misc = 0; fcr = 0; st00 = 0; st01 = 0;
  srIndex = 0; grIndex = 0; crIndex = 0; arIndex = 0; arFlipFlop = 0; latch = 0;
  for (let i = 0; i < 8; i++) sr[i] = 0;
  for (let i = 0; i < 16; i++) gr[i] = 0;
  for (let i = 0; i < 256; i++) cr[i] = 0;
  for (let i = 0; i < 32; i++) ar[i] = 0;
  pelMask = 0xff; dacState = 0; dacReadIndex = 0; dacWriteIndex = 0; dacSubIndex = 0;
  for (let i = 0; i < 3; i++) dacCache[i] = 0;
  for (let i = 0; i < 768; i++) palette[i] = 0;
  vbeIndex = 0; bankOffset = 0;
  for (let i = 0; i < 16; i++) vbe[i] = 0;
  vbe[0] = 0xb0c5;
  vbeStartByte = 0; vbeLineBytes = 0; vbeBits = 8;
  frame = 0;
  invalidateAll();
}
