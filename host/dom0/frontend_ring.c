/* host/dom0/frontend_ring.c — see frontend_ring.h. */
#include "frontend_ring.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool frontend_ring_open(xengnttab_handle **xgt, xenevtchn_handle **xce, unsigned domid, const char *who)
{
    if (!*xgt && !(*xgt = xengnttab_open(0, 0)))
        printk("%s: cannot open the grant device: %s\n", who, strerror(errno));
    if (!*xce) {
        *xce = xenevtchn_open(0, 0);
        if (!*xce)
            printk("%s: cannot open the event channel device: %s\n", who, strerror(errno));
        else if (xenevtchn_restrict(*xce, (domid_t)domid))
            printk("%s: event channels not restricted to domain %u: %s\n", who, domid, strerror(errno));
    }
    return *xgt && *xce;
}

void *frontend_ring_map(xengnttab_handle *xgt, xenevtchn_handle *xce, unsigned domid, unsigned long ref,
                        unsigned long port, evtchn_port_t *local)
{
    if (!xgt || !xce || ref > FRONTEND_MAX_GREF || port > FRONTEND_MAX_PORT) {
        errno = xgt && xce ? EINVAL : EBADF;
        return 0;
    }
    void *ring = xengnttab_map_grant_ref(xgt, domid, (uint32_t)ref, PROT_READ | PROT_WRITE);
    int lp = ring ? xenevtchn_bind_interdomain(xce, domid, (evtchn_port_t)port) : -1;
    if (!ring || lp < 0) {
        int err = errno;
        if (ring)
            xengnttab_unmap(xgt, ring, 1);
        errno = err;
        return 0;
    }
    *local = (evtchn_port_t)lp;
    return ring;
}
