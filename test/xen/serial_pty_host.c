/* test/xen/serial_pty_host.c — runs host/dom0/serial_pty.c (the guest's serial ports as ptys
 * for `xl console`) on the build host for test/xen/serial-pty.test.ts, on the stand-ins of
 * xen_fakes.c and real ptys. It plays the stub domain (writes the console frontend nodes and
 * the ring, as runtime/xen/pvcons.c does) and the user (opens the tty the helper published, as
 * xenconsole does). Usage: serial_pty_host CASE [FILE]; prints "ok ..." per check, "FAIL ..."
 * and exit 1 at the first failed one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xen/io/console.h>
#include <xen/io/xenbus.h>

#include "serial_pty.h"
#include "xen_fakes.h"

#define STUB 9
#define BE "/local/domain/0/backend/console/9"
#define FE "/local/domain/9/device/console"

static struct xencons_interface *ring(unsigned page) { return (struct xencons_interface *)fe_mem[page]; }

/* libxl's part (the backend node) and the stub domain's (ring-ref, port, state): console N uses
 * page N of the frontend memory as its ring. */
static void add_console(unsigned n, const char *output, bool frontend_ready)
{
    char be[96], fe[96], p[128];
    snprintf(be, sizeof be, BE "/%u", n);
    snprintf(fe, sizeof fe, FE "/%u", n);
    snprintf(p, sizeof p, "%s/frontend", be), set(p, "%s", fe);
    snprintf(p, sizeof p, "%s/frontend-id", be), set(p, "%d", STUB);
    snprintf(p, sizeof p, "%s/output", fe), set(p, "%s", output);   /* libxl: read-only frontend node */
    snprintf(p, sizeof p, "%s/state", be), set(p, "%d", XenbusStateInitialising);
    snprintf(p, sizeof p, "%s/type", fe), set(p, "ioemu");
    memset(ring(n), 0, sizeof *ring(n));
    if (frontend_ready) {
        snprintf(p, sizeof p, "%s/ring-ref", fe), set(p, "%u", n);
        snprintf(p, sizeof p, "%s/port", fe), set(p, "%u", 20 + n);
        snprintf(p, sizeof p, "%s/state", fe), set(p, "%d", XenbusStateInitialised);
    }
}

static const char *node(const char *fmt, unsigned n)
{
    static char p[128];
    snprintf(p, sizeof p, fmt, n);
    return val(p);
}

/* One pass of the helper's main loop: poll (no wait), with the event channel "kicked" when the
 * stub domain notified, then handle. */
static void loop_once(bool kick)
{
    struct pollfd pfd[SERIAL_PTY_POLLFDS];
    unsigned n = serial_pty_pollfds(pfd);
    poll(pfd, n, 0);
    for (unsigned i = 0; i < n && kick; i++)
        if (pfd[i].fd < 0)   /* the fake event-channel handle has no descriptor */
            pfd[i].revents = POLLIN;
    serial_pty_handle(pfd, n);
}

/* The stub domain's UART output into console n's ring. */
static void guest_writes(unsigned n, const char *s)
{
    struct xencons_interface *r = ring(n);
    for (size_t i = 0; s[i]; i++)
        r->out[MASK_XENCONS_IDX(r->out_prod + i, r->out)] = s[i];
    __atomic_store_n(&r->out_prod, r->out_prod + (XENCONS_RING_IDX)strlen(s), __ATOMIC_RELEASE);
}

static size_t read_all(int fd, char *buf, size_t size)
{
    size_t got = 0;
    for (int tries = 0; tries < 50 && got < size - 1; tries++) {
        ssize_t r = read(fd, buf + got, size - 1 - got);
        if (r > 0)
            got += (size_t)r;
        else
            usleep(2000);
    }
    buf[got] = 0;
    return got;
}

static int open_tty(unsigned n)
{
    const char *tty = node(FE "/%u/tty", n);
    check(tty && !strncmp(tty, "/dev/pts/", 9), "console %u's tty published for xenconsole (%s)", n, tty ? tty : "none");
    int fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
    check(fd >= 0, "the tty opens");
    return fd;
}

static void case_pty(void)
{
    add_console(0, "file:/dev/null", false);   /* the log console and the save/restore ones: */
    add_console(1, "file:/dev/null", true);    /* not ours */
    add_console(3, "pty", true);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    check(atoi(node(BE "/%u/state", 3)) == XenbusStateConnected, "console 3 Connected");
    check(!node(FE "/%u/tty", 1) && atoi(node(BE "/%u/state", 1)) == XenbusStateInitialising, "console 1 (save stream) left alone");
    check(bound == 1 && live_maps == 1, "one ring mapped, one port bound (%d, %d)", live_maps, bound);
    guest_writes(3, "boot noise nobody saw\r\n");
    loop_once(true);
    check(ring(3)->out_cons == ring(3)->out_prod, "nobody attached: output read and discarded, the ring never backs up");
    int tty = open_tty(3);
    serial_pty_scan();   /* the once-a-second look for a reader */
    check(strstr(logbuf, "console 3: attached") != 0, "xl console's open is noticed");
    guest_writes(3, "Debian GNU/Linux 12 login: ");
    loop_once(true);
    char buf[256];
    read_all(tty, buf, sizeof buf);
    check(!strcmp(buf, "Debian GNU/Linux 12 login: "), "output after attaching arrives, not the backlog (\"%s\")", buf);
    guest_writes(3, "\r\nroot@guest:~# ");
    loop_once(true);
    read_all(tty, buf, sizeof buf);
    check(!strcmp(buf, "\r\nroot@guest:~# "), "bytes pass unchanged, CR LF included (raw pty)");
    check(write(tty, "uname -a\r", 9) == 9, "typed into the tty");
    for (int i = 0; i < 20 && ring(3)->in_prod != 9; i++)
        loop_once(false), usleep(2000);
    check(ring(3)->in_prod == 9 && !memcmp(ring(3)->in, "uname -a\r", 9), "typed bytes in the ring's input (%u)", ring(3)->in_prod);
    check(notifies > 0, "the stub domain notified");
    close(tty);
    guest_writes(3, "after detach\r\n");
    for (int i = 0; i < 3; i++)
        loop_once(true);
    serial_pty_scan();
    check(strstr(logbuf, "console 3: detached") != 0, "xl console's exit is noticed");
    check(ring(3)->out_cons == ring(3)->out_prod, "output drained again after xl console detached");
    struct pollfd pfd[SERIAL_PTY_POLLFDS];
    unsigned n = serial_pty_pollfds(pfd);
    bool polls_pty = false;
    for (unsigned i = 0; i < n; i++)
        polls_pty |= pfd[i].fd >= 0;
    check(!polls_pty, "a pty nobody has open is not polled (it would report its hang-up forever)");
    tty = open_tty(3);
    serial_pty_scan();
    guest_writes(3, "again\r\n");
    loop_once(true);
    read_all(tty, buf, sizeof buf);
    check(!strcmp(buf, "again\r\n"), "a second xl console sees new output (\"%s\")", buf);
    close(tty);
}

static void case_flow_control(void)
{
    add_console(3, "pty", true);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    int tty = open_tty(3);   /* attached, but not reading yet */
    serial_pty_scan();
    /* the reader is slow: the pty's buffer fills, then the rest stays in the ring, nothing lost */
    char chunk[1025];
    memset(chunk, 'x', 1024), chunk[1024] = 0;
    unsigned long long written = 0;
    for (int i = 0; i < 200; i++) {
        if (ring(3)->out_prod - ring(3)->out_cons + 1024 > sizeof ring(3)->out)
            break;
        guest_writes(3, chunk);
        written += 1024;
        loop_once(true);
    }
    check(ring(3)->out_prod - ring(3)->out_cons > 0, "pty full: output waits in the ring (%u bytes)", ring(3)->out_prod - ring(3)->out_cons);
    struct pollfd pfd[SERIAL_PTY_POLLFDS];
    unsigned n = serial_pty_pollfds(pfd);
    bool asks_pollout = false;
    for (unsigned i = 0; i < n; i++)
        asks_pollout |= pfd[i].fd >= 0 && (pfd[i].events & POLLOUT);
    check(asks_pollout, "and the helper polls for room in the pty");
    unsigned long long got = 0;
    char buf[4096];
    for (int i = 0; i < 2000 && got < written; i++) {
        ssize_t r = read(tty, buf, sizeof buf);
        if (r > 0)
            got += (unsigned long long)r;
        loop_once(false);
    }
    check(got == written, "every byte arrives once the reader drains (%llu of %llu)", got, written);
    /* typing faster than the stub domain reads: the ring's 1 KiB input fills, the rest waits */
    char typed[1500];
    memset(typed, 'y', sizeof typed);
    check(write(tty, typed, sizeof typed) == (ssize_t)sizeof typed, "1500 bytes typed");
    for (int i = 0; i < 20; i++)
        loop_once(false), usleep(1000);
    check(ring(3)->in_prod - ring(3)->in_cons == sizeof ring(3)->in, "the input ring is full (%u)", ring(3)->in_prod - ring(3)->in_cons);
    ring(3)->in_cons += 1024;   /* the stub domain takes it all, and kicks */
    loop_once(true);
    for (int i = 0; i < 20 && ring(3)->in_prod - ring(3)->in_cons < 476; i++)
        loop_once(false), usleep(1000);
    check(ring(3)->in_prod == 1500, "the rest follows when there is room (%u of 1500)", ring(3)->in_prod);
    close(tty);
}

static void case_file(const char *file)
{
    add_console(3, "", true);
    char out[300];
    snprintf(out, sizeof out, "file:%s", file);
    set(FE "/3/output", "%s", out);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    guest_writes(3, "to the file\n");
    loop_once(true);
    FILE *f = fopen(file, "r");
    char buf[64] = "";
    check(f && fgets(buf, sizeof buf, f) && !strcmp(buf, "to the file\n"), "serial=\"file:...\": output appended to the file");
    fclose(f);
    check(!node(FE "/%u/tty", 3), "and no tty published");
    struct stat st = { 0 };
    int rc = stat(file, &st);
    check(!rc && (st.st_mode & 0777) == 0600, "created mode 0600 (%o)", (unsigned)(st.st_mode & 0777));
}

/* The stub domain owns its console directory: it can delete `output` and write its own. That
 * value is not dom0's and is never opened. */
static void case_hostile_output(const char *dir)
{
    char victim[300];
    snprintf(victim, sizeof victim, "%s/victim", dir);
    add_console(3, "pty", true);
    rm_tree(FE "/3/output");
    set_by(STUB, FE "/3/output", "file:%s", victim);   /* recreated by the stub domain */
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    check(access(victim, F_OK) != 0, "a file named by the stub domain is not created");
    check(strstr(logbuf, "owned by domain 9") && strstr(logbuf, "no output node written by dom0"), "refused in words");
    check(live_maps == 0 && bound == 0 && atoi(node(BE "/%u/state", 3)) != XenbusStateConnected, "nothing mapped, not connected");
    rm_tree(BE "/3"), rm_tree(FE "/3"), serial_pty_scan();
    /* libxl's backend naming a frontend that is not the stub domain's console: refused */
    add_console(4, "pty", true);
    set(BE "/4/frontend", "/local/domain/5/device/console/4");
    set(BE "/4/frontend-id", "5");
    serial_pty_scan();
    check(strstr(logbuf, "is not the stub domain's console") && live_maps == 0, "a frontend of another domain: refused");
}

/* file:PATH where PATH is a symlink (to a file root would otherwise write): not followed. */
static void case_symlink(const char *dir)
{
    char target[300], link[300];
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    check(symlink(target, link) == 0, "a symlink %s -> %s", link, target);
    add_console(3, "", true);
    set(FE "/3/output", "file:%s", link);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    check(access(target, F_OK) != 0, "the symlink is not followed: its target is not created");
    check(strstr(logbuf, "cannot open") != 0 && live_maps == 0, "refused in words, nothing mapped");
    rm_tree(BE "/3"), rm_tree(FE "/3"), serial_pty_scan();
    add_console(3, "", true);
    set(FE "/3/output", "file:relative.log");
    serial_pty_scan();
    check(access("relative.log", F_OK) != 0 && strstr(logbuf, "not an absolute path"), "a relative path is refused");
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Many rounds against an attached console: random output (each byte arriving once, in order) and
 * input, and now and then an index out of range (out_prod more than the ring ahead of what was
 * consumed, or in_cons moved past what was produced): the console must be disconnected at once,
 * with a log line, never walked; libxl then makes it again. */
static void case_ring_fuzz(void)
{
    unsigned rounds, hostile = 0;
    unsigned long long sent = 0, got = 0;
    int tty = -1;
    add_console(3, "pty", true);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    for (rounds = 0; rounds < 3000; rounds++) {
        struct xencons_interface *r = ring(3);
        if (tty < 0) {
            tty = open_tty(3);
            serial_pty_scan();
        }
        if (rnd() % 10 == 0) {
            bool out = rnd() % 2;
            uint32_t bad = (out ? sizeof r->out : sizeof r->in) + 1 + rnd() % (rnd() % 2 ? 100000 : 0xffff0000u);
            logbuf[0] = 0;
            if (out)
                __atomic_store_n(&r->out_prod, r->out_cons + bad, __ATOMIC_RELEASE);
            else
                __atomic_store_n(&r->in_cons, r->in_prod - bad, __ATOMIC_RELEASE);
            loop_once(true);
            serial_pty_scan();
            if (!strstr(logbuf, "disconnected") || live_maps || bound || atoi(node(BE "/%u/state", 3)) != XenbusStateClosed)
                check(0, "round %u: %s %u out of range: disconnected with a log line (%d maps, %d bound)", rounds,
                      out ? "out_prod" : "in_cons", bad, live_maps, bound);
            hostile++;
            close(tty), tty = -1;
            rm_tree(BE "/3"), rm_tree(FE "/3"), serial_pty_scan();
            add_console(3, "pty", true);
            serial_pty_scan();
            continue;
        }
        char chunk[700];
        unsigned n = rnd() % sizeof chunk;
        for (unsigned i = 0; i < n; i++)
            chunk[i] = (char)('a' + (sent + i) % 26);
        if (r->out_prod - r->out_cons + n <= sizeof r->out) {
            for (unsigned i = 0; i < n; i++)
                r->out[MASK_XENCONS_IDX(r->out_prod + i, r->out)] = chunk[i];
            __atomic_store_n(&r->out_prod, r->out_prod + n, __ATOMIC_RELEASE);
            sent += n;
        }
        if (rnd() % 3 == 0 && write(tty, "k", 1) == 1)
            r->in_cons = r->in_prod;   /* the stub domain takes what was typed */
        loop_once(rnd() % 2);
        char buf[4096];
        ssize_t k;
        while ((k = read(tty, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < k; i++)
                if (buf[i] != (char)('a' + (got + (unsigned long long)i) % 26))
                    check(0, "round %u: output byte %llu arrives once, in order", rounds, got + (unsigned long long)i);
            got += (unsigned long long)k;
        }
    }
    check(hostile > 200, "%u rounds: %u indexes out of range, each disconnected at once with a log line", rounds, hostile);
    check(got > 100000, "and %llu output bytes passed in order meanwhile", got);
}

static void case_refused(void)
{
    add_console(3, "tcp:127.0.0.1:4444", true);
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    check(strstr(logbuf, "serial output 'tcp:127.0.0.1:4444' is not served") != 0, "an output it cannot serve is refused in words");
    check(live_maps == 0 && bound == 0, "and nothing stays mapped (%d, %d)", live_maps, bound);
    serial_pty_scan();
    check(live_maps == 0, "not retried at every scan");
}

static void case_late_frontend_and_release(void)
{
    add_console(3, "pty", false);   /* the helper starts before the stub domain's end exists */
    serial_pty_init((struct xs_handle *)&dummy_handle, STUB), serial_pty_start();
    check(atoi(node(BE "/%u/state", 3)) == XenbusStateInitialising, "waits for the frontend's ring-ref and port");
    set(FE "/3/ring-ref", "3"), set(FE "/3/port", "23"), set(FE "/3/state", "%d", XenbusStateInitialised);
    serial_pty_scan();   /* the frontend-state watch fired */
    check(atoi(node(BE "/%u/state", 3)) == XenbusStateConnected, "connects when they appear");
    rm_tree(BE "/3");
    serial_pty_scan();
    check(live_maps == 0 && bound == 0, "backend node removed (domain destroyed): unmapped, unbound");
    check(strstr(logbuf, "console 3: released") != 0, "release logged");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    alarm(60);   /* a backend that spins is a failure, not a hang */
    if (!strcmp(argv[1], "pty"))
        case_pty();
    else if (!strcmp(argv[1], "flow-control"))
        case_flow_control();
    else if (!strcmp(argv[1], "file") && argc == 3)
        case_file(argv[2]);
    else if (!strcmp(argv[1], "refused"))
        case_refused();
    else if (!strcmp(argv[1], "late-frontend"))
        case_late_frontend_and_release();
    else if (!strcmp(argv[1], "hostile-output") && argc == 3)
        case_hostile_output(argv[2]);
    else if (!strcmp(argv[1], "symlink") && argc == 3)
        case_symlink(argv[2]);
    else if (!strcmp(argv[1], "ring-fuzz"))
        case_ring_fuzz();
    else
        return 2;
    return 0;
}
