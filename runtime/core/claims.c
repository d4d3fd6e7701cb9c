/* runtime/core/claims.c — what a device claims and how the hypervisor learns of it: port and MMIO
 * ranges (the range table, ranges.c, plus map_io_range / unmap_io_range, or map_vram for a region
 * backed by module memory through vram_map), and PCI functions (PCI_CONFIG routing). A claim that
 * overlaps another device's is refused and drops the region's old claim, as host/node/runtime.ts
 * does; re-claiming a region moves it. */
#include "internal.h"
#include "abi.h"

static int hv_range_type(int space)
{
    return space == STUBDOM_SPACE_PORT ? CORE_RANGE_PORT : CORE_RANGE_MMIO;
}

/* The device's VRAM backing of `region` (vram_map), or NULL. */
static struct core_vram *vram_of(struct core_device *dev, int32_t region)
{
    for (unsigned i = 0; i < dev->nvram; i++)
        if (dev->vram[i].region == region) return &dev->vram[i];
    return 0;
}

static void unmap_range(struct core *rt, struct core_device *dev, int32_t region, int space, uint64_t base, uint64_t len)
{
    if (space == STUBDOM_SPACE_MMIO && vram_of(dev, region)) rt->hv.unmap_vram(rt->hv.ctx, base);
    else rt->hv.unmap_io_range(rt->hv.ctx, hv_range_type(space), base, base + len - 1);
}

static void map_range(struct core *rt, struct core_device *dev, int32_t region, int space, uint64_t base, uint64_t len)
{
    struct core_vram *v = space == STUBDOM_SPACE_MMIO ? vram_of(dev, region) : 0;
    if (v) {
        uint32_t size;
        uint8_t *mem = core_device_memory(dev, &size);
        rt->hv.map_vram(rt->hv.ctx, base, len < v->len ? len : v->len, mem + v->ptr, v->len);
    } else {
        rt->hv.map_io_range(rt->hv.ctx, hv_range_type(space), base, base + len - 1);
    }
}

void core_unclaim(struct core *rt, struct core_device *dev, int32_t region)
{
    struct core_range old;
    if (core_ranges_remove(&rt->ranges, dev, region, &old)) unmap_range(rt, dev, region, old.space, old.base, old.len);
}

void core_claim(struct core *rt, struct core_device *dev, int32_t region, uint32_t space, uint64_t base, uint32_t len)
{
    uint64_t limit = space == STUBDOM_SPACE_PORT ? 0x10000ull : 1ull << 52;
    if ((space != STUBDOM_SPACE_PORT && space != STUBDOM_SPACE_MMIO) || len == 0 || base + len > limit || base > limit) {
        core_logf(rt, dev->name, 0, "claim of region %d refused: space %d base 0x%llx len 0x%x", region, (int32_t)space,
                  (unsigned long long)base, len);
        return;
    }
    const struct core_range *clash = core_ranges_conflict(&rt->ranges, dev, region, (int)space, base, len);
    if (clash) {
        core_logf(rt, dev->name, 0, "claim of region %d at 0x%llx+0x%x refused: overlaps %s region %d", region,
                  (unsigned long long)base, len, clash->owner->name, clash->region);
        core_unclaim(rt, dev, region);
        return;
    }
    struct core_range old;
    int had = core_ranges_set(&rt->ranges, dev, region, (int)space, base, len, &old);
    if (had < 0) {
        core_logf(rt, dev->name, 0, "claim refused: range table full");
        return;
    }
    if (had && old.base == base && old.len == len && old.space == (int)space) return;
    if (had) unmap_range(rt, dev, region, old.space, old.base, old.len);
    map_range(rt, dev, region, (int)space, base, len);
}

void core_pci_register(struct core *rt, struct core_device *dev, uint32_t bdf)
{
    bdf &= 0xffff;
    for (unsigned i = 0; i < rt->npci; i++) {
        if (rt->pci[i].bdf != bdf) continue;
        if (rt->pci[i].owner != dev)
            core_logf(rt, dev->name, 0, "pci_register " CORE_BDF_FMT " refused: owned by %s", CORE_BDF(bdf), rt->pci[i].owner->name);
        return;
    }
    if (rt->npci == CORE_MAX_PCI || dev->nbdfs == CORE_MAX_BDFS) {
        core_logf(rt, dev->name, 0, "pci_register refused: table full");
        return;
    }
    rt->pci[rt->npci].bdf = (uint16_t)bdf;
    rt->pci[rt->npci].owner = dev;
    rt->npci++;
    dev->bdfs[dev->nbdfs++] = (uint16_t)bdf;
    rt->hv.map_io_range(rt->hv.ctx, CORE_RANGE_PCI, bdf, bdf);
}

void core_drop_claims(struct core *rt, struct core_device *dev)
{
    for (unsigned i = rt->ranges.n; i-- > 0;)
        if (rt->ranges.r[i].owner == dev) core_unclaim(rt, dev, rt->ranges.r[i].region);
    for (unsigned i = 0; i < rt->npci;) {
        if (rt->pci[i].owner == dev) {
            rt->hv.unmap_io_range(rt->hv.ctx, CORE_RANGE_PCI, rt->pci[i].bdf, rt->pci[i].bdf);
            rt->pci[i] = rt->pci[--rt->npci];
        } else {
            i++;
        }
    }
}

void core_vram_map(struct core *rt, struct core_device *dev, int32_t region, uint32_t ptr, uint32_t len)
{
    if (!core_in_mem(dev, (int32_t)ptr, (int32_t)len) || (int32_t)len <= 0 || (ptr & 4095) != 0) {
        core_logf(rt, dev->name, 0, "vram_map of region %d refused: [0x%x, +0x%x) is not a page-aligned span of module memory",
                  region, ptr, len);
        return;
    }
    /* a claimed region is unmapped first and mapped again with its new backing */
    const struct core_range *r = core_ranges_find(&rt->ranges, dev, region);
    struct core_range cur;
    if (r) {
        cur = *r;
        unmap_range(rt, dev, region, cur.space, cur.base, cur.len);
    }
    struct core_vram *v = vram_of(dev, region);
    if (!v) {
        if (dev->nvram == CORE_MAX_VRAM) return;
        v = &dev->vram[dev->nvram++];
    }
    *v = (struct core_vram){.region = region, .ptr = ptr, .len = len};
    if (r) map_range(rt, dev, region, cur.space, cur.base, cur.len);
}
