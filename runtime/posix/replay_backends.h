/* runtime/posix/replay_backends.h — the backends stubdom-replay gives devices (replay_backends.c):
 * they write what devices send into the trace, and serve block units from recorded sectors. */
#ifndef POSIX_REPLAY_BACKENDS_H
#define POSIX_REPLAY_BACKENDS_H

#include <stdbool.h>
#include "sim.h"

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

/* 1: every device log line goes to stderr (--log); else errors only. */
extern int replay_verbose_log;

/* Sets `be`'s chr, net and display backends up to trace what device `be->name` sends. */
void replay_bind_backends(struct dev_backends *be);
/* Sets block unit `r` up for device `dev` (a `blkunit` record). */
void replay_blk_unit(struct rblk *r, const char *dev, unsigned unit, uint64_t sectors, uint32_t sector_size, uint32_t flags);
/* Stores `sectors` recorded sectors from `lba` on. */
void replay_blk_store(struct rblk *r, uint64_t lba, const uint8_t *data, uint32_t sectors);
void replay_on_failure(void *ctx, const struct core_failure *f);
void replay_log_sink(void *ctx, const char *device, int level, const char *text, size_t len);

#endif
