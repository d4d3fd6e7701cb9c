/* runtime/posix/replay.c — `stubdom-replay [--check] [--log] TRACE`: replays a trace
 * (docs/trace-format.md) recorded on V8 through runtime/core + the simulator in sim.c, and
 * writes the trace this runtime produces — the same guest operations with this runtime's read
 * results and effects — to stdout. With --check it instead compares line by line with TRACE and
 * exits 1 at the first difference (printed on stderr). --dump DIR writes each device's final
 * linear memory to DIR/<name>.mem; --log prints every device log line. At a `snapshot` record the
 * device model is saved and restored into fresh devices (replay_snap.c): --save-snapshot FILE
 * keeps our snapshot, --restore-snapshot FILE restores that one instead. Exit 2: unreadable trace,
 * setup error or a refused snapshot. This file runs the records; replay_parse.c reads them,
 * replay_backends.c gives devices their backends, replay_out.c collects the trace we write. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "replay_snap.h"
#include "replay_out.h"
#include "replay_parse.h"
#include "replay_backends.h"
#include "../core/ioreq.h"
#include "../core/abi.h"

#define ARENA_BYTES (512u << 20)

static uint32_t fnv32(const uint8_t *b, uint64_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (uint64_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x01000193u;
    return h;
}

int main(int argc, char **argv)
{
    int check = 0;
    const char *path = 0, *dump = 0, *snap_in = 0, *snap_out = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check")) check = 1;
        else if (!strcmp(argv[i], "--log")) replay_verbose_log = 1;
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--restore-snapshot") && i + 1 < argc) snap_in = argv[++i];
        else if (!strcmp(argv[i], "--save-snapshot") && i + 1 < argc) snap_out = argv[++i];
        else path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: stubdom-replay [--check] [--log] [--dump DIR] [--save-snapshot FILE] [--restore-snapshot FILE] TRACE\n");
        return 2;
    }
    size_t size;
    char *text = (char *)replay_read_file(path, &size);
    struct replay_lines expect = {0}; /* the expected lines: everything but comments and blank lines */
    replay_records(text, &expect);

    uint64_t ram_bytes = 16u << 20;
    unsigned vcpus = 1;
    int bufvga = 1, ramdigest = 1;
    struct sim_span holes[4];
    unsigned nholes = 0;
    static struct sim sim;
    static struct core rt;
    int started = 0;
    struct dev_backends *bes = calloc(CORE_MAX_DEVICES, sizeof *bes);
    char *devnames[CORE_MAX_DEVICES];
    unsigned ndev = 0;
    replay_put("stubdom-trace 1");

    for (size_t li = 1; li < expect.n; li++) {
        int line = (int)li + 1;
        char *copy = strdup(expect.lines[li]);
        replay_mark = replay_out.n;
        char *tok[16];
        int nt = replay_split(copy, tok, 16);
        const char *op = tok[0];
        if (!started && !strcmp(op, "ramhole")) {
            if (nt != 3 || nholes == 4) replay_die(line, "ramhole START END (at most 4)");
            holes[nholes].start = replay_num(tok[1], line);
            holes[nholes++].end = replay_num(tok[2], line);
            replay_put(expect.lines[li]);
            free(copy);
            continue;
        }
        if (!started && (!strcmp(op, "ram") || !strcmp(op, "vcpus") || !strcmp(op, "bufvga") || !strcmp(op, "ramdigest"))) {
            if (nt != 2) replay_die(line, "header line takes one value");
            uint64_t v = replay_num(tok[1], line);
            if (!strcmp(op, "ram")) ram_bytes = v;
            else if (!strcmp(op, "vcpus")) vcpus = (unsigned)v;
            else if (!strcmp(op, "ramdigest")) ramdigest = (int)v;
            else bufvga = (int)v;
            replay_put_at_mark(expect.lines[li]);
            free(copy);
            continue;
        }
        if (!started) {
            sim_init(&sim, ram_bytes, vcpus, bufvga != 0);
            sim.emit = replay_emit;
            memcpy(sim.holes, holes, sizeof holes);
            sim.nholes = nholes;
            struct core_hv hv;
            struct core_guest_mem mem;
            sim_hv(&sim, &hv, &mem);
            struct core_options opts = {.log = replay_log_sink, .on_failure = replay_on_failure};
            void *arena = malloc(ARENA_BYTES);
            core_init(&rt, &hv, &mem, &opts, arena, ARENA_BYTES);
            sim_attach(&sim, &rt);
            started = 1;
        }
        if (!strcmp(op, "blkunit")) {
            /* blkunit DEVICE UNIT SECTORS SECTOR_SIZE FLAGS: before its device's line */
            if (nt != 6) replay_die(line, "blkunit DEVICE UNIT SECTORS SECTOR_SIZE FLAGS");
            unsigned unit = (unsigned)replay_num(tok[2], line);
            if (unit >= CORE_MAX_BLK || ndev >= CORE_MAX_DEVICES) replay_die(line, "block unit out of range");
            replay_blk_unit(&bes[ndev].blk[unit], tok[1], unit, replay_num(tok[3], line), (uint32_t)replay_num(tok[4], line), (uint32_t)replay_num(tok[5], line));
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "blkdata")) {
            if (nt != 5) replay_die(line, "blkdata DEVICE UNIT LBA HEX");
            struct rblk *r = 0;
            unsigned unit = (unsigned)replay_num(tok[2], line);
            for (unsigned i = 0; i < ndev && !r; i++)
                if (!strcmp(bes[i].name, tok[1]) && unit < CORE_MAX_BLK && bes[i].blk[unit].used) r = &bes[i].blk[unit];
            if (!r) replay_die(line, "blkdata for an unknown block unit");
            uint32_t len;
            uint8_t *b = replay_unhex(tok[4], &len, line);
            if (!r->b.sector_size || len % r->b.sector_size) replay_die(line, "blkdata not a whole number of sectors");
            replay_blk_store(r, replay_num(tok[3], line), b, len / r->b.sector_size);
            free(b);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "device")) {
            /* device NAME MODULE wasm=FNV irqs=R be=B cfg=REST */
            if (nt < 6 || strncmp(tok[3], "wasm=", 5) || strncmp(tok[4], "irqs=", 5) || strncmp(tok[5], "be=", 3))
                replay_die(line, "device NAME MODULE wasm=.. irqs=.. be=.. cfg=..");
            char **t = tok + 1; /* irqs and be are one token further */
            const char *cfg = strstr(expect.lines[li], " cfg=");
            if (!cfg) replay_die(line, "device line without cfg=");
            cfg += 5;
            struct core_device_spec spec = {0};
            struct dev_backends *be = &bes[ndev];
            snprintf(be->name, sizeof be->name, "%s", tok[1]);
            spec.name = tok[1];
            const char *slash = strrchr(tok[2], '/');
            spec.module = slash ? slash + 1 : tok[2];
            spec.config = cfg;
            replay_parse_irqs(t[3] + 5, &spec, line);
            if (strstr(t[4], "chr")) spec.chr = &be->chr;
            if (strstr(t[4], "net")) spec.net = &be->net;
            if (strstr(t[4], "display")) spec.display = &be->display;
            for (unsigned u = 0; u < CORE_MAX_BLK; u++) {
                if (!be->blk[u].used) continue;
                if (strcmp(be->blk[u].dev, tok[1])) replay_die(line, "blkunit names another device");
                spec.blk[u] = &be->blk[u].b;
                spec.nblk = u + 1;
            }
            const struct core_module *cm = core_find_module(spec.module);
            if (cm && cm->wasm_fnv32 != (uint32_t)replay_num(tok[3] + 5, line)) {
                fprintf(stderr, "stubdom-replay: device %s: the trace was recorded with a different %s.wasm (0x%x) than the one compiled in (0x%x): run build/native.ts\n",
                        tok[1], spec.module, (unsigned)replay_num(tok[3] + 5, line), cm->wasm_fnv32);
                return 2;
            }
            replay_bind_backends(be);
            replay_put_at_mark(expect.lines[li]);
            char err[256];
            if (core_add_device(&rt, &spec, err, sizeof err)) {
                fprintf(stderr, "stubdom-replay: %s\n", err);
                replay_putf("device-error %s", err);
            }
            devnames[ndev++] = strdup(tok[1]);
        } else if (!strcmp(op, "pio")) {
            if (nt != 6) replay_die(line, "pio VCPU r|w SIZE PORT VALUE");
            int dir = tok[2][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            uint32_t size = (uint32_t)replay_num(tok[3], line), port = (uint32_t)replay_num(tok[4], line);
            uint32_t v = dir == IOREQ_READ ? 0 : (uint32_t)replay_num(tok[5], line);
            uint32_t r = sim_pio(&sim, (unsigned)replay_num(tok[1], line), port, size, dir, v);
            replay_opf("pio %s %s %u 0x%x 0x%x", tok[1], tok[2], size, port, dir == IOREQ_READ ? r : v);
        } else if (!strcmp(op, "mmio")) {
            if (nt != 7) replay_die(line, "mmio VCPU r|w SIZE ADDR LO HI");
            int dir = tok[2][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            uint32_t size = (uint32_t)replay_num(tok[3], line);
            uint64_t addr = replay_num(tok[4], line);
            uint32_t lo = dir == IOREQ_READ ? 0 : (uint32_t)replay_num(tok[5], line), hi = dir == IOREQ_READ ? 0 : (uint32_t)replay_num(tok[6], line);
            uint32_t r[2];
            sim_mmio(&sim, (unsigned)replay_num(tok[1], line), addr, size, dir, lo, hi, r);
            replay_opf("mmio %s %s %u 0x%llx 0x%x 0x%x", tok[1], tok[2], size, (unsigned long long)addr,
                 dir == IOREQ_READ ? r[0] : lo, dir == IOREQ_READ ? r[1] : hi);
        } else if (!strcmp(op, "str")) {
            if (nt != 9) replay_die(line, "str VCPU pio|mmio r|w SIZE ADDR GPA COUNT DF");
            int type = !strcmp(tok[2], "pio") ? IOREQ_TYPE_PIO : IOREQ_TYPE_COPY;
            int dir = tok[3][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            sim_string_io(&sim, (unsigned)replay_num(tok[1], line), type, replay_num(tok[5], line), (uint32_t)replay_num(tok[4], line), dir,
                          replay_num(tok[6], line), (uint32_t)replay_num(tok[7], line), replay_num(tok[8], line) != 0);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "fill")) {
            if (nt != 3) replay_die(line, "fill GPA HEX");
            uint32_t len;
            uint8_t *b = replay_unhex(tok[2], &len, line);
            uint64_t gpa = replay_num(tok[1], line);
            if (gpa > sim.ram_size || len > sim.ram_size - gpa) replay_die(line, "fill outside guest RAM");
            memcpy(sim.ram + gpa, b, len);
            free(b);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "wait")) {
            if (nt != 2) replay_die(line, "wait NS");
            sim_advance(&sim, replay_num(tok[1], line));
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "clock")) {
            /* time moves without draining the buffered ring (host/sim's wall clock) */
            if (nt != 2) replay_die(line, "clock NS");
            core_advance(&rt, rt.now + replay_num(tok[1], line));
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "flush")) {
            sim_flush_buffered(&sim);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "reset")) {
            core_reset_all(&rt);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "event")) {
            if (nt != 6) replay_die(line, "event DEVICE KIND ARG ARG2 HEX|-");
            struct core_device *d = core_device_by_name(&rt, tok[1]);
            if (!d) replay_die(line, "no such device");
            uint32_t len;
            uint8_t *b = replay_unhex(tok[5], &len, line);
            core_deliver_event(&rt, d, (int)replay_num(tok[2], line), strcmp(tok[5], "-") ? b : 0, len,
                               (int32_t)replay_num(tok[3], line), (int32_t)replay_num(tok[4], line));
            free(b);
            replay_put_at_mark(expect.lines[li]);
        } else if (!strcmp(op, "snapshot")) {
            char l[128];
            replay_snapshot(&rt, &sim, ARENA_BYTES, snap_in, snap_out, l, sizeof l);
            while (replay_out.n > replay_mark) free(replay_out.lines[--replay_out.n]); /* the step's backend output is not traced */
            replay_opf("%s", l);
        } else if (!strcmp(op, "end")) {
            replay_put("end");
            for (unsigned i = 0; i < ndev; i++) {
                struct core_device *d = core_device_by_name(&rt, devnames[i]);
                if (!d) continue;
                uint32_t len;
                uint8_t *m = core_device_memory(d, &len);
                replay_putf("memhash %s %u 0x%08x", devnames[i], len, fnv32(m, len));
                if (dump) {
                    char fn[512];
                    snprintf(fn, sizeof fn, "%s/%s.mem", dump, devnames[i]);
                    FILE *df = fopen(fn, "wb");
                    if (df) fwrite(m, 1, len, df), fclose(df);
                }
            }
            if (ramdigest) replay_putf("ramhash %llu 0x%08x", (unsigned long long)sim.ram_size, fnv32(sim.ram, sim.ram_size));
            free(copy);
            break;
        } else {
            free(copy);
            continue; /* an effect or result line: what we produce ourselves */
        }
        free(copy);
    }
    (void)ndev;

    if (!check) {
        for (size_t i = 0; i < replay_out.n; i++) puts(replay_out.lines[i]);
        return 0;
    }
    size_t n = replay_out.n < expect.n ? replay_out.n : expect.n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(replay_out.lines[i], expect.lines[i])) {
            fprintf(stderr, "replay differs at record %zu:\n  V8:     %s\n  native: %s\n", i + 1, expect.lines[i], replay_out.lines[i]);
            return 1;
        }
    }
    if (replay_out.n != expect.n) {
        fprintf(stderr, "replay differs in length: V8 %zu records, native %zu\n", expect.n, replay_out.n);
        return 1;
    }
    fprintf(stderr, "replay identical: %zu records\n", replay_out.n);
    return 0;
}
