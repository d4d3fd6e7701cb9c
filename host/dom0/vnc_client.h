/* host/dom0/vnc_client.h — inside the VNC server: one client's state, shared by vnc.c (sockets,
 * timeouts, normal messages), vnc_handshake.c (version, security, VNC
 * Authentication, ServerInit) and vnc_update.c (FramebufferUpdate). Not an interface for anything
 * else. */
#ifndef DOM0_VNC_CLIENT_H
#define DOM0_VNC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnc.h"
#include "vnc_auth.h"

#define VNC_IN_BUF 4096
#define ENC_RAW 0
#define ENC_DESKTOP_SIZE (-223)

/* handshake states, then ST_NORMAL: the client is in and sees the screen */
enum { ST_VERSION, ST_SECURITY, ST_AUTH, ST_INIT, ST_NORMAL };

struct vnc_format { uint8_t bpp, depth, big_endian, true_colour; uint16_t rmax, gmax, bmax; uint8_t rshift, gshift, bshift; };

struct vnc_client {
    int fd;   /* -1: free */
    int state, minor;
    uint32_t addr;                /* IPv4, network order */
    uint64_t since, last_rx;      /* ms: accepted, last byte received */
    uint8_t challenge[VNC_CHALLENGE_LEN];
    uint8_t in[VNC_IN_BUF];
    size_t in_len;
    uint8_t *out;
    size_t out_len, out_cap;
    struct vnc_format fmt;
    bool desktop_size;
    bool want, incremental;       /* a FramebufferUpdateRequest is pending */
    uint32_t known_w, known_h;    /* the size this client was told */
    int32_t dx0, dy0, dx1, dy1;   /* changed since its last update */
    int32_t px, py;               /* last pointer position */
    uint8_t buttons;
    bool pointer_seen;
    uint32_t skip;                /* ClientCutText bytes still to discard */
};

extern const struct vnc_source *vnc_src;
extern char vnc_server_name[64];

/* vnc.c */
uint64_t vnc_now(void);
/* printk, but at most a few lines a minute (then one line saying how many were left out) */
void vnc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* room for `more` bytes in c->out; false when the client was dropped (too far behind) */
bool vnc_reserve(struct vnc_client *c, size_t more);
bool vnc_emit(struct vnc_client *c, const void *p, size_t n);
void vnc_flush(struct vnc_client *c);
void vnc_drop(struct vnc_client *c, const char *why);

/* vnc_update.c */
void vnc_add_dirty(struct vnc_client *c, int32_t x, int32_t y, int32_t w, int32_t h);
/* answers the client's pending FramebufferUpdateRequest from `v` (or leaves it pending) */
void vnc_send_update(struct vnc_client *c, const struct vnc_view *v);

/* vnc_handshake.c */
void vnc_handshake_start(struct vnc_client *c);
/* Bytes used from the front of c->in (0: incomplete; -1: malformed, drop; -2: dropped already). */
long vnc_handshake_message(struct vnc_client *c);
/* password=on from `-vnc`: VNC Authentication, and nobody in before a password is set */
void vnc_handshake_require_password(void);
/* the key from libxl's password ("" = none); a password also requires VNC Authentication */
void vnc_handshake_set_password(const char *password);

static inline void vnc_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static inline void vnc_put32(uint8_t *p, uint32_t v) { vnc_put16(p, (uint16_t)(v >> 16)), vnc_put16(p + 2, (uint16_t)v); }
static inline uint16_t vnc_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t vnc_get32(const uint8_t *p) { return (uint32_t)vnc_get16(p) << 16 | vnc_get16(p + 2); }

#endif
