/* host/dom0/serial_pty.c — see serial_pty.h. The ring is io/console.h's xencons_interface,
 * granted by the stub domain (ring-ref is a grant reference for consoles other than 0): the stub
 * domain produces `out`, we produce `in`. A pty behaves as QEMU's pty chardev does: while nobody
 * has its slave side open (the master reports a hang-up) output is read from the ring and
 * discarded, so that whoever attaches sees what the guest says from then on, not a stale
 * backlog; attachment is looked for once a second. While someone is attached, flow control
 * works both ways: output stays in the ring while the pty's buffer is full (the stub domain then
 * drops, never waits), and the pty is not read while `in` has no room (the writer — xenconsole —
 * then waits). Every node the backend acts on is libxl's (store.h: the backend node, the
 * frontend's read-only `output`); what the stub domain writes (ring-ref, port) is bounded, and a
 * ring index it moves out of range disconnects the console. `file:` outputs are opened without
 * following a symlink, mode 0600, and capped (capped_log.h). */
#define _GNU_SOURCE
#include "serial_pty.h"
#include "capped_log.h"
#include "frontend_ring.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xen/io/console.h>
#include <xen/io/xenbus.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define MAX_CONS SERIAL_PTY_CONSOLES
#define FIRST_SERIAL 3   /* 0: the stub domain's log; 1, 2: device-model save/restore streams */

struct cons {
    bool used, connected, failed, watching;
    unsigned devid, fe_domid;
    char be[128], fe[128];
    struct xencons_interface *ring;
    evtchn_port_t port;
    int out_fd;        /* pty master or the file */
    bool is_pty;
    struct capped_log file;   /* the file, when not a pty */
    XENCONS_RING_IDX out_cons, in_prod;   /* ours: the copies in the page are the stub domain's to spoil */
    bool attached;     /* pty: someone has the slave open (xl console) */
    unsigned long long out_bytes, in_bytes, discarded;
};

static struct cons cons[MAX_CONS];
static struct xs_handle *store;
static unsigned stub_domid;
static char dir[64];
static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static int where[SERIAL_PTY_POLLFDS];   /* per pollfd entry: -1 = event channels, else console index */

/* a console that cannot be served: logged, left alone until libxl makes a new one */
#define fail(c, ...) backend_fail(store, NULL, &(c)->failed, "console", (int)(c)->devid, __VA_ARGS__)

void serial_pty_init(struct xs_handle *xs, unsigned stub)
{
    store = xs;
    stub_domid = stub;
    snprintf(dir, sizeof dir, "/local/domain/0/backend/console/%u", stub);
    frontend_ring_open(&xgt, &xce, stub, "serial");
}

void serial_pty_start(void)
{
    if (!xs_watch(store, dir, SERIAL_WATCH_TOKEN))
        printk("serial: cannot watch %s: %s (falling back to the 1 s scan)\n", dir, strerror(errno));
    serial_pty_scan();
}

/* A pty in raw mode (bytes as they are: the guest's terminal does the line discipline). The
 * slave is opened once to set that and closed again: its settings stay with the pty. */
static int open_pty(struct cons *c, char *name, size_t size)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, size)) {
        fail(c, "cannot create a pty: %s", strerror(errno));
        if (m >= 0)
            close(m);
        return -1;
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    if (s < 0 || tcgetattr(s, &t)) {
        fail(c, "cannot open %s: %s", name, strerror(errno));
        close(m);
        if (s >= 0)
            close(s);
        return -1;
    }
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    close(s);
    return m;
}

/* Whether someone has the pty's slave open: the master reports no hang-up then. */
static bool pty_attached(int master)
{
    struct pollfd p = { .fd = master, .events = POLLIN };
    return poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP);
}

/* `file:PATH`: an absolute path, a regular file (created 0600), never through a symlink. */
static void open_file(struct cons *c, const char *path)
{
    struct stat st;
    c->out_fd = path[0] == '/' ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY, 0600) : -1;
    if (c->out_fd < 0) {
        fail(c, "cannot open %s: %s", path, path[0] == '/' ? strerror(errno) : "not an absolute path");
        return;
    }
    if (fstat(c->out_fd, &st) || !S_ISREG(st.st_mode)) {
        fail(c, "%s is not a regular file: refused", path);
        close(c->out_fd);
        c->out_fd = -1;
        return;
    }
    capped_log_init(&c->file, c->out_fd, CONSOLE_LOG_CAP);
    printk("console %u: the guest's serial port -> %s\n", c->devid, path);
}

/* Where the output goes: the frontend's read-only `output` node, where libxl wrote the guest's
 * serial= value (libxl__device_console_add puts it there, not in the backend). Only dom0's: the
 * stub domain owns the directory and could put its own `output` there. */
static void open_output(struct cons *c)
{
    char *out = store_trusted(store, c->fe, "output");
    c->out_fd = -1;
    if (!out) {
        fail(c, "no output node written by dom0");
        return;
    }
    if (!strcmp(out, "pty")) {
        char name[64];
        c->out_fd = open_pty(c, name, sizeof name);
        if (c->out_fd >= 0) {
            c->is_pty = true;
            store_put(store, c->fe, "tty", "%s", name);   /* where xenconsole (xl console) looks */
            printk("console %u: the guest's serial port is %s (xl console)\n", c->devid, name);
        }
    } else if (!strncmp(out, "file:", 5)) {
        open_file(c, out + 5);
    } else {
        fail(c, "serial output '%s' is not served (pty and file: only)", out);
    }
    free(out);
}

/* The ring unmapped and its port unbound, if they were. */
static void drop_ring(struct cons *c)
{
    if (!c->ring)
        return;
    xenevtchn_unbind(xce, c->port);
    xengnttab_unmap(xgt, c->ring, 1);
    c->ring = 0;
}

/* The stub domain broke the ring's rules: no more of its bytes; Closed, until libxl makes a
 * new console. */
static void disconnect(struct cons *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void disconnect(struct cons *c, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail(c, "%s: disconnected", msg);
    drop_ring(c);
    if (c->out_fd >= 0)
        close(c->out_fd);
    c->out_fd = -1;
    c->connected = c->attached = false;
    store_put(store, c->be, "state", "%d", XenbusStateClosed);
}

static void connect_cons(struct cons *c)
{
    char *fe = store_trusted(store, c->be, "frontend");
    unsigned long fe_id, ref, port;
    if (!fe || store_trusted_ulong(store, c->be, "frontend-id", 0x7fef, &fe_id)) {
        free(fe);
        return;   /* libxl is still writing the node */
    }
    char want[sizeof c->fe];
    snprintf(want, sizeof want, "/local/domain/%u/device/console/%u", stub_domid, c->devid);
    bool expected = fe_id == stub_domid && !strcmp(fe, want);
    snprintf(c->fe, sizeof c->fe, "%s", fe);
    free(fe);
    if (!expected) {
        fail(c, "frontend %s of domain %lu is not the stub domain's console: refused", c->fe, fe_id);
        return;
    }
    c->fe_domid = (unsigned)fe_id;
    if (!c->watching) {
        char st[160];
        snprintf(st, sizeof st, "%s/state", c->fe);
        c->watching = xs_watch(store, st, SERIAL_WATCH_TOKEN);
    }
    if (store_untrusted_ulong(store, c->fe, "ring-ref", FRONTEND_MAX_GREF, &ref) ||
        store_untrusted_ulong(store, c->fe, "port", FRONTEND_MAX_PORT, &port))
        return;   /* the stub domain has not set up its end yet (or wrote no number) */
    c->ring = frontend_ring_map(xgt, xce, c->fe_domid, ref, port, &c->port);
    if (!c->ring) {
        fail(c, "cannot map ring %lu or bind port %lu: %s", ref, port, strerror(errno));
        return;
    }
    open_output(c);
    if (c->failed) {
        drop_ring(c);
        return;
    }
    c->out_cons = __atomic_load_n(&c->ring->out_cons, __ATOMIC_ACQUIRE);
    c->in_prod = __atomic_load_n(&c->ring->in_prod, __ATOMIC_ACQUIRE);
    c->connected = true;
    store_put(store, c->be, "state", "%d", XenbusStateConnected);
}

static void release(struct cons *c)
{
    bool was_connected = c->connected;
    drop_ring(c);
    if (c->watching) {
        char st[160];
        snprintf(st, sizeof st, "%s/state", c->fe);
        xs_unwatch(store, st, SERIAL_WATCH_TOKEN);
    }
    if (c->out_fd >= 0)
        close(c->out_fd);
    if (was_connected)
        printk("console %u: released (%llu bytes out, %llu discarded while nobody was attached, %llu in)\n",
               c->devid, c->out_bytes, c->discarded, c->in_bytes);
    memset(c, 0, sizeof *c);
    c->out_fd = -1;
}

static void move_out(struct cons *c);
static void move_in(struct cons *c);

void serial_pty_scan(void)
{
    if (!store)
        return;
    unsigned n = 0;
    char **ids = xs_directory(store, XBT_NULL, dir, &n);
    for (unsigned k = 0; k < MAX_CONS; k++) {
        bool listed = false;
        for (unsigned i = 0; cons[k].used && ids && i < n; i++)
            listed |= strtoul(ids[i], 0, 10) == cons[k].devid;
        if (cons[k].used && !listed)
            release(&cons[k]);
    }
    for (unsigned i = 0; ids && i < n; i++) {
        char *end;
        unsigned long devid = strtoul(ids[i], &end, 10);
        if (devid < FIRST_SERIAL || devid > 0xffff || *end)
            continue;
        struct cons *c = 0, *free_slot = 0;
        for (unsigned k = 0; k < MAX_CONS; k++) {
            if (cons[k].used && cons[k].devid == devid)
                c = &cons[k];
            else if (!cons[k].used && !free_slot)
                free_slot = &cons[k];
        }
        if (!c) {
            if (!free_slot)
                continue;
            c = free_slot;
            memset(c, 0, sizeof *c);
            c->used = true;
            c->devid = (unsigned)devid;
            c->out_fd = -1;
            snprintf(c->be, sizeof c->be, "%s/%s", dir, ids[i]);
        }
        if (!c->connected && !c->failed)
            connect_cons(c);
    }
    free(ids);
    for (unsigned k = 0; k < MAX_CONS; k++) {
        struct cons *c = &cons[k];
        if (!c->connected)
            continue;
        if (c->connected && c->is_pty && c->attached != pty_attached(c->out_fd)) {
            c->attached = !c->attached;
            printk("console %u: %s\n", c->devid, c->attached ? "attached (xl console)" : "detached");
        }
        /* also the periodic catch-up: a kick that came before the bind */
        move_out(c);
        if (c->connected && c->attached)
            move_in(c);
    }
}

/* The stub domain's output to the pty or file: as much as it takes now; the rest stays. */
static void move_out(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons_i = c->out_cons, prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (!ring_indexes_sane(prod, cons_i, sizeof r->out)) {
        disconnect(c, "out_prod %u is %u past out_cons %u on a ring of %zu", prod, prod - cons_i, cons_i, sizeof r->out);
        return;
    }
    bool moved = false;
    if (c->is_pty && !c->attached && cons_i != prod) {
        c->discarded += prod - cons_i;   /* nobody to show it to */
        cons_i = prod;
        moved = true;
    }
    while (cons_i != prod) {
        XENCONS_RING_IDX at = MASK_XENCONS_IDX(cons_i, r->out);
        size_t len = prod - cons_i, to_end = sizeof r->out - at;
        size_t chunk = len < to_end ? len : to_end;
        ssize_t w = c->is_pty ? write(c->out_fd, r->out + at, chunk) : capped_log_write(&c->file, r->out + at, chunk);
        if (w < 0 && errno == EIO && c->is_pty) {
            c->attached = false;   /* the last reader went away: discard from now on */
            printk("console %u: detached\n", c->devid);
            c->discarded += prod - cons_i;
            cons_i = prod;
            break;
        }
        if (w <= 0)
            break;   /* EAGAIN: the pty's buffer is full; poll asks for POLLOUT */
        cons_i += (XENCONS_RING_IDX)w;
        c->out_bytes += (unsigned long long)w;
        moved = true;
    }
    c->out_cons = cons_i;
    __atomic_store_n(&r->out_cons, cons_i, __ATOMIC_RELEASE);
    if (moved)
        xenevtchn_notify(xce, c->port);
}

/* What was typed into the pty, into the ring's `in`, as far as it has room. */
static void move_in(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons_i = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE), prod = c->in_prod;
    if (!ring_indexes_sane(prod, cons_i, sizeof r->in)) {
        disconnect(c, "in_cons %u is %u behind in_prod %u on a ring of %zu", cons_i, prod - cons_i, prod, sizeof r->in);
        return;
    }
    size_t room = sizeof r->in - (prod - cons_i);
    if (!room)
        return;
    char buf[sizeof r->in];
    ssize_t n = read(c->out_fd, buf, room);
    if (n < 0 && errno == EIO && c->attached) {
        c->attached = false;
        printk("console %u: detached\n", c->devid);
    }
    if (n <= 0)
        return;
    for (ssize_t i = 0; i < n; i++)
        r->in[MASK_XENCONS_IDX(prod + (XENCONS_RING_IDX)i, r->in)] = buf[i];
    c->in_prod = prod + (XENCONS_RING_IDX)n;
    __atomic_store_n(&r->in_prod, c->in_prod, __ATOMIC_RELEASE);
    c->in_bytes += (unsigned long long)n;
    xenevtchn_notify(xce, c->port);
}

static bool out_pending(const struct cons *c)
{
    return __atomic_load_n(&c->ring->out_prod, __ATOMIC_RELAXED) != c->out_cons;
}

static bool in_room(const struct cons *c)
{
    return c->in_prod - __atomic_load_n(&c->ring->in_cons, __ATOMIC_RELAXED) < sizeof c->ring->in;
}

unsigned serial_pty_pollfds(struct pollfd *pfd)
{
    unsigned n = 0;
    if (xce) {
        where[n] = -1;
        pfd[n++] = (struct pollfd){ .fd = xenevtchn_fd(xce), .events = POLLIN };
    }
    for (unsigned k = 0; k < MAX_CONS; k++) {
        struct cons *c = &cons[k];
        if (!c->connected || (c->is_pty && !c->attached))
            continue;   /* a pty nobody has open would only report its hang-up, again and again */
        short ev = (short)((out_pending(c) ? POLLOUT : 0) | (c->is_pty && in_room(c) ? POLLIN : 0));
        if (!ev)
            continue;
        where[n] = (int)k;
        pfd[n++] = (struct pollfd){ .fd = c->out_fd, .events = ev };
    }
    return n;
}

void serial_pty_handle(const struct pollfd *pfd, unsigned n)
{
    bool kicked = false;
    for (unsigned i = 0; i < n; i++) {
        if (where[i] < 0) {
            if (pfd[i].revents & POLLIN) {
                int p = xenevtchn_pending(xce);
                if (p >= 0)
                    xenevtchn_unmask(xce, (evtchn_port_t)p);
                kicked = true;
            }
            continue;
        }
        struct cons *c = &cons[where[i]];
        if (!c->connected || c->out_fd != pfd[i].fd)
            continue;
        if (pfd[i].revents & POLLHUP) {
            c->attached = false;
            printk("console %u: detached\n", c->devid);
        }
        if (pfd[i].revents & POLLOUT)
            move_out(c);
        if (c->connected && (pfd[i].revents & POLLIN))
            move_in(c);
    }
    /* a kick: new output, or room in `in` again; cheap enough to look at every console */
    for (unsigned k = 0; kicked && k < MAX_CONS; k++) {
        if (!cons[k].connected)
            continue;
        move_out(&cons[k]);
        if (cons[k].connected && cons[k].attached)
            move_in(&cons[k]);
    }
}
