/* fuzz/harness/fuzz_exec.c — the fuzz executor (see fuzz_exec.h, docs/fuzzing.md). One device on
 * runtime/core with runtime/posix's hypervisor simulator; every input starts from a fresh core,
 * fresh guest RAM and pristine disk images. fuzz/lib/exec.ts does the same on host/node. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_exec.h"
#include "fuzz_ops.h"
#include "../../runtime/posix/sim.h"
#include "../../runtime/core/abi.h"
#include "../../runtime/core/ioreq.h"

#define RAM_BYTES (2u << 20)
#define ARENA_BYTES (192u << 20)
#define MAX_RANGES 64
#define MAX_PENDING 64
#define DMA_BUDGET_OP (16u << 20)
#define DMA_BUDGET_INPUT (64u << 20)
#define SETTLE_NS 1000000000ull
#define SETTLE_MAX_TIMERS 20000u
#define SETTLE_MAX_IRQ 10000u
#define SETTLE_MAX_BLK_ROUNDS 256u

void (*fz_on_finding)(void) = abort;
int fz_verbose;

struct fz_blk { uint64_t sectors; uint32_t ss; int present, ro, removable; };

struct fz_device {
    const char *name, *config;
    struct core_irq_route irqs[4];
    unsigned nirqs;
    int chr, net, display;
    struct fz_blk blk[4];
    unsigned nblk;
    uint32_t dma_span; /* how far past a named address a device may DMA (0: it does no DMA) */
    int events[4];
    unsigned nevents;
};

#define ISA(n) {.kind = CORE_ROUTE_ISA, .line = (n), .bdf = -1}

/* Keep in step with fuzz/lib/devices.ts. */
static const struct fz_device devices[] = {
    {.name = "pci", .config = ""},
    {.name = "cmos", .config = "ram_mb=16,nvram=256"},
    {.name = "uart", .config = "base=0x3f8", .irqs = {ISA(4)}, .nirqs = 1, .chr = 1, .events = {STUBDOM_EVENT_CHR_RX}, .nevents = 1},
    {.name = "ps2", .config = "", .irqs = {ISA(1), ISA(12)}, .nirqs = 2, .events = {STUBDOM_EVENT_KEY, STUBDOM_EVENT_MOUSE}, .nevents = 2},
    {.name = "vga", .config = "vram_mb=2,rom=none", .display = 1, .events = {STUBDOM_EVENT_DISPLAY_REFRESH}, .nevents = 1},
    {.name = "ide", .config = "hda=disk,hdb=cdrom,hdc=cdrom,hdd=disk,decode=on", .irqs = {ISA(14), ISA(15)}, .nirqs = 2,
     .blk = {{128, 512, 1, 0, 0}, {64, 2048, 1, 1, 1}, {64, 2048, 0, 1, 1}, {16, 512, 1, 1, 0}}, .nblk = 4,
     .dma_span = 0x10000, .events = {STUBDOM_EVENT_BLK_MEDIA}, .nevents = 1},
    {.name = "e1000", .config = "bdf=00:03.0,mac=52:54:00:12:34:56", .net = 1, .dma_span = 0x110000,
     .events = {STUBDOM_EVENT_NET_RX, STUBDOM_EVENT_NET_LINK}, .nevents = 2},
    {.name = "xenplatform", .config = "bdf=00:02.0"},
};

static const struct fz_device *dev;
static struct sim sim;
static struct core rt;
static void *arena;
static struct core_hv sim_ops; /* the simulator's own hv ops, wrapped below */
static struct core_guest_mem sim_mem;

static struct { int type; uint64_t start, end; } ranges[MAX_RANGES];
static unsigned nranges;
static uint16_t bdfs[16];
static unsigned nbdfs;
static uint8_t named[RAM_BYTES >> 12];
static uint64_t dma_op, dma_input, irq_changes;
static int found;
static uint64_t ram_lo = RAM_BYTES, ram_hi; /* guest RAM written since the last clear */

static void ram_dirty(uint64_t gpa, uint64_t len)
{
    if (gpa < ram_lo) ram_lo = gpa;
    if (gpa + len > ram_hi) ram_hi = gpa + len;
}


/* block units: images and requests waiting for a FZ_BLK_DONE */
struct pending { unsigned unit; int op; uint64_t lba; uint32_t sectors; uint8_t *data, *wdata; void *ctx; void (*done)(void *, int); };
static struct core_blk_backend blk_be[4];
static uint8_t *image[4];
static int image_dirty[4];
static struct pending pend[MAX_PENDING];
static unsigned npend;
static struct core_chr_backend chr_be;
static struct core_net_backend net_be;
static struct core_display_backend disp_be;

/* Chunks (64 KiB) of the device's linear memory written during an input: the fuzz builds'
 * generated code marks them on every store, fill and copy (fuzz/build.ts hookStores); writes
 * from outside (DMA reads, block completions) are marked here; a staged event payload (written
 * by runtime/core) forces a full restore. Without FZ_HOOKED (fuzz-run on build/out/native's
 * unhooked objects) every restore is full. */
unsigned char fz_dirty[65536];
unsigned char *fz_dirty_base;
static int full_restore;

static void mark_module(const void *p, size_t n)
{
    const uint8_t *b = p;
    if (!fz_dirty_base || b < fz_dirty_base || !n) return;
    for (uint64_t k = (uint64_t)(b - fz_dirty_base) >> 16; k <= ((uint64_t)(b - fz_dirty_base) + n - 1) >> 16; k++) fz_dirty[k & 0xffff] = 1;
}

static void finding(const char *cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(const char *cls, const char *fmt, ...)
{
    if (found) return;
    found = 1;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz: FINDING %s: ", cls);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (device %s)\n", dev->name);
    va_end(ap);
    fz_on_finding();
}

static void name_value(uint32_t v)
{
    if (v < RAM_BYTES) named[v >> 12] = 1;
}

/* What the guest last wrote at each register address, by aligned dword: a partial write (a byte
 * of an address register) names the dword it completes. Open addressing, cleared per input. */
#define SHADOW_SLOTS 4096u
static struct { uint64_t key; uint32_t val; } shadow[SHADOW_SLOTS];
static unsigned nshadow;

static uint32_t *shadow_at(uint64_t key)
{
    unsigned i = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 52) % SHADOW_SLOTS;
    for (unsigned n = 0; n < SHADOW_SLOTS; n++, i = (i + 1) % SHADOW_SLOTS) {
        if (shadow[i].key == key) return &shadow[i].val;
        if (!shadow[i].key) {
            if (nshadow == SHADOW_SLOTS / 2) return 0; /* full: names only the written value */
            nshadow++;
            shadow[i].key = key;
            shadow[i].val = 0;
            return &shadow[i].val;
        }
    }
    return 0;
}

/* A guest write of `size` bytes at `addr` in space `type`: the value and the dwords it lands in are named. */
static void name_write(int type, uint64_t addr, unsigned size, uint32_t value)
{
    name_value(value);
    for (unsigned b = 0; b < size; b++) {
        uint64_t a = addr + b;
        uint32_t *d = shadow_at(((uint64_t)(type + 1) << 60) | (a & ~3ull));
        if (!d) continue;
        unsigned lane = (unsigned)(a & 3) * 8;
        *d = (*d & ~(0xffu << lane)) | ((value >> (8 * b)) & 0xffu) << lane;
        name_value(*d);
    }
}

/* --- hypervisor wrappers: claims in order, IRQ activity --------------------------------------- */

static void w_map(void *ctx, int type, uint64_t start, uint64_t end)
{
    sim_ops.map_io_range(ctx, type, start, end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < nbdfs; i++) if (bdfs[i] == start) return;
        if (nbdfs < 16) bdfs[nbdfs++] = (uint16_t)start;
        return;
    }
    if (nranges < MAX_RANGES) ranges[nranges].type = type, ranges[nranges].start = start, ranges[nranges++].end = end;
}

static void w_unmap(void *ctx, int type, uint64_t start, uint64_t end)
{
    sim_ops.unmap_io_range(ctx, type, start, end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < nbdfs; i++)
            if (bdfs[i] == start) { memmove(&bdfs[i], &bdfs[i + 1], (nbdfs - i - 1) * sizeof bdfs[0]); nbdfs--; return; }
        return;
    }
    for (unsigned i = 0; i < nranges; i++)
        if (ranges[i].type == type && ranges[i].start == start && ranges[i].end == end) {
            memmove(&ranges[i], &ranges[i + 1], (nranges - i - 1) * sizeof ranges[0]);
            nranges--;
            return;
        }
}

/* VRAM mappings as sim.c's map_vram/unmap_vram, but with the dirty logs in a static pool (sim.c
 * callocs them: a heap block per BAR move would defeat the snapshot and LeakSanitizer's counts) */
#define VRAM_DIRTY_BYTES ((256u << 20) / 4096 + 1)
static uint8_t vram_dirty[SIM_MAX_VRAM][VRAM_DIRTY_BYTES];

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
    if (s->nvram == SIM_MAX_VRAM || len > (uint64_t)(VRAM_DIRTY_BYTES - 1) * 4096) return;
    struct sim_vram *v = &s->vram[s->nvram++];
    /* a free pool block: one no live mapping uses */
    uint8_t *d = 0;
    for (unsigned k = 0; k < SIM_MAX_VRAM && !d; k++) {
        d = vram_dirty[k];
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
    mark_module(bitmap, (((uint64_t)len + 4095) / 4096 + 7) / 8);
    return sim_ops.collect_dirty_vram(ctx, start, offset, len, bitmap);
}

static void w_isa(void *ctx, unsigned irq, int level) { irq_changes++; sim_ops.set_isa_irq_level(ctx, irq, level); }
static void w_intx(void *ctx, unsigned bdf, unsigned intx, int level) { irq_changes++; sim_ops.set_pci_intx_level(ctx, bdf, intx, level); }

static void dma_account(uint32_t len, const char *what, uint64_t gpa)
{
    dma_op += len;
    dma_input += len;
    if (dma_op > DMA_BUDGET_OP) finding("hang", "more than %u bytes of DMA in one guest operation (%s at 0x%llx): a descriptor/PRD loop?", DMA_BUDGET_OP, what, (unsigned long long)gpa);
    else if (dma_input > DMA_BUDGET_INPUT) finding("hang", "more than %u bytes of DMA in one input", DMA_BUDGET_INPUT);
}

static void check_named(const char *what, uint64_t gpa, uint32_t len)
{
    if (!len) return;
    if (!dev->dma_span) { finding("dma-unnamed", "%s of %u bytes at 0x%llx by a device that does no DMA", what, len, (unsigned long long)gpa); return; }
    uint64_t last = gpa + len - 1;
    uint64_t lo = last >= dev->dma_span ? last - dev->dma_span + 1 : 0;
    for (uint64_t p = lo >> 12; p <= gpa >> 12 && p < sizeof named; p++)
        if (named[p]) return;
    finding("dma-unnamed", "%s of %u bytes at 0x%llx: no address the guest gave (registers, descriptors it read) lies within 0x%x below it",
            what, len, (unsigned long long)gpa, dev->dma_span);
}

static bool w_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
    bool ok = sim_mem.read(ctx, gpa, dst, len);
    if (!ok) return false;
    mark_module(dst, len);
    check_named("DMA read", gpa, len);
    dma_account(len, "read", gpa);
    /* what the device read may name further buffers (descriptor and PRD contents) */
    const uint8_t *b = dst;
    for (uint32_t i = (uint32_t)((4 - (gpa & 3)) & 3); i + 4 <= len; i += 4)
        name_value((uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24);
    return true;
}

static bool w_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
    bool ok = sim_mem.write(ctx, gpa, src, len);
    if (!ok) return false;
    ram_dirty(gpa, len);
    check_named("DMA write", gpa, len);
    dma_account(len, "write", gpa);
    return true;
}

/* --- backends ------------------------------------------------------------------------------- */

static void chr_write(void *ctx, const uint8_t *b, uint32_t len) { (void)ctx, (void)b, (void)len; }
static void net_send(void *ctx, const uint8_t *b, uint32_t len) { (void)ctx, (void)b, (void)len; }
static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *px)
{
    (void)ctx, (void)kind, (void)w, (void)h;
    /* the surface is in module memory: touch its last byte (ASan/UBSan see a bad pointer) */
    if (px && stride && h) { volatile uint8_t x = px[(size_t)stride * h - 1]; (void)x; }
}
static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h) { (void)ctx, (void)x, (void)y, (void)w, (void)h; }

static uint8_t pattern(unsigned unit, uint64_t off) { return (uint8_t)((off * 7 + (off >> 9) * 13 + unit * 31) & 0xff); }

static void image_reset(unsigned u)
{
    const struct fz_blk *b = &dev->blk[u];
    size_t n = (size_t)b->sectors * b->ss;
    if (!image[u]) image[u] = malloc(n);
    for (size_t i = 0; i < n; i++) image[u][i] = pattern(u, i);
    image_dirty[u] = 0;
}

static void blk_submit(void *ctx, const struct core_blk_request *req, void (*done)(void *, int), void *done_ctx)
{
    struct core_blk_backend *be = ctx;
    unsigned unit = (unsigned)(be - blk_be);
    if (npend == MAX_PENDING) {
        finding("blk-flood", "more than %u block requests outstanding", MAX_PENDING);
        done(done_ctx, STUBDOM_BLK_STATUS_EIO);
        return;
    }
    struct pending *p = &pend[npend++];
    *p = (struct pending){.unit = unit, .op = req->op, .lba = req->lba, .sectors = req->sectors, .data = req->data, .ctx = done_ctx, .done = done};
    if (req->op == STUBDOM_BLK_OP_WRITE) {
        size_t n = (size_t)req->sectors * be->sector_size;
        p->wdata = malloc(n ? n : 1);
        memcpy(p->wdata, req->data, n); /* host/node copies write data at submit too */
    }
}

static void blk_complete(unsigned i, uint8_t status_sel)
{
    struct pending p = pend[i];
    memmove(&pend[i], &pend[i + 1], (npend - i - 1) * sizeof pend[0]);
    npend--;
    struct core_blk_backend *be = &blk_be[p.unit];
    int status = status_sel < 0xc0 ? STUBDOM_BLK_STATUS_OK : 1 + (status_sel & 3);
    if (status == STUBDOM_BLK_STATUS_OK && p.op != STUBDOM_BLK_OP_FLUSH) {
        size_t off = (size_t)p.lba * be->sector_size, n = (size_t)p.sectors * be->sector_size;
        if (p.op == STUBDOM_BLK_OP_READ) memcpy(p.data, image[p.unit] + off, n), mark_module(p.data, n);
        else if (p.op == STUBDOM_BLK_OP_WRITE) memcpy(image[p.unit] + off, p.wdata, n), image_dirty[p.unit] = 1;
    }
    free(p.wdata);
    p.done(p.ctx, status);
    core_run_deferred(&rt);
}

static void on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    finding("trap", "%s | %s", f->error, f->during);
}

static void log_sink(void *ctx, const char *device, int level, const char *text, size_t len)
{
    (void)ctx;
    if (fz_verbose >= 2) fprintf(stderr, "[%s] %d: %.*s\n", device, level, (int)len, text);
}

/* --- the machine ---------------------------------------------------------------------------- */

static uint32_t cfg_io(int write, unsigned bdf, unsigned reg, unsigned size, uint32_t v)
{
    sim_pio(&sim, 0, 0xcf8, 4, IOREQ_WRITE, 0x80000000u | bdf << 8 | (reg & 0xfc));
    return sim_pio(&sim, 0, 0xcfc + (reg & 3), size, write ? IOREQ_WRITE : IOREQ_READ, v);
}

/* Sizes and enables every BAR of a function the way firmware does (test/native's programBars). */
static void program_bars(unsigned bdf, uint32_t *io, uint32_t *mem)
{
    for (unsigned bar = 0; bar < 6; bar++) {
        unsigned reg = 0x10 + 4 * bar;
        uint32_t old = cfg_io(0, bdf, reg, 4, 0);
        cfg_io(1, bdf, reg, 4, 0xffffffffu);
        uint32_t mask = cfg_io(0, bdf, reg, 4, 0);
        if (mask == 0 || mask == 0xffffffffu) { cfg_io(1, bdf, reg, 4, old); continue; }
        if (mask & 1) {
            uint32_t size = ((~(mask & 0xfffffffcu)) & 0xffffu) + 1;
            *io = (*io + size - 1) / size * size;
            cfg_io(1, bdf, reg, 4, *io);
            *io += size;
        } else {
            uint32_t size = ~(mask & 0xfffffff0u) + 1;
            *mem = (uint32_t)(((uint64_t)*mem + size - 1) / size * size);
            cfg_io(1, bdf, reg, 4, *mem);
            *mem += size;
            if ((mask & 6) == 4) { cfg_io(1, bdf, reg + 4, 4, 0); bar++; }
        }
    }
    cfg_io(1, bdf, 0x04, 2, 0x0007);
}

static void machine_start(void);
static void snapshot_take(void);

int fz_setup(const char *name)
{
    dev = 0;
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (!strcmp(devices[i].name, name)) dev = &devices[i];
    if (!dev) { fprintf(stderr, "fuzz: unknown device %s\n", name); return -1; }
    if (!arena) arena = malloc(ARENA_BYTES);
    for (unsigned u = 0; u < dev->nblk; u++) image_reset(u);
    if (!arena) return -1;
    /* set up (and snapshot) here rather than in the first fz_run, so that every run takes the
     * same path (AFL++ calls that stability) */
    machine_start();
    snapshot_take();
    return 0;
}

static void machine_start(void)
{
    /* the simulator's RAM and ioreq page are allocated once (sim_init) and cleared here: a fresh
     * calloc per input costs more than the input under ASan */
    if (!sim.ram) sim_init(&sim, RAM_BYTES, 1, true);
    uint8_t *ram = sim.ram, *page = sim.page;
    if (ram_hi > ram_lo) memset(ram + ram_lo, 0, ram_hi - ram_lo);
    ram_lo = RAM_BYTES, ram_hi = 0;
    memset(&sim, 0, sizeof sim);
    sim.ram = ram, sim.ram_size = RAM_BYTES, sim.page = page, sim.vcpus = 1, sim.buffer_vga = true;
    memset(page, 0, IOREQ_SIZE);
    struct core_hv hv;
    sim_hv(&sim, &sim_ops, &sim_mem);
    hv = sim_ops;
    hv.map_io_range = w_map;
    hv.unmap_io_range = w_unmap;
    hv.set_isa_irq_level = w_isa;
    hv.set_pci_intx_level = w_intx;
    hv.map_vram = w_map_vram;
    hv.unmap_vram = w_unmap_vram;
    hv.collect_dirty_vram = w_collect_dirty;
    struct core_guest_mem mem = sim_mem;
    mem.read = w_read;
    mem.write = w_write;
    struct core_options opts = {.log = log_sink, .on_failure = on_failure};
    core_init(&rt, &hv, &mem, &opts, arena, ARENA_BYTES);
    sim_attach(&sim, &rt);
    nranges = nbdfs = npend = 0;
    memset(named, 0, sizeof named);
    dma_op = dma_input = irq_changes = 0;
    found = 0;

    struct core_device_spec spec = {.name = dev->name, .module = dev->name, .config = dev->config, .nirqs = dev->nirqs};
    memcpy(spec.irqs, dev->irqs, sizeof dev->irqs);
    chr_be = (struct core_chr_backend){0, chr_write};
    net_be = (struct core_net_backend){0, net_send};
    disp_be = (struct core_display_backend){0, set_surface, damage};
    if (dev->chr) spec.chr = &chr_be;
    if (dev->net) spec.net = &net_be;
    if (dev->display) spec.display = &disp_be;
    for (unsigned u = 0; u < dev->nblk; u++) {
        const struct fz_blk *b = &dev->blk[u];
        if (image_dirty[u]) image_reset(u);
        blk_be[u] = (struct core_blk_backend){.ctx = &blk_be[u], .sectors = b->sectors, .sector_size = b->ss, .read_only = b->ro,
                                              .removable = b->removable, .present = b->present, .submit = blk_submit};
        spec.blk[u] = &blk_be[u];
    }
    spec.nblk = dev->nblk;
    char err[256];
    if (core_add_device(&rt, &spec, err, sizeof err)) {
        fprintf(stderr, "fuzz: cannot add device %s: %s\n", dev->name, err);
        exit(2);
    }
    uint32_t io = 0xc000, memb = 0xe0000000u;
    uint16_t fns[16];
    unsigned nf = nbdfs;
    memcpy(fns, bdfs, sizeof fns);
    for (unsigned i = 0; i < nf; i++) program_bars(fns[i], &io, &memb);
}

/* The machine right after set-up (device added, BARs programmed), restored before each input
 * instead of instantiating again: the runtime's state, the simulator's, the harness's, and the
 * device instance (globals, memory size) and its linear memory. FUZZ_NO_SNAPSHOT=1 turns it off. */
static struct {
    int valid;
    struct core rt;
    struct sim sim;
    unsigned nranges, nbdfs;
    __typeof__(ranges) ranges;
    uint16_t bdfs[16];
    struct core_blk_backend blk[4];
    uint8_t dirty[SIM_MAX_VRAM][VRAM_DIRTY_BYTES];
    uint8_t *inst, *mem;
    uint32_t inst_len, mem_len;
} snap;

static int check_snapshot;

static void snapshot_take(void)
{
    if (getenv("FUZZ_NO_SNAPSHOT")) return;
    check_snapshot = getenv("FUZZ_CHECK_SNAPSHOT") != 0;
    struct core_device *d = core_device_by_name(&rt, dev->name);
    snap.rt = rt;
    snap.sim = sim;
    memcpy(snap.dirty, vram_dirty, sizeof vram_dirty);
    snap.nranges = nranges, snap.nbdfs = nbdfs;
    memcpy(snap.ranges, ranges, sizeof ranges);
    memcpy(snap.bdfs, bdfs, sizeof bdfs);
    memcpy(snap.blk, blk_be, sizeof blk_be);
    snap.inst_len = d->mod->instance_size;
    snap.inst = malloc(snap.inst_len);
    memcpy(snap.inst, d->inst, snap.inst_len);
    uint8_t *m = core_device_memory(d, &snap.mem_len);
    snap.mem = malloc(snap.mem_len ? snap.mem_len : 1);
    memcpy(snap.mem, m, snap.mem_len);
    fz_dirty_base = m;
    memset(fz_dirty, 0, sizeof fz_dirty);
    snap.valid = 1;
}

static void snapshot_restore(void)
{
    if (ram_hi > ram_lo) memset(sim.ram + ram_lo, 0, ram_hi - ram_lo);
    ram_lo = RAM_BYTES, ram_hi = 0;
    rt = snap.rt;
    sim = snap.sim;
    memcpy(vram_dirty, snap.dirty, sizeof vram_dirty);
    nranges = snap.nranges, nbdfs = snap.nbdfs;
    memcpy(ranges, snap.ranges, sizeof ranges);
    memcpy(bdfs, snap.bdfs, sizeof bdfs);
    memcpy(blk_be, snap.blk, sizeof blk_be);
    struct core_device *d = core_device_by_name(&rt, dev->name);
    memcpy(d->inst, snap.inst, snap.inst_len);
    uint32_t len;
    uint8_t *m = core_device_memory(d, &len);
    (void)len; /* == mem_len: the instance (memory size) was restored */
#ifdef FZ_HOOKED
    if (!full_restore) {
        for (uint32_t k = 0; k < 65536 && (uint64_t)k << 16 < snap.mem_len; k++) {
            if (!fz_dirty[k]) continue;
            uint64_t at = (uint64_t)k << 16, n = snap.mem_len - at < 65536 ? snap.mem_len - at : 65536;
            memcpy(m + at, snap.mem + at, n);
        }
    } else
#endif
        memcpy(m, snap.mem, snap.mem_len);
    memset(fz_dirty, 0, sizeof fz_dirty);
    full_restore = 0;
    if (check_snapshot && memcmp(m, snap.mem, snap.mem_len)) {
        fprintf(stderr, "fuzz: snapshot restore left device memory different (a store not marked)\n");
        abort();
    }
    for (unsigned u = 0; u < dev->nblk; u++) if (image_dirty[u]) image_reset(u);
    npend = 0;
    memset(named, 0, sizeof named);
    if (nshadow) memset(shadow, 0, sizeof shadow), nshadow = 0;
    dma_op = dma_input = irq_changes = 0;
    found = 0;
}

static uint32_t mask_size(uint32_t v, unsigned size) { return size == 4 ? v : v & ((1u << (8 * size)) - 1); }

static void io(int write, uint8_t sel, uint16_t off, unsigned size, uint32_t value)
{
    if (!nranges) return;
    unsigned i = (sel & 0x1f) % nranges;
    uint64_t span = ranges[i].end - ranges[i].start + 1;
    uint64_t o = (((uint64_t)(sel >> 5) << 16) | off) % span;
    if (o + size > span) o = span >= size ? span - size : 0;
    uint64_t addr = ranges[i].start + o;
    value = mask_size(value, size);
    if (write) name_write(ranges[i].type, addr, size, value);
    uint32_t result = 0;
    if (ranges[i].type == CORE_RANGE_PORT) result = sim_pio(&sim, 0, (uint32_t)addr, size, write ? IOREQ_WRITE : IOREQ_READ, value);
    else {
        uint32_t out[2];
        sim_mmio(&sim, 0, addr, size, write ? IOREQ_WRITE : IOREQ_READ, value, 0, out);
        result = out[0];
    }
    if (fz_verbose) fprintf(stderr, "  -> %s %s %u 0x%llx 0x%x\n", ranges[i].type == CORE_RANGE_PORT ? "pio" : "mmio", write ? "w" : "r", size, (unsigned long long)addr, write ? value : result);
}

static void event(const struct fz_op *op)
{
    if (!dev->nevents) return;
    int kind = dev->events[(op->ev & 0x7f) % dev->nevents];
    struct core_device *d = core_device_by_name(&rt, dev->name);
    if (kind == STUBDOM_EVENT_NET_RX || kind == STUBDOM_EVENT_CHR_RX) {
        full_restore = 1; /* runtime/core stages the payload into module memory */
        core_deliver_event(&rt, d, kind, op->data ? op->data : (const uint8_t *)"", op->len, 0, 0);
        return;
    }
    int32_t arg = (int32_t)op->arg, arg2 = (int32_t)op->arg2;
    if (kind == STUBDOM_EVENT_BLK_MEDIA) {
        unsigned u = op->arg & 3;
        arg = (int32_t)u, arg2 = 0;
        if (u < dev->nblk && blk_be[u].removable) blk_be[u].present = !blk_be[u].present;
    }
    core_deliver_event(&rt, d, kind, 0, 0, arg, arg2);
}

static void run_op(const struct fz_op *op)
{
    dma_op = 0;
    switch (op->kind) {
    case FZ_IO_WRITE: io(1, op->sel, op->off, op->size, op->value); break;
    case FZ_IO_READ: io(0, op->sel, op->off, op->size, 0); break;
    case FZ_BURST:
        for (uint32_t k = 0; k < op->count && !found; k++) io(op->write, op->sel, op->off, op->size, op->value);
        break;
    case FZ_CFG_WRITE:
    case FZ_CFG_READ:
        if (!nbdfs) break;
        if (op->kind == FZ_CFG_WRITE) name_value(mask_size(op->value, op->size));
        cfg_io(op->kind == FZ_CFG_WRITE, bdfs[op->sel % nbdfs], op->off, op->size, mask_size(op->value, op->size));
        break;
    case FZ_FILL: {
        if (op->gpa >= RAM_BYTES) break;
        uint32_t n = op->len;
        if (op->gpa + n > RAM_BYTES) n = (uint32_t)(RAM_BYTES - op->gpa);
        memcpy(sim.ram + op->gpa, op->data, n);
        ram_dirty(op->gpa, n);
        for (uint32_t i = (uint32_t)((4 - (op->gpa & 3)) & 3); i + 4 <= n; i += 4)
            name_value((uint32_t)op->data[i] | (uint32_t)op->data[i + 1] << 8 | (uint32_t)op->data[i + 2] << 16 | (uint32_t)op->data[i + 3] << 24);
        break;
    }
    case FZ_CLOCK: sim_advance(&sim, op->ns); break;
    case FZ_EVENT: event(op); break;
    case FZ_BLK_DONE:
        if (npend) blk_complete(op->sel % npend, op->status);
        break;
    case FZ_RESET: core_reset_all(&rt); break;
    default: break;
    }
}

/* After the guest stops: block requests complete, time runs for a virtual second. A device
 * whose timers keep firing at a storm rate, whose IRQ lines keep toggling, or which keeps
 * submitting block requests, never settles. */
static void settle(void)
{
    sim_flush_buffered(&sim);
    dma_op = 0;
    for (unsigned round = 0; npend && !found; round++) {
        if (round == SETTLE_MAX_BLK_ROUNDS) { finding("never-settles", "block requests keep coming after %u completion rounds", round); return; }
        unsigned n = npend;
        for (unsigned i = 0; i < n && npend && !found; i++) blk_complete(0, 0);
    }
    uint64_t end = rt.now + SETTLE_NS, irq0 = irq_changes;
    for (unsigned fired = 0; !found; fired++) {
        uint64_t d = core_next_deadline(&rt);
        if (d == UINT64_MAX || d > end) break;
        if (fired == SETTLE_MAX_TIMERS) { finding("never-settles", "over %u timer firings within 1 s of virtual time after the guest stopped", fired); return; }
        if (irq_changes - irq0 > SETTLE_MAX_IRQ) { finding("never-settles", "IRQ lines changed over %u times after the guest stopped", SETTLE_MAX_IRQ); return; }
        dma_op = 0;
        sim_advance(&sim, d > rt.now ? d - rt.now : 0);
        while (npend && !found) blk_complete(0, 0);
    }
}

int fz_run(const uint8_t *data, size_t size)
{
    if (snap.valid) snapshot_restore();
    else {
        machine_start();
        snapshot_take();
    }
    struct fz_reader r;
    struct fz_op op;
    fz_reader_init(&r, data, size);
    static char line[FZ_MAX_PAYLOAD * 2 + 256];
    while (!found && fz_next(&r, &op)) {
        if (fz_verbose) { fz_format(&op, line, sizeof line); fprintf(stderr, "%s\n", line); }
        run_op(&op);
    }
    if (!found) settle();
    for (unsigned i = 0; i < npend; i++) free(pend[i].wdata);
    npend = 0;
    return found;
}
