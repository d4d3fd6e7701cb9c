/* host/dom0/vnc.c — see vnc.h. The protocol is RFC 6143 (RFB 3.8), with 3.3 and 3.7's older
 * security handshakes (vnc_handshake.c; VNC Authentication in vnc_auth.c). Per client: a
 * handshake state, an input buffer parsed one whole message at a time, an output buffer written
 * as the socket takes it, its pixel format, whether it understands DesktopSize, its pending
 * update request and the area changed since its last update (the updates themselves:
 * vnc_update.c). Clients still in the handshake are timed out (vnc_limits). */
#define _GNU_SOURCE
#include "vnc_client.h"
#include "keymap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define FRAME_MS 50                 /* 20 frames a second while someone watches */
#define OUT_LIMIT (32u << 20)       /* a client this far behind is dropped */
#define OUT_BUSY (1u << 20)         /* no new update while this much is still queued */
#define MAX_ENCODINGS 1024
#define MAX_CUT_TEXT (1u << 20)
#define LOG_LINES_PER_MIN 30
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112

const struct vnc_limits vnc_default_limits = {
    .handshake_ms = 60000, .idle_ms = 30000, .per_address = 2,
    .fail_delay_ms = 1000, .fail_delay_max_ms = 60000, .global_fails = 10, .global_window_ms = 60000,
};

const struct vnc_source *vnc_src;
char vnc_server_name[64];
static struct vnc_limits limits;
static bool limits_set;
static int lfd = -1;
static int port;
static char host[64] = "127.0.0.1";
static struct vnc_client clients[VNC_MAX_CLIENTS];
static uint32_t period_set = UINT32_MAX;

uint64_t vnc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vnc_log(const char *fmt, ...)
{
    static uint64_t window;
    static unsigned lines, left_out;
    uint64_t now = vnc_now();
    if (!window || now - window >= 60000) {
        if (left_out)
            printk("vnc: %u log lines left out in the last minute\n", left_out);
        window = now, lines = 0, left_out = 0;
    }
    if (lines >= LOG_LINES_PER_MIN) {
        left_out++;
        return;
    }
    lines++;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    printk("%s", line);
}

void vnc_set_limits(const struct vnc_limits *l)
{
    limits = *l;
    limits_set = true;
}

/* `-vnc` value: "none", or HOST:DISPLAY followed by ",option"s: to=N (try displays up to N),
 * password / password=on (VNC Authentication; the password comes later over QMP). */
int vnc_init(const char *spec, const char *name, const struct vnc_source *source)
{
    for (int i = 0; i < VNC_MAX_CLIENTS; i++)
        clients[i].fd = -1;
    if (!limits_set)
        vnc_set_limits(&vnc_default_limits);
    vnc_throttle_configure(&(struct vnc_throttle_limits){ limits.fail_delay_ms, limits.fail_delay_max_ms,
                                                          limits.global_fails, limits.global_window_ms });
    vnc_src = source;
    snprintf(vnc_server_name, sizeof vnc_server_name, "%s", name ? name : "guest");
    if (!spec || !strncmp(spec, "none", 4))
        return -1;
    const char *colon = strrchr(spec, ':');
    const char *comma = strchr(spec, ',');
    if (!colon || (comma && comma < colon)) {
        printk("vnc: cannot read '%s' (want HOST:DISPLAY): no VNC\n", spec);
        return -1;
    }
    size_t hl = (size_t)(colon - spec);
    if (hl && hl < sizeof host)
        snprintf(host, sizeof host, "%.*s", (int)hl, spec);
    long display = strtol(colon + 1, 0, 10), last = display;
    for (const char *o = comma; o; o = strchr(o + 1, ',')) {
        size_t len = strcspn(o + 1, ",");
        if (!strncmp(o + 1, "to=", 3))
            last = strtol(o + 4, 0, 10);
        else if ((len == 8 && !strncmp(o + 1, "password", 8)) || (len == 11 && !strncmp(o + 1, "password=on", 11)))
            vnc_handshake_require_password();
        else
            printk("vnc: option '%.*s' ignored\n", (int)len, o + 1);
    }
    if (display < 0 || display > 100 || last < display || last > 100) {
        printk("vnc: display numbers in '%s' out of range: no VNC\n", spec);
        return -1;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        printk("vnc: '%s' is not an IPv4 address: no VNC\n", host);
        return -1;
    }
    for (long d = display; d <= last; d++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sa.sin_port = htons((uint16_t)(5900 + d));
        if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof sa) && !listen(fd, 4)) {
            lfd = fd;
            port = 5900 + (int)d;
            printk("vnc: listening on %s:%d (display %ld)\n", host, port, d);
            return 0;
        }
        if (fd >= 0)
            close(fd);
    }
    printk("vnc: no free port for displays %ld..%ld on %s: %s\n", display, last, host, strerror(errno));
    return -1;
}

bool vnc_address(char *h, size_t hlen, char *service, size_t slen)
{
    if (lfd < 0)
        return false;
    snprintf(h, hlen, "%s", host);
    snprintf(service, slen, "%d", port);
    return true;
}

/* ---- output ---- */

void vnc_drop(struct vnc_client *c, const char *why)
{
    if (why)
        vnc_log("vnc: client dropped: %s\n", why);
    close(c->fd);
    free(c->out);
    explicit_bzero(c, sizeof *c);
    c->fd = -1;
}

void vnc_set_password(const char *password)
{
    vnc_handshake_set_password(password);
    unsigned dropped = 0;
    for (int i = 0; i < VNC_MAX_CLIENTS; i++)
        if (clients[i].fd >= 0) {
            vnc_drop(&clients[i], 0);
            dropped++;
        }
    /* the password itself is never logged */
    vnc_log("vnc: password %s; %u client(s) disconnected\n", password && *password ? "set" : "cleared", dropped);
}

bool vnc_reserve(struct vnc_client *c, size_t more)
{
    if (c->out_len + more > OUT_LIMIT) {
        vnc_drop(c, "it does not read what it asked for");
        return false;
    }
    if (c->out_len + more > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 65536;
        while (cap < c->out_len + more)
            cap *= 2;
        uint8_t *p = realloc(c->out, cap);
        if (!p) {
            vnc_drop(c, "out of memory");
            return false;
        }
        c->out = p, c->out_cap = cap;
    }
    return true;
}

bool vnc_emit(struct vnc_client *c, const void *p, size_t n)
{
    if (c->fd < 0 || !vnc_reserve(c, n))
        return false;
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return true;
}

void vnc_flush(struct vnc_client *c)
{
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t n = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        vnc_drop(c, 0);   /* the viewer went away */
        return;
    }
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
}

static void pointer(struct vnc_client *c, uint8_t mask, int32_t x, int32_t y)
{
    if (c->pointer_seen && (x != c->px || y != c->py))
        vnc_src->motion(x - c->px, y - c->py, 0);
    c->pointer_seen = true;
    c->px = x, c->py = y;
    static const uint32_t code[3] = { BTN_LEFT, BTN_MIDDLE, BTN_RIGHT };   /* RFB buttons 1, 2, 3 */
    for (int i = 0; i < 3; i++)
        if ((mask ^ c->buttons) & (1u << i))
            vnc_src->key(code[i], (mask >> i) & 1);
    if ((mask & 8) && !(c->buttons & 8))
        vnc_src->motion(0, 0, 1);    /* wheel up (button 4) */
    if ((mask & 16) && !(c->buttons & 16))
        vnc_src->motion(0, 0, -1);   /* wheel down (button 5) */
    c->buttons = mask;
}

/* One whole message at the front of the input, or 0 while it is incomplete; -1 = drop,
 * -2 = dropped already. The handshake's are vnc_handshake.c's. */
static long message(struct vnc_client *c)
{
    if (c->state != ST_NORMAL)
        return vnc_handshake_message(c);
    const uint8_t *p = c->in;
    size_t n = c->in_len;
    if (n < 1)
        return 0;
    switch (p[0]) {
    case 0: {   /* SetPixelFormat */
        if (n < 20)
            return 0;
        struct vnc_format f = { p[4], p[5], p[6], p[7], vnc_get16(p + 8), vnc_get16(p + 10), vnc_get16(p + 12), p[14], p[15], p[16] };
        if (!f.true_colour || (f.bpp != 8 && f.bpp != 16 && f.bpp != 32) || f.rshift > 31 || f.gshift > 31 || f.bshift > 31 ||
            !f.rmax || !f.gmax || !f.bmax) {
            vnc_log("vnc: pixel format %u bpp, true colour %u refused\n", f.bpp, f.true_colour);
            return -1;
        }
        c->fmt = f;
        c->incremental = false;   /* what it has is in the old format */
        return 20;
    }
    case 2: {   /* SetEncodings */
        if (n < 4)
            return 0;
        uint32_t count = vnc_get16(p + 2);
        if (count > MAX_ENCODINGS)
            return -1;
        if (n < 4 + 4 * (size_t)count)
            return 0;
        c->desktop_size = false;
        for (uint32_t i = 0; i < count; i++)
            if ((int32_t)vnc_get32(p + 4 + 4 * i) == ENC_DESKTOP_SIZE)
                c->desktop_size = true;
        return 4 + 4 * (long)count;
    }
    case 3:   /* FramebufferUpdateRequest */
        if (n < 10)
            return 0;
        if (!c->want || !p[1])
            c->incremental = p[1] != 0;
        c->want = true;
        return 10;
    case 4: {   /* KeyEvent */
        if (n < 8)
            return 0;
        uint32_t code = keysym_to_keycode(vnc_get32(p + 4));
        if (code)
            vnc_src->key(code, p[1] != 0);
        return 8;
    }
    case 5:   /* PointerEvent */
        if (n < 6)
            return 0;
        pointer(c, p[1], vnc_get16(p + 2), vnc_get16(p + 4));
        return 6;
    case 6: {   /* ClientCutText: its text is skipped as it arrives */
        if (n < 8)
            return 0;
        uint32_t len = vnc_get32(p + 4);
        if (len > MAX_CUT_TEXT)
            return -1;
        c->skip = len;
        return 8;
    }
    default:
        vnc_log("vnc: unknown client message %u\n", p[0]);
        return -1;
    }
}

static void client_read(struct vnc_client *c)
{
    ssize_t r = recv(c->fd, c->in + c->in_len, VNC_IN_BUF - c->in_len, MSG_DONTWAIT);
    if (r <= 0) {
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        vnc_drop(c, 0);
        return;
    }
    c->in_len += (size_t)r;
    c->last_rx = vnc_now();
    for (int guard = 0; c->fd >= 0 && c->in_len && guard < 1000; guard++) {
        if (c->skip) {
            size_t k = c->skip < c->in_len ? c->skip : c->in_len;
            memmove(c->in, c->in + k, c->in_len - k);
            c->in_len -= k;
            c->skip -= (uint32_t)k;
            continue;
        }
        long used = message(c);
        if (used == 0)
            break;
        if (used == -2)
            return;   /* already dropped */
        if (used == -1) {
            vnc_drop(c, "malformed message");
            return;
        }
        memmove(c->in, c->in + used, c->in_len - (size_t)used);
        c->in_len -= (size_t)used;
    }
    if (c->fd >= 0 && c->state != ST_NORMAL && c->in_len == VNC_IN_BUF)
        vnc_drop(c, "too much input during the handshake");
}

unsigned vnc_pollfds(struct pollfd *pfd)
{
    unsigned n = 0;
    if (lfd < 0)
        return 0;
    pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
    for (int i = 0; i < VNC_MAX_CLIENTS; i++)
        if (clients[i].fd >= 0)
            pfd[n++] = (struct pollfd){ .fd = clients[i].fd, .events = (short)(POLLIN | (clients[i].out_len ? POLLOUT : 0)) };
    return n;
}

static void accept_client(void)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &salen, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    uint32_t addr = salen >= sizeof sa && sa.sin_family == AF_INET ? sa.sin_addr.s_addr : 0;
    unsigned same = 0;
    struct vnc_client *slot = 0;
    for (int i = 0; i < VNC_MAX_CLIENTS; i++) {
        if (clients[i].fd < 0)
            slot = slot ? slot : &clients[i];
        else if (clients[i].addr == addr)
            same++;
    }
    char ip[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &addr, ip, sizeof ip);
    if (same >= limits.per_address || !slot) {
        vnc_log("vnc: connection from %s refused: %s\n", ip, slot ? "too many from that address" : "too many clients");
        close(fd);
        return;
    }
    memset(slot, 0, sizeof *slot);
    slot->fd = fd;
    slot->addr = addr;
    slot->since = slot->last_rx = vnc_now();
    vnc_handshake_start(slot);
    vnc_flush(slot);
}

/* Clients still in the handshake: a deadline for all of it, and a limit on silence. */
static void expire_handshakes(void)
{
    uint64_t now = vnc_now();
    for (int k = 0; k < VNC_MAX_CLIENTS; k++) {
        struct vnc_client *c = &clients[k];
        if (c->fd < 0 || c->state == ST_NORMAL)
            continue;
        if (now - c->since >= limits.handshake_ms)
            vnc_drop(c, "handshake timeout");
        else if (now - c->last_rx >= limits.idle_ms)
            vnc_drop(c, "idle before logging in");
    }
}

void vnc_handle(const struct pollfd *pfd, unsigned n)
{
    if (lfd < 0)
        return;
    for (unsigned i = 0; i < n; i++) {
        if (pfd[i].fd == lfd) {
            if (pfd[i].revents & POLLIN)
                accept_client();
            continue;
        }
        for (int k = 0; k < VNC_MAX_CLIENTS; k++) {
            struct vnc_client *c = &clients[k];
            if (c->fd != pfd[i].fd || c->fd < 0)
                continue;
            if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
                client_read(c);
            if (c->fd >= 0 && (pfd[i].revents & POLLOUT))
                vnc_flush(c);
        }
    }
    expire_handshakes();
    /* what changed, to every viewer; then whoever asked and is keeping up gets an update */
    int32_t x, y, w, h;
    bool dirty = vnc_src->take_damage(&x, &y, &w, &h);
    struct vnc_view v;
    bool have = vnc_src->view(&v);
    unsigned watching = 0;
    for (int k = 0; k < VNC_MAX_CLIENTS; k++) {
        struct vnc_client *c = &clients[k];
        if (c->fd < 0 || c->state != ST_NORMAL)
            continue;
        watching++;
        if (dirty)
            vnc_add_dirty(c, x, y, w, h);
        if (have && c->want && c->out_len < OUT_BUSY)
            vnc_send_update(c, &v);
        if (c->fd >= 0 && c->out_len)
            vnc_flush(c);
    }
    uint32_t period = watching ? FRAME_MS : 0;
    if (period != period_set) {
        period_set = period;
        vnc_src->set_period(period);
    }
}
