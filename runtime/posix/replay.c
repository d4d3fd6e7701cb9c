/* runtime/posix/replay.c — `stubdom-replay [--check] [--log] TRACE`: replays a trace
 * (docs/trace-format.md) recorded on V8 through runtime/core + the simulator in sim.c, and
 * writes the trace this runtime produces — the same guest operations with this runtime's read
 * results and effects — to stdout. With --check it instead compares line by line with TRACE and
 * exits 1 at the first difference (printed on stderr). --dump DIR writes each device's final
 * linear memory to DIR/<name>.mem; --log prints every device log line. At a `snapshot` record the
 * device model is saved and restored into fresh devices (replay_snap.c): --save-snapshot FILE
 * keeps our snapshot, --restore-snapshot FILE restores that one instead. Exit 2: unreadable trace,
 * setup error or a refused snapshot. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "replay_snap.h"
#include "../core/ioreq.h"
#include "../core/abi.h"

#define ARENA_BYTES (512u << 20)

struct out {
    char **lines;
    size_t n, cap;
};

static struct out out;
static int verbose_log;

static void put(const char *line)
{
    if (out.n == out.cap) {
        out.cap = out.cap ? out.cap * 2 : 1024;
        out.lines = realloc(out.lines, out.cap * sizeof(char *));
    }
    out.lines[out.n++] = strdup(line);
}

static void emit(void *ctx, const char *line) { (void)ctx, put(line); }

/* Puts an op line in front of the effects it caused (they were emitted while it ran). */
static void insert_at(size_t at, const char *line)
{
    put(line);
    char *l = out.lines[out.n - 1];
    memmove(&out.lines[at + 1], &out.lines[at], (out.n - 1 - at) * sizeof(char *));
    out.lines[at] = l;
}

static size_t mark;

static void vputf(int at_mark, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (at_mark) insert_at(mark, line);
    else put(line);
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vputf(0, fmt, ap);
    va_end(ap);
}

/* an op line, placed before the effects it caused */
static void opf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void opf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vputf(1, fmt, ap);
    va_end(ap);
}

static void put_hex_line(const char *prefix, const uint8_t *b, uint32_t len)
{
    size_t n = strlen(prefix) + 2 * (size_t)len + 2;
    char *line = malloc(n);
    size_t k = (size_t)sprintf(line, "%s", prefix);
    for (uint32_t i = 0; i < len; i++) k += (size_t)sprintf(line + k, "%02x", b[i]);
    if (!len) sprintf(line + k, "-");
    put(line);
    free(line);
}

static _Noreturn void die(int line, const char *why)
{
    fprintf(stderr, "stubdom-replay: trace line %d: %s\n", line, why);
    exit(2);
}

/* --- backends that record what devices send ------------------------------------------------ */

/* A block unit served from the sectors the trace recorded (`blkdata`) and the ones the device
 * wrote: an open-addressing table lba → sector. Completes within submit, like the host/node image
 * backends trace format 1 records. */
struct rblk {
    struct core_blk_backend b;
    char dev[32];
    unsigned unit;
    bool used;
    uint64_t *keys; /* lba + 1; 0 = empty */
    uint8_t **vals;
    size_t cap, n;
};

struct dev_backends {
    char name[32];
    struct core_chr_backend chr;
    struct core_net_backend net;
    struct core_display_backend display;
    struct rblk blk[CORE_MAX_BLK];
};

static uint8_t **rblk_slot(struct rblk *r, uint64_t lba, int create)
{
    if (create && (r->n + 1) * 2 > r->cap) {
        size_t oc = r->cap;
        uint64_t *ok = r->keys;
        uint8_t **ov = r->vals;
        r->cap = oc ? oc * 2 : 1024;
        r->keys = calloc(r->cap, sizeof *r->keys);
        r->vals = calloc(r->cap, sizeof *r->vals);
        r->n = 0;
        for (size_t i = 0; i < oc; i++) {
            if (!ok[i]) continue;
            *rblk_slot(r, ok[i] - 1, 1) = ov[i];
        }
        free(ok);
        free(ov);
    }
    if (!r->cap) return 0;
    size_t i = (size_t)((lba * 0x9e3779b97f4a7c15ull) >> 20) % r->cap;
    while (r->keys[i] && r->keys[i] != lba + 1) i = (i + 1) % r->cap;
    if (!r->keys[i]) {
        if (!create) return 0;
        r->keys[i] = lba + 1;
        r->vals[i] = 0;
        r->n++;
    }
    return &r->vals[i];
}

static void rblk_store(struct rblk *r, uint64_t lba, const uint8_t *data, uint32_t sectors)
{
    for (uint32_t k = 0; k < sectors; k++) {
        uint8_t **v = rblk_slot(r, lba + k, 1);
        if (!*v) *v = malloc(r->b.sector_size);
        memcpy(*v, data + (size_t)k * r->b.sector_size, r->b.sector_size);
    }
}

static void chr_write(void *ctx, const uint8_t *b, uint32_t len)
{
    char p[64];
    snprintf(p, sizeof p, "chr %s ", ((struct dev_backends *)ctx)->name);
    put_hex_line(p, b, len);
}

static void net_send(void *ctx, const uint8_t *b, uint32_t len)
{
    char p[64];
    snprintf(p, sizeof p, "net %s ", ((struct dev_backends *)ctx)->name);
    put_hex_line(p, b, len);
}

static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *px)
{
    (void)px;
    putf("surface %s %d %u %u %u", ((struct dev_backends *)ctx)->name, kind, w, h, stride);
}

static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h)
{
    putf("damage %s %d %d %d %d", ((struct dev_backends *)ctx)->name, x, y, w, h);
}

static void blk_submit(void *ctx, const struct core_blk_request *req, void (*done)(void *, int), void *done_ctx)
{
    struct rblk *r = ctx;
    int status = STUBDOM_BLK_STATUS_OK;
    uint32_t ss = r->b.sector_size;
    if (!r->b.present) status = STUBDOM_BLK_STATUS_NOMEDIA;
    else if (req->op == STUBDOM_BLK_OP_FLUSH) status = STUBDOM_BLK_STATUS_OK;
    else if (req->sectors == 0 || req->lba + req->sectors > r->b.sectors) status = STUBDOM_BLK_STATUS_RANGE;
    else if (req->op == STUBDOM_BLK_OP_READ) {
        for (uint32_t k = 0; k < req->sectors; k++) {
            uint8_t **v = rblk_slot(r, req->lba + k, 0);
            if (v && *v) memcpy(req->data + (size_t)k * ss, *v, ss);
            else memset(req->data + (size_t)k * ss, 0, ss);
        }
    } else if (req->op == STUBDOM_BLK_OP_WRITE) {
        if (r->b.read_only) status = STUBDOM_BLK_STATUS_RDONLY;
        else {
            rblk_store(r, req->lba, req->data, req->sectors);
            char p[96];
            snprintf(p, sizeof p, "blkwrite %s %u %llu ", r->dev, r->unit, (unsigned long long)req->lba);
            put_hex_line(p, req->data, req->sectors * ss);
        }
    }
    putf("blk %s %u %d %llu %u %d", r->dev, r->unit, req->op, (unsigned long long)req->lba, req->sectors, status);
    done(done_ctx, status);
}

static void on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    putf("fail %s | %s | %s", f->device, f->error, f->during);
}

static void log_sink(void *ctx, const char *device, int level, const char *text, size_t len)
{
    (void)ctx;
    if (verbose_log || level == 0) fprintf(stderr, "[%s] %d: %.*s\n", device, level, (int)len, text);
}

/* --- parsing ------------------------------------------------------------------------------- */

static int split(char *s, char **tok, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ') s++;
        if (!*s) break;
        tok[n++] = s;
        while (*s && *s != ' ') s++;
        if (*s) *s++ = 0;
    }
    return n;
}

static uint64_t num(const char *s, int line)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (end == s || *end) die(line, "bad number");
    return v;
}

static uint8_t *unhex(const char *s, uint32_t *len, int line)
{
    if (!strcmp(s, "-")) { *len = 0; return malloc(1); }
    size_t n = strlen(s);
    if (n % 2) die(line, "odd hex length");
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) die(line, "bad hex");
        b[i] = (uint8_t)v;
    }
    *len = (uint32_t)(n / 2);
    return b;
}

static void parse_irqs(const char *s, struct core_device_spec *spec, int line)
{
    spec->nirqs = 0;
    if (!strcmp(s, "-")) return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(0, ",")) {
        if (spec->nirqs == CORE_MAX_PINS) die(line, "too many irq pins");
        struct core_irq_route *r = &spec->irqs[spec->nirqs++];
        r->bdf = -1;
        if (!strcmp(tok, "none")) r->kind = CORE_ROUTE_NONE;
        else if (!strncmp(tok, "isa:", 4)) r->kind = CORE_ROUTE_ISA, r->line = (uint8_t)num(tok + 4, line);
        else if (!strncmp(tok, "intx:", 5)) {
            r->kind = CORE_ROUTE_INTX;
            char *at = strchr(tok, '@');
            if (at) *at = 0, r->bdf = (int32_t)num(at + 1, line);
            r->line = (uint8_t)num(tok + 5, line);
        } else die(line, "bad irq route");
    }
}

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
        else if (!strcmp(argv[i], "--log")) verbose_log = 1;
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--restore-snapshot") && i + 1 < argc) snap_in = argv[++i];
        else if (!strcmp(argv[i], "--save-snapshot") && i + 1 < argc) snap_out = argv[++i];
        else path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: stubdom-replay [--check] [--log] [--dump DIR] [--save-snapshot FILE] [--restore-snapshot FILE] TRACE\n");
        return 2;
    }
    FILE *fp = fopen(path, "r");
    if (!fp) { perror(path); return 2; }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (fread(text, 1, (size_t)size, fp) != (size_t)size) { perror(path); return 2; }
    text[size] = 0;
    fclose(fp);

    /* the expected lines: everything but comments and blank lines */
    struct out expect = {0};
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl) *nl = 0;
        if (*l && *l != '#') {
            if (expect.n == expect.cap) {
                expect.cap = expect.cap ? expect.cap * 2 : 1024;
                expect.lines = realloc(expect.lines, expect.cap * sizeof(char *));
            }
            expect.lines[expect.n++] = l;
        }
        l = nl ? nl + 1 : 0;
    }
    if (!expect.n || strcmp(expect.lines[0], "stubdom-trace 1")) die(1, "not a stubdom-trace 1 file");

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
    put("stubdom-trace 1");

    for (size_t li = 1; li < expect.n; li++) {
        int line = (int)li + 1;
        char *copy = strdup(expect.lines[li]);
        mark = out.n;
        char *tok[16];
        int nt = split(copy, tok, 16);
        const char *op = tok[0];
        if (!started && !strcmp(op, "ramhole")) {
            if (nt != 3 || nholes == 4) die(line, "ramhole START END (at most 4)");
            holes[nholes].start = num(tok[1], line);
            holes[nholes++].end = num(tok[2], line);
            put(expect.lines[li]);
            free(copy);
            continue;
        }
        if (!started && (!strcmp(op, "ram") || !strcmp(op, "vcpus") || !strcmp(op, "bufvga") || !strcmp(op, "ramdigest"))) {
            if (nt != 2) die(line, "header line takes one value");
            uint64_t v = num(tok[1], line);
            if (!strcmp(op, "ram")) ram_bytes = v;
            else if (!strcmp(op, "vcpus")) vcpus = (unsigned)v;
            else if (!strcmp(op, "ramdigest")) ramdigest = (int)v;
            else bufvga = (int)v;
            insert_at(mark, expect.lines[li]);
            free(copy);
            continue;
        }
        if (!started) {
            sim_init(&sim, ram_bytes, vcpus, bufvga != 0);
            sim.emit = emit;
            memcpy(sim.holes, holes, sizeof holes);
            sim.nholes = nholes;
            struct core_hv hv;
            struct core_guest_mem mem;
            sim_hv(&sim, &hv, &mem);
            struct core_options opts = {.log = log_sink, .on_failure = on_failure};
            void *arena = malloc(ARENA_BYTES);
            core_init(&rt, &hv, &mem, &opts, arena, ARENA_BYTES);
            sim_attach(&sim, &rt);
            started = 1;
        }
        if (!strcmp(op, "blkunit")) {
            /* blkunit DEVICE UNIT SECTORS SECTOR_SIZE FLAGS: before its device's line */
            if (nt != 6) die(line, "blkunit DEVICE UNIT SECTORS SECTOR_SIZE FLAGS");
            unsigned unit = (unsigned)num(tok[2], line);
            if (unit >= CORE_MAX_BLK || ndev >= CORE_MAX_DEVICES) die(line, "block unit out of range");
            struct rblk *r = &bes[ndev].blk[unit];
            uint32_t flags = (uint32_t)num(tok[5], line);
            snprintf(r->dev, sizeof r->dev, "%s", tok[1]);
            r->unit = unit;
            r->used = true;
            r->b = (struct core_blk_backend){.ctx = r, .sectors = num(tok[3], line), .sector_size = (uint32_t)num(tok[4], line),
                                             .present = flags & STUBDOM_BLK_FLAG_PRESENT, .read_only = flags & STUBDOM_BLK_FLAG_READONLY,
                                             .removable = flags & STUBDOM_BLK_FLAG_REMOVABLE, .submit = blk_submit};
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "blkdata")) {
            if (nt != 5) die(line, "blkdata DEVICE UNIT LBA HEX");
            struct rblk *r = 0;
            unsigned unit = (unsigned)num(tok[2], line);
            for (unsigned i = 0; i < ndev && !r; i++)
                if (!strcmp(bes[i].name, tok[1]) && unit < CORE_MAX_BLK && bes[i].blk[unit].used) r = &bes[i].blk[unit];
            if (!r) die(line, "blkdata for an unknown block unit");
            uint32_t len;
            uint8_t *b = unhex(tok[4], &len, line);
            if (!r->b.sector_size || len % r->b.sector_size) die(line, "blkdata not a whole number of sectors");
            rblk_store(r, num(tok[3], line), b, len / r->b.sector_size);
            free(b);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "device")) {
            /* device NAME MODULE wasm=FNV irqs=R be=B cfg=REST */
            if (nt < 6 || strncmp(tok[3], "wasm=", 5) || strncmp(tok[4], "irqs=", 5) || strncmp(tok[5], "be=", 3))
                die(line, "device NAME MODULE wasm=.. irqs=.. be=.. cfg=..");
            char **t = tok + 1; /* irqs and be are one token further */
            const char *cfg = strstr(expect.lines[li], " cfg=");
            if (!cfg) die(line, "device line without cfg=");
            cfg += 5;
            struct core_device_spec spec = {0};
            struct dev_backends *be = &bes[ndev];
            snprintf(be->name, sizeof be->name, "%s", tok[1]);
            spec.name = tok[1];
            const char *slash = strrchr(tok[2], '/');
            spec.module = slash ? slash + 1 : tok[2];
            spec.config = cfg;
            parse_irqs(t[3] + 5, &spec, line);
            if (strstr(t[4], "chr")) spec.chr = &be->chr;
            if (strstr(t[4], "net")) spec.net = &be->net;
            if (strstr(t[4], "display")) spec.display = &be->display;
            for (unsigned u = 0; u < CORE_MAX_BLK; u++) {
                if (!be->blk[u].used) continue;
                if (strcmp(be->blk[u].dev, tok[1])) die(line, "blkunit names another device");
                spec.blk[u] = &be->blk[u].b;
                spec.nblk = u + 1;
            }
            const struct core_module *cm = core_find_module(spec.module);
            if (cm && cm->wasm_fnv32 != (uint32_t)num(tok[3] + 5, line)) {
                fprintf(stderr, "stubdom-replay: device %s: the trace was recorded with a different %s.wasm (0x%x) than the one compiled in (0x%x): run build/native.ts\n",
                        tok[1], spec.module, (unsigned)num(tok[3] + 5, line), cm->wasm_fnv32);
                return 2;
            }
            be->chr = (struct core_chr_backend){be, chr_write};
            be->net = (struct core_net_backend){be, net_send};
            be->display = (struct core_display_backend){be, set_surface, damage};
            insert_at(mark, expect.lines[li]);
            char err[256];
            if (core_add_device(&rt, &spec, err, sizeof err)) {
                fprintf(stderr, "stubdom-replay: %s\n", err);
                putf("device-error %s", err);
            }
            devnames[ndev++] = strdup(tok[1]);
        } else if (!strcmp(op, "pio")) {
            if (nt != 6) die(line, "pio VCPU r|w SIZE PORT VALUE");
            int dir = tok[2][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            uint32_t size = (uint32_t)num(tok[3], line), port = (uint32_t)num(tok[4], line);
            uint32_t v = dir == IOREQ_READ ? 0 : (uint32_t)num(tok[5], line);
            uint32_t r = sim_pio(&sim, (unsigned)num(tok[1], line), port, size, dir, v);
            opf("pio %s %s %u 0x%x 0x%x", tok[1], tok[2], size, port, dir == IOREQ_READ ? r : v);
        } else if (!strcmp(op, "mmio")) {
            if (nt != 7) die(line, "mmio VCPU r|w SIZE ADDR LO HI");
            int dir = tok[2][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            uint32_t size = (uint32_t)num(tok[3], line);
            uint64_t addr = num(tok[4], line);
            uint32_t lo = dir == IOREQ_READ ? 0 : (uint32_t)num(tok[5], line), hi = dir == IOREQ_READ ? 0 : (uint32_t)num(tok[6], line);
            uint32_t r[2];
            sim_mmio(&sim, (unsigned)num(tok[1], line), addr, size, dir, lo, hi, r);
            opf("mmio %s %s %u 0x%llx 0x%x 0x%x", tok[1], tok[2], size, (unsigned long long)addr,
                 dir == IOREQ_READ ? r[0] : lo, dir == IOREQ_READ ? r[1] : hi);
        } else if (!strcmp(op, "str")) {
            if (nt != 9) die(line, "str VCPU pio|mmio r|w SIZE ADDR GPA COUNT DF");
            int type = !strcmp(tok[2], "pio") ? IOREQ_TYPE_PIO : IOREQ_TYPE_COPY;
            int dir = tok[3][0] == 'r' ? IOREQ_READ : IOREQ_WRITE;
            sim_string_io(&sim, (unsigned)num(tok[1], line), type, num(tok[5], line), (uint32_t)num(tok[4], line), dir,
                          num(tok[6], line), (uint32_t)num(tok[7], line), num(tok[8], line) != 0);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "fill")) {
            if (nt != 3) die(line, "fill GPA HEX");
            uint32_t len;
            uint8_t *b = unhex(tok[2], &len, line);
            uint64_t gpa = num(tok[1], line);
            if (gpa > sim.ram_size || len > sim.ram_size - gpa) die(line, "fill outside guest RAM");
            memcpy(sim.ram + gpa, b, len);
            free(b);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "wait")) {
            if (nt != 2) die(line, "wait NS");
            sim_advance(&sim, num(tok[1], line));
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "clock")) {
            /* time moves without draining the buffered ring (host/sim's wall clock) */
            if (nt != 2) die(line, "clock NS");
            core_advance(&rt, rt.now + num(tok[1], line));
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "flush")) {
            sim_flush_buffered(&sim);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "reset")) {
            core_reset_all(&rt);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "event")) {
            if (nt != 6) die(line, "event DEVICE KIND ARG ARG2 HEX|-");
            struct core_device *d = core_device_by_name(&rt, tok[1]);
            if (!d) die(line, "no such device");
            uint32_t len;
            uint8_t *b = unhex(tok[5], &len, line);
            core_deliver_event(&rt, d, (int)num(tok[2], line), strcmp(tok[5], "-") ? b : 0, len,
                               (int32_t)num(tok[3], line), (int32_t)num(tok[4], line));
            free(b);
            insert_at(mark, expect.lines[li]);
        } else if (!strcmp(op, "snapshot")) {
            char l[128];
            replay_snapshot(&rt, &sim, ARENA_BYTES, snap_in, snap_out, l, sizeof l);
            while (out.n > mark) free(out.lines[--out.n]); /* the step's backend output is not traced */
            opf("%s", l);
        } else if (!strcmp(op, "end")) {
            put("end");
            for (unsigned i = 0; i < ndev; i++) {
                struct core_device *d = core_device_by_name(&rt, devnames[i]);
                if (!d) continue;
                uint32_t len;
                uint8_t *m = core_device_memory(d, &len);
                putf("memhash %s %u 0x%08x", devnames[i], len, fnv32(m, len));
                if (dump) {
                    char fn[512];
                    snprintf(fn, sizeof fn, "%s/%s.mem", dump, devnames[i]);
                    FILE *df = fopen(fn, "wb");
                    if (df) fwrite(m, 1, len, df), fclose(df);
                }
            }
            if (ramdigest) putf("ramhash %llu 0x%08x", (unsigned long long)sim.ram_size, fnv32(sim.ram, sim.ram_size));
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
        for (size_t i = 0; i < out.n; i++) puts(out.lines[i]);
        return 0;
    }
    size_t n = out.n < expect.n ? out.n : expect.n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(out.lines[i], expect.lines[i])) {
            fprintf(stderr, "replay differs at record %zu:\n  V8:     %s\n  native: %s\n", i + 1, expect.lines[i], out.lines[i]);
            return 1;
        }
    }
    if (out.n != expect.n) {
        fprintf(stderr, "replay differs in length: V8 %zu records, native %zu\n", expect.n, out.n);
        return 1;
    }
    fprintf(stderr, "replay identical: %zu records\n", out.n);
    return 0;
}
