/* bench/native/bench.c — the native half of `npm run bench` (bench/bench.ts runs it and prints
 * the comparison): the cost per ioreq of a register read and write through runtime/core + the
 * wasm2c testdev module, the cost of a 4 KiB DMA command, and the Internet checksum over 64 KiB
 * compiled through wasm2c (bench/hot/csum.ts) versus written in C (hotc.c), and an IDE READ DMA
 * of 8 sectors through the ide module (bus master, PRD table, block backend, IRQ). Usage:
 * stubdom-bench IOREQS DMAS CSUMS IDEREADS; prints one JSON object. The simulator and the request path are
 * the ones runtime/posix replays with, so the figures compare like with like against V8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../runtime/posix/sim.h"
#include "../../runtime/core/internal.h"
#include "../../runtime/core/ioreq.h"
#include "../../runtime/core/abi.h"
#include "hotcsum.h"
#include "hotc.h"

#define ARENA (64u << 20)

static double per(uint64_t t0, uint64_t t1, unsigned n) { return (double)(t1 - t0) / n; }

/* --- an IDE READ DMA through the ide module (the register sequence SeaBIOS and Linux use) ---- */

#define DISK_SECTORS 8192u
static uint8_t disk[DISK_SECTORS * 512];

static void disk_submit(void *ctx, const struct core_blk_request *req, void (*done)(void *, int), void *done_ctx)
{
    (void)ctx;
    if (req->op == STUBDOM_BLK_OP_READ) memcpy(req->data, disk + req->lba * 512, (size_t)req->sectors * 512);
    else if (req->op == STUBDOM_BLK_OP_WRITE) memcpy(disk + req->lba * 512, req->data, (size_t)req->sectors * 512);
    done(done_ctx, STUBDOM_BLK_STATUS_OK);
}

static void outp(struct sim *s, uint32_t port, uint32_t size, uint32_t v) { sim_pio(s, 0, port, size, IOREQ_WRITE, v); }
static uint32_t inp(struct sim *s, uint32_t port, uint32_t size) { return sim_pio(s, 0, port, size, IOREQ_READ, 0); }
static void cfgw(struct sim *s, uint32_t bdf, uint32_t reg, uint32_t size, uint32_t v)
{
    outp(s, 0xcf8, 4, 0x80000000u | bdf << 8 | (reg & 0xfc));
    outp(s, 0xcfc + (reg & 3), size, v);
}

#define BM 0xc040u
static void ide_read_dma(struct sim *s)
{
    outp(s, BM, 1, 0);
    outp(s, BM + 2, 1, 0x06);
    outp(s, BM + 4, 4, 0x1000);
    outp(s, BM, 1, 0x08);
    outp(s, 0x1f6, 1, 0xe0);
    outp(s, 0x1f1, 1, 0);
    outp(s, 0x1f2, 1, 8);
    outp(s, 0x1f3, 1, 16);
    outp(s, 0x1f4, 1, 0);
    outp(s, 0x1f5, 1, 0);
    outp(s, 0x1f7, 1, 0xc8);
    outp(s, BM, 1, 0x09);
    inp(s, BM + 2, 1);
    inp(s, 0x1f7, 1); /* status: acknowledges the interrupt */
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
    unsigned ndma = argc > 2 ? (unsigned)atoi(argv[2]) : 100000;
    unsigned ncsum = argc > 3 ? (unsigned)atoi(argv[3]) : 20000;
    unsigned nide = argc > 4 ? (unsigned)atoi(argv[4]) : 20000;
    static struct sim sim;
    static struct core rt;
    struct core_hv hv;
    struct core_guest_mem mem;
    sim_init(&sim, 16u << 20, 1, true);
    sim_hv(&sim, &hv, &mem);
    core_init(&rt, &hv, &mem, 0, malloc(ARENA), ARENA);
    sim_attach(&sim, &rt);
    struct core_device_spec spec = {.name = "t", .module = "testdev", .config = "base=0x600,mmio=0xfe000000",
                                    .irqs = {{.kind = CORE_ROUTE_ISA, .line = 5}}, .nirqs = 1};
    char err[256];
    if (core_add_device(&rt, &spec, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 2;
    }
    volatile uint32_t sink = 0;
    for (unsigned i = 0; i < 10000; i++) sink += sim_pio(&sim, 0, 0x600, 4, IOREQ_READ, 0);
    /* each figure is the better of two rounds, reads and writes interleaved between rounds */
    double rd = 1e30, wr = 1e30, dm = 1e30;
    sim_pio(&sim, 0, 0x608, 4, IOREQ_WRITE, 0x10000);
    sim_pio(&sim, 0, 0x60c, 4, IOREQ_WRITE, 4096);
    for (int round = 0; round < 2; round++) {
        uint64_t t0 = platform_time_ns();
        for (unsigned i = 0; i < n; i++) sink += sim_pio(&sim, 0, 0x600, 4, IOREQ_READ, 0);
        uint64_t t1 = platform_time_ns();
        for (unsigned i = 0; i < n; i++) sim_pio(&sim, 0, 0x600, 4, IOREQ_WRITE, i);
        uint64_t t2 = platform_time_ns();
        for (unsigned i = 0; i < ndma; i++) sim_pio(&sim, 0, 0x610, 4, IOREQ_WRITE, 2);
        uint64_t t3 = platform_time_ns();
        if (per(t0, t1, n) < rd) rd = per(t0, t1, n);
        if (per(t1, t2, n) < wr) wr = per(t1, t2, n);
        if (per(t2, t3, ndma) < dm) dm = per(t2, t3, ndma);
    }

    /* the hot function: the same 64 KiB in wasm2c linear memory and in a plain buffer */
    static Z_hotcsum_instance_t inst;
    Z_hotcsum_init_module();
    core_alloc_rt = &rt;
    core_alloc_limit_pages = 0;
    Z_hotcsum_instantiate(&inst);
    core_alloc_rt = 0;
    wasm_rt_memory_t *m = Z_hotcsumZ_memory(&inst);
    uint8_t *buf = malloc(65536);
    uint32_t x = 12345;
    for (unsigned i = 0; i < 65536; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = m->data[i] = (uint8_t)(x >> 16);
    }
    uint32_t a = 0, b = 0;
    for (unsigned i = 0; i < 100; i++) a += Z_hotcsumZ_csum(&inst, 0, 65536), b += csum_native(buf, 65536);
    uint64_t t5 = platform_time_ns();
    for (unsigned i = 0; i < ncsum; i++) a += Z_hotcsumZ_csum(&inst, 0, 65536);
    uint64_t t6 = platform_time_ns();
    for (unsigned i = 0; i < ncsum; i++) b += csum_native(buf, 65536);
    uint64_t t7 = platform_time_ns();
    if (a != b) {
        fprintf(stderr, "bench: checksums differ (wasm2c %u, C %u)\n", a, b);
        return 1;
    }
    /* IDE: a 4 MiB disk of known bytes on hda, the controller enabled as firmware does */
    static struct sim isim;
    static struct core irt;
    struct core_hv ihv;
    struct core_guest_mem imem;
    sim_init(&isim, 16u << 20, 1, true);
    sim_hv(&isim, &ihv, &imem);
    core_init(&irt, &ihv, &imem, 0, malloc(ARENA), ARENA);
    sim_attach(&isim, &irt);
    for (unsigned i = 0; i < sizeof disk; i++) disk[i] = (uint8_t)(i * 7 + (i >> 9));
    static struct core_blk_backend hda = {.sectors = DISK_SECTORS, .sector_size = 512, .present = true, .submit = disk_submit};
    struct core_device_spec ide = {.name = "ide", .module = "ide", .config = "hda=disk,hdb=none,hdc=none,hdd=none",
                                   .irqs = {{.kind = CORE_ROUTE_ISA, .line = 14}, {.kind = CORE_ROUTE_ISA, .line = 15}}, .nirqs = 2,
                                   .blk = {&hda}, .nblk = 1};
    double ide_ns = -1;
    if (core_find_module("ide") && !core_add_device(&irt, &ide, err, sizeof err)) {
        cfgw(&isim, 0x09, 0x40, 2, 0x8000);
        cfgw(&isim, 0x09, 0x42, 2, 0x8000);
        cfgw(&isim, 0x09, 0x20, 4, BM);
        cfgw(&isim, 0x09, 0x04, 2, 0x0005);
        uint8_t prd[8] = {0x00, 0x00, 0x10, 0x00, 0x00, 0x10, 0x00, 0x80}; /* 0x100000, 4096 bytes, EOT */
        memcpy(isim.ram + 0x1000, prd, 8);
        ide_read_dma(&isim);
        if (memcmp(isim.ram + 0x100000, disk + 16 * 512, 4096)) {
            fprintf(stderr, "bench: IDE READ DMA did not deliver the disk's sectors\n");
            return 1;
        }
        for (int round = 0; round < 2; round++) {
            uint64_t a = platform_time_ns();
            for (unsigned i = 0; i < nide; i++) ide_read_dma(&isim);
            uint64_t b = platform_time_ns();
            if (ide_ns < 0 || per(a, b, nide) < ide_ns) ide_ns = per(a, b, nide);
        }
    }

    printf("{\"ide_ns\": %.1f, \"read_ns\": %.1f, \"write_ns\": %.1f, \"dma_ns\": %.1f, \"csum_wasm2c_ns\": %.1f, \"csum_c_ns\": %.1f, \"csum\": %u, \"ioreqs\": %llu}\n",
           ide_ns, rd, wr, dm, per(t5, t6, ncsum), per(t6, t7, ncsum),
           Z_hotcsumZ_csum(&inst, 0, 65536), (unsigned long long)rt.stats.ioreqs);
    (void)sink;
    return 0;
}
