/* runtime/core/backends.h — the small interfaces behind the chr/blk/net/display capability
 * imports (host/node/backends.ts's shapes in C). A platform fills these in per device: the posix
 * replayer records what devices send; the unikernel wires console, blkfront, netfront and the
 * display protocol. Received data goes the other way through core_deliver_event(). */
#ifndef CORE_BACKENDS_H
#define CORE_BACKENDS_H

#include <stdbool.h>
#include <stdint.h>

struct core_chr_backend {
    void *ctx;
    void (*write)(void *ctx, const uint8_t *bytes, uint32_t len);
};

struct core_net_backend {
    void *ctx;
    void (*send)(void *ctx, const uint8_t *frame, uint32_t len);
};

/* A block request. `data` points into the device's memory (reads land there, writes come from
 * there); the backend calls done(done_ctx, status) once, at submit time or later, and must
 * have finished with `data` by then. */
struct core_blk_request {
    int op; /* STUBDOM_BLK_OP_* */
    uint64_t lba;
    uint32_t sectors;
    uint8_t *data;
};

struct core_blk_backend {
    void *ctx;
    uint64_t sectors;
    uint32_t sector_size;
    bool read_only, removable, present;
    void (*submit)(void *ctx, const struct core_blk_request *req, void (*done)(void *done_ctx, int status), void *done_ctx);
};

struct core_display_backend {
    void *ctx;
    /* kind 0 (SURFACE_NONE) = no surface; `pixels` is stride*height bytes of device memory */
    void (*set_surface)(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *pixels);
    void (*damage)(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h);
};

#endif
