/* test/xen/vnc_host.c — runs host/dom0/vnc.c (the dom0 helper's VNC server) on the build host
 * for test/xen/vnc.test.ts, with a framebuffer in memory standing in for the stub domain's vfb.
 * Prints "listening PORT" once it listens, then one line per thing the server asks of the
 * stub domain's side: "period MS", "key CODE 0|1", "motion DX DY DZ". Reads commands on stdin,
 * one a line: "fill R G B" (whole picture, damaged), "rect X Y W H R G B", "resize W H",
 * "password TEXT" (as libxl's change-vnc-password; "password" alone: none). Usage:
 * vnc_host DISPLAY-SPEC W H [LIMIT=MS-OR-COUNT...], limits as in struct vnc_limits
 * (handshake_ms, idle_ms, per_address, fail_delay_ms, fail_delay_max_ms, global_fails,
 * global_window_ms), so that the tests need not wait the real timeouts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keymap.h"
#include "vnc.h"

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static uint8_t *fb;
static uint32_t fw, fh;
static int32_t dx0, dy0, dx1, dy1;

static void damage(int32_t x, int32_t y, int32_t w, int32_t h)
{
    if (dx0 >= dx1) {
        dx0 = x, dy0 = y, dx1 = x + w, dy1 = y + h;
        return;
    }
    dx0 = x < dx0 ? x : dx0, dy0 = y < dy0 ? y : dy0;
    dx1 = x + w > dx1 ? x + w : dx1, dy1 = y + h > dy1 ? y + h : dy1;
}

static void paint(uint32_t x, uint32_t y, uint32_t w, uint32_t h, int r, int g, int b)
{
    for (uint32_t j = y; j < y + h && j < fh; j++)
        for (uint32_t i = x; i < x + w && i < fw; i++) {
            uint8_t *p = fb + ((size_t)j * fw + i) * 4;
            p[0] = (uint8_t)b, p[1] = (uint8_t)g, p[2] = (uint8_t)r, p[3] = 0xee;   /* x byte: must not leak */
        }
    damage((int32_t)x, (int32_t)y, (int32_t)w, (int32_t)h);
}

static bool view(struct vnc_view *v)
{
    *v = (struct vnc_view){ .pixels = fb, .width = fw, .height = fh, .stride = fw * 4 };
    return true;
}

static bool take_damage(int32_t *x, int32_t *y, int32_t *w, int32_t *h)
{
    if (dx0 >= dx1)
        return false;
    *x = dx0, *y = dy0, *w = dx1 - dx0, *h = dy1 - dy0;
    dx0 = dx1 = 0;
    return true;
}

static void set_period(uint32_t ms) { printf("period %u\n", ms); fflush(stdout); }
static void key(uint32_t code, bool pressed) { printf("key %u %d\n", code, pressed); fflush(stdout); }
static void motion(int32_t dx, int32_t dy, int32_t dz) { printf("motion %d %d %d\n", dx, dy, dz); fflush(stdout); }

static void command(char *line)
{
    int r, g, b;
    unsigned x, y, w, h;
    char text[64];
    if (sscanf(line, "fill %d %d %d", &r, &g, &b) == 3) {
        paint(0, 0, fw, fh, r, g, b);
    } else if (sscanf(line, "rect %u %u %u %u %d %d %d", &x, &y, &w, &h, &r, &g, &b) == 7) {
        paint(x, y, w, h, r, g, b);
    } else if (sscanf(line, "resize %u %u", &w, &h) == 2 && w && h && w <= 4096 && h <= 4096) {
        free(fb);
        fb = calloc((size_t)w * h, 4);
        fw = w, fh = h;
        damage(0, 0, (int32_t)w, (int32_t)h);
    } else if (sscanf(line, "password %63s", text) == 1) {
        vnc_set_password(text);
    } else if (!strcmp(line, "password")) {
        vnc_set_password("");
    } else {
        fprintf(stderr, "vnc_host: unknown command %s\n", line);
    }
    printf("done\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    struct vnc_limits lim = vnc_default_limits;
    for (int i = 4; i < argc; i++) {
        static const struct { const char *name; size_t off; } known[] = {
            { "handshake_ms", offsetof(struct vnc_limits, handshake_ms) },
            { "idle_ms", offsetof(struct vnc_limits, idle_ms) },
            { "per_address", offsetof(struct vnc_limits, per_address) },
            { "fail_delay_ms", offsetof(struct vnc_limits, fail_delay_ms) },
            { "fail_delay_max_ms", offsetof(struct vnc_limits, fail_delay_max_ms) },
            { "global_fails", offsetof(struct vnc_limits, global_fails) },
            { "global_window_ms", offsetof(struct vnc_limits, global_window_ms) },
        };
        const char *eq = strchr(argv[i], '=');
        size_t k = 0;
        while (eq && k < sizeof known / sizeof *known &&
               (strlen(known[k].name) != (size_t)(eq - argv[i]) || strncmp(argv[i], known[k].name, (size_t)(eq - argv[i]))))
            k++;
        if (!eq || k == sizeof known / sizeof *known) {
            fprintf(stderr, "vnc_host: unknown limit %s\n", argv[i]);
            return 2;
        }
        *(uint32_t *)((char *)&lim + known[k].off) = (uint32_t)strtoul(eq + 1, 0, 10);
    }
    vnc_set_limits(&lim);
    fw = (uint32_t)atoi(argv[2]), fh = (uint32_t)atoi(argv[3]);
    fb = calloc((size_t)fw * fh, 4);
    static const struct vnc_source src = { view, take_damage, set_period, key, motion };
    if (vnc_init(argv[1], "testguest", &src))
        return 1;
    char host[64], service[16];
    vnc_address(host, sizeof host, service, sizeof service);
    printf("listening %s\n", service);
    fflush(stdout);
    fcntl(0, F_SETFL, O_NONBLOCK);
    char line[256];
    size_t len = 0;
    for (;;) {
        struct pollfd pfd[1 + VNC_POLLFDS];
        pfd[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
        unsigned n = vnc_pollfds(pfd + 1);
        poll(pfd, n + 1, 20);
        if (pfd[0].revents & POLLIN) {
            ssize_t r = read(0, line + len, sizeof line - 1 - len);
            if (r == 0)
                return 0;
            if (r > 0)
                len += (size_t)r;
            char *nl;
            while ((nl = memchr(line, '\n', len))) {
                *nl = 0;
                command(line);
                len -= (size_t)(nl + 1 - line);
                memmove(line, nl + 1, len);
            }
            if (len == sizeof line - 1)
                len = 0;
        } else if (pfd[0].revents & POLLHUP) {
            return 0;
        }
        vnc_handle(pfd + 1, n);
    }
}
