/* host/dom0/frontend_ring.c — see frontend_ring.h. */
#include "frontend_ring.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

void *frontend_ring_map(xengnttab_handle **xgt, xenevtchn_handle **xce, unsigned domid, unsigned long ref,
                        unsigned long port, evtchn_port_t *local)
{
    if (!*xgt)
        *xgt = xengnttab_open(0, 0);
    if (!*xce)
        *xce = xenevtchn_open(0, 0);
    void *ring = *xgt ? xengnttab_map_grant_ref(*xgt, domid, (uint32_t)ref, PROT_READ | PROT_WRITE) : 0;
    int lp = ring && *xce ? xenevtchn_bind_interdomain(*xce, domid, (evtchn_port_t)port) : -1;
    if (!ring || lp < 0) {
        int err = errno;
        if (ring)
            xengnttab_unmap(*xgt, ring, 1);
        errno = err;
        return 0;
    }
    *local = (evtchn_port_t)lp;
    return ring;
}
