/* runtime/core/snapshot.c — save and restore of the whole device model in the format of
 * docs/snapshot-format.md, byte for byte what host/node/snapshot.ts writes for the same state.
 * core_snapshot_load (snapshot_load.c) parses the whole file into `parsed` and checks it — magic, layout and ABI
 * version, length, CRC-32, every count against its bound, module identity (sha-256), device set,
 * configurations and IRQ routes, global types, memory sizes against each reservation, ranges,
 * VRAM, PCI functions, pins, timer ranks, the chr queue — before the first device is touched;
 * then it replaces every device's state, re-arms timers in rank order and runs dev_post_load
 * (snapshot_load.c). */
#include "internal.h"
#include "abi.h"

#define SNAP_HEADER 48
#define PAGE 65536u
#define MAX_GLOBALS 4096
#define MAX_RANGES 64
#define MAX_TEXT 255

static const char MAGIC[8] = {'S', 'T', 'U', 'B', 'S', 'N', 'A', 'P'};

/* --- CRC-32 (IEEE, zlib's) --------------------------------------------------------------- */

uint32_t core_crc32(const uint8_t *b, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) c = table[(c ^ b[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* --- writing ------------------------------------------------------------------------------- */

struct wr { uint8_t *b; size_t cap, at; };

static void put(struct wr *w, const void *src, size_t n)
{
    if (w->b && w->at + n <= w->cap) memcpy(w->b + w->at, src, n);
    w->at += n;
}
static void put8(struct wr *w, uint8_t v) { put(w, &v, 1); }
static void put16(struct wr *w, uint16_t v) { uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)}; put(w, x, 2); }
static void put32(struct wr *w, uint32_t v) { put16(w, (uint16_t)v), put16(w, (uint16_t)(v >> 16)); }
static void put64(struct wr *w, uint64_t v) { put32(w, (uint32_t)v), put32(w, (uint32_t)(v >> 32)); }
static void put_text(struct wr *w, const char *s, size_t max)
{
    size_t n = core_strlen(s);
    if (n > max) n = max;
    put16(w, (uint16_t)n), put(w, s, n);
}

void core_routes_text(const struct core_device *dev, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = 0;
    if (!dev->spec.nirqs) { core_snprintf(buf, size, "-"); return; }
    for (unsigned i = 0; i < dev->spec.nirqs && at < size; i++) {
        const struct core_irq_route *r = &dev->spec.irqs[i];
        const char *sep = i ? "," : "";
        if (r->kind == CORE_ROUTE_ISA) at += (size_t)core_snprintf(buf + at, size - at, "%sisa:%u", sep, r->line);
        else if (r->kind == CORE_ROUTE_INTX && r->bdf < 0) at += (size_t)core_snprintf(buf + at, size - at, "%sintx:%u", sep, r->line);
        else if (r->kind == CORE_ROUTE_INTX) at += (size_t)core_snprintf(buf + at, size - at, "%sintx:%u@0x%x", sep, r->line, (unsigned)r->bdf);
        else at += (size_t)core_snprintf(buf + at, size - at, "%snone", sep);
    }
}

/* Armed timers in firing order (deadline, then arm order): rank = position. */
static unsigned timer_order(const struct core *rt, const struct core_timer **order)
{
    unsigned n = 0;
    for (unsigned i = 0; i < CORE_MAX_TIMERS; i++)
        if (rt->timers[i].dev) order[n++] = &rt->timers[i];
    for (unsigned i = 1; i < n; i++) { /* insertion sort: at most 128 */
        const struct core_timer *t = order[i];
        unsigned j = i;
        while (j && (order[j - 1]->deadline > t->deadline || (order[j - 1]->deadline == t->deadline && order[j - 1]->seq > t->seq))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = t;
    }
    return n;
}

static void write_device(struct core *rt, struct wr *w, struct core_device *dev, const struct core_timer **order, unsigned ntimers)
{
    const struct core_module *m = dev->mod;
    static const uint8_t none[32];
    put(w, m->sha256 ? m->sha256 : none, 32);
    put_text(w, dev->name, 31);
    put_text(w, dev->spec.config ? dev->spec.config : "", 4096);
    char routes[256];
    core_routes_text(dev, routes, sizeof routes);
    put_text(w, routes, 255);
    put32(w, dev->failed ? 1 : 0);
    if (dev->failed) put_text(w, dev->failure.error, MAX_TEXT), put_text(w, dev->failure.during, MAX_TEXT);
    wasm_rt_memory_t *mem = m->memory(dev->inst);
    put32(w, mem->pages);
    put32(w, m->nglobals);
    for (uint32_t g = 0; g < m->nglobals; g++) {
        uint8_t type = m->global_types[g];
        uint64_t bits = 0;
        void *p = m->global(dev->inst, g);
        if (type == CORE_GLOBAL_I64 || type == CORE_GLOBAL_F64) memcpy(&bits, p, 8);
        else { uint32_t v; memcpy(&v, p, 4); bits = v; }
        put8(w, type), put64(w, bits);
    }
    /* ranges by region */
    const struct core_range *mine[CORE_MAX_RANGES];
    unsigned nr = 0;
    for (unsigned i = 0; i < rt->ranges.n; i++)
        if (rt->ranges.r[i].owner == dev) mine[nr++] = &rt->ranges.r[i];
    for (unsigned i = 1; i < nr; i++)
        for (unsigned j = i; j && mine[j - 1]->region > mine[j]->region; j--) {
            const struct core_range *t = mine[j]; mine[j] = mine[j - 1]; mine[j - 1] = t;
        }
    put32(w, nr);
    for (unsigned i = 0; i < nr; i++)
        put32(w, (uint32_t)mine[i]->region), put8(w, (uint8_t)mine[i]->space), put64(w, mine[i]->base), put32(w, (uint32_t)mine[i]->len);
    struct core_vram v[CORE_MAX_VRAM];
    memcpy(v, dev->vram, sizeof v);
    for (unsigned i = 1; i < dev->nvram; i++)
        for (unsigned j = i; j && v[j - 1].region > v[j].region; j--) { struct core_vram t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
    put32(w, dev->nvram);
    for (unsigned i = 0; i < dev->nvram; i++) put32(w, (uint32_t)v[i].region), put32(w, v[i].ptr), put32(w, v[i].len);
    put32(w, dev->nbdfs);
    for (unsigned i = 0; i < dev->nbdfs; i++) put16(w, dev->bdfs[i]);
    put32(w, dev->npins_high);
    for (unsigned i = 0; i < dev->npins_high; i++) put8(w, dev->pins_high[i]);
    unsigned nt = 0;
    for (unsigned i = 0; i < ntimers; i++) nt += order[i]->dev == dev;
    put32(w, nt);
    for (unsigned i = 0; i < ntimers; i++)
        if (order[i]->dev == dev) put32(w, (uint32_t)order[i]->id), put32(w, i), put64(w, order[i]->deadline - rt->now);
    put32(w, (uint32_t)dev->chr_room);
    put32(w, dev->chr_len);
    for (uint32_t i = 0; i < dev->chr_len; i++) put8(w, dev->chr_queue[(dev->chr_head + i) % CORE_CHR_QUEUE]);
    put32(w, dev->surface.kind), put32(w, dev->surface.width), put32(w, dev->surface.height);
    put32(w, dev->surface.stride), put32(w, dev->surface.ptr);
    put(w, mem->data, mem->size);
}

static size_t write_all(struct core *rt, uint8_t *buf, size_t cap)
{
    struct wr w = {buf, cap, 0};
    const struct core_timer *order[CORE_MAX_TIMERS];
    unsigned ntimers = timer_order(rt, order);
    unsigned ndev = 0;
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++) ndev += rt->devices[i].in_use;
    put(&w, MAGIC, 8);
    put32(&w, 1), put32(&w, STUBDOM_ABI_VERSION);
    size_t total_at = w.at;
    put64(&w, 0), put64(&w, rt->now), put32(&w, ndev), put32(&w, 0), put64(&w, 0);
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (rt->devices[i].in_use) write_device(rt, &w, &rt->devices[i], order, ntimers);
    size_t total = w.at + 4;
    if (buf && total <= cap) {
        struct wr t = {buf, cap, total_at};
        put64(&t, total);
        uint32_t crc = core_crc32(buf, w.at);
        put32(&w, crc);
    }
    return total;
}

size_t core_snapshot_size(struct core *rt)
{
    return write_all(rt, 0, 0);
}

int core_snapshot_save(struct core *rt, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
    core_run_deferred(rt);
    for (unsigned i = 0; i < CORE_MAX_BLK_PENDING; i++) {
        if (!rt->blk_pending[i].dev) continue;
        core_snprintf(err, errlen, "snapshot: %s has a block request in flight; let it complete first", rt->blk_pending[i].dev->name);
        return -1;
    }
    size_t need = core_snapshot_size(rt);
    if (need > cap) {
        core_snprintf(err, errlen, "snapshot: needs %llu bytes, the buffer has %llu", (unsigned long long)need, (unsigned long long)cap);
        return -1;
    }
    *len = write_all(rt, buf, cap);
    return 0;
}
