/* host/dom0/log_console.c — see log_console.h. Trust: `output` (a path the helper opens as root)
 * only from a dom0-owned node, else the name libxl gives the log; ring-ref and port may be
 * anyone's (they only name the stub domain's own frame and port: the handles are restricted to
 * it) and are bounded. */
#define _GNU_SOURCE
#include "log_console.h"
#include "capped_log.h"
#include "frontend_ring.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenforeignmemory.h>
#include <xen/io/console.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define MAX_MFN ((1UL << 40) - 1)

static struct xencons_interface *ring;
static xenevtchn_handle *xce;
static evtchn_port_t local_port;
static XENCONS_RING_IDX out_cons;   /* ours: the page's copy is the stub domain's to spoil */
static struct capped_log out;
static bool served;

/* The log file: a dom0-owned `output` (file:PATH), else /var/log/xen/qemu-dm-<guest>.log. */
static int open_output(struct xs_handle *xs, const char *dir, const char *name)
{
    char *o = store_trusted(xs, dir, "output");
    char path[256];
    if (o && !strncmp(o, "file:", 5) && o[5] == '/') {
        snprintf(path, sizeof path, "%s", o + 5);
    } else {
        size_t n = name ? strlen(name) : 0;
        if (n > 3 && !strcmp(name + n - 3, "-dm"))
            n -= 3;
        snprintf(path, sizeof path, "/var/log/xen/qemu-dm-%.*s.log", (int)n, name ? name : "stubdom");
    }
    free(o);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
    if (fd < 0)
        printk("console 0: cannot open %s: %s\n", path, strerror(errno));
    else
        printk("console 0 -> %s\n", path);
    return fd;
}

bool log_console_open(struct xs_handle *xs, unsigned stub, const char *name)
{
    char dir[64];
    unsigned long ref, port;
    snprintf(dir, sizeof dir, "/local/domain/%u/console", stub);
    if (store_untrusted_ulong(xs, dir, "ring-ref", MAX_MFN, &ref) ||
        store_untrusted_ulong(xs, dir, "port", FRONTEND_MAX_PORT, &port)) {
        printk("console 0: no valid ring-ref/port under %s\n", dir);
        return false;
    }
    xenforeignmemory_handle *fmem = xenforeignmemory_open(0, 0);
    if (fmem && xenforeignmemory_restrict(fmem, (domid_t)stub))
        printk("console 0: foreign mappings not restricted to domain %u: %s\n", stub, strerror(errno));
    xen_pfn_t mfn = ref;
    int err = 0;
    ring = fmem ? xenforeignmemory_map(fmem, stub, PROT_READ | PROT_WRITE, 1, &mfn, &err) : 0;
    if (!ring || err) {
        printk("console 0: cannot map the ring (mfn %lu): %s\n", ref, strerror(err ? err : errno));
        ring = 0;
        return false;
    }
    xce = xenevtchn_open(0, 0);
    if (xce && xenevtchn_restrict(xce, (domid_t)stub))
        printk("console 0: event channels not restricted to domain %u: %s\n", stub, strerror(errno));
    int lp = xce ? xenevtchn_bind_interdomain(xce, stub, (evtchn_port_t)port) : -1;
    if (lp < 0) {
        printk("console 0: cannot bind event channel %lu: %s\n", port, strerror(errno));
        xce = 0;
        return false;
    }
    local_port = (evtchn_port_t)lp;
    out_cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    capped_log_init(&out, open_output(xs, dir, name), CONSOLE_LOG_CAP);
    served = true;
    return true;
}

xenevtchn_handle *log_console_evtchn(void) { return served ? xce : 0; }

void log_console_drain(bool kicked)
{
    if (!served)
        return;
    if (kicked) {   /* only when the fd is readable: xenevtchn_pending blocks otherwise */
        int p = xenevtchn_pending(xce);
        if (p >= 0)
            xenevtchn_unmask(xce, (evtchn_port_t)p);
    }
    XENCONS_RING_IDX cons = out_cons, prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    if (!ring_indexes_sane(prod, cons, sizeof ring->out)) {
        printk("console 0: out_prod %u is %u past out_cons %u on a ring of %zu: disconnected\n", prod, prod - cons,
               cons, sizeof ring->out);
        xenevtchn_unbind(xce, local_port);
        served = false;
        return;
    }
    char buf[sizeof ring->out];
    size_t n = 0;
    while (cons != prod)
        buf[n++] = ring->out[MASK_XENCONS_IDX(cons++, ring->out)];
    out_cons = cons;
    __atomic_store_n(&ring->out_cons, cons, __ATOMIC_RELEASE);
    if (!n)
        return;
    if (out.fd >= 0 && capped_log_write(&out, buf, n) < 0)
        printk("console 0: write: %s\n", strerror(errno));
    xenevtchn_notify(xce, local_port);
}
