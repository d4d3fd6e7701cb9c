/* runtime/xen/core_hv.c — see core_hv.h. */
#include "core_hv.h"
#include "console.h"
#include "dm.h"
#include "guest_mem.h"
#include "ioreq.h"
#include "lib.h"
#include "vram.h"

static void hv_map(void *ctx, int type, uint64_t start, uint64_t end)
{
    (void)ctx;
    int rc = ioreq_map_range((uint32_t)type, start, end);
    if (rc)
        printk("dm_op map_io_range %d %lx-%lx failed: %d\n", type, start, end, rc);
}

static void hv_unmap(void *ctx, int type, uint64_t start, uint64_t end)
{
    (void)ctx;
    int rc = ioreq_unmap_range((uint32_t)type, start, end);
    if (rc)
        printk("dm_op unmap_io_range %d %lx-%lx failed: %d\n", type, start, end, rc);
}

static void hv_isa(void *ctx, unsigned irq, int level)
{
    (void)ctx;
    dm_set_isa_irq_level((uint8_t)irq, (uint8_t)(level ? 1 : 0));
}

static void hv_intx(void *ctx, unsigned bdf, unsigned intx, int level)
{
    (void)ctx;
    dm_set_pci_intx_level((uint8_t)(bdf >> 8), (uint8_t)((bdf >> 3) & 0x1f), (uint8_t)(intx & 3), (uint8_t)(level ? 1 : 0));
}

static void hv_link(void *ctx, unsigned link, unsigned isa_irq)
{
    (void)ctx;
    dm_set_pci_link_route((uint8_t)link, (uint8_t)isa_irq);
}

static void hv_shutdown(void *ctx, int reason)
{
    (void)ctx;
    printk("guest asks for %s: remote shutdown\n", reason == CORE_SHUTDOWN_REBOOT ? "reset" : "power-off");
    dm_remote_shutdown(reason == CORE_SHUTDOWN_REBOOT ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

static void hv_platform(void *ctx, int kind, int32_t a, int32_t b)
{
    /* A20 and PAM: Xen's HVM guests have neither a gate nor shadowed ROM to reprogram. */
    (void)ctx, (void)kind, (void)a, (void)b;
}

static void hv_notify(void *ctx, uint32_t port)
{
    (void)ctx;
    ioreq_notify_vp_eport(port);
}

/* VRAM: the LFB BAR's frames are guest pages mapped over the VGA's VRAM (vram.c), so the
 * guest's framebuffer stores are no ioreqs; if that cannot be done the range is served through
 * ioreqs from the VGA's memory (its own LFB handler), which is correct and slow. */
static struct { uint64_t start, len; bool placed; } vram_maps[4];

static void hv_map_vram(void *ctx, uint64_t start, uint64_t len, uint8_t *backing, uint32_t backing_len)
{
    (void)ctx, (void)backing_len;
    for (unsigned i = 0; i < ARRAY_SIZE(vram_maps); i++) {
        if (!vram_maps[i].len) {
            vram_maps[i].start = start;
            vram_maps[i].len = len;
            vram_maps[i].placed = !vram_place(start, len, backing);
            if (!vram_maps[i].placed)
                hv_map(0, CORE_RANGE_MMIO, start, start + len - 1);
            return;
        }
    }
}

/* A placed VRAM stays in the guest's physmap while decoding is off (the guest then reads RAM
 * there instead of all-ones); it moves when the BAR comes back elsewhere. */
static void hv_unmap_vram(void *ctx, uint64_t start)
{
    (void)ctx;
    for (unsigned i = 0; i < ARRAY_SIZE(vram_maps); i++) {
        if (vram_maps[i].len && vram_maps[i].start == start) {
            if (!vram_maps[i].placed)
                hv_unmap(0, CORE_RANGE_MMIO, start, start + vram_maps[i].len - 1);
            vram_maps[i].len = 0;
        }
    }
}

static bool hv_dirty(void *ctx, uint64_t start, uint32_t offset, uint32_t len, uint8_t *bitmap)
{
    (void)ctx;
    return vram_dirty(start + offset, len, bitmap);
}

const struct core_hv xen_core_hv = {
    .map_io_range = hv_map, .unmap_io_range = hv_unmap, .set_isa_irq_level = hv_isa,
    .set_pci_intx_level = hv_intx, .set_pci_link_route = hv_link, .shutdown = hv_shutdown,
    .platform_change = hv_platform, .notify = hv_notify, .map_vram = hv_map_vram,
    .unmap_vram = hv_unmap_vram, .collect_dirty_vram = hv_dirty,
};

static bool mem_read(void *ctx, uint64_t gpa, void *dst, uint32_t len) { (void)ctx; return guest_mem_read(gpa, dst, len); }
static bool mem_write(void *ctx, uint64_t gpa, const void *src, uint32_t len) { (void)ctx; return guest_mem_write(gpa, src, len); }
const struct core_guest_mem xen_guest_ram = { .read = mem_read, .write = mem_write };
