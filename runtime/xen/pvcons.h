/* runtime/xen/pvcons.h — a PV console frontend other than console 0 (`device/console/N`, N >= 1):
 * one granted page holding Xen's xencons_interface (1 KiB in, 2 KiB out) and an event channel,
 * served in dom0 by the stub domain's helper. libxl creates console 3 (and 4, ...) for the guest's
 * `serial=` setting and `xl console <guest>` attaches to it; the guest's UART is wired to it.
 * Output never blocks the device model: bytes that do not fit the ring are dropped and counted.
 * A backend whose ring indexes are inconsistent gets the console disconnected (logged once). */
#ifndef XEN_PVCONS_H
#define XEN_PVCONS_H

#include <stdbool.h>
#include <stdint.h>
#include "ring_check.h"
#include "xen_abi.h"

struct pvcons {
    char node[48];
    struct xencons_interface *ring;
    evtchn_port_t port;
    domid_t backend_id;
    grant_ref_t ref;
    uint64_t sent, dropped, received;
    char who[64];              /* "pvcons device/console/<n>", for the guard's log line */
    struct ring_guard guard;   /* broken: disconnected (ring NULL, state Closing) */
};

/* Sets up the frontend at `node` (e.g. "device/console/3"): page, grant, event channel,
 * ring-ref/port/state. 0 on success; -1 (logged) when the node is unusable. It does not wait for
 * the backend: until the helper maps the ring, output simply fills it and is then dropped. */
int pvcons_connect(struct pvcons *c, const char *node);
/* Queues what fits of `len` bytes for the backend and kicks it. */
void pvcons_write(struct pvcons *c, const uint8_t *bytes, uint32_t len);
/* Takes at most `max` bytes the backend sent us (typed into `xl console`). */
uint32_t pvcons_read(struct pvcons *c, uint8_t *buf, uint32_t max);

#endif
