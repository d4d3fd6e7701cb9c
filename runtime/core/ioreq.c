/* runtime/core/ioreq.c — the ioreq path (ARCHITECTURE.md §3, host/node/runtime.ts): per kick,
 * drain the buffered ring in order (core_bufioreq_drain: atomic pointer pair, per-entry atomic
 * read-pointer add, bounded, resynchronised when inconsistent), then for each vCPU slot in
 * IOREQ_READY (acquire load of the state): copy the fields, INPROCESS, emulate, write data for
 * reads, IORESP_READY with a release store, notify. Port and
 * MMIO requests go through the range table (8-byte accesses split low half first, string I/O
 * looped through guest RAM with df), PCI_CONFIG to the function's owner by the SBDF in addr's
 * upper half. Unclaimed reads answer all-ones, writes are dropped, each logged once. After the
 * kick, the deferred backend work runs (events.c). */
#include "internal.h"
#include "ioreq.h"
#include "abi.h"

struct rw { uint32_t lo, hi; };

static void log_unclaimed(struct core *rt, int space, uint64_t addr, int read)
{
    char key[40];
    core_snprintf(key, sizeof key, "unclaimed%u:%llu", (unsigned)space, (unsigned long long)addr);
    core_logf_once(rt, key, "unclaimed %s 0x%llx %s", space == STUBDOM_SPACE_PORT ? "port" : "mmio", (unsigned long long)addr,
                   read ? "(read answers all-ones)" : "(write dropped)");
}

/* One element access; 8-byte accesses become two 4-byte ones, low first. */
static struct rw access(struct core *rt, int space, const struct core_during *dur, uint64_t addr, uint32_t size,
                        uint32_t lo, uint32_t hi, int read)
{
    struct rw r = {0, 0};
    const struct core_range *range = core_ranges_lookup(&rt->ranges, space, addr);
    if (!range) {
        log_unclaimed(rt, space, addr, read);
        if (read) {
            r.lo = size == 8 ? 0xffffffffu : CORE_ALL_ONES(size);
            r.hi = size == 8 ? 0xffffffffu : 0;
        }
        return r;
    }
    struct core_device *dev = range->owner;
    uint32_t region = (uint32_t)range->region;
    uint32_t off = (uint32_t)(addr - range->base);
    rt->current = dev->name;
    if (read) {
        if (size == 8) {
            r.lo = core_call(rt, dev, CALL_READ, region, off, 4, 0, dur, 0xffffffffu);
            r.hi = core_call(rt, dev, CALL_READ, region, off + 4, 4, 0, dur, 0xffffffffu);
            return r;
        }
        r.lo = core_call(rt, dev, CALL_READ, region, off, size, 0, dur, 0xffffffffu) & CORE_ALL_ONES(size);
        return r;
    }
    if (size == 8) {
        core_call(rt, dev, CALL_WRITE, region, off, 4, lo, dur, 0);
        core_call(rt, dev, CALL_WRITE, region, off + 4, 4, hi, dur, 0);
    } else {
        core_call(rt, dev, CALL_WRITE, region, off, size, lo, dur, 0);
    }
    return r;
}

static struct rw handle_space(struct core *rt, int space, const struct core_ioreq *req, uint32_t lo, uint32_t hi)
{
    struct rw none = {0, 0};
    uint32_t size = req->size;
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        core_logf_once(rt, 0, "ioreq with invalid size %u ignored", size);
        struct rw ones = {0xffffffffu, 0xffffffffu};
        return ones;
    }
    struct core_during dur = {.kind = CORE_DURING_IOREQ, .type = space, .dir = req->dir, .size = (int)size,
                              .df = req->df, .is_ptr = req->data_is_ptr, .addr = req->addr, .data = req->data,
                              .count = req->count};
    if (!req->data_is_ptr) {
        if (req->dir == IOREQ_READ) return access(rt, space, &dur, req->addr, size, 0, 0, 1);
        access(rt, space, &dur, req->addr, size, lo, hi, 0);
        return none;
    }
    /* String I/O: `count` elements through guest RAM at `data`, stepping by size (down with df);
     * MMIO also steps the device address. Bounded by count and validated against guest RAM. */
    uint32_t count = req->count < rt->opts.max_rep_count ? req->count : rt->opts.max_rep_count;
    if (req->count > rt->opts.max_rep_count) core_logf_once(rt, "repcount", "string ioreq count clamped");
    int64_t step = req->df ? -(int64_t)size : (int64_t)size;
    for (uint32_t i = 0; i < count; i++) {
        int64_t gpa = (int64_t)req->data + (int64_t)i * step;
        uint64_t addr = space == STUBDOM_SPACE_MMIO ? (uint64_t)((int64_t)req->addr + (int64_t)i * step) : req->addr;
        uint8_t el[8];
        if (req->dir == IOREQ_READ) {
            struct rw v = access(rt, space, &dur, addr, size, 0, 0, 1);
            st32(el, v.lo);
            st32(el + 4, v.hi);
            if (gpa < 0 || !rt->ram.write(rt->ram.ctx, (uint64_t)gpa, el, size)) {
                core_logf_once(rt, space ? "rep1" : "rep0", "string read buffer outside guest RAM: stopped");
                break;
            }
        } else {
            if (gpa < 0 || !rt->ram.read(rt->ram.ctx, (uint64_t)gpa, el, size)) {
                core_logf_once(rt, space ? "rep1" : "rep0", "string write buffer outside guest RAM: stopped");
                break;
            }
            uint32_t vlo = size >= 4 ? ld32(el) : size == 2 ? (uint32_t)el[0] | (uint32_t)el[1] << 8 : el[0];
            access(rt, space, &dur, addr, size, vlo, size == 8 ? ld32(el + 4) : 0, 0);
        }
    }
    return none;
}

static struct rw handle_pci_config(struct core *rt, const struct core_ioreq *req, uint32_t sbdf)
{
    struct rw r = {0, 0};
    uint32_t bdf = sbdf & 0xffff;
    uint32_t reg = (uint32_t)req->addr;
    uint32_t size = req->size;
    struct core_device *dev = 0;
    if ((sbdf >> 16) == 0)
        for (unsigned i = 0; i < rt->npci && !dev; i++)
            if (rt->pci[i].bdf == bdf) dev = rt->pci[i].owner;
    if (!dev || (size != 1 && size != 2 && size != 4) || reg > 0xfff) {
        r.lo = CORE_ALL_ONES(size == 1 || size == 2 ? size : 4);
        return r;
    }
    struct core_during dur = {.kind = CORE_DURING_PCI, .dir = req->dir, .size = (int)size, .bdf = bdf, .reg = reg, .data = req->data};
    if (req->dir == IOREQ_READ) {
        r.lo = core_call(rt, dev, CALL_CFG_READ, bdf, reg, size, 0, &dur, 0xffffffffu) & CORE_ALL_ONES(size);
        return r;
    }
    core_call(rt, dev, CALL_CFG_WRITE, bdf, reg, size, (uint32_t)req->data, &dur, 0);
    return r;
}

static struct rw handle(struct core *rt, const struct core_ioreq *req, uint32_t addr_hi, uint32_t lo, uint32_t hi)
{
    struct rw none = {0, 0};
    rt->stats.ioreqs++;
    switch (req->type) {
    case IOREQ_TYPE_PIO: return handle_space(rt, STUBDOM_SPACE_PORT, req, lo, hi);
    case IOREQ_TYPE_COPY: return handle_space(rt, STUBDOM_SPACE_MMIO, req, lo, hi);
    case IOREQ_TYPE_PCI_CONFIG: return handle_pci_config(rt, req, addr_hi);
    case IOREQ_TYPE_INVALIDATE: /* no map cache to drop */
    case IOREQ_TYPE_TIMEOFFSET: /* nothing of ours depends on the guest's RTC offset */
        return none;
    default: {
        char key[16];
        core_snprintf(key, sizeof key, "type%u", req->type);
        core_logf_once(rt, key, "ignoring ioreq of unknown type");
        struct rw ones = {0xffffffffu, 0xffffffffu};
        return ones;
    }
    }
}

/* --- the shared pages' protocol ---------------------------------------------------------- */

int core_ioreq_slot_take(volatile void *slot, struct core_ioreq *req)
{
    volatile uint8_t *p = slot;
    uint8_t flags = shared_ld8_acquire(p + IOREQ_OFF_FLAGS); /* the fields after the state */
    uint8_t state = flags & 0xf;
    if (state != STATE_IOREQ_READY) return state <= STATE_IORESP_READY ? 0 : -1;
    *req = (struct core_ioreq){
        .addr = shared_ld64(p + IOREQ_OFF_ADDR), .data = shared_ld64(p + IOREQ_OFF_DATA),
        .count = shared_ld32(p + IOREQ_OFF_COUNT), .size = shared_ld32(p + IOREQ_OFF_SIZE),
        .vp_eport = shared_ld32(p + IOREQ_OFF_VP_EPORT), .state = state,
        .data_is_ptr = (flags >> 4) & 1, .dir = (flags >> 5) & 1, .df = (flags >> 6) & 1,
        .type = p[IOREQ_OFF_TYPE],
    };
    __atomic_store_n(p + IOREQ_OFF_FLAGS, (uint8_t)((flags & 0xf0) | STATE_IOREQ_INPROCESS), __ATOMIC_RELAXED);
    return 1;
}

void core_ioreq_slot_complete(volatile void *slot, const struct core_ioreq *req, uint64_t data)
{
    volatile uint8_t *p = slot;
    if (req->dir == IOREQ_READ && !req->data_is_ptr) shared_st64(p + IOREQ_OFF_DATA, data);
    uint8_t flags = __atomic_load_n(p + IOREQ_OFF_FLAGS, __ATOMIC_RELAXED);
    shared_st8_release(p + IOREQ_OFF_FLAGS, (uint8_t)((flags & 0xf0) | STATE_IORESP_READY)); /* the data first */
}

/* Bits of a slot's first word that name the access (type, size code, address): the two slots of an
 * 8-byte entry carry the same ones (Xen writes the same descriptor twice). Bits 8-9: pad, dir. */
#define BUF_W0_ACCESS 0xfffffcffu

unsigned core_bufioreq_drain(volatile void *page, const struct core_bufioreq_sink *sink)
{
    volatile uint8_t *pg = page;
    const volatile uint8_t *slots = pg + BUF_OFF_SLOTS;
    unsigned delivered = 0;
    /* One step per entry or resynchronisation: a ring of 511 slots never needs more per kick, and
     * whatever Xen adds meanwhile comes with its own event. */
    for (unsigned step = 0; step < BUF_IOREQ_SLOTS; step++) {
        uint64_t both = shared_ld64_acquire(pg + BUF_OFF_READ); /* the slots after the pointers */
        uint32_t rp = (uint32_t)both, wp = (uint32_t)(both >> 32);
        uint32_t pending = wp - rp;
        if (pending == 0) break;
        if (pending > BUF_IOREQ_SLOTS) {
            /* Xen never has more than 511 slots pending: nothing here can be trusted. Catch up to
             * the write pointer by an add (wp - rp survives a rebase), dropping the lot. */
            shared_add32_release(pg + BUF_OFF_READ, pending);
            if (sink->resync) sink->resync(sink->ctx, rp, wp, pending);
            continue;
        }
        const volatile uint8_t *s = slots + (rp % BUF_IOREQ_SLOTS) * 8;
        uint32_t w0 = shared_ld32(s);
        struct core_bufioreq e = {.type = (uint8_t)(w0 & 0xff), .size = 1u << ((w0 >> 10) & 3), .addr = w0 >> 12,
                                  .lo = shared_ld32(s + 4), .hi = 0};
        uint32_t used = 1;
        if (e.size == 8) {
            if (pending < 2) break; /* the second half is not published yet: the next kick */
            const volatile uint8_t *s2 = slots + ((rp + 1) % BUF_IOREQ_SLOTS) * 8;
            if ((shared_ld32(s2) & BUF_W0_ACCESS) != (w0 & BUF_W0_ACCESS)) {
                /* a lone first half (the ring was misaligned): drop it, the next slot is an entry */
                shared_add32_release(pg + BUF_OFF_READ, 1);
                if (sink->resync) sink->resync(sink->ctx, rp, wp, 1);
                continue;
            }
            e.hi = shared_ld32(s2 + 4);
            used = 2;
        }
        sink->write(sink->ctx, &e);
        shared_add32_release(pg + BUF_OFF_READ, used);
        delivered++;
    }
    return delivered;
}

static void buffered_write(void *ctx, const struct core_bufioreq *e)
{
    struct core *rt = ctx;
    struct core_ioreq req = {.addr = e->addr, .data = e->lo, .count = 1, .size = e->size, .type = e->type,
                             .dir = IOREQ_WRITE}; /* data as host/node reports it; the halves go separately */
    rt->stats.buffered++;
    handle(rt, &req, 0, e->lo, e->hi);
}

static void buffered_resync(void *ctx, uint32_t rp, uint32_t wp, uint32_t dropped)
{
    struct core *rt = ctx;
    uint64_t n = ++rt->stats.ring_resyncs;
    if (n & (n - 1)) return; /* logged the 1st, 2nd, 4th, 8th, ... time */
    core_logf(rt, "runtime", 1, "buffered ioreq ring inconsistent (read pointer 0x%x, write pointer 0x%x): %u slot(s) skipped to "
              "resynchronise; resync #%llu", rp, wp, dropped, (unsigned long long)n);
}

void core_drain_buffered(struct core *rt, uint8_t *page)
{
    const struct core_bufioreq_sink sink = {.ctx = rt, .write = buffered_write, .resync = buffered_resync};
    core_bufioreq_drain(page, &sink);
}

unsigned core_service_event(struct core *rt, uint8_t *ioreq_page, unsigned nr_vcpus, uint8_t *buf_page)
{
    if (buf_page) core_drain_buffered(rt, buf_page);
    unsigned served = 0;
    for (unsigned vcpu = 0; vcpu < nr_vcpus; vcpu++) {
        uint8_t *p = ioreq_page + vcpu * IOREQ_SIZE;
        struct core_ioreq req;
        int taken = core_ioreq_slot_take(p, &req);
        if (taken < 0) core_logf_once(rt, "slotstate", "ioreq slot in a state Xen never writes: left alone");
        if (taken <= 0) continue;
        uint32_t addr_hi = (uint32_t)(req.addr >> 32);
        if (req.type == IOREQ_TYPE_PCI_CONFIG) req.addr &= 0xffffffffu;
        struct rw v = handle(rt, &req, addr_hi, (uint32_t)req.data, (uint32_t)(req.data >> 32));
        core_ioreq_slot_complete(p, &req, v.lo | (uint64_t)v.hi << 32);
        rt->hv.notify(rt->hv.ctx, req.vp_eport);
        served++;
    }
    core_run_deferred(rt);
    return served;
}
