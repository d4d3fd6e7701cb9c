/* fuzz/harness/fuzz_exec.c — the fuzz executor (see fuzz_exec.h, docs/fuzzing.md). One device on
 * runtime/core with runtime/posix's hypervisor simulator; every input starts from a fresh core,
 * fresh guest RAM and pristine disk images. This file is the machine (set-up, snapshot, running an
 * input's operations, settling); fuzz_devices.c the device table, fuzz_hv.c the hypervisor
 * wrappers, fuzz_oracle.c the oracles, fuzz_backends.c the backends (fuzz_machine.h).
 * fuzz/lib/exec.ts does the same on host/node. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_exec.h"
#include "fuzz_machine.h"
#include "fuzz_ops.h"
#include "../../runtime/core/abi.h"
#include "../../runtime/core/ioreq.h"

#define ARENA_BYTES (192u << 20)
#define SETTLE_NS 1000000000ull
#define SETTLE_MAX_TIMERS 20000u
#define SETTLE_MAX_IRQ 10000u
#define SETTLE_MAX_BLK_ROUNDS 256u

void (*fz_on_finding)(void) = abort;
int fz_verbose;

const struct fz_device *fz_dev;
struct sim fz_sim;
struct core fz_rt;
static void *arena;

/* Chunks (64 KiB) of the device's linear memory written during an input: the fuzz builds'
 * generated code marks them on every store, fill and copy (fuzz/build.ts hookStores); writes
 * from outside (DMA reads, block completions) are marked here; a staged event payload (written
 * by runtime/core) forces a full restore. Without FZ_HOOKED (fuzz-run on build/out/native's
 * unhooked objects) every restore is full. */
unsigned char fz_dirty[65536];
unsigned char *fz_dirty_base;
static int full_restore;

void fz_mark_module(const void *p, size_t n)
{
    const uint8_t *b = p;
    if (!fz_dirty_base || b < fz_dirty_base || !n) return;
    for (uint64_t k = (uint64_t)(b - fz_dirty_base) >> 16; k <= ((uint64_t)(b - fz_dirty_base) + n - 1) >> 16; k++) fz_dirty[k & 0xffff] = 1;
}

/* --- the machine ---------------------------------------------------------------------------- */

static uint32_t cfg_io(int write, unsigned bdf, unsigned reg, unsigned size, uint32_t v)
{
    sim_pio(&fz_sim, 0, 0xcf8, 4, IOREQ_WRITE, 0x80000000u | bdf << 8 | (reg & 0xfc));
    return sim_pio(&fz_sim, 0, 0xcfc + (reg & 3), size, write ? IOREQ_WRITE : IOREQ_READ, v);
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
    fz_dev = fz_find_device(name);
    if (!fz_dev) { fprintf(stderr, "fuzz: unknown device %s\n", name); return -1; }
    if (!arena) arena = malloc(ARENA_BYTES);
    fz_images_reset(1);
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
    if (!fz_sim.ram) sim_init(&fz_sim, FZ_RAM_BYTES, 1, true);
    fz_ram_clear();
    uint8_t *ram = fz_sim.ram, *page = fz_sim.page;
    memset(&fz_sim, 0, sizeof fz_sim);
    fz_sim.ram = ram, fz_sim.ram_size = FZ_RAM_BYTES, fz_sim.page = page, fz_sim.vcpus = 1, fz_sim.buffer_vga = true;
    memset(page, 0, IOREQ_SIZE);
    struct core_hv hv;
    struct core_guest_mem mem;
    sim_hv(&fz_sim, &hv, &mem);
    fz_hv_wrap(&hv, &mem);
    struct core_options opts = {.log = fz_log_sink, .on_failure = fz_on_failure};
    core_init(&fz_rt, &hv, &mem, &opts, arena, ARENA_BYTES);
    sim_attach(&fz_sim, &fz_rt);
    fz_nranges = fz_nbdfs = fz_npend = 0;
    fz_oracle_clear();
    fz_irq_changes = 0;

    struct core_device_spec spec = {.name = fz_dev->name, .module = fz_dev->name, .config = fz_dev->config, .nirqs = fz_dev->nirqs};
    memcpy(spec.irqs, fz_dev->irqs, sizeof fz_dev->irqs);
    fz_backends_bind(&spec);
    char err[256];
    if (core_add_device(&fz_rt, &spec, err, sizeof err)) {
        fprintf(stderr, "fuzz: cannot add device %s: %s\n", fz_dev->name, err);
        exit(2);
    }
    uint32_t io = 0xc000, memb = 0xe0000000u;
    uint16_t fns[FZ_MAX_BDFS];
    unsigned nf = fz_nbdfs;
    memcpy(fns, fz_bdfs, sizeof fns);
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
    struct fz_range ranges[FZ_MAX_RANGES];
    uint16_t bdfs[FZ_MAX_BDFS];
    struct core_blk_backend blk[4];
    uint8_t dirty[SIM_MAX_VRAM][FZ_VRAM_DIRTY_BYTES];
    uint8_t *inst, *mem;
    uint32_t inst_len, mem_len;
} snap;

static int check_snapshot;

static void snapshot_take(void)
{
    if (getenv("FUZZ_NO_SNAPSHOT")) return;
    check_snapshot = getenv("FUZZ_CHECK_SNAPSHOT") != 0;
    struct core_device *d = core_device_by_name(&fz_rt, fz_dev->name);
    snap.rt = fz_rt;
    snap.sim = fz_sim;
    memcpy(snap.dirty, fz_vram_dirty, sizeof fz_vram_dirty);
    snap.nranges = fz_nranges, snap.nbdfs = fz_nbdfs;
    memcpy(snap.ranges, fz_ranges, sizeof fz_ranges);
    memcpy(snap.bdfs, fz_bdfs, sizeof fz_bdfs);
    memcpy(snap.blk, fz_blk_be, sizeof fz_blk_be);
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
    fz_ram_clear();
    fz_rt = snap.rt;
    fz_sim = snap.sim;
    memcpy(fz_vram_dirty, snap.dirty, sizeof fz_vram_dirty);
    fz_nranges = snap.nranges, fz_nbdfs = snap.nbdfs;
    memcpy(fz_ranges, snap.ranges, sizeof fz_ranges);
    memcpy(fz_bdfs, snap.bdfs, sizeof fz_bdfs);
    memcpy(fz_blk_be, snap.blk, sizeof fz_blk_be);
    struct core_device *d = core_device_by_name(&fz_rt, fz_dev->name);
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
    fz_images_reset(0);
    fz_npend = 0;
    fz_oracle_clear();
    fz_irq_changes = 0;
}

static uint32_t mask_size(uint32_t v, unsigned size) { return size == 4 ? v : v & ((1u << (8 * size)) - 1); }

static void io(int write, uint8_t sel, uint16_t off, unsigned size, uint32_t value)
{
    if (!fz_nranges) return;
    unsigned i = (sel & 0x1f) % fz_nranges;
    uint64_t span = fz_ranges[i].end - fz_ranges[i].start + 1;
    uint64_t o = (((uint64_t)(sel >> 5) << 16) | off) % span;
    if (o + size > span) o = span >= size ? span - size : 0;
    uint64_t addr = fz_ranges[i].start + o;
    value = mask_size(value, size);
    if (write) fz_name_write(fz_ranges[i].type, addr, size, value);
    uint32_t result = 0;
    if (fz_ranges[i].type == CORE_RANGE_PORT) result = sim_pio(&fz_sim, 0, (uint32_t)addr, size, write ? IOREQ_WRITE : IOREQ_READ, value);
    else {
        uint32_t out[2];
        sim_mmio(&fz_sim, 0, addr, size, write ? IOREQ_WRITE : IOREQ_READ, value, 0, out);
        result = out[0];
    }
    if (fz_verbose) fprintf(stderr, "  -> %s %s %u 0x%llx 0x%x\n", fz_ranges[i].type == CORE_RANGE_PORT ? "pio" : "mmio", write ? "w" : "r", size, (unsigned long long)addr, write ? value : result);
}

static void event(const struct fz_op *op)
{
    if (!fz_dev->nevents) return;
    int kind = fz_dev->events[(op->ev & 0x7f) % fz_dev->nevents];
    struct core_device *d = core_device_by_name(&fz_rt, fz_dev->name);
    if (kind == STUBDOM_EVENT_NET_RX || kind == STUBDOM_EVENT_CHR_RX) {
        full_restore = 1; /* runtime/core stages the payload into module memory */
        core_deliver_event(&fz_rt, d, kind, op->data ? op->data : (const uint8_t *)"", op->len, 0, 0);
        return;
    }
    int32_t arg = (int32_t)op->arg, arg2 = (int32_t)op->arg2;
    if (kind == STUBDOM_EVENT_BLK_MEDIA) {
        unsigned u = op->arg & 3;
        arg = (int32_t)u, arg2 = 0;
        if (u < fz_dev->nblk && fz_blk_be[u].removable) fz_blk_be[u].present = !fz_blk_be[u].present;
    }
    core_deliver_event(&fz_rt, d, kind, 0, 0, arg, arg2);
}

static void run_op(const struct fz_op *op)
{
    fz_dma_op = 0;
    switch (op->kind) {
    case FZ_IO_WRITE: io(1, op->sel, op->off, op->size, op->value); break;
    case FZ_IO_READ: io(0, op->sel, op->off, op->size, 0); break;
    case FZ_BURST:
        for (uint32_t k = 0; k < op->count && !fz_found; k++) io(op->write, op->sel, op->off, op->size, op->value);
        break;
    case FZ_CFG_WRITE:
    case FZ_CFG_READ:
        if (!fz_nbdfs) break;
        if (op->kind == FZ_CFG_WRITE) fz_name_value(mask_size(op->value, op->size));
        cfg_io(op->kind == FZ_CFG_WRITE, fz_bdfs[op->sel % fz_nbdfs], op->off, op->size, mask_size(op->value, op->size));
        break;
    case FZ_FILL: {
        if (op->gpa >= FZ_RAM_BYTES) break;
        uint32_t n = op->len;
        if (op->gpa + n > FZ_RAM_BYTES) n = (uint32_t)(FZ_RAM_BYTES - op->gpa);
        memcpy(fz_sim.ram + op->gpa, op->data, n);
        fz_ram_dirty(op->gpa, n);
        fz_name_words(op->gpa, op->data, n);
        break;
    }
    case FZ_CLOCK: sim_advance(&fz_sim, op->ns); break;
    case FZ_EVENT: event(op); break;
    case FZ_BLK_DONE:
        if (fz_npend) fz_blk_complete(op->sel % fz_npend, op->status);
        break;
    case FZ_RESET: core_reset_all(&fz_rt); break;
    default: break;
    }
}

/* After the guest stops: block requests complete, time runs for a virtual second. A device
 * whose timers keep firing at a storm rate, whose IRQ lines keep toggling, or which keeps
 * submitting block requests, never settles. */
static void settle(void)
{
    sim_flush_buffered(&fz_sim);
    fz_dma_op = 0;
    for (unsigned round = 0; fz_npend && !fz_found; round++) {
        if (round == SETTLE_MAX_BLK_ROUNDS) { fz_finding("never-settles", "block requests keep coming after %u completion rounds", round); return; }
        unsigned n = fz_npend;
        for (unsigned i = 0; i < n && fz_npend && !fz_found; i++) fz_blk_complete(0, 0);
    }
    uint64_t end = fz_rt.now + SETTLE_NS, irq0 = fz_irq_changes;
    for (unsigned fired = 0; !fz_found; fired++) {
        uint64_t d = core_next_deadline(&fz_rt);
        if (d == UINT64_MAX || d > end) break;
        if (fired == SETTLE_MAX_TIMERS) { fz_finding("never-settles", "over %u timer firings within 1 s of virtual time after the guest stopped", fired); return; }
        if (fz_irq_changes - irq0 > SETTLE_MAX_IRQ) { fz_finding("never-settles", "IRQ lines changed over %u times after the guest stopped", SETTLE_MAX_IRQ); return; }
        fz_dma_op = 0;
        sim_advance(&fz_sim, d > fz_rt.now ? d - fz_rt.now : 0);
        while (fz_npend && !fz_found) fz_blk_complete(0, 0);
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
    while (!fz_found && fz_next(&r, &op)) {
        if (fz_verbose) { fz_format(&op, line, sizeof line); fprintf(stderr, "%s\n", line); }
        run_op(&op);
    }
    if (!fz_found) settle();
    fz_blk_drop_pending();
    return fz_found;
}
