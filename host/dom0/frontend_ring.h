/* host/dom0/frontend_ring.h — how the dom0 helper's backends (qdisk.c, serial_pty.c) take up a
 * frontend's shared ring page: map its grant reference read-write and bind its event channel,
 * both or neither. The handles are the caller's (each backend polls its own). */
#ifndef DOM0_FRONTEND_RING_H
#define DOM0_FRONTEND_RING_H

#include <xenevtchn.h>
#include <xengnttab.h>

/* Opens *xgt and *xce on first use. Returns the mapped page and the local port, or NULL with
 * errno set (nothing left mapped or bound). */
void *frontend_ring_map(xengnttab_handle **xgt, xenevtchn_handle **xce, unsigned domid, unsigned long ref,
                        unsigned long port, evtchn_port_t *local);

#endif
