// The display capability's imports: the surface a device shows (checked as runtime/core checks
// it), damage, the dirty pages of VRAM the guest wrote directly, and vram_map (a region backed by
// module memory, mapped straight into the guest).
import { SPACE_MMIO } from "../ranges.ts";
import { SURFACE } from "../abi.ts";
import type { ImportContext, ImportFns } from "./index.ts";

export function displayImports(c: ImportContext): Pick<ImportFns, "display_set_surface" | "display_damage" | "display_dirty_vram" | "vram_map"> {
  const { rt, getDev, spec, name, mem, inMem } = c;
  return {
    display_set_surface(kind, width, height, stride, ptr) {
      if (!spec.display) return;
      const dev = getDev();
      dev.surface = null;
      if (kind === 0) { spec.display.setSurface(null); return; }
      // The same checks as runtime/core (imports.c): a known kind, rows within the stride, the
      // whole span inside module memory; a refused surface is shown blank.
      const bytes = (stride >>> 0) * (height >>> 0);
      const why = kind !== SURFACE.RGBA32 && kind !== SURFACE.BGRX32 ? "display surface of an unknown kind refused"
        : (width >>> 0) * 4 > (stride >>> 0) ? "display surface rows wider than its stride refused"
        : !inMem(ptr, bytes) ? "display surface outside module memory refused" : null;
      if (why) { rt.log(name, 0, why); spec.display.setSurface(null); return; }
      const p = ptr >>> 0;
      dev.surface = { kind, width, height, stride, ptr: p };
      spec.display.setSurface({ kind, width, height, stride, pixels: () => mem().subarray(p, p + bytes) });
    },
    display_damage(x, y, w, h) {
      spec.display?.damage(x, y, w, h);
    },
    display_dirty_vram(offset, len, bitmapPtr) {
      const dev = getDev();
      const bytes = Math.ceil(Math.ceil((len >>> 0) / 4096) / 8);
      if (!inMem(bitmapPtr, bytes)) return 1;
      const bitmap = mem().subarray(bitmapPtr >>> 0, (bitmapPtr >>> 0) + bytes);
      bitmap.fill(0);
      // Dirty pages of the LFB the guest wrote directly; nothing mapped means nothing written.
      for (const region of rt.vram.get(dev)?.keys() ?? []) {
        const r = rt.ranges.find(dev, region);
        if (r && r.space === SPACE_MMIO) rt.hv.collectDirtyVram(r.base, offset >>> 0, len >>> 0, bitmap);
      }
      return 0;
    },
    vram_map(region, ptr, len) {
      const dev = getDev();
      if (!inMem(ptr, len) || len <= 0 || (ptr & 4095) !== 0) {
        rt.log(name, 0, `vram_map of region ${region} refused: [0x${(ptr >>> 0).toString(16)}, +0x${(len >>> 0).toString(16)}) is not a page-aligned span of module memory`);
        return;
      }
      const r = rt.ranges.find(dev, region);
      if (r) rt.unmapRange(dev, region, r.space, r.base, r.len);
      const m = rt.vram.get(dev) ?? new Map<number, { ptr: number; len: number }>();
      m.set(region, { ptr: ptr >>> 0, len: len >>> 0 });
      rt.vram.set(dev, m);
      if (r) rt.mapRange(dev, region, r.space, r.base, r.len);
    },
  };
}
