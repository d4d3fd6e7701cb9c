/* host/dom0/frontend_ring.h — what the dom0 helper's backends (qdisk.c, serial_pty.c,
 * vfb_backend.c) share about a frontend's ring: opening their handles (before the helper drops
 * its privileges: sandbox.h), the bounds of what a frontend may write in xenstore for it, taking
 * up its shared page (map its grant reference read-write and bind its event channel, both or
 * neither), and the one test every ring consumer applies to the indexes it reads from a page the
 * stub domain can write. */
#ifndef DOM0_FRONTEND_RING_H
#define DOM0_FRONTEND_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define FRONTEND_MAX_GREF 0xffffffffUL           /* grant_ref_t */
#define FRONTEND_MAX_PORT ((1UL << 17) - 1)      /* Xen's FIFO event channels: 2^17 ports */
#define FRONTEND_MAX_STATE 8UL                   /* XenbusStateReconfigured */

/* Opens *xgt and *xce when not yet open, the event channels restricted to domain `domid` (where
 * the kernel can: IOCTL_EVTCHN_RESTRICT_DOMID). Returns false (and logs) when either fails. */
bool frontend_ring_open(xengnttab_handle **xgt, xenevtchn_handle **xce, unsigned domid, const char *who);

/* Returns the mapped page and the local port, or NULL with errno set (nothing left mapped or
 * bound; EINVAL for a reference or port out of range). The handles must be open. */
void *frontend_ring_map(xengnttab_handle *xgt, xenevtchn_handle *xce, unsigned domid, unsigned long ref,
                        unsigned long port, evtchn_port_t *local);

/* Whether a ring of `size` entries can hold prod - cons of them. A consumer that finds it cannot
 * disconnects the frontend and logs why: it never walks from cons to such a prod. */
static inline bool ring_indexes_sane(uint32_t prod, uint32_t cons, uint32_t size)
{
    return prod - cons <= size;
}

#endif
