/* host/dom0/stubdom-dm-helper.c — the dom0 side of a wasm-stubdom stub domain, in place of the
 * `xen-qemu-system-i386 -machine xenpv` that stock libxl 4.17 starts for every stub domain.
 * Named by the guest's `device_model_override`; libxl runs it with QEMU's command line for the
 * stub domain S (shared/reference/libxl-stubdom.md §3). It emulates nothing. It:
 *   1. listens on every `-chardev socket,...,path=P,server=on` of its command line (libxl's
 *      qmp-libxl-S and qmp-libxenstat-S) and answers QMP there with runtime/xen/qmp.c, the server
 *      the stub domain itself runs (libxl asks this one `qmp_capabilities` and `query-chardev`);
 *   2. writes `running` to /local/domain/0/device-model/S/state (libxl waits up to 60 s);
 *   3. drains S's PV console 0 — the stub domain's log — into the file libxl names for it
 *      (`output = file:/var/log/xen/qemu-dm-<guest>.log`), as QEMU's xen console backend would
 *      (log_console.c);
 *   4. serves S's qdisk vbds (qdisk.c: libxl gives an HVM guest's CD no other backend type),
 *      its consoles 3.. (serial_pty.c: the guest's serial ports, a pty for `xl console`) and,
 *      for `vnc=1`, its vfb and vkbd (vfb_backend.c) behind a VNC server (vnc.c);
 *   5. exits when S is gone (libxl also kills it on destroy through image/device-model-pid).
 * Consoles 1 and 2 (device-model save/restore streams) are not served: save/restore is not built.
 * Privileges (sandbox.h): once its devices and sockets are open it drops every capability and
 * sets no_new_privs, and once set up it runs under a seccomp filter; every xenstore node it acts
 * on is dom0's (store.h); its logs are capped (capped_log.h).
 * Build: build/xen/build.sh (libxen-dev's xenstore, xenforeignmemory, xenevtchn, xengnttab;
 * libseccomp, libcap-ng). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/io/console.h>

#include "capped_log.h"
#include "log_console.h"
#include "qdisk.h"
#include "sandbox.h"
#include "serial_pty.h"
#include "vfb_backend.h"
#include "store.h"
#include "vnc.h"
#include "qmp.h"

#define MAX_LISTEN 4
#define MAX_CLIENTS 8

static unsigned stub_domid;
static struct capped_log helper_log = { .fd = 2 };   /* capped_log_init in main */

/* qmp.c logs through printk: here, stderr (libxl sends it to qemu-dm-<guest>-dm.log), capped at
 * HELPER_LOG_CAP. A line longer than 512 bytes is cut. */
void printk(const char *fmt, ...)
{
    struct timespec ts;
    char line[512];
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int n = snprintf(line, sizeof line, "[%5ld.%06ld] ", (long)ts.tv_sec, ts.tv_nsec / 1000);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    capped_log_write(&helper_log, line, strlen(line));
}

static void die(const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printk("stubdom-dm-helper: %s\n", msg);
    exit(1);
}

/* ---- the command line libxl builds for QEMU ---- */

struct args {
    unsigned domid;
    int have_domid;
    const char *listen[MAX_LISTEN];
    unsigned nlisten;
    const char *name;
    const char *vnc;   /* -vnc HOST:DISPLAY[,password=on][,to=N] or none (vnc.c reads it) */
};

/* `-chardev socket,id=X,path=P,server=on,wait=off`: P, when the chardev is a listening socket. */
static char *chardev_socket_path(const char *spec)
{
    if (strncmp(spec, "socket,", 7) || !strstr(spec, "server=on"))
        return 0;
    const char *p = strstr(spec, ",path=");
    if (!p)
        return 0;
    p += 6;
    return strndup(p, strcspn(p, ","));
}

static void parse_args(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : 0;
        if (!strcmp(opt, "-xen-domid") && val) {
            char *end;
            unsigned long d = strtoul(val, &end, 10);
            if (*end || !*val || d >= 0x7ff0)
                die("bad -xen-domid '%s'", val);
            a->domid = (unsigned)d;
            a->have_domid = 1;
            i++;
        } else if (!strcmp(opt, "-chardev") && val) {
            char *path = chardev_socket_path(val);
            if (path && a->nlisten < MAX_LISTEN)
                a->listen[a->nlisten++] = path;
            i++;
        } else if (!strcmp(opt, "-name") && val) {
            a->name = val;
            i++;
        } else if (!strcmp(opt, "-vnc") && val) {
            a->vnc = val;
            i++;
        }
    }
    if (!a->have_domid)
        die("no -xen-domid: run by libxl as the stub domain's device_model_override");
}

/* ---- the picture for the VNC server ---- */

static bool screen_view(struct vnc_view *v)
{
    struct vfb_view f;
    if (!vfb_backend_view(&f))
        return false;
    *v = (struct vnc_view){ .pixels = f.pixels, .width = f.width, .height = f.height, .stride = f.stride };
    return true;
}

static char *xs_get(struct xs_handle *xs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* libxl writes where the VNC server listens (from query-vnc) under the stub domain's own
 * console node; `xl vncviewer <guest>` reads the guest's. Both, then. */
static void publish_vnc(struct xs_handle *xs)
{
    char host[64], service[16], dir[40], target[16];
    unsigned long guest;
    snprintf(dir, sizeof dir, "/local/domain/%u", stub_domid);
    /* where to write: libxl's (dom0-owned) target node only */
    if (store_trusted_ulong(xs, dir, "target", 0x7fef, &guest) || !vnc_address(host, sizeof host, service, sizeof service))
        return;
    snprintf(target, sizeof target, "%lu", guest);
    char console[64];
    snprintf(console, sizeof console, "/local/domain/%s/console", target);
    store_put(xs, console, "vnc-listen", "%s", host);
    store_put(xs, console, "vnc-port", "%s", service);
    printk("vnc: %s:%s published for guest %s (xl vncviewer)\n", host, service, target);
}

/* ---- QMP over unix sockets ---- */

struct client {
    int fd; /* -1 = free */
    struct qmp q;
};

static struct client clients[MAX_CLIENTS];

/* QMP: libxl asks this side query-vnc (and change-vnc-password when vncpasswd is set). */
static int qmp_vnc(char *host, size_t hlen, char *service, size_t slen) { return vnc_address(host, hlen, service, slen); }
static const struct qmp_hooks helper_qmp = { .vnc = qmp_vnc, .vnc_password = vnc_set_password };

static int listen_on(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        die("socket path too long: %s", path);
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4) < 0)
        die("listen on %s: %s", path, strerror(errno));
    return fd;
}

static void client_flush(struct client *c)
{
    while (c->q.out_len) {
        ssize_t n = send(c->fd, c->q.out, c->q.out_len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            close(c->fd);
            c->fd = -1;
            return;
        }
        qmp_consume_output(&c->q, (size_t)n);
    }
}

static void client_accept(int lfd)
{
    int fd = accept4(lfd, 0, 0, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &clients[i];
        if (c->fd < 0) {
            c->fd = fd;
            qmp_init(&c->q, &helper_qmp);
            qmp_session_start(&c->q);
            client_flush(c);
            return;
        }
    }
    printk("qmp: too many clients, connection refused\n");
    close(fd);
}

static void client_read(struct client *c)
{
    char buf[1024];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n <= 0) {
        close(c->fd);
        c->fd = -1;
        return;
    }
    qmp_input(&c->q, buf, (size_t)n);
    client_flush(c);
}

/* ---- xenstore ---- */

/* A node's value, whoever owns it: only for what the helper does not act on. */
static char *xs_get(struct xs_handle *xs, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    unsigned len;
    return xs_read(xs, XBT_NULL, path, &len);
}

/* S's domid node exists (its value is not used: a stub domain can at most end its own helper). */
static int domain_alive(struct xs_handle *xs)
{
    char *d = xs_get(xs, "/local/domain/%u/domid", stub_domid);
    free(d);
    return d != 0;
}

int main(int argc, char **argv)
{
    struct args a;
    parse_args(argc, argv, &a);
    capped_log_init(&helper_log, 2, HELPER_LOG_CAP);
    stub_domid = a.domid;
    signal(SIGPIPE, SIG_IGN);
    printk("stubdom-dm-helper for stub domain %u (%s): %u QMP socket(s)\n", stub_domid,
           a.name ? a.name : "?", a.nlisten);

    struct xs_handle *xs = xs_open(0);
    if (!xs)
        die("cannot open xenstore: %s", strerror(errno));

    int lfd[MAX_LISTEN];
    for (unsigned i = 0; i < a.nlisten; i++)
        lfd[i] = listen_on(a.listen[i]);
    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;

    /* Listening first: libxl connects to the QMP socket as soon as it sees `running`. */
    char state[64];
    snprintf(state, sizeof state, "/local/domain/0/device-model/%u/state", stub_domid);
    if (!xs_write(xs, XBT_NULL, state, "running", 7))
        die("cannot write %s: %s", state, strerror(errno));

    /* the privileged opens: console 0 (privcmd, evtchn, its log), the backends' handles */
    log_console_open(xs, stub_domid, a.name);
    qdisk_init(xs, stub_domid);
    serial_pty_init(xs, stub_domid);
    vfb_backend_init(xs, stub_domid);
    /* no thread yet (libxenstore starts one at the first watch): capabilities go for good */
    if (sandbox_drop_privileges())
        die("cannot drop privileges");
    qdisk_start();
    serial_pty_start();
    vfb_backend_start();
    /* the VNC server shows the guest's picture under the guest's name (ours minus "-dm") */
    char guest_name[64];
    snprintf(guest_name, sizeof guest_name, "%s", a.name ? a.name : "guest");
    size_t gl = strlen(guest_name);
    if (gl > 3 && !strcmp(guest_name + gl - 3, "-dm"))
        guest_name[gl - 3] = 0;
    static const struct vnc_source screen = { .view = screen_view, .take_damage = vfb_backend_take_damage,
                                              .set_period = vfb_backend_set_period, .key = vfb_backend_key,
                                              .motion = vfb_backend_motion };
    if (!vnc_init(a.vnc, guest_name, &screen))
        publish_vnc(xs);
    int xs_fd = xs_fileno(xs);   /* (its watch pipe is made here, before the filter) */
    if (sandbox_confine())
        die("cannot confine the helper");
    printk("confined: no capabilities, no_new_privs, seccomp filter (docs/xen.md)\n");
    struct timespec last_tick;
    clock_gettime(CLOCK_MONOTONIC, &last_tick);

    for (;;) {
        struct pollfd pfd[3 + SERIAL_PTY_POLLFDS + VFB_POLLFDS + VNC_POLLFDS + MAX_LISTEN + MAX_CLIENTS];
        struct client *owner[3 + SERIAL_PTY_POLLFDS + VFB_POLLFDS + VNC_POLLFDS + MAX_LISTEN + MAX_CLIENTS];
        unsigned n = 0;
        int con_i = -1, qd_i = -1, xs_i = (int)n;
        pfd[n] = (struct pollfd){.fd = xs_fd, .events = POLLIN};
        owner[n++] = 0;
        if (log_console_evtchn()) {
            con_i = (int)n;
            pfd[n] = (struct pollfd){.fd = xenevtchn_fd(log_console_evtchn()), .events = POLLIN};
            owner[n++] = 0;
        }
        if (qdisk_evtchn()) {
            qd_i = (int)n;
            pfd[n] = (struct pollfd){.fd = xenevtchn_fd(qdisk_evtchn()), .events = POLLIN};
            owner[n++] = 0;
        }
        unsigned first_serial = n, nserial = serial_pty_pollfds(pfd + n);
        for (unsigned i = 0; i < nserial; i++)
            owner[n++] = 0;
        unsigned first_vfb = n, nvfb = vfb_backend_pollfds(pfd + n);
        for (unsigned i = 0; i < nvfb; i++)
            owner[n++] = 0;
        unsigned first_vnc = n, nvnc = vnc_pollfds(pfd + n);
        for (unsigned i = 0; i < nvnc; i++)
            owner[n++] = 0;
        unsigned first_listen = n;
        for (unsigned i = 0; i < a.nlisten; i++) {
            pfd[n] = (struct pollfd){.fd = lfd[i], .events = POLLIN};
            owner[n++] = 0;
        }
        unsigned first_client = n;
        for (unsigned i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].fd >= 0) {
                pfd[n] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
                owner[n++] = &clients[i];
            }
        }
        int rc = poll(pfd, n, 1000);
        if (rc < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        bool tick = now.tv_sec != last_tick.tv_sec;   /* about once a second, busy or not */
        if (tick)
            last_tick = now;
        if (con_i >= 0)   /* also on the 1 s tick: a kick may come before the bind */
            log_console_drain(pfd[con_i].revents & POLLIN);
        serial_pty_handle(pfd + first_serial, nserial);
        vfb_backend_handle(pfd + first_vfb, nvfb);
        vnc_handle(pfd + first_vnc, nvnc);
        /* a vbd or console appeared or went, or a frontend changed state: a watch fired */
        bool rescan = tick;
        if (pfd[xs_i].revents & POLLIN) {
            char **w;
            while ((w = xs_check_watch(xs))) {
                rescan = true;
                free(w);
            }
        }
        if (rescan) {
            qdisk_scan();
            serial_pty_scan();
            vfb_backend_scan();
        }
        if (qd_i >= 0 && (pfd[qd_i].revents & POLLIN))
            qdisk_serve(true);
        else if (tick)
            qdisk_serve(false);   /* and a kick that came before the bind */
        for (unsigned i = first_listen; i < first_client; i++)
            if (pfd[i].revents & POLLIN)
                client_accept(pfd[i].fd);
        for (unsigned i = first_client; i < n; i++)
            if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
                client_read(owner[i]);
        if (tick && !domain_alive(xs)) {
            printk("stub domain %u is gone: exiting\n", stub_domid);
            for (unsigned i = 0; i < a.nlisten; i++)
                unlink(a.listen[i]);
            return 0;
        }
    }
}
