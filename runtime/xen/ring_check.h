/* runtime/xen/ring_check.h — the one way runtime/xen reads an index another domain writes.
 * Every shared ring here (netfront TX/RX, blkfront, the PV consoles, vfb/vkbd, vchan, xenstore)
 * has free-running 32-bit indexes; the peer's index is only believable when it is at most
 * `limit` entries ahead of ours (the ring's size, or fewer when only that many requests are
 * outstanding). ring_ready() is the sole place that difference is taken: it yields a count that
 * is never more than `limit`, so every walk over it is bounded by the ring's size; an index out
 * of that range (moved backwards, or jumped ahead) breaks the ring's guard, logs once, and the
 * consumer disconnects instead of walking ~2^32 slots. Answers that name a request (ids) are
 * checked by the consumer and reported through ring_break(). */
#ifndef XEN_RING_CHECK_H
#define XEN_RING_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib.h"

struct ring_guard {
    const char *who;    /* "netfront device/vif/0 rx": what the log line names */
    bool broken;        /* set once; the consumer stops using the ring */
};

/* Entries (or bytes) between our index `ours` and the peer's `theirs`: theirs - ours when that
 * is at most `limit`; otherwise breaks the guard (logged once) and returns 0. A broken guard
 * always returns 0. For a ring we consume, ours = our consumer index and theirs = the peer's
 * producer; for space on a ring we produce, ours = the peer's consumer and theirs = our producer
 * (the peer may not claim to have consumed what we never produced). */
uint32_t ring_ready(struct ring_guard *g, uint32_t ours, uint32_t theirs, uint32_t limit);

/* Breaks the guard for another protocol violation (an id not in flight, ...), logging `what` and
 * `value` once. */
void ring_break(struct ring_guard *g, const char *what, uint64_t value);

/* Xen's io/ring.h idioms on top of the guard, one way for every consumer here:
 *
 *   uint32_t n = ring_unconsumed(&guard, &page->in_prod, cons, LEN);   (RING_HAS_UNCONSUMED_*)
 *   for (uint32_t i = 0; i < n; i++, cons++) { use ring_entry(ring, cons, LEN, SIZE); }
 *   ring_consumed(&page->in_cons, cons);              (a consumer index the peer reads)
 *   more = ring_final_check(&s->rsp_event, &s->rsp_prod, cons);   (RING_FINAL_CHECK_FOR_*) */

/* The peer's producer index `*prod` read once, then a read barrier (its entries are read after
 * it), and what ring_ready makes of it against our consumer index `cons`. */
static inline uint32_t ring_unconsumed(struct ring_guard *g, const uint32_t *prod, uint32_t cons, uint32_t limit)
{
    uint32_t p = READ_ONCE(*prod);
    rmb();
    return ring_ready(g, cons, p, limit);
}

/* Entry `idx` (a free-running index) of a ring of `count` entries of `size` bytes at `ring`. */
static inline const void *ring_entry(const void *ring, uint32_t idx, uint32_t count, size_t size)
{
    return (const uint8_t *)ring + (size_t)(idx % count) * size;
}

/* Our consumer index published to the peer once the entries before it are used up. */
static inline void ring_consumed(uint32_t *cons_idx, uint32_t cons)
{
    mb();
    *cons_idx = cons;
}

/* Asks for an event at the next entry the peer produces (`*event` = cons + 1), then says whether
 * one arrived meanwhile: true = read again before sleeping. */
static inline bool ring_final_check(uint32_t *event, const uint32_t *prod, uint32_t cons)
{
    *event = cons + 1;
    mb();
    return READ_ONCE(*prod) != cons;
}

#endif
