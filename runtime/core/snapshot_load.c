/* runtime/core/snapshot_load.c — core_snapshot_load: a snapshot (docs/snapshot-format.md) parsed
 * into `parsed` and checked completely — against its own bounds and against this runtime's
 * devices — before anything changes; then every device's state is replaced (host/node/snapshot.ts
 * restoreSnapshot is the same on V8). A refused file leaves the runtime exactly as it was. */
#include "internal.h"
#include "abi.h"

#define PAGE 65536u

struct snap_dev {
    const uint8_t *sha256, *globals, *chr, *mem;
    const char *name, *config, *routes, *error, *during;
    uint16_t name_len, config_len, routes_len, error_len, during_len;
    uint32_t failed, pages, nglobals, nranges, nvram, nbdfs, npins, ntimers, chr_len;
    int32_t chr_room;
    struct { int32_t region; uint8_t space; uint64_t base; uint32_t len; } ranges[64];
    struct core_vram vram[CORE_MAX_VRAM];
    uint16_t bdfs[CORE_MAX_BDFS];
    uint8_t pins[CORE_MAX_PINS];
    struct { int32_t id; uint32_t rank; uint64_t remaining; } timers[CORE_MAX_TIMERS];
    uint32_t surface[5];
};

/* Parse state: the file, a position, and the first error (later reads return zeros). */
struct rd {
    const uint8_t *b;
    size_t end, at;
    char *err;
    size_t errlen;
    int bad;
};

static struct snap_dev parsed[CORE_MAX_DEVICES];

static int fail(struct rd *r, const char *cause, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct rd *r, const char *cause, const char *fmt, ...)
{
    if (r->bad) return -1;
    r->bad = 1;
    int n = core_snprintf(r->err, r->errlen, "snapshot refused (%s): ", cause);
    if (n < 0 || (size_t)n >= r->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    core_vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static const uint8_t *take(struct rd *r, size_t n, const char *what)
{
    if (r->bad) return 0;
    if (n > r->end - r->at) {
        fail(r, "truncated", "%s runs past the end of the snapshot (offset %llu, %llu bytes)", what, (unsigned long long)r->at,
             (unsigned long long)n);
        return 0;
    }
    const uint8_t *p = r->b + r->at;
    r->at += n;
    return p;
}
static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;) v = v << 8 | p[i];
    return v;
}
static uint64_t get(struct rd *r, unsigned n, const char *what)
{
    const uint8_t *p = take(r, n, what);
    return p ? le(p, n) : 0;
}
static uint32_t count(struct rd *r, uint32_t max, const char *what)
{
    uint32_t n = (uint32_t)get(r, 4, what);
    if (n > max) { fail(r, "size", "%u %s (at most %u)", n, what, max); return 0; }
    return n;
}
static const char *text(struct rd *r, uint16_t *len, uint32_t max, const char *what)
{
    *len = (uint16_t)get(r, 2, what);
    if (*len > max) { fail(r, "size", "%s is %u bytes (at most %u)", what, *len, max); return 0; }
    return (const char *)take(r, *len, what);
}
static int text_eq(const char *a, uint16_t alen, const char *b)
{
    return core_strlen(b) == alen && (!alen || !memcmp(a, b, alen));
}

static void parse_device(struct rd *r, struct snap_dev *d)
{
    memset(d, 0, sizeof *d);
    d->sha256 = take(r, 32, "device identity");
    d->name = text(r, &d->name_len, 31, "device name");
    d->config = text(r, &d->config_len, 4096, "device config");
    d->routes = text(r, &d->routes_len, 255, "irq routes");
    d->failed = (uint32_t)get(r, 4, "device flags");
    if (d->failed > 1) fail(r, "malformed", "unknown device flags 0x%x", d->failed);
    if (d->failed) d->error = text(r, &d->error_len, 255, "error"), d->during = text(r, &d->during_len, 255, "during");
    d->pages = (uint32_t)get(r, 4, "memory pages");
    if (!r->bad && (d->pages == 0 || d->pages > 65536)) fail(r, "size", "%u memory pages", d->pages);
    d->nglobals = count(r, 4096, "globals");
    d->globals = take(r, (size_t)d->nglobals * 9, "globals");
    for (uint32_t i = 0; i < d->nglobals && d->globals; i++)
        if (d->globals[i * 9] > CORE_GLOBAL_F64) fail(r, "malformed", "global %u has unknown type %u", i, d->globals[i * 9]);
    d->nranges = count(r, 64, "ranges");
    for (uint32_t i = 0; i < d->nranges; i++) {
        d->ranges[i].region = (int32_t)get(r, 4, "range");
        d->ranges[i].space = (uint8_t)get(r, 1, "range space");
        d->ranges[i].base = get(r, 8, "range base");
        d->ranges[i].len = (uint32_t)get(r, 4, "range length");
        uint64_t limit = d->ranges[i].space == 0 ? 0x10000ull : 1ull << 52;
        if (!r->bad && (d->ranges[i].space > 1 || !d->ranges[i].len || d->ranges[i].base > limit || d->ranges[i].base + d->ranges[i].len > limit))
            fail(r, "malformed", "range of region %d is invalid", d->ranges[i].region);
    }
    d->nvram = count(r, CORE_MAX_VRAM, "vram maps");
    for (uint32_t i = 0; i < d->nvram; i++) {
        struct core_vram *v = &d->vram[i];
        v->region = (int32_t)get(r, 4, "vram"), v->ptr = (uint32_t)get(r, 4, "vram ptr"), v->len = (uint32_t)get(r, 4, "vram length");
        if (!r->bad && (!v->len || (v->ptr & 4095) || (uint64_t)v->ptr + v->len > (uint64_t)d->pages * PAGE))
            fail(r, "malformed", "vram of region %d is not a page-aligned span of its memory", v->region);
    }
    d->nbdfs = count(r, CORE_MAX_BDFS, "PCI functions");
    for (uint32_t i = 0; i < d->nbdfs; i++) d->bdfs[i] = (uint16_t)get(r, 2, "bdf");
    d->npins = count(r, CORE_MAX_PINS, "irq pins");
    for (uint32_t i = 0; i < d->npins; i++) d->pins[i] = (uint8_t)get(r, 1, "pin");
    d->ntimers = count(r, CORE_MAX_TIMERS, "timers");
    for (uint32_t i = 0; i < d->ntimers; i++) {
        d->timers[i].id = (int32_t)get(r, 4, "timer");
        d->timers[i].rank = (uint32_t)get(r, 4, "timer rank");
        d->timers[i].remaining = get(r, 8, "timer remaining");
    }
    d->chr_room = (int32_t)get(r, 4, "chr room");
    if (d->chr_room < -1) fail(r, "malformed", "chr room %d", d->chr_room);
    d->chr_len = count(r, 65536, "queued chr bytes");
    d->chr = take(r, d->chr_len, "chr queue");
    for (int i = 0; i < 5; i++) d->surface[i] = (uint32_t)get(r, 4, "surface");
    uint32_t *s = d->surface;
    if (!r->bad && (s[0] > 2 || (s[0] && ((uint64_t)s[1] * 4 > s[3] || (uint64_t)s[4] + (uint64_t)s[3] * s[2] > (uint64_t)d->pages * PAGE))))
        fail(r, "malformed", "display surface outside its memory");
    d->mem = take(r, (size_t)d->pages * PAGE, "device memory");
    /* duplicates within the device */
    for (uint32_t i = 0; i < d->nranges; i++)
        for (uint32_t j = i + 1; j < d->nranges; j++)
            if (d->ranges[i].region == d->ranges[j].region) fail(r, "malformed", "duplicate range region");
    for (uint32_t i = 0; i < d->nvram; i++)
        for (uint32_t j = i + 1; j < d->nvram; j++)
            if (d->vram[i].region == d->vram[j].region) fail(r, "malformed", "duplicate vram region");
    for (uint32_t i = 0; i < d->nbdfs; i++)
        for (uint32_t j = i + 1; j < d->nbdfs; j++)
            if (d->bdfs[i] == d->bdfs[j]) fail(r, "malformed", "duplicate PCI function");
    for (uint32_t i = 0; i < d->npins; i++)
        for (uint32_t j = i + 1; j < d->npins; j++)
            if (d->pins[i] == d->pins[j]) fail(r, "malformed", "duplicate irq pin");
    for (uint32_t i = 0; i < d->ntimers; i++)
        for (uint32_t j = i + 1; j < d->ntimers; j++)
            if (d->timers[i].id == d->timers[j].id) fail(r, "malformed", "duplicate timer id");
}

/* Cross-device checks: timer ranks 0..n-1 exactly once, no overlapping claims, no shared function. */
static void check_machine_wide(struct rd *r, unsigned n)
{
    uint8_t seen[CORE_MAX_TIMERS] = {0};
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++) total += parsed[i].ntimers;
    for (unsigned i = 0; i < n; i++)
        for (uint32_t t = 0; t < parsed[i].ntimers; t++) {
            uint32_t rank = parsed[i].timers[t].rank;
            if (rank >= total || rank >= CORE_MAX_TIMERS || seen[rank]++) { fail(r, "malformed", "timer ranks are not 0..n-1"); return; }
        }
    unsigned nranges = 0, nbdfs = 0;
    for (unsigned i = 0; i < n; i++) nranges += parsed[i].nranges, nbdfs += parsed[i].nbdfs;
    if (nranges > CORE_MAX_RANGES) fail(r, "size", "%u claimed ranges, this runtime holds at most %u", nranges, CORE_MAX_RANGES);
    if (nbdfs > CORE_MAX_PCI) fail(r, "size", "%u PCI functions, this runtime holds at most %u", nbdfs, CORE_MAX_PCI);
    for (unsigned a = 0; a < n; a++)
        for (unsigned b = a; b < n; b++)
            for (uint32_t i = 0; i < parsed[a].nranges; i++)
                for (uint32_t j = a == b ? i + 1 : 0; j < parsed[b].nranges; j++) {
                    const struct snap_dev *da = &parsed[a], *db = &parsed[b];
                    if (da->ranges[i].space == db->ranges[j].space && da->ranges[i].base < db->ranges[j].base + db->ranges[j].len &&
                        db->ranges[j].base < da->ranges[i].base + da->ranges[i].len)
                        fail(r, "malformed", "two claimed ranges overlap");
                }
    for (unsigned a = 0; a < n; a++)
        for (unsigned b = a + 1; b < n; b++)
            for (uint32_t i = 0; i < parsed[a].nbdfs; i++)
                for (uint32_t j = 0; j < parsed[b].nbdfs; j++)
                    if (parsed[a].bdfs[i] == parsed[b].bdfs[j]) fail(r, "malformed", "a PCI function registered by two devices");
}

/* This machine's devices in order; returns how many. */
static unsigned machine_devices(struct core *rt, struct core_device **devs)
{
    unsigned n = 0;
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (rt->devices[i].in_use) devs[n++] = &rt->devices[i];
    return n;
}

static void check_against(struct rd *r, struct core_device **devs, unsigned n)
{
    for (unsigned i = 0; i < n && !r->bad; i++) {
        const struct snap_dev *d = &parsed[i];
        struct core_device *dev = devs[i];
        const struct core_module *m = dev->mod;
        if (!text_eq(d->name, d->name_len, dev->name)) {
            fail(r, "device set", "device %u is '%.*s' in the snapshot, '%s' on this machine", i, d->name_len, d->name, dev->name);
            return;
        }
        if (!m->sha256 || memcmp(d->sha256, m->sha256, 32)) {
            fail(r, "module identity", "%s: saved from another build of its module (sha-256 differs)", dev->name);
            return;
        }
        if (!text_eq(d->config, d->config_len, dev->spec.config ? dev->spec.config : ""))
            fail(r, "device set", "%s: saved with config '%.*s', this machine has '%s'", dev->name, d->config_len, d->config,
                 dev->spec.config ? dev->spec.config : "");
        char routes[256];
        core_routes_text(dev, routes, sizeof routes);
        if (!text_eq(d->routes, d->routes_len, routes))
            fail(r, "device set", "%s: saved with irq routes %.*s, this machine has %s", dev->name, d->routes_len, d->routes, routes);
        if (d->nglobals != m->nglobals) fail(r, "size", "%s: %u globals, the module has %u", dev->name, d->nglobals, m->nglobals);
        for (uint32_t g = 0; g < d->nglobals && !r->bad; g++)
            if (d->globals[g * 9] != m->global_types[g]) fail(r, "size", "%s: global %u has another type than the module's", dev->name, g);
        wasm_rt_memory_t *mem = m->memory(dev->inst);
        if (d->pages < mem->pages) fail(r, "size", "%s: %u memory pages, fewer than the %u the module already has", dev->name, d->pages, mem->pages);
        if (d->pages > mem->max_pages)
            fail(r, "size", "%s: %u memory pages, more than its reservation of %u here (mem_limit_pages)", dev->name, d->pages, mem->max_pages);
        if (d->chr_len > CORE_CHR_QUEUE) fail(r, "size", "%s: %u queued chr bytes, this runtime queues at most %u", dev->name, d->chr_len, CORE_CHR_QUEUE);
        for (uint32_t p = 0; p < d->npins; p++) {
            unsigned pin = d->pins[p];
            int routed = (pin < dev->spec.nirqs && dev->spec.irqs[pin].kind != CORE_ROUTE_NONE) || (pin == 0 && d->nbdfs);
            if (!routed) fail(r, "malformed", "%s: irq pin %u is high but not routed", dev->name, pin);
        }
        if (d->surface[0] && !dev->spec.display) fail(r, "device set", "%s: has a display surface but no display here", dev->name);
    }
}

static void teardown(struct core *rt, struct core_device *dev)
{
    core_cancel_timers(rt, dev);
    while (dev->npins_high) core_set_irq(rt, dev, dev->pins_high[0], 0);
    core_drop_claims(rt, dev);
    dev->nbdfs = 0;
    dev->nvram = 0;
}

static void install(struct core *rt, struct core_device *dev, const struct snap_dev *d)
{
    const struct core_module *m = dev->mod;
    wasm_rt_memory_t *mem = m->memory(dev->inst);
    if (d->pages > mem->pages) wasm_rt_grow_memory(mem, d->pages - mem->pages); /* checked against max_pages */
    memcpy(mem->data, d->mem, (size_t)d->pages * PAGE);
    for (uint32_t g = 0; g < d->nglobals; g++) {
        uint64_t bits = le(d->globals + g * 9 + 1, 8);
        void *p = m->global(dev->inst, g);
        if (m->global_types[g] == CORE_GLOBAL_I64 || m->global_types[g] == CORE_GLOBAL_F64) memcpy(p, &bits, 8);
        else { uint32_t v = (uint32_t)bits; memcpy(p, &v, 4); }
    }
    dev->failed = d->failed != 0;
    if (dev->failed) {
        dev->failure.device = dev->name;
        core_snprintf(dev->failure.error, sizeof dev->failure.error, "%.*s", d->error_len, d->error);
        core_snprintf(dev->failure.during, sizeof dev->failure.during, "%.*s", d->during_len, d->during);
    }
    for (uint32_t i = 0; i < d->nvram; i++) dev->vram[i] = d->vram[i];
    dev->nvram = d->nvram;
    for (uint32_t i = 0; i < d->nbdfs; i++) core_pci_register(rt, dev, d->bdfs[i]);
    for (uint32_t i = 0; i < d->nranges; i++)
        core_claim(rt, dev, d->ranges[i].region, d->ranges[i].space, d->ranges[i].base, d->ranges[i].len);
    for (uint32_t i = 0; i < d->npins; i++) core_set_irq(rt, dev, d->pins[i], 1);
    dev->chr_room = d->chr_room;
    dev->chr_head = 0;
    dev->chr_len = d->chr_len;
    if (d->chr_len) memcpy(dev->chr_queue, d->chr, d->chr_len);
    dev->chr_pump_queued = false;
    memcpy(&dev->surface, d->surface, sizeof dev->surface);
    struct core_display_backend *disp = dev->spec.display;
    if (disp && d->surface[0]) disp->set_surface(disp->ctx, (int)d->surface[0], d->surface[1], d->surface[2], d->surface[3], mem->data + d->surface[4]);
    else if (disp) disp->set_surface(disp->ctx, 0, 0, 0, 0, 0);
}

int core_snapshot_load(struct core *rt, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    struct rd r = {buf, len, 0, err, errlen, 0};
    if (errlen) err[0] = 0;
    if (len < 48 + 4) return fail(&r, "truncated", "%llu bytes is shorter than a snapshot header", (unsigned long long)len);
    if (memcmp(buf, "STUBSNAP", 8)) return fail(&r, "magic", "not a stubdom snapshot (bad magic)");
    uint32_t layout = (uint32_t)le(buf + 8, 4);
    if (layout != 1) return fail(&r, "version", "layout version %u, this runtime reads 1", layout);
    uint64_t total = le(buf + 16, 8);
    if (total > len) return fail(&r, "truncated", "the header says %llu bytes, the file has %llu", (unsigned long long)total, (unsigned long long)len);
    if (total < len) return fail(&r, "size", "the header says %llu bytes, the file has %llu (trailing bytes)", (unsigned long long)total, (unsigned long long)len);
    uint32_t want = (uint32_t)le(buf + len - 4, 4), got = core_crc32(buf, len - 4);
    if (want != got) return fail(&r, "checksum", "CRC-32 0x%x does not match the stored 0x%x", got, want);
    r.end = len - 4;
    r.at = 12;
    uint32_t abi = (uint32_t)get(&r, 4, "ABI version");
    r.at = 24;
    uint64_t now = get(&r, 8, "virtual time");
    uint32_t n = count(&r, CORE_MAX_DEVICES, "devices");
    if (get(&r, 4, "flags") || get(&r, 8, "reserved")) fail(&r, "malformed", "reserved header fields are not zero");
    for (uint32_t i = 0; i < n && !r.bad; i++) parse_device(&r, &parsed[i]);
    if (!r.bad && r.at != r.end) fail(&r, "size", "%llu unexplained bytes after the last device", (unsigned long long)(r.end - r.at));
    if (!r.bad && abi != STUBDOM_ABI_VERSION) fail(&r, "version", "device ABI version %u, this runtime speaks %u", abi, STUBDOM_ABI_VERSION);
    if (!r.bad) check_machine_wide(&r, n);
    struct core_device *devs[CORE_MAX_DEVICES];
    unsigned have = machine_devices(rt, devs);
    if (!r.bad && have != n) fail(&r, "device set", "the snapshot has %u devices, this machine %u", n, have);
    if (!r.bad) check_against(&r, devs, n);
    if (r.bad) return -1;
    /* --- from here on nothing can fail: every input was checked above --- */
    core_run_deferred(rt);
    for (unsigned i = 0; i < n; i++) teardown(rt, devs[i]);
    rt->now = now;
    for (unsigned i = 0; i < n; i++) install(rt, devs[i], &parsed[i]);
    for (uint32_t rank = 0;; rank++) {
        int found = 0;
        for (unsigned i = 0; i < n && !found; i++)
            for (uint32_t t = 0; t < parsed[i].ntimers && !found; t++)
                if (parsed[i].timers[t].rank == rank) {
                    core_timer_arm(rt, devs[i], parsed[i].timers[t].id, parsed[i].timers[t].remaining);
                    found = 1;
                }
        if (!found) break;
    }
    struct core_during dur = {.kind = CORE_DURING_TEXT, .text = "dev_post_load"};
    for (unsigned i = 0; i < n; i++)
        if (devs[i]->mod->dev_post_load) core_call(rt, devs[i], CALL_POST_LOAD, 0, 0, 0, 0, &dur, 0);
    core_run_deferred(rt);
    return 0;
}
