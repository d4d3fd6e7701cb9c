// The imports every device has (docs/abi.md): log, claiming port/MMIO ranges and PCI functions, IRQ
// pins, DMA to and from guest RAM, one-shot timers and the clock, platform requests (reset, A20,
// PAM, PCI link routes, unplug).
import { SPACE_PORT, SPACE_MMIO } from "../ranges.ts";
import { RANGE_PCI } from "../hypervisor.ts";
import { PLATFORM, DMA } from "../abi.ts";
import { fmtBdf } from "../device-spec.ts";
import type { ImportContext, ImportFns } from "./index.ts";

export function coreImports(c: ImportContext): Pick<ImportFns, "log" | "claim" | "unclaim" | "pci_register" | "irq_set" | "dma_read" | "dma_write" | "timer_arm" | "timer_cancel" | "now_lo" | "now_hi" | "platform"> {
  const { rt, getDev, name, mem, inMem, u64 } = c;
  return {
    log(level, ptr, len) {
      if (!inMem(ptr, len)) return;
      rt.log(name, level, new TextDecoder().decode(mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))));
    },
    claim(region, space, baseLo, baseHi, len) {
      const dev = getDev();
      const base = u64(baseLo, baseHi);
      const length = len >>> 0;
      const limit = space === SPACE_PORT ? 0x10000 : 2 ** 52;
      if ((space !== SPACE_PORT && space !== SPACE_MMIO) || length === 0 || base + length > limit) {
        rt.log(name, 0, `claim of region ${region} refused: space ${space} base 0x${base.toString(16)} len 0x${length.toString(16)}`);
        return;
      }
      const clash = rt.ranges.conflict(dev, region, space, base, length);
      if (clash) {
        rt.log(name, 0, `claim of region ${region} at 0x${base.toString(16)}+0x${length.toString(16)} refused: overlaps ${clash.owner.name} region ${clash.region}`);
        rt.unclaim(dev, region);
        return;
      }
      const old = rt.ranges.set(dev, region, space, base, length);
      if (old && old.base === base && old.len === length && old.space === space) return;
      if (old) rt.unmapRange(dev, region, old.space, old.base, old.len);
      rt.mapRange(dev, region, space, base, length);
    },
    unclaim(region) {
      rt.unclaim(getDev(), region);
    },
    pci_register(bdf) {
      const dev = getDev();
      bdf &= 0xffff;
      const owner = rt.pciOwners.get(bdf);
      if (owner && owner !== dev) {
        rt.log(name, 0, `pci_register ${fmtBdf(bdf)} refused: owned by ${owner.name}`);
        return;
      }
      if (owner) return;
      rt.pciOwners.set(bdf, dev);
      dev.bdfs.push(bdf);
      rt.hv.mapIoRange(RANGE_PCI, bdf, bdf);
    },
    irq_set(pin, level) {
      rt.setIrq(getDev(), pin, level);
    },
    dma_read(lo, hi, ptr, len) {
      if (!inMem(ptr, len)) throw new WebAssembly.RuntimeError(`dma_read into module memory out of bounds (ptr 0x${(ptr >>> 0).toString(16)} len ${len})`);
      return rt.hv.ram.read(u64(lo, hi), mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))) ? DMA.OK : DMA.FAULT;
    },
    dma_write(lo, hi, ptr, len) {
      if (!inMem(ptr, len)) throw new WebAssembly.RuntimeError(`dma_write from module memory out of bounds (ptr 0x${(ptr >>> 0).toString(16)} len ${len})`);
      return rt.hv.ram.write(u64(lo, hi), mem().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))) ? DMA.OK : DMA.FAULT;
    },
    timer_arm(id, nsLo, nsHi) {
      rt.armTimer(getDev(), id, (BigInt(nsHi >>> 0) << 32n) | BigInt(nsLo >>> 0));
    },
    timer_cancel(id) {
      const dev = getDev();
      const h = dev.timers.get(id);
      if (h !== undefined) rt.hv.clock.cancel(h);
      dev.timers.delete(id);
    },
    now_lo() {
      return Number(rt.hv.clock.now() & 0xffffffffn) | 0;
    },
    now_hi() {
      return Number(rt.hv.clock.now() >> 32n) | 0;
    },
    platform(kind, a, b) {
      switch (kind) {
        case PLATFORM.RESET: rt.hv.shutdown("reboot"); break;
        case PLATFORM.POWEROFF: rt.hv.shutdown("poweroff"); break;
        case PLATFORM.A20: rt.hv.platformChange("a20", a, b); break;
        case PLATFORM.PAM: rt.hv.platformChange("pam", a, b); break;
        case PLATFORM.PCI_LINK_ROUTE:
          if (a >= 0 && a < 4) rt.hv.setPciLinkRoute(a, b >= 0 && b < 16 ? b : 0);
          break;
        case PLATFORM.UNPLUG: rt.unplug(getDev(), a); break;
        default: rt.logOnce(`${name}:platform${kind}`, `${name}: unknown platform request ${kind}`);
      }
    },
  };
}
