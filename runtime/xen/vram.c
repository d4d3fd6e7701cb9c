/* runtime/xen/vram.c — see vram.h. As QEMU's Xen VRAM does: XENMEM_populate_physmap gives the
 * guest new frames at the BAR's guest frame numbers (libxl already counts the video memory in
 * the guest's maximum), XENMEM_add_to_physmap (gmfn_range) moves them when the BAR moves, and
 * XEN_DMOP_track_dirty_vram reports the pages the guest wrote. Our view is the VGA module's own
 * VRAM range with its page-table entries pointed at those frames (update_va_mapping_otherdomain:
 * Xen translates the guest frame number), after copying what the device already had there. */
#include "vram.h"
#include "console.h"
#include "dm.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"

#define BATCH 256

static domid_t guest;
static uint8_t *backing;   /* NULL: nothing placed */
static uint64_t gfn;       /* where the frames are now */
static uint32_t pages;

void vram_init(domid_t g) { guest = g; }

static bool all_zero(const uint8_t *p)
{
    const uint64_t *q = (const uint64_t *)p;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        if (q[i])
            return false;
    return true;
}

static int populate(uint64_t first, uint32_t n)
{
    static uint64_t list[BATCH];
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < BATCH ? n - done : BATCH;
        for (uint32_t i = 0; i < k; i++)
            list[i] = first + done + i;
        struct xen_memory_reservation r = { .extent_start = list, .nr_extents = k, .extent_order = 0, .domid = guest };
        long rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
        if (rc != (long)k) {
            printk("vram: populate_physmap of guest frames %lx+%u: %ld of %u\n", first + done, k, rc, k);
            return -1;
        }
        done += k;
    }
    return 0;
}

/* Points our page at `va` to guest frame `g`, keeping what the device had written there. */
static int map_page(uint8_t *va, uint64_t g, uint8_t *tmp)
{
    bool keep = !all_zero(va);
    if (keep)
        memcpy(tmp, va, PAGE_SIZE);
    long rc = HYPERVISOR_update_va_mapping_otherdomain((uintptr_t)va, (g << PAGE_SHIFT) | PTE_KERNEL_RW, UVMF_INVLPG, guest);
    if (rc) {
        printk("vram: mapping guest frame %lx at %p: %ld\n", g, (void *)va, rc);
        return -1;
    }
    if (keep)
        memcpy(va, tmp, PAGE_SIZE);
    else
        memset(va, 0, PAGE_SIZE);   /* what the device had: nothing */
    return 0;
}

static int move(uint64_t to)
{
    /* one page at a time, in the order that never lands on a frame not yet moved */
    for (uint32_t k = 0; k < pages; k++) {
        uint32_t i = to > gfn ? pages - 1 - k : k;
        struct xen_add_to_physmap x = { .domid = guest, .size = 1, .space = XENMAPSPACE_gmfn_range, .idx = gfn + i, .gpfn = to + i };
        long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
        if (rc) {
            printk("vram: moving guest frame %lx to %lx: %ld\n", gfn + i, to + i, rc);
            return -1;
        }
    }
    gfn = to;
    return 0;
}

int vram_place(uint64_t gpa, uint64_t len, uint8_t *b)
{
    if ((gpa | len | (uintptr_t)b) & (PAGE_SIZE - 1) || !len || len > (1ULL << 30)) {
        printk("vram: %lx+%lx at %p is not page-aligned: served through ioreqs\n", gpa, len, (void *)b);
        return -1;
    }
    uint32_t n = (uint32_t)(len >> PAGE_SHIFT);
    uint64_t to = gpa >> PAGE_SHIFT;
    if (backing) {
        if (b != backing || n != pages) {
            printk("vram: a second VRAM range is not supported: served through ioreqs\n");
            return -1;
        }
        return to == gfn ? 0 : move(to);
    }
    uint8_t *tmp = page_alloc(1);
    if (!tmp || populate(to, n))
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        if (map_page(b + (size_t)i * PAGE_SIZE, to + i, tmp)) {
            page_free(tmp, 1);
            return -1;
        }
    }
    page_free(tmp, 1);
    backing = b;
    gfn = to;
    pages = n;
    printk("vram: %u KiB at guest %lx are guest frames, mapped over the VGA's VRAM\n", n * 4, gpa);
    return 0;
}

bool vram_dirty(uint64_t gpa, uint64_t len, uint8_t *bitmap)
{
    if (!backing || !len)
        return false;
    /* Xen writes DIV_ROUND_UP(nr, 8) bytes for the nr frames from first_pfn (hvm/dm.c
     * track_dirty_vram, hap/shadow_track_dirty_vram). The caller's bitmap holds
     * ceil(len / 4096) bits; [gpa, +len) may touch one frame more when gpa is not page-aligned,
     * so nr is the smaller of the two: Xen never writes past the caller's bitmap. */
    uint64_t first = gpa >> PAGE_SHIFT, last = (gpa + len - 1) >> PAGE_SHIFT;
    uint64_t nr = last - first + 1, room = (len + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (nr > room)
        nr = room;
    if (first < gfn || first - gfn > pages || nr > pages - (first - gfn))
        return false;
    return dm_track_dirty_vram(first, (uint32_t)nr, bitmap) == 0;
}
