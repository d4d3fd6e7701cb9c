/* runtime/xen/netfront.h — a PV network frontend to the vif libxl gives the stub domain for the
 * guest's nic (/local/domain/<us>/device/vif/<id>, same MAC, backend netback in dom0), behind
 * runtime/core's struct core_net_backend: the e1000's wire. One TX and one RX ring page, 32
 * granted pages for each direction. RX is receive-copy (the backend copies into our pages);
 * no scatter-gather, no GSO, no checksum offload in either direction (the e1000 model computes
 * its checksums itself), so every frame is one slot. */
#ifndef XEN_NETFRONT_H
#define XEN_NETFRONT_H

#include <stdbool.h>
#include <stdint.h>
#include "core.h"
#include "ring_check.h"
#include "xen_abi.h"

#define NETFRONT_BUFS 32

struct netfront {
    char node[64];              /* device/vif/<id> */
    char backend[128];
    domid_t backend_id;
    char mac[24];
    evtchn_port_t port;
    void *tx_ring, *rx_ring;    /* struct netif_tx_sring / netif_rx_sring */
    grant_ref_t tx_ring_ref, rx_ring_ref;
    uint8_t *tx_buf, *rx_buf;   /* NETFRONT_BUFS pages each */
    grant_ref_t tx_ref[NETFRONT_BUFS], rx_ref[NETFRONT_BUFS];
    bool tx_busy[NETFRONT_BUFS];    /* TX buffer in flight (the backend owes a response) */
    bool rx_posted[NETFRONT_BUFS];  /* RX buffer posted (the backend owes a response) */
    uint32_t tx_prod_pvt, tx_rsp_cons, rx_prod_pvt, rx_rsp_cons;
    uint64_t tx_frames, tx_dropped, tx_errors, rx_frames, rx_dropped;
    struct core_net_backend be;
    char who[80];               /* "netfront device/vif/<id>", for the guard's log line */
    struct ring_guard guard;    /* both rings: a protocol violation disconnects the device */
    bool disconnected;
};

/* Connects to the backend of `node` (e.g. "device/vif/0"); 0, or -1 after logging why. */
int netfront_connect(struct netfront *nf, const char *node);
/* Takes what the backend answered: TX slots back, received frames to `rx(ctx, frame, len)`
 * (each valid only during the call); the RX buffers are posted again. Clears the event
 * channel's pending bit first (the main loop's poll would otherwise return at once for ever).
 * True when it stopped at its bound with responses left: call again without waiting. A backend
 * that breaks the ring protocol (an inconsistent rsp_prod, an id not in flight) disconnects the
 * device, logged once: no more polling, frames sent are dropped. */
bool netfront_poll(struct netfront *nf, void (*rx)(void *ctx, const uint8_t *frame, uint32_t len), void *ctx);

#endif
