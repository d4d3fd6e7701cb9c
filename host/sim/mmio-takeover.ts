// Takes v86's memory-mapped I/O over, in its 128 KiB blocks: the legacy VGA window
// (0xA0000–0xBFFFF) always, v86's own SVGA framebuffer (hard-wired at 0xE0000000) switched off,
// and above guest RAM every block that overlaps a range the stub domain claimed or a VRAM
// mapping (the LFB) — installed when the runtime maps it, removed when it unmaps it (BARs move
// when the firmware programs them). Inside a taken block each access goes through the
// simulator: VRAM is served from the VGA module's memory with no ioreq, claimed ranges become
// MMIO ioreqs, the rest reads all-ones and drops writes.
import type { V86Cpu, MmapRead, MmapWrite } from "./v86-types.ts";
import type { XenSim } from "../node/xen-sim.ts";
import { DIR_READ, DIR_WRITE } from "../node/ioreq.ts";

export const BLOCK_SHIFT = 17;
export const VGA_BLOCK = 0xa0000 >>> BLOCK_SHIFT;
/** v86 keeps its BIOS alias (0xFFF00000–0xFFFFFFFF) for the reset vector. */
export const BIOS_ALIAS = 0xfff00000;

interface Handlers { r8: MmapRead | undefined; w8: MmapWrite | undefined; r32: MmapRead | undefined; w32: MmapWrite | undefined }

export class MmioTakeover {
  private readonly refs = new Map<number, number>();
  private readonly saved = new Map<number, Handlers>();
  readonly refused: Array<{ start: number; end: number; why: string }> = [];
  private readonly ours: Handlers;

  constructor(private readonly cpu: V86Cpu, private readonly sim: XenSim, private readonly beforeAccess: () => void) {
    this.ours = {
      r8: (a) => { beforeAccess(); return sim.mmioAccess(0, a >>> 0, 1, DIR_READ) & 0xff; },
      w8: (a, v) => { beforeAccess(); sim.mmioAccess(0, a >>> 0, 1, DIR_WRITE, v & 0xff); },
      r32: (a) => { beforeAccess(); return sim.mmioAccess(0, a >>> 0, 4, DIR_READ) | 0; },
      w32: (a, v) => { beforeAccess(); sim.mmioAccess(0, a >>> 0, 4, DIR_WRITE, v >>> 0); },
    };
  }

  /** v86's handler for unassigned space above RAM (reads all-ones), recorded before any claim. */
  unassigned: MmapRead | undefined;

  install(): void {
    this.unassigned = this.cpu.memory_map_read8[this.cpu.memory_size[0]! >>> BLOCK_SHIFT];
    // v86's LFB lives in its wasm memory path (in_svga_lfb), ahead of the block tables: a size of
    // zero makes that range empty, so 0xE0000000 is plain MMIO space again.
    this.cpu.svga_allocate_memory(0);
    this.take(VGA_BLOCK);
    this.keepWideStores();
  }

  /**
   * A 16-bit store reaches a device as one 2-byte access and 64/128-bit stores as 8-byte ones,
   * as under Xen (one ioreq of the instruction's width), instead of v86's split into bytes or
   * dwords. Loads cannot be kept whole: v86's core splits 16-bit MMIO loads into two byte loads
   * before they leave wasm (there is no 16-bit MMIO read import), so a device sees those as two
   * 1-byte ioreqs at addr and addr+1.
   */
  private keepWideStores(): void {
    const c = this.cpu;
    const { sim, beforeAccess } = this;
    const w16 = c.mmap_write16.bind(c);
    const w64 = c.mmap_write64.bind(c);
    const w128 = c.mmap_write128.bind(c);
    const ours = (a: number): boolean => this.isOurs(a >>> BLOCK_SHIFT) && this.isOurs((a + 15) >>> BLOCK_SHIFT);
    c.mmap_write16 = (addr, v) => {
      const a = addr >>> 0;
      if (!ours(a)) return w16(addr, v);
      beforeAccess();
      sim.mmioAccess(0, a, 2, DIR_WRITE, v & 0xffff);
    };
    c.mmap_write64 = (addr, lo, hi) => {
      const a = addr >>> 0;
      if (!ours(a)) return w64(addr, lo, hi);
      beforeAccess();
      sim.mmio64(0, a, 8, DIR_WRITE, lo >>> 0, hi >>> 0);
    };
    c.mmap_write128 = (addr, v0, v1, v2, v3) => {
      const a = addr >>> 0;
      if (!ours(a)) return w128(addr, v0, v1, v2, v3);
      beforeAccess();
      sim.mmio64(0, a, 8, DIR_WRITE, v0 >>> 0, v1 >>> 0);
      sim.mmio64(0, a + 8, 8, DIR_WRITE, v2 >>> 0, v3 >>> 0);
    };
  }

  /** Whether block `b` currently routes to the simulator. */
  isOurs(b: number): boolean {
    return this.cpu.memory_map_read8[b] === this.ours.r8;
  }

  mapped(start: number, end: number): void {
    const why = this.unroutable(start, end);
    if (why) { this.refused.push({ start, end, why }); return; }
    for (let b = start >>> BLOCK_SHIFT; b <= end >>> BLOCK_SHIFT; b++) {
      const n = (this.refs.get(b) ?? 0) + 1;
      this.refs.set(b, n);
      if (n === 1 && b !== VGA_BLOCK) this.take(b);
    }
  }

  unmapped(start: number, end: number): void {
    if (this.unroutable(start, end)) return;
    for (let b = start >>> BLOCK_SHIFT; b <= end >>> BLOCK_SHIFT; b++) {
      const n = (this.refs.get(b) ?? 0) - 1;
      if (n > 0) { this.refs.set(b, n); continue; }
      this.refs.delete(b);
      if (b !== VGA_BLOCK) this.give(b);
    }
  }

  /** v86 sends only the VGA window and addresses at or above RAM's end to the block tables. */
  private unroutable(start: number, end: number): string {
    const vga = start >= 0xa0000 && end <= 0xbffff;
    if (!vga && start < this.cpu.memory_size[0]!) return "below the end of guest RAM (v86 treats it as RAM)";
    if (end >= BIOS_ALIAS || end > 0xffffffff) return "overlaps the BIOS alias or lies above 4 GiB";
    return "";
  }

  private take(b: number): void {
    const c = this.cpu;
    this.saved.set(b, { r8: c.memory_map_read8[b], w8: c.memory_map_write8[b], r32: c.memory_map_read32[b], w32: c.memory_map_write32[b] });
    c.memory_map_read8[b] = this.ours.r8;
    c.memory_map_write8[b] = this.ours.w8;
    c.memory_map_read32[b] = this.ours.r32;
    c.memory_map_write32[b] = this.ours.w32;
  }

  private give(b: number): void {
    const s = this.saved.get(b);
    if (!s) return;
    this.saved.delete(b);
    const c = this.cpu;
    c.memory_map_read8[b] = s.r8;
    c.memory_map_write8[b] = s.w8;
    c.memory_map_read32[b] = s.r32;
    c.memory_map_write32[b] = s.w32;
  }
}
