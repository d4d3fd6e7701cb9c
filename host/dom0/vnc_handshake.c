/* host/dom0/vnc_handshake.c — the RFB handshake of the helper's VNC server, up to ServerInit
 * (RFC 6143 §7.1-7.3, with 3.3's and 3.7's older security steps):
 *   3.8/3.7: the server lists its one security type, the client picks it; 3.3: the server names
 *   it (u32). None (1) without a password; VNC Authentication (2) with one: a 16-byte challenge,
 *   the client's 16-byte DES answer, then SecurityResult (u32 0 ok / 1 failed; 3.8 adds a reason
 *   string on failure; 3.3 and 3.7 do not). A refusal before the security step is "no types"
 *   (3.7/3.8: a zero count; 3.3: type 0) followed by a reason string.
 * With password=on and no password set yet, or while the client's address (or everyone) is
 * throttled for failed logins, the client is refused at the version step, before any challenge. */
#define _GNU_SOURCE
#include "vnc_client.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC_NONE 1
#define SEC_VNC_AUTH 2

static bool password_required;   /* -vnc ...,password=on, or a password was set */
static struct vnc_auth_key key;

void vnc_handshake_require_password(void) { password_required = true; }

void vnc_handshake_set_password(const char *password)
{
    vnc_auth_set_password(&key, password);
    if (key.set)
        password_required = true;
}

void vnc_handshake_start(struct vnc_client *c)
{
    c->state = ST_VERSION;
    vnc_emit(c, "RFB 003.008\n", 12);
}

/* The connection closed because of `reason`, sent first as an RFB string when `say`. */
static void close_because(struct vnc_client *c, const char *reason, bool say)
{
    if (say) {
        uint8_t b[4];
        vnc_put32(b, (uint32_t)strlen(reason));
        vnc_emit(c, b, 4);
        vnc_emit(c, reason, strlen(reason));
    }
    vnc_flush(c);
    if (c->fd >= 0)
        vnc_drop(c, reason);
}

/* Refusal before the security step: no security types, and why. */
static void refuse(struct vnc_client *c, const char *reason)
{
    uint8_t b[4];
    if (c->minor == 3) {
        vnc_put32(b, 0);
        vnc_emit(c, b, 4);
    } else {
        vnc_emit(c, "\0", 1);
    }
    close_because(c, reason, true);
}

/* SecurityResult "failed" (with the reason for 3.8), and the connection closed. */
static void fail(struct vnc_client *c, const char *reason)
{
    uint8_t b[4];
    vnc_put32(b, 1);
    vnc_emit(c, b, 4);
    close_because(c, reason, c->minor == 8);
}

/* Why `c` may not try a password now, or 0 if it may. */
static const char *barred(const struct vnc_client *c, char *buf, size_t len)
{
    if (!key.set)
        return "no VNC password has been set yet";
    uint64_t wait = vnc_throttle_wait(c->addr, vnc_now());
    if (!wait)
        return 0;
    snprintf(buf, len, "too many failed VNC logins: try again in %llu s", (unsigned long long)(wait + 999) / 1000);
    return buf;
}

static bool send_challenge(struct vnc_client *c)
{
    if (!vnc_auth_challenge(c->challenge)) {
        fail(c, "no random numbers for a challenge");
        return false;
    }
    vnc_emit(c, c->challenge, VNC_CHALLENGE_LEN);
    c->state = ST_AUTH;
    return true;
}

static void check_answer(struct vnc_client *c, const uint8_t *answer)
{
    char why[96], ip[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &c->addr, ip, sizeof ip);
    const char *bar = barred(c, why, sizeof why);   /* also for answers to earlier challenges */
    bool ok = !bar && vnc_auth_check(&key, c->challenge, answer);
    memset(c->challenge, 0, sizeof c->challenge);
    if (bar) {
        fail(c, bar);
        return;
    }
    if (!ok) {
        vnc_throttle_failed(c->addr, vnc_now());
        vnc_log("vnc: wrong password from %s\n", ip);
        fail(c, "authentication failed");
        return;
    }
    vnc_throttle_succeeded(c->addr);
    vnc_log("vnc: %s authenticated\n", ip);
    uint8_t b[4] = { 0 };
    vnc_emit(c, b, 4);
    c->state = ST_INIT;
}

static void server_init(struct vnc_client *c)
{
    struct vnc_view v = { 0 };
    if (!vnc_src->view(&v))
        v.width = 640, v.height = 480;
    c->known_w = v.width, c->known_h = v.height;
    static const struct vnc_format native = { 32, 24, 0, 1, 255, 255, 255, 16, 8, 0 };
    uint8_t b[24];
    vnc_put16(b, (uint16_t)v.width), vnc_put16(b + 2, (uint16_t)v.height);
    const struct vnc_format *f = &native;
    b[4] = f->bpp, b[5] = f->depth, b[6] = f->big_endian, b[7] = f->true_colour;
    vnc_put16(b + 8, f->rmax), vnc_put16(b + 10, f->gmax), vnc_put16(b + 12, f->bmax);
    b[14] = f->rshift, b[15] = f->gshift, b[16] = f->bshift, b[17] = b[18] = b[19] = 0;
    vnc_put32(b + 20, (uint32_t)strlen(vnc_server_name));
    vnc_emit(c, b, sizeof b);
    vnc_emit(c, vnc_server_name, strlen(vnc_server_name));
    c->fmt = native;
    c->state = ST_NORMAL;
    vnc_log("vnc: client connected (RFB 3.%d)\n", c->minor);
}

long vnc_handshake_message(struct vnc_client *c)
{
    const uint8_t *p = c->in;
    size_t n = c->in_len;
    switch (c->state) {
    case ST_VERSION: {
        if (n < 12)
            return 0;
        if (memcmp(p, "RFB 003.", 8) || p[11] != '\n')
            return -1;
        int minor = atoi((const char *)p + 8);
        c->minor = minor >= 8 ? 8 : minor == 7 ? 7 : 3;
        char why[96];
        const char *bar = password_required ? barred(c, why, sizeof why) : 0;
        if (bar) {
            refuse(c, bar);
            return -2;
        }
        uint8_t b[4];
        if (c->minor == 3) {
            vnc_put32(b, password_required ? SEC_VNC_AUTH : SEC_NONE);
            vnc_emit(c, b, 4);
            if (!password_required)
                c->state = ST_INIT;
            else if (!send_challenge(c))
                return -2;
        } else {
            b[0] = 1, b[1] = password_required ? SEC_VNC_AUTH : SEC_NONE;   /* one type */
            vnc_emit(c, b, 2);
            c->state = ST_SECURITY;
        }
        return 12;
    }
    case ST_SECURITY:
        if (n < 1)
            return 0;
        if (p[0] != (password_required ? SEC_VNC_AUTH : SEC_NONE))
            return -1;
        if (password_required)
            return send_challenge(c) ? 1 : -2;
        if (c->minor == 8) {
            uint8_t ok[4] = { 0 };
            vnc_emit(c, ok, 4);
        }
        c->state = ST_INIT;
        return 1;
    case ST_AUTH:
        if (n < VNC_CHALLENGE_LEN)
            return 0;
        check_answer(c, p);
        return c->fd < 0 ? -2 : VNC_CHALLENGE_LEN;
    case ST_INIT:
        if (n < 1)
            return 0;
        server_init(c);
        return 1;
    }
    return -1;
}
