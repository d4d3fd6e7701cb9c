/* host/dom0/serial_pty.c — see serial_pty.h. The ring is io/console.h's xencons_interface,
 * granted by the stub domain (ring-ref is a grant reference for consoles other than 0): the stub
 * domain produces `out`, we produce `in`. A pty behaves as QEMU's pty chardev does: while nobody
 * has its slave side open (the master reports a hang-up) output is read from the ring and
 * discarded, so that whoever attaches sees what the guest says from then on, not a stale
 * backlog; attachment is looked for once a second. While someone is attached, flow control
 * works both ways: output stays in the ring while the pty's buffer is full (the stub domain then
 * drops, never waits), and the pty is not read while `in` has no room (the writer — xenconsole —
 * then waits). */
#define _GNU_SOURCE
#include "serial_pty.h"
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
    bool attached;     /* pty: someone has the slave open (xl console) */
    unsigned long long out_bytes, in_bytes, discarded;
};

static struct cons cons[MAX_CONS];
static struct xs_handle *store;
static char dir[64];
static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static int where[SERIAL_PTY_POLLFDS];   /* per pollfd entry: -1 = event channels, else console index */

static void fail(struct cons *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct cons *c, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printk("console %u: %s\n", c->devid, msg);
    c->failed = true;
}

void serial_pty_init(struct xs_handle *xs, unsigned stub)
{
    store = xs;
    snprintf(dir, sizeof dir, "/local/domain/0/backend/console/%u", stub);
    if (!xs_watch(xs, dir, SERIAL_WATCH_TOKEN))
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

/* Where the output goes: the frontend's read-only `output` node, where libxl wrote the guest's
 * serial= value (libxl__device_console_add puts it there, not in the backend). */
static void open_output(struct cons *c)
{
    char *out = store_get(store, c->fe, "output");
    c->out_fd = -1;
    if (!out) {
        fail(c, "no output node");
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
        c->out_fd = open(out + 5, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
        if (c->out_fd < 0)
            fail(c, "cannot open %s: %s", out + 5, strerror(errno));
        else
            printk("console %u: the guest's serial port -> %s\n", c->devid, out + 5);
    } else {
        fail(c, "serial output '%s' is not served (pty and file: only)", out);
    }
    free(out);
}

static void connect_cons(struct cons *c)
{
    char *fe = store_get(store, c->be, "frontend");
    unsigned long fe_id, ref, port;
    if (!fe || store_get_ulong(store, c->be, "frontend-id", &fe_id)) {
        free(fe);
        return;   /* libxl is still writing the node */
    }
    snprintf(c->fe, sizeof c->fe, "%s", fe);
    free(fe);
    c->fe_domid = (unsigned)fe_id;
    if (!c->watching) {
        char st[160];
        snprintf(st, sizeof st, "%s/state", c->fe);
        c->watching = xs_watch(store, st, SERIAL_WATCH_TOKEN);
    }
    if (store_get_ulong(store, c->fe, "ring-ref", &ref) || store_get_ulong(store, c->fe, "port", &port))
        return;   /* the stub domain has not set up its end yet */
    c->ring = frontend_ring_map(&xgt, &xce, c->fe_domid, ref, port, &c->port);
    if (!c->ring) {
        fail(c, "cannot map ring %lu or bind port %lu: %s", ref, port, strerror(errno));
        return;
    }
    open_output(c);
    if (c->failed) {
        xenevtchn_unbind(xce, c->port);
        xengnttab_unmap(xgt, c->ring, 1);
        c->ring = 0;
        return;
    }
    c->connected = true;
    store_put(store, c->be, "state", "%d", XenbusStateConnected);
}

static void release(struct cons *c)
{
    if (c->connected) {
        xenevtchn_unbind(xce, c->port);
        xengnttab_unmap(xgt, c->ring, 1);
    }
    if (c->watching) {
        char st[160];
        snprintf(st, sizeof st, "%s/state", c->fe);
        xs_unwatch(store, st, SERIAL_WATCH_TOKEN);
    }
    if (c->out_fd >= 0)
        close(c->out_fd);
    if (c->connected)
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
        unsigned long devid = strtoul(ids[i], 0, 10);
        if (devid < FIRST_SERIAL)
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
        if (c->is_pty && c->attached != pty_attached(c->out_fd)) {
            c->attached = !c->attached;
            printk("console %u: %s\n", c->devid, c->attached ? "attached (xl console)" : "detached");
        }
        /* also the periodic catch-up: a kick that came before the bind */
        move_out(c);
        if (c->attached)
            move_in(c);
    }
}

/* The stub domain's output to the pty or file: as much as it takes now; the rest stays. */
static void move_out(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons_i = r->out_cons, prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons_i > sizeof r->out)
        cons_i = prod - sizeof r->out;   /* a stub domain that moved out_prod too far: resync */
    bool moved = false;
    if (c->is_pty && !c->attached && cons_i != prod) {
        c->discarded += prod - cons_i;   /* nobody to show it to */
        cons_i = prod;
        moved = true;
    }
    while (cons_i != prod) {
        XENCONS_RING_IDX at = MASK_XENCONS_IDX(cons_i, r->out);
        size_t len = prod - cons_i, to_end = sizeof r->out - at;
        ssize_t w = write(c->out_fd, r->out + at, len < to_end ? len : to_end);
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
    __atomic_store_n(&r->out_cons, cons_i, __ATOMIC_RELEASE);
    if (moved)
        xenevtchn_notify(xce, c->port);
}

/* What was typed into the pty, into the ring's `in`, as far as it has room. */
static void move_in(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons_i = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE), prod = r->in_prod;
    size_t room = sizeof r->in - (prod - cons_i);
    if (prod - cons_i > sizeof r->in || !room)
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
    __atomic_store_n(&r->in_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    c->in_bytes += (unsigned long long)n;
    xenevtchn_notify(xce, c->port);
}

static bool out_pending(const struct cons *c)
{
    return c->ring->out_prod != c->ring->out_cons;
}

static bool in_room(const struct cons *c)
{
    return c->ring->in_prod - c->ring->in_cons < sizeof c->ring->in;
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
        if (pfd[i].revents & POLLIN)
            move_in(c);
    }
    /* a kick: new output, or room in `in` again; cheap enough to look at every console */
    for (unsigned k = 0; kicked && k < MAX_CONS; k++) {
        if (!cons[k].connected)
            continue;
        move_out(&cons[k]);
        if (cons[k].attached)
            move_in(&cons[k]);
    }
}
