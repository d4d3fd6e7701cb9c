// Where things live in this module's linear memory. VRAM sits at a fixed, page-aligned offset,
// VRAM_BASE (16 MiB): everything below it is the AssemblyScript static data, the stub runtime's
// heap (allocated only during dev_init; no access path allocates) and the staging buffer. The
// runtime maps [VRAM_BASE, VRAM_BASE + vram size) as the LFB BAR (vram_map). The RGBA surface the
// renderer draws text, planar and 8/15/16/24-bpp modes into follows VRAM; 32-bpp modes are
// published straight from VRAM (zero copy). The manifest's --initialMemory 768 (48 MiB) covers
// the default 16 MiB of VRAM; dev_init grows memory for larger configurations.
export const VRAM_BASE: usize = 0x0100_0000;
export const SURFACE_MAX_BYTES: u32 = 16 << 20; // 2560 x 1600 RGBA
export const PAGE_SHIFT: u32 = 12;
export const WASM_PAGE: u32 = 65536;
export const MAX_VRAM_MB: u32 = 256;
export const MAX_VRAM_PAGES: i32 = <i32>((MAX_VRAM_MB << 20) >> PAGE_SHIFT);
export const MAX_LINE: i32 = 16384; // widest scanline the renderer draws
export const MAX_TEXT_COLS: i32 = 256;
export const MAX_TEXT_ROWS: i32 = 1024;

// Makes sure memory holds VRAM of `bytes` (a power of two in MiB, checked by the caller) and the
// surface after it. Returns false when memory cannot grow.
export function setupMemory(bytes: u32): bool {
  const need: u64 = <u64>VRAM_BASE + <u64>bytes + <u64>SURFACE_MAX_BYTES;
  const have: u64 = <u64>memory.size() * <u64>WASM_PAGE;
  if (need <= have) return true;
  const grow = <i32>((need - have + <u64>WASM_PAGE - 1) / <u64>WASM_PAGE);
  return memory.grow(grow) >= 0;
}

// Guards the one assumption the fixed offset makes: static data and heap end below VRAM.
export function heapBelowVram(): bool {
  return <usize>__heap_base < VRAM_BASE - (4 << 20);
}
