/* runtime/posix/replay_backends.c — stubdom-replay's backends: chr, net and display write what a
 * device sends as trace lines; block units serve the recorded sectors (replay_backends.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_backends.h"
#include "replay_out.h"
#include "../core/abi.h"

int replay_verbose_log;

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

void replay_blk_store(struct rblk *r, uint64_t lba, const uint8_t *data, uint32_t sectors)
{
    for (uint32_t k = 0; k < sectors; k++) {
        uint8_t **v = rblk_slot(r, lba + k, 1);
        if (!*v) *v = malloc(r->b.sector_size);
        memcpy(*v, data + (size_t)k * r->b.sector_size, r->b.sector_size);
    }
}

/* `KIND DEVICE HEX`: bytes a chr or net device sent */
static void put_sent(const char *kind, void *ctx, const uint8_t *b, uint32_t len)
{
    char p[64];
    snprintf(p, sizeof p, "%s %s ", kind, ((struct dev_backends *)ctx)->name);
    replay_put_hex(p, b, len);
}

static void chr_write(void *ctx, const uint8_t *b, uint32_t len) { put_sent("chr", ctx, b, len); }
static void net_send(void *ctx, const uint8_t *b, uint32_t len) { put_sent("net", ctx, b, len); }

static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *px)
{
    (void)px;
    replay_putf("surface %s %d %u %u %u", ((struct dev_backends *)ctx)->name, kind, w, h, stride);
}

static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h)
{
    replay_putf("damage %s %d %d %d %d", ((struct dev_backends *)ctx)->name, x, y, w, h);
}

void replay_bind_backends(struct dev_backends *be)
{
    be->chr = (struct core_chr_backend){be, chr_write};
    be->net = (struct core_net_backend){be, net_send};
    be->display = (struct core_display_backend){be, set_surface, damage};
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
            replay_blk_store(r, req->lba, req->data, req->sectors);
            char p[96];
            snprintf(p, sizeof p, "blkwrite %s %u %llu ", r->dev, r->unit, (unsigned long long)req->lba);
            replay_put_hex(p, req->data, req->sectors * ss);
        }
    }
    replay_putf("blk %s %u %d %llu %u %d", r->dev, r->unit, req->op, (unsigned long long)req->lba, req->sectors, status);
    done(done_ctx, status);
}

void replay_blk_unit(struct rblk *r, const char *dev, unsigned unit, uint64_t sectors, uint32_t sector_size, uint32_t flags)
{
    snprintf(r->dev, sizeof r->dev, "%s", dev);
    r->unit = unit;
    r->used = true;
    r->b = (struct core_blk_backend){.ctx = r, .sectors = sectors, .sector_size = sector_size,
                                     .present = flags & STUBDOM_BLK_FLAG_PRESENT, .read_only = flags & STUBDOM_BLK_FLAG_READONLY,
                                     .removable = flags & STUBDOM_BLK_FLAG_REMOVABLE, .submit = blk_submit};
}

void replay_on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    replay_putf("fail %s | %s | %s", f->device, f->error, f->during);
}

void replay_log_sink(void *ctx, const char *device, int level, const char *text, size_t len)
{
    (void)ctx;
    if (replay_verbose_log || level == 0) fprintf(stderr, "[%s] %d: %.*s\n", device, level, (int)len, text);
}
