/* runtime/core/imports.c — the ABI v1 host imports (module "host") as wasm2c 1.0.32 names them:
 * Z_hostZ_<name>(struct Z_host_instance_t *, ...). One definition serves every module; the
 * instance pointer says which device is calling. Semantics follow host/node/runtime.ts
 * importsFor() line by line; pointers into module memory are bounds-checked here, and a DMA
 * pointer outside module memory traps the calling device as V8's RuntimeError does. Claims
 * (claim, unclaim, pci_register, vram_map) are claims.c's. */
#include "internal.h"
#include "abi.h"

#define HOST struct Z_host_instance_t *h
#define U64(lo, hi) ((uint64_t)(lo) | (uint64_t)(hi) << 32)

static inline void need(HOST, uint32_t cap)
{
    /* core_add_device already refused modules importing ungranted capabilities; this keeps a
     * wrong device table from widening a grant. */
    if (!(h->dev->mod->caps & cap)) core_trap_from_import("import of an ungranted capability");
}

static uint8_t *mem_at(struct core_device *dev, uint32_t ptr)
{
    uint32_t size;
    return core_device_memory(dev, &size) + ptr;
}

void Z_hostZ_log(HOST, uint32_t level, uint32_t ptr, uint32_t len)
{
    need(h, CORE_CAP_LOG);
    if (!core_in_mem(h->dev, (int32_t)ptr, (int32_t)len)) return;
    core_log(h->rt, h->dev->name, (int32_t)level, (const char *)mem_at(h->dev, ptr), len);
}

void Z_hostZ_claim(HOST, uint32_t region, uint32_t space, uint32_t base_lo, uint32_t base_hi, uint32_t len)
{
    need(h, CORE_CAP_CLAIM);
    core_claim(h->rt, h->dev, (int32_t)region, space, U64(base_lo, base_hi), len);
}

void Z_hostZ_unclaim(HOST, uint32_t region)
{
    need(h, CORE_CAP_CLAIM);
    core_unclaim(h->rt, h->dev, (int32_t)region);
}

void Z_hostZ_pci_register(HOST, uint32_t bdf)
{
    need(h, CORE_CAP_PCI);
    core_pci_register(h->rt, h->dev, bdf);
}

void Z_hostZ_irq_set(HOST, uint32_t pin, uint32_t level)
{
    need(h, CORE_CAP_IRQ);
    core_set_irq(h->rt, h->dev, pin, level);
}

/* A DMA span outside module memory traps the device, as V8's RuntimeError does. */
static uint8_t *dma_span(HOST, uint32_t ptr, uint32_t len, const char *what)
{
    need(h, CORE_CAP_DMA);
    if (!core_in_mem(h->dev, (int32_t)ptr, (int32_t)len)) {
        char text[128];
        core_snprintf(text, sizeof text, "%s module memory out of bounds (ptr 0x%x len %d)", what, ptr, (int32_t)len);
        core_trap_from_import(text);
    }
    return mem_at(h->dev, ptr);
}

uint32_t Z_hostZ_dma_read(HOST, uint32_t lo, uint32_t hi, uint32_t ptr, uint32_t len)
{
    uint8_t *dst = dma_span(h, ptr, len, "dma_read into");
    return h->rt->ram.read(h->rt->ram.ctx, U64(lo, hi), dst, len) ? STUBDOM_DMA_OK : STUBDOM_DMA_FAULT;
}

uint32_t Z_hostZ_dma_write(HOST, uint32_t lo, uint32_t hi, uint32_t ptr, uint32_t len)
{
    const uint8_t *src = dma_span(h, ptr, len, "dma_write from");
    return h->rt->ram.write(h->rt->ram.ctx, U64(lo, hi), src, len) ? STUBDOM_DMA_OK : STUBDOM_DMA_FAULT;
}

void Z_hostZ_timer_arm(HOST, uint32_t id, uint32_t ns_lo, uint32_t ns_hi)
{
    need(h, CORE_CAP_TIMER);
    core_timer_arm(h->rt, h->dev, (int32_t)id, U64(ns_lo, ns_hi));
}

void Z_hostZ_timer_cancel(HOST, uint32_t id)
{
    need(h, CORE_CAP_TIMER);
    core_timer_cancel(h->rt, h->dev, (int32_t)id);
}

uint32_t Z_hostZ_now_lo(HOST)
{
    need(h, CORE_CAP_TIMER);
    return (uint32_t)h->rt->now;
}

uint32_t Z_hostZ_now_hi(HOST)
{
    need(h, CORE_CAP_TIMER);
    return (uint32_t)(h->rt->now >> 32);
}

void Z_hostZ_platform(HOST, uint32_t kind, uint32_t a, uint32_t b)
{
    need(h, CORE_CAP_PLATFORM);
    struct core *rt = h->rt;
    switch (kind) {
    case STUBDOM_PLATFORM_RESET: rt->hv.shutdown(rt->hv.ctx, CORE_SHUTDOWN_REBOOT); break;
    case STUBDOM_PLATFORM_POWEROFF: rt->hv.shutdown(rt->hv.ctx, CORE_SHUTDOWN_POWEROFF); break;
    case STUBDOM_PLATFORM_A20: rt->hv.platform_change(rt->hv.ctx, CORE_PLATFORM_A20, (int32_t)a, (int32_t)b); break;
    case STUBDOM_PLATFORM_PAM: rt->hv.platform_change(rt->hv.ctx, CORE_PLATFORM_PAM, (int32_t)a, (int32_t)b); break;
    case STUBDOM_PLATFORM_PCI_LINK_ROUTE:
        if ((int32_t)a >= 0 && (int32_t)a < 4) rt->hv.set_pci_link_route(rt->hv.ctx, a, (int32_t)b >= 0 && (int32_t)b < 16 ? b : 0);
        break;
    case STUBDOM_PLATFORM_UNPLUG: core_defer_unplug(rt, h->dev, a); break;
    default: core_logf_once(rt, 0, "%s: unknown platform request %d", h->dev->name, (int32_t)kind);
    }
}

void Z_hostZ_chr_send(HOST, uint32_t ptr, uint32_t len)
{
    need(h, CORE_CAP_CHR);
    struct core_chr_backend *b = h->dev->spec.chr;
    if (!core_in_mem(h->dev, (int32_t)ptr, (int32_t)len) || !b) return;
    b->write(b->ctx, mem_at(h->dev, ptr), len);
}

/* The device's receiver can take `room` more bytes: queued input follows after this call. */
void Z_hostZ_chr_rx_room(HOST, uint32_t room)
{
    need(h, CORE_CAP_CHR);
    h->dev->chr_room = (int32_t)room < 0 ? 0 : (int32_t)room;
    core_defer_chr_pump(h->rt, h->dev);
}

void Z_hostZ_net_send(HOST, uint32_t ptr, uint32_t len)
{
    need(h, CORE_CAP_NET);
    struct core_net_backend *b = h->dev->spec.net;
    if (!core_in_mem(h->dev, (int32_t)ptr, (int32_t)len) || !b) return;
    b->send(b->ctx, mem_at(h->dev, ptr), len);
}

uint32_t Z_hostZ_blk_info(HOST, uint32_t unit, uint32_t what)
{
    need(h, CORE_CAP_BLK);
    struct core_blk_backend *b = unit < h->dev->spec.nblk ? h->dev->spec.blk[unit] : 0;
    if (!b) return 0;
    switch (what) {
    case STUBDOM_BLK_INFO_SECTORS_LO: return b->present ? (uint32_t)b->sectors : 0;
    case STUBDOM_BLK_INFO_SECTORS_HI: return b->present ? (uint32_t)(b->sectors >> 32) : 0;
    case STUBDOM_BLK_INFO_SECTOR_SIZE: return b->sector_size;
    case STUBDOM_BLK_INFO_FLAGS:
        return (b->present ? STUBDOM_BLK_FLAG_PRESENT : 0) | (b->read_only ? STUBDOM_BLK_FLAG_READONLY : 0) |
               (b->removable ? STUBDOM_BLK_FLAG_REMOVABLE : 0);
    default: return 0;
    }
}

/* The backend's done_ctx is a slot in struct core, not a local: a backend may complete after
 * blk_submit has returned (blkfront, the fuzz harness). */
static void blk_done(void *ctx, int status)
{
    struct core_blk_pending *p = ctx;
    struct core_device *dev = p->dev;
    p->dev = 0;
    if (dev) core_defer_blk_done(p->rt, dev, p->tag, status);
}

static struct core_blk_pending *blk_pending_slot(struct core *rt, struct core_device *dev, int32_t tag)
{
    for (unsigned i = 0; i < CORE_MAX_BLK_PENDING; i++) {
        struct core_blk_pending *p = &rt->blk_pending[i];
        if (!p->dev) {
            *p = (struct core_blk_pending){rt, dev, tag};
            return p;
        }
    }
    return 0;
}

uint32_t Z_hostZ_blk_submit(HOST, uint32_t unit, uint32_t op, uint32_t lba_lo, uint32_t lba_hi, uint32_t ptr,
                            uint32_t sectors, uint32_t tag)
{
    need(h, CORE_CAP_BLK);
    struct core *rt = h->rt;
    struct core_device *dev = h->dev;
    struct core_blk_backend *b = unit < dev->spec.nblk ? dev->spec.blk[unit] : 0;
    /* Completion is always dev_event(BLK_DONE, tag, status) after blk_submit has returned. */
    if (!b) { core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_NOMEDIA); return 0; }
    uint64_t bytes = (uint64_t)sectors * b->sector_size;
    if (op != STUBDOM_BLK_OP_FLUSH && ((int32_t)sectors <= 0 || bytes > 0x7fffffff || !core_in_mem(dev, (int32_t)ptr, (int32_t)bytes))) {
        core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_RANGE);
        return 0;
    }
    uint64_t lba = U64(lba_lo, lba_hi);
    if (!b->present) { core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_NOMEDIA); return 0; }
    if (op != STUBDOM_BLK_OP_FLUSH && lba + sectors > b->sectors) { core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_RANGE); return 0; }
    if (op == STUBDOM_BLK_OP_WRITE && b->read_only) { core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_RDONLY); return 0; }
    struct core_blk_request req = {.op = (int)op, .lba = lba, .sectors = sectors, .data = mem_at(dev, ptr)};
    struct core_blk_pending *slot = blk_pending_slot(rt, dev, (int32_t)tag);
    if (!slot) {
        core_logf(rt, dev->name, 0, "too many block requests outstanding: failed with EIO");
        core_defer_blk_done(rt, dev, (int32_t)tag, STUBDOM_BLK_STATUS_EIO);
        return 0;
    }
    b->submit(b->ctx, &req, blk_done, slot);
    return 0;
}

/* The module's word for its surface is checked here, whatever it says: a known pixel format,
 * rows that fit the stride (width * 4 <= stride: the backend copies width * 4 bytes a row) and
 * stride * height bytes inside module memory, in 64-bit arithmetic. Refused: no surface, said once
 * per device and reason. The memory never moves or shrinks (w2c_rt.c), so the checked span
 * stays valid for as long as the backend keeps the pointer. */
void Z_hostZ_display_set_surface(HOST, uint32_t kind, uint32_t width, uint32_t height, uint32_t stride, uint32_t ptr)
{
    need(h, CORE_CAP_DISPLAY);
    struct core_display_backend *d = h->dev->spec.display;
    if (!d) return;
    memset(&h->dev->surface, 0, sizeof h->dev->surface);
    if (kind == STUBDOM_SURFACE_NONE) { d->set_surface(d->ctx, 0, 0, 0, 0, 0); return; }
    uint64_t bytes = (uint64_t)stride * height;
    const char *why = 0;
    if (kind != STUBDOM_SURFACE_RGBA32 && kind != STUBDOM_SURFACE_BGRX32) why = ": display surface of an unknown kind refused";
    else if ((uint64_t)width * 4 > stride) why = ": display surface rows wider than its stride refused";
    else if (bytes > 0x7fffffff || !core_in_mem(h->dev, (int32_t)ptr, (int32_t)bytes)) why = ": display surface outside module memory refused";
    if (why) {
        core_logf_once(h->rt, 0, "%s%s", h->dev->name, why);
        d->set_surface(d->ctx, 0, 0, 0, 0, 0);
        return;
    }
    h->dev->surface.kind = kind, h->dev->surface.width = width, h->dev->surface.height = height;
    h->dev->surface.stride = stride, h->dev->surface.ptr = ptr;
    d->set_surface(d->ctx, (int)kind, width, height, stride, mem_at(h->dev, ptr));
}

void Z_hostZ_display_damage(HOST, uint32_t x, uint32_t y, uint32_t w, uint32_t hgt)
{
    need(h, CORE_CAP_DISPLAY);
    struct core_display_backend *d = h->dev->spec.display;
    if (d) d->damage(d->ctx, (int32_t)x, (int32_t)y, (int32_t)w, (int32_t)hgt);
}

uint32_t Z_hostZ_display_dirty_vram(HOST, uint32_t offset, uint32_t len, uint32_t bitmap_ptr)
{
    need(h, CORE_CAP_DISPLAY);
    struct core *rt = h->rt;
    struct core_device *dev = h->dev;
    uint32_t pages = (uint32_t)(((uint64_t)len + 4095) / 4096);
    uint32_t bytes = (pages + 7) / 8;
    if (!core_in_mem(dev, (int32_t)bitmap_ptr, (int32_t)bytes)) return 1;
    uint8_t *bitmap = mem_at(dev, bitmap_ptr);
    memset(bitmap, 0, bytes);
    for (unsigned i = 0; i < dev->nvram; i++) {
        const struct core_range *r = core_ranges_find(&rt->ranges, dev, dev->vram[i].region);
        if (r && r->space == STUBDOM_SPACE_MMIO) rt->hv.collect_dirty_vram(rt->hv.ctx, r->base, offset, len, bitmap);
    }
    return 0;
}

void Z_hostZ_vram_map(HOST, uint32_t region, uint32_t ptr, uint32_t len)
{
    need(h, CORE_CAP_DISPLAY);
    core_vram_map(h->rt, h->dev, (int32_t)region, ptr, len);
}
