/* bench/native/bench.c — the native half of `npm run bench` (bench/bench.ts runs it and prints
 * the comparison): the cost per ioreq of a register read and write through runtime/core + the
 * wasm2c testdev module, the cost of a 4 KiB DMA command, and the Internet checksum over 64 KiB
 * compiled through wasm2c (bench/hot/csum.ts) versus written in C (hotc.c), and an IDE READ DMA
 * of 8 sectors through the ide module (bus master, PRD table, block backend, IRQ), and an e1000
 * transmit of one 1514-byte frame (legacy descriptor, TDT write, DMA, backend, write-back).
 * Usage: stubdom-bench IOREQS DMAS CSUMS IDEREADS [TXFRAMES]; prints one JSON object. The simulator and the request path are
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

/* --- an e1000 frame transmit (what Linux's e1000_xmit_frame does per frame) ------------------- */

#define E1000_BAR 0xfeb80000ull
#define TX_RING 0x2000u
#define TX_BUF 0x3000u
#define TX_DESCS 64u
static uint64_t tx_frames, tx_bytes;

static void net_send(void *ctx, const uint8_t *frame, uint32_t len)
{
    (void)ctx;
    (void)frame;
    tx_frames++;
    tx_bytes += len;
}

static void mmio_w32(struct sim *s, uint64_t addr, uint32_t v)
{
    uint32_t out[2];
    sim_mmio(s, 0, addr, 4, IOREQ_WRITE, v, 0, out);
}

static unsigned tx_tail;
static void e1000_tx(struct sim *s)
{
    uint8_t *d = s->ram + TX_RING + tx_tail * 16;
    memset(d, 0, 16);
    d[0] = (uint8_t)TX_BUF, d[1] = (uint8_t)(TX_BUF >> 8); /* buffer address */
    d[8] = 1514 & 0xff, d[9] = 1514 >> 8;                  /* length */
    d[11] = 0x01 | 0x02 | 0x08;                            /* EOP | IFCS | RS */
    tx_tail = (tx_tail + 1) % TX_DESCS;
    mmio_w32(s, E1000_BAR + 0x3818, tx_tail); /* TDT */
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
    unsigned ndma = argc > 2 ? (unsigned)atoi(argv[2]) : 100000;
    unsigned ncsum = argc > 3 ? (unsigned)atoi(argv[3]) : 20000;
    unsigned nide = argc > 4 ? (unsigned)atoi(argv[4]) : 20000;
    unsigned ntx = argc > 5 ? (unsigned)atoi(argv[5]) : nide;
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

    /* e1000: the NIC at 00:03.0, BAR0 mapped, a 64-descriptor TX ring, frames to a counting sink */
    static struct sim esim;
    static struct core ert;
    struct core_hv ehv;
    struct core_guest_mem emem;
    sim_init(&esim, 16u << 20, 1, true);
    sim_hv(&esim, &ehv, &emem);
    core_init(&ert, &ehv, &emem, 0, malloc(ARENA), ARENA);
    sim_attach(&esim, &ert);
    static struct core_net_backend sink_net = {.send = net_send};
    struct core_device_spec nic = {.name = "e1000", .module = "e1000", .config = "bdf=00:03.0,mac=52:54:00:12:34:56", .net = &sink_net};
    double tx_ns = -1;
    if (core_find_module("e1000") && !core_add_device(&ert, &nic, err, sizeof err)) {
        cfgw(&esim, 0x18, 0x10, 4, (uint32_t)E1000_BAR);
        cfgw(&esim, 0x18, 0x04, 2, 0x0006);
        for (unsigned i = 0; i < 1514; i++) esim.ram[TX_BUF + i] = (uint8_t)i;
        mmio_w32(&esim, E1000_BAR + 0x3800, TX_RING); /* TDBAL */
        mmio_w32(&esim, E1000_BAR + 0x3804, 0);
        mmio_w32(&esim, E1000_BAR + 0x3808, TX_DESCS * 16); /* TDLEN */
        mmio_w32(&esim, E1000_BAR + 0x3810, 0);
        mmio_w32(&esim, E1000_BAR + 0x3818, 0);
        mmio_w32(&esim, E1000_BAR + 0x0400, 0x02 | 0x08); /* TCTL: EN | PSP */
        e1000_tx(&esim);
        if (tx_frames != 1 || tx_bytes < 1514) {
            fprintf(stderr, "bench: the e1000 did not transmit the frame (%llu frames)\n", (unsigned long long)tx_frames);
            return 1;
        }
        for (int round = 0; round < 2; round++) {
            uint64_t a = platform_time_ns();
            for (unsigned i = 0; i < ntx; i++) e1000_tx(&esim);
            uint64_t b = platform_time_ns();
            if (tx_ns < 0 || per(a, b, ntx) < tx_ns) tx_ns = per(a, b, ntx);
        }
        if (tx_frames != 1 + 2ull * ntx) {
            fprintf(stderr, "bench: %llu frames transmitted, want %llu\n", (unsigned long long)tx_frames, 1 + 2ull * ntx);
            return 1;
        }
    }

    printf("{\"tx_ns\": %.1f, \"ide_ns\": %.1f, \"read_ns\": %.1f, \"write_ns\": %.1f, \"dma_ns\": %.1f, \"csum_wasm2c_ns\": %.1f, \"csum_c_ns\": %.1f, \"csum\": %u, \"ioreqs\": %llu}\n",
           tx_ns, ide_ns, rd, wr, dm, per(t5, t6, ncsum), per(t6, t7, ncsum),
           Z_hotcsumZ_csum(&inst, 0, 65536), (unsigned long long)rt.stats.ioreqs);
    (void)sink;
    return 0;
}
