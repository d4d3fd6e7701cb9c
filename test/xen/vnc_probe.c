/* test/xen/vnc_probe.c — a minimal VNC viewer for the end-to-end test, run in the nested dom0:
 * connects to the dom0 helper's VNC server (RFB 3.8; VNC Authentication with -p PASSWORD, the
 * DES from host/dom0/vnc_auth.c), takes one full picture (written as a binary PPM), then types
 * TEXT through key events (Shift added for characters that need it on a US keyboard; "\n" is
 * Return). Prints what it saw and did on stdout; a refusal is printed with the server's reason.
 * Exit 0 on success.
 * Usage: vnc_probe [-p PASSWORD] HOST PORT OUT.ppm [TEXT]
 *        vnc_probe --passwd-file PASSWORD FILE   (writes vncpasswd's file, for stock viewers) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vnc_auth.h"

static int fd;

static void die(const char *what)
{
    printf("vnc_probe: %s\n", what);
    exit(1);
}

static void readn(void *p, size_t n)
{
    uint8_t *b = p;
    while (n) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, 20000) != 1)
            die("timeout reading from the server");
        ssize_t r = read(fd, b, n);
        if (r <= 0)
            die("connection closed");
        b += r, n -= (size_t)r;
    }
}

static void writen(const void *p, size_t n)
{
    if (write(fd, p, n) != (ssize_t)n)
        die("write failed");
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }

static void key(uint32_t sym, int down)
{
    uint8_t m[8] = { 4, (uint8_t)down, 0, 0, (uint8_t)(sym >> 24), (uint8_t)(sym >> 16), (uint8_t)(sym >> 8), (uint8_t)sym };
    writen(m, sizeof m);
    usleep(30000);
}

/* The server's reason string after a refusal or a failed SecurityResult, printed; exit 1. */
static void refused(const char *what)
{
    uint8_t b[4];
    char reason[128] = "";
    readn(b, 4);
    uint32_t n = be32(b);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t ch;
        readn(&ch, 1);
        if (i < sizeof reason - 1)
            reason[i] = (char)ch;
    }
    printf("vnc_probe: %s: %s\n", what, reason);
    exit(1);
}

/* vncpasswd's file: the password (8 bytes, zero-padded) DES-encrypted with the fixed key all VNC
 * viewers share, which goes through the same bit reversal as a password. */
static int passwd_file(const char *password, const char *path)
{
    static const char fixed[] = { 23, 82, 107, 6, 35, 78, 88, 7, 0 };
    struct vnc_auth_key k;
    vnc_auth_set_password(&k, fixed);
    uint8_t plain[8] = { 0 }, out[8];
    for (size_t i = 0; i < sizeof plain && password[i]; i++)
        plain[i] = (uint8_t)password[i];
    des_encrypt(&k.des, sizeof plain, out, plain);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out, 1, sizeof out, f) != sizeof out || fclose(f))
        die("cannot write the password file");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--passwd-file"))
        return passwd_file(argv[2], argv[3]);
    const char *password = 0;
    if (argc > 2 && !strcmp(argv[1], "-p"))
        password = argv[2], argv += 2, argc -= 2;
    if (argc < 4)
        die("usage: vnc_probe [-p PASSWORD] HOST PORT OUT.ppm [TEXT]");
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &sa.sin_addr);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa))
        die("cannot connect");
    uint8_t b[256];
    readn(b, 12);
    writen("RFB 003.008\n", 12);
    readn(b, 1);
    if (!b[0])
        refused("the server refused the connection");
    uint8_t ntypes = b[0];
    readn(b, ntypes);
    bool none = memchr(b, 1, ntypes), vnc_auth = memchr(b, 2, ntypes);
    if (password && vnc_auth) {
        writen("\2", 1);
        uint8_t challenge[VNC_CHALLENGE_LEN], response[VNC_CHALLENGE_LEN];
        readn(challenge, sizeof challenge);
        struct vnc_auth_key k;
        vnc_auth_set_password(&k, password);
        vnc_auth_response(&k, challenge, response);
        writen(response, sizeof response);
        printf("vnc: VNC Authentication (security type 2)\n");
    } else if (none) {
        writen("\1", 1);   /* None */
    } else {
        printf("vnc_probe: refused: the server wants a password (security types:");
        for (unsigned i = 0; i < ntypes; i++)
            printf(" %u", b[i]);
        printf(") and none was given\n");
        return 1;
    }
    readn(b, 4);
    if (be32(b))
        refused("authentication failed");
    writen("\1", 1);   /* shared */
    readn(b, 24);
    uint32_t w = be16(b), h = be16(b + 2), nlen = be32(b + 20);
    char name[64] = "";
    for (uint32_t i = 0; i < nlen; i++) {
        uint8_t ch;
        readn(&ch, 1);
        if (i < sizeof name - 1)
            name[i] = (char)ch;
    }
    printf("vnc: %ux%u \"%s\", %u bpp, depth %u\n", w, h, name, b[4], b[5]);
    /* Raw and DesktopSize; the whole picture, then incremental updates for 5 s at most, or until
     * nothing changed for 2 s (the stub domain starts sending frames only once a viewer is there,
     * the first ones may resize it; a blinking cursor keeps changing forever) */
    uint8_t enc[12] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21 };
    writen(enc, sizeof enc);
    uint8_t *pix = calloc((size_t)w * h, 4);
    unsigned updates = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int round = 0, incremental = 0; round < 1000; round++, incremental = 1) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (round && t.tv_sec - t0.tv_sec >= 5)
            break;
        uint8_t req[10] = { 3, (uint8_t)incremental, 0, 0, 0, 0, (uint8_t)(w >> 8), (uint8_t)w, (uint8_t)(h >> 8), (uint8_t)h };
        writen(req, sizeof req);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, round ? 2000 : 20000) != 1)
            break;   /* nothing changed for 2 s: the picture is complete */
        readn(b, 4);
        if (b[0] != 0)
            die("unexpected server message");
        updates++;
        for (uint32_t r = 0, n = be16(b + 2); r < n; r++) {
            readn(b, 12);
            uint32_t x = be16(b), y = be16(b + 2), rw = be16(b + 4), rh = be16(b + 6);
            int32_t e = (int32_t)be32(b + 8);
            if (e == -223) {
                w = rw, h = rh;
                free(pix);
                pix = calloc((size_t)w * h, 4);
                printf("vnc: resized to %ux%u\n", w, h);
                continue;
            }
            if (e != 0 || x + rw > w || y + rh > h)
                die("bad rectangle");
            for (uint32_t j = 0; j < rh; j++)
                readn(pix + ((size_t)(y + j) * w + x) * 4, (size_t)rw * 4);
        }
    }
    printf("vnc: %u updates\n", updates);
    if (!pix)
        die("no picture");
    FILE *f = fopen(argv[3], "wb");
    fprintf(f, "P6\n%u %u\n255\n", w, h);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        uint8_t rgb[3] = { pix[i * 4 + 2], pix[i * 4 + 1], pix[i * 4] };
        fwrite(rgb, 1, 3, f);
    }
    fclose(f);
    size_t lit = 0;
    for (size_t i = 0; i < (size_t)w * h; i++)
        lit += pix[i * 4] | pix[i * 4 + 1] | pix[i * 4 + 2] ? 1 : 0;
    printf("vnc: picture %ux%u written to %s, %zu non-black pixels\n", w, h, argv[3], lit);
    if (argc > 4) {
        static const char shifted[] = "~!@#$%^&*()_+{}|:\"<>?";
        size_t n = 0;
        for (const char *p = argv[4]; *p; p++, n++) {
            if (*p == '\\' && p[1] == 'n') {
                key(0xff0d, 1), key(0xff0d, 0);
                p++;
                continue;
            }
            int shift = (*p >= 'A' && *p <= 'Z') || strchr(shifted, *p);
            if (shift)
                key(0xffe1, 1);
            key((uint8_t)*p, 1), key((uint8_t)*p, 0);
            if (shift)
                key(0xffe1, 0);
        }
        printf("vnc: typed %zu keys\n", n);
    }
    close(fd);
    return 0;
}
