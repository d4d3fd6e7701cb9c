/* fuzz/harness/fuzz_backends.c — the fuzz executor's backends: chr and net swallow what the device
 * sends, display touches the surface's last byte (so the sanitizers see a bad one), and block units
 * serve pattern-filled disk images whose requests wait until the input completes them
 * (FZ_BLK_DONE) or the machine settles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_exec.h"
#include "fuzz_machine.h"
#include "../../runtime/core/abi.h"

struct pending { unsigned unit; int op; uint64_t lba; uint32_t sectors; uint8_t *data, *wdata; void *ctx; void (*done)(void *, int); };
struct core_blk_backend fz_blk_be[4];
unsigned fz_npend;
static uint8_t *image[4];
static int image_dirty[4];
static struct pending pend[FZ_MAX_PENDING];
static struct core_chr_backend chr_be;
static struct core_net_backend net_be;
static struct core_display_backend disp_be;

static void chr_write(void *ctx, const uint8_t *b, uint32_t len) { (void)ctx, (void)b, (void)len; }
static void net_send(void *ctx, const uint8_t *b, uint32_t len) { (void)ctx, (void)b, (void)len; }
static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *px)
{
    (void)ctx, (void)kind, (void)w, (void)h;
    /* the surface is in module memory: touch its last byte (ASan/UBSan see a bad pointer) */
    if (px && stride && h) { volatile uint8_t x = px[(size_t)stride * h - 1]; (void)x; }
}
static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h) { (void)ctx, (void)x, (void)y, (void)w, (void)h; }

static uint8_t pattern(unsigned unit, uint64_t off) { return (uint8_t)((off * 7 + (off >> 9) * 13 + unit * 31) & 0xff); }

static void image_reset(unsigned u)
{
    const struct fz_blk *b = &fz_dev->blk[u];
    size_t n = (size_t)b->sectors * b->ss;
    if (!image[u]) image[u] = malloc(n);
    for (size_t i = 0; i < n; i++) image[u][i] = pattern(u, i);
    image_dirty[u] = 0;
}

void fz_images_reset(int all)
{
    for (unsigned u = 0; u < fz_dev->nblk; u++) if (all || image_dirty[u]) image_reset(u);
}

static void blk_submit(void *ctx, const struct core_blk_request *req, void (*done)(void *, int), void *done_ctx)
{
    struct core_blk_backend *be = ctx;
    unsigned unit = (unsigned)(be - fz_blk_be);
    if (fz_npend == FZ_MAX_PENDING) {
        fz_finding("blk-flood", "more than %u block requests outstanding", FZ_MAX_PENDING);
        done(done_ctx, STUBDOM_BLK_STATUS_EIO);
        return;
    }
    struct pending *p = &pend[fz_npend++];
    *p = (struct pending){.unit = unit, .op = req->op, .lba = req->lba, .sectors = req->sectors, .data = req->data, .ctx = done_ctx, .done = done};
    if (req->op == STUBDOM_BLK_OP_WRITE) {
        size_t n = (size_t)req->sectors * be->sector_size;
        p->wdata = malloc(n ? n : 1);
        memcpy(p->wdata, req->data, n); /* host/node copies write data at submit too */
    }
}

void fz_blk_complete(unsigned i, uint8_t status_sel)
{
    struct pending p = pend[i];
    memmove(&pend[i], &pend[i + 1], (fz_npend - i - 1) * sizeof pend[0]);
    fz_npend--;
    struct core_blk_backend *be = &fz_blk_be[p.unit];
    int status = status_sel < 0xc0 ? STUBDOM_BLK_STATUS_OK : 1 + (status_sel & 3);
    if (status == STUBDOM_BLK_STATUS_OK && p.op != STUBDOM_BLK_OP_FLUSH) {
        size_t off = (size_t)p.lba * be->sector_size, n = (size_t)p.sectors * be->sector_size;
        if (p.op == STUBDOM_BLK_OP_READ) memcpy(p.data, image[p.unit] + off, n), fz_mark_module(p.data, n);
        else if (p.op == STUBDOM_BLK_OP_WRITE) memcpy(image[p.unit] + off, p.wdata, n), image_dirty[p.unit] = 1;
    }
    free(p.wdata);
    p.done(p.ctx, status);
    core_run_deferred(&fz_rt);
}

void fz_blk_drop_pending(void)
{
    for (unsigned i = 0; i < fz_npend; i++) free(pend[i].wdata);
    fz_npend = 0;
}

void fz_backends_bind(struct core_device_spec *spec)
{
    const struct fz_device *dev = fz_dev;
    chr_be = (struct core_chr_backend){0, chr_write};
    net_be = (struct core_net_backend){0, net_send};
    disp_be = (struct core_display_backend){0, set_surface, damage};
    if (dev->chr) spec->chr = &chr_be;
    if (dev->net) spec->net = &net_be;
    if (dev->display) spec->display = &disp_be;
    for (unsigned u = 0; u < dev->nblk; u++) {
        const struct fz_blk *b = &dev->blk[u];
        if (image_dirty[u]) image_reset(u);
        fz_blk_be[u] = (struct core_blk_backend){.ctx = &fz_blk_be[u], .sectors = b->sectors, .sector_size = b->ss, .read_only = b->ro,
                                                 .removable = b->removable, .present = b->present, .submit = blk_submit};
        spec->blk[u] = &fz_blk_be[u];
    }
    spec->nblk = dev->nblk;
}

void fz_on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    fz_finding("trap", "%s | %s", f->error, f->during);
}

void fz_log_sink(void *ctx, const char *device, int level, const char *text, size_t len)
{
    (void)ctx;
    if (fz_verbose >= 2) fprintf(stderr, "[%s] %d: %.*s\n", device, level, (int)len, text);
}
