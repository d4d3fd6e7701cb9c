/* fuzz/harness/fuzz_hv.c — the fuzz executor's wrappers around runtime/posix's simulated
 * hypervisor: the device's claims and PCI functions in order (fuzz inputs address them by index),
 * IRQ activity counted, VRAM dirty logs from a static pool, guest-memory DMA checked by the
 * oracles (fuzz_oracle.c) and the RAM it writes tracked for clearing. */
#include <string.h>
#include "fuzz_machine.h"

struct fz_range fz_ranges[FZ_MAX_RANGES];
unsigned fz_nranges;
uint16_t fz_bdfs[FZ_MAX_BDFS];
unsigned fz_nbdfs;
uint64_t fz_irq_changes;
static struct core_hv sim_ops; /* the simulator's own hv ops, wrapped below */
static struct core_guest_mem sim_mem;
static uint64_t ram_lo = FZ_RAM_BYTES, ram_hi; /* guest RAM written since the last clear */

void fz_ram_dirty(uint64_t gpa, uint64_t len)
{
    if (gpa < ram_lo) ram_lo = gpa;
    if (gpa + len > ram_hi) ram_hi = gpa + len;
}

void fz_ram_clear(void)
{
    if (ram_hi > ram_lo) memset(fz_sim.ram + ram_lo, 0, ram_hi - ram_lo);
    ram_lo = FZ_RAM_BYTES, ram_hi = 0;
}

static void w_map(void *ctx, int type, uint64_t start, uint64_t end)
{
    sim_ops.map_io_range(ctx, type, start, end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < fz_nbdfs; i++) if (fz_bdfs[i] == start) return;
        if (fz_nbdfs < FZ_MAX_BDFS) fz_bdfs[fz_nbdfs++] = (uint16_t)start;
        return;
    }
    if (fz_nranges < FZ_MAX_RANGES) fz_ranges[fz_nranges++] = (struct fz_range){type, start, end};
}

static void w_unmap(void *ctx, int type, uint64_t start, uint64_t end)
{
    sim_ops.unmap_io_range(ctx, type, start, end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < fz_nbdfs; i++)
            if (fz_bdfs[i] == start) { memmove(&fz_bdfs[i], &fz_bdfs[i + 1], (fz_nbdfs - i - 1) * sizeof fz_bdfs[0]); fz_nbdfs--; return; }
        return;
    }
    for (unsigned i = 0; i < fz_nranges; i++)
        if (fz_ranges[i].type == type && fz_ranges[i].start == start && fz_ranges[i].end == end) {
            memmove(&fz_ranges[i], &fz_ranges[i + 1], (fz_nranges - i - 1) * sizeof fz_ranges[0]);
            fz_nranges--;
            return;
        }
}

/* VRAM mappings as sim.c's map_vram/unmap_vram, but with the dirty logs in a static pool (sim.c
 * callocs them: a heap block per BAR move would defeat the snapshot and LeakSanitizer's counts) */
uint8_t fz_vram_dirty[SIM_MAX_VRAM][FZ_VRAM_DIRTY_BYTES];

static void w_unmap_vram(void *ctx, uint64_t start)
{
    struct sim *s = ctx;
    for (unsigned i = 0; i < s->nvram; i++) {
        if (s->vram[i].start != start) continue;
        uint8_t *d = s->vram[i].dirty;
        memmove(&s->vram[i], &s->vram[i + 1], (s->nvram - i - 1) * sizeof s->vram[0]);
        s->nvram--;
        s->vram[s->nvram].dirty = d; /* the freed slot keeps its pool block */
        return;
    }
}

static void w_map_vram(void *ctx, uint64_t start, uint64_t len, uint8_t *backing, uint32_t backing_len)
{
    struct sim *s = ctx;
    w_unmap_vram(s, start);
    if (s->nvram == SIM_MAX_VRAM || len > (uint64_t)(FZ_VRAM_DIRTY_BYTES - 1) * 4096) return;
    struct sim_vram *v = &s->vram[s->nvram++];
    /* a free pool block: one no live mapping uses */
    uint8_t *d = 0;
    for (unsigned k = 0; k < SIM_MAX_VRAM && !d; k++) {
        d = fz_vram_dirty[k];
        for (unsigned i = 0; i + 1 < s->nvram; i++) if (s->vram[i].dirty == d) d = 0;
    }
    v->start = start;
    v->len = len;
    v->backing = backing;
    v->backing_len = backing_len;
    v->dirty = d;
    memset(d, 0, (len + 4095) / 4096 + 1);
}

static bool w_collect_dirty(void *ctx, uint64_t start, uint32_t offset, uint32_t len, uint8_t *bitmap)
{
    fz_mark_module(bitmap, (((uint64_t)len + 4095) / 4096 + 7) / 8);
    return sim_ops.collect_dirty_vram(ctx, start, offset, len, bitmap);
}

static void w_isa(void *ctx, unsigned irq, int level) { fz_irq_changes++; sim_ops.set_isa_irq_level(ctx, irq, level); }
static void w_intx(void *ctx, unsigned bdf, unsigned intx, int level) { fz_irq_changes++; sim_ops.set_pci_intx_level(ctx, bdf, intx, level); }

static bool w_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
    bool ok = sim_mem.read(ctx, gpa, dst, len);
    if (!ok) return false;
    fz_mark_module(dst, len);
    fz_check_dma(0, gpa, len);
    fz_name_words(gpa, dst, len); /* what the device read may name further buffers (descriptor and PRD contents) */
    return true;
}

static bool w_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
    bool ok = sim_mem.write(ctx, gpa, src, len);
    if (!ok) return false;
    fz_ram_dirty(gpa, len);
    fz_check_dma(1, gpa, len);
    return true;
}

void fz_hv_wrap(struct core_hv *hv, struct core_guest_mem *mem)
{
    sim_ops = *hv;
    sim_mem = *mem;
    hv->map_io_range = w_map;
    hv->unmap_io_range = w_unmap;
    hv->set_isa_irq_level = w_isa;
    hv->set_pci_intx_level = w_intx;
    hv->map_vram = w_map_vram;
    hv->unmap_vram = w_unmap_vram;
    hv->collect_dirty_vram = w_collect_dirty;
    mem->read = w_read;
    mem->write = w_write;
}
