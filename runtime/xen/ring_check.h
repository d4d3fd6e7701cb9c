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
#include <stdint.h>

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

#endif
