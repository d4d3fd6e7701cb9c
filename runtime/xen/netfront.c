/* runtime/xen/netfront.c — see netfront.h. Ring layouts are Xen's io/netif.h and io/ring.h: a
 * 64-byte header (req_prod, req_event, rsp_prod, rsp_event, padding) and 256 entries (TX: 12-byte
 * union of a request {gref, offset, flags, id, size} and a response {id, status}; RX: 8-byte
 * union of {id, pad, gref} and {id, offset, flags, status}). The xenbus handshake: wait for the
 * backend's InitWait, write the ring refs, the event channel and the features, switch to
 * Connected, wait for the backend's Connected. Nothing a backend answers is trusted as an index:
 * its rsp_prod goes through ring_check.h (never more responses than requests outstanding), a
 * response's id must name a buffer we have in flight on that ring, and offsets are checked before
 * use; a backend that breaks the protocol gets the device disconnected (logged once). */
#include "netfront.h"
#include "console.h"
#include "evtchn.h"
#include "gnttab.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "time.h"
#include "xenbus.h"
#include "xenstore.h"

#define RING 256
#define NETRXF_more_data 4
#define NETRXF_extra_info 8
#define NETIF_RSP_OKAY 0

struct tx_req { grant_ref_t gref; uint16_t offset, flags, id, size; };
struct tx_rsp { uint16_t id; int16_t status; };
union tx_entry { struct tx_req req; struct tx_rsp rsp; };
struct rx_req { uint16_t id, pad; grant_ref_t gref; };
struct rx_rsp { uint16_t id, offset, flags; int16_t status; };
union rx_entry { struct rx_req req; struct rx_rsp rsp; };
struct ring_hdr { uint32_t req_prod, req_event, rsp_prod, rsp_event; uint8_t pad[48]; };
struct tx_sring { struct ring_hdr h; union tx_entry ring[RING]; };
struct rx_sring { struct ring_hdr h; union rx_entry ring[RING]; };
_Static_assert(sizeof(union tx_entry) == 12, "netif_tx entry");
_Static_assert(sizeof(union rx_entry) == 8, "netif_rx entry");
_Static_assert(sizeof(struct tx_sring) <= PAGE_SIZE && sizeof(struct rx_sring) <= PAGE_SIZE, "rings fit a page");

/* Publishes requests up to `prod` on a ring and kicks the backend. */
static void push(struct netfront *nf, struct ring_hdr *h, uint32_t prod)
{
    wmb();
    h->req_prod = prod;
    mb();
    evtchn_notify(nf->port);
}

static void post_rx(struct netfront *nf, uint16_t id)
{
    struct rx_sring *s = nf->rx_ring;
    s->ring[nf->rx_prod_pvt % RING].req = (struct rx_req){ .id = id, .gref = nf->rx_ref[id] };
    nf->rx_posted[id] = true;
    nf->rx_prod_pvt++;
}

/* After a protocol violation (logged by the guard): the rings are not read again, the port is
 * no longer watched, and the frontend says Closing. */
static void disconnect_if_broken(struct netfront *nf)
{
    if (!nf->guard.broken || nf->disconnected)
        return;
    nf->disconnected = true;
    evtchn_unwatch(nf->port);
    xs_set_state(nf->node, XenbusStateClosing);
}

/* TX slots the backend is done with: at most the requests outstanding, two passes at most. */
static void reclaim_tx(struct netfront *nf)
{
    struct tx_sring *s = nf->tx_ring;
    for (unsigned pass = 0; pass < 2 && !nf->guard.broken; pass++) {
        uint32_t n = ring_unconsumed(&nf->guard, &s->h.rsp_prod, nf->tx_rsp_cons, nf->tx_prod_pvt - nf->tx_rsp_cons);
        for (uint32_t i = 0; i < n; i++, nf->tx_rsp_cons++) {
            struct tx_rsp r = s->ring[nf->tx_rsp_cons % RING].rsp;
            if (r.id >= NETFRONT_BUFS || !nf->tx_busy[r.id]) {
                ring_break(&nf->guard, "tx response for a buffer not in flight", r.id);
                break;
            }
            nf->tx_busy[r.id] = false;
            if (r.status != NETIF_RSP_OKAY)
                nf->tx_errors++;
        }
        if (nf->guard.broken)
            break;
        if (!ring_final_check(&s->h.rsp_event, &s->h.rsp_prod, nf->tx_rsp_cons))
            break;
    }
    disconnect_if_broken(nf);
}

static void send(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct netfront *nf = ctx;
    if (!len || len > PAGE_SIZE || nf->disconnected) {
        nf->tx_dropped++;
        return;
    }
    reclaim_tx(nf);
    if (nf->disconnected) {
        nf->tx_dropped++;
        return;
    }
    unsigned id = 0;
    while (id < NETFRONT_BUFS && nf->tx_busy[id])
        id++;
    if (id == NETFRONT_BUFS) {   /* the backend is behind: drop, as a full wire would */
        nf->tx_dropped++;
        return;
    }
    memcpy(nf->tx_buf + (size_t)id * PAGE_SIZE, frame, len);
    struct tx_sring *s = nf->tx_ring;
    s->ring[nf->tx_prod_pvt % RING].req =
        (struct tx_req){ .gref = nf->tx_ref[id], .offset = 0, .flags = 0, .id = (uint16_t)id, .size = (uint16_t)len };
    nf->tx_busy[id] = true;
    nf->tx_prod_pvt++;
    nf->tx_frames++;
    push(nf, &s->h, nf->tx_prod_pvt);
}

bool netfront_poll(struct netfront *nf, void (*rx)(void *ctx, const uint8_t *frame, uint32_t len), void *ctx)
{
    if (!nf->rx_ring || nf->disconnected)
        return false;
    evtchn_test_and_clear(nf->port);   /* before the rings are read: a later event stays pending */
    reclaim_tx(nf);
    if (nf->disconnected)
        return false;
    struct rx_sring *s = nf->rx_ring;
    bool posted = false, dropping = false, more = true;
    /* at most two rings' worth per poll: a busy backend cannot keep us here */
    for (unsigned pass = 0; pass < 2 && more && !nf->guard.broken; pass++) {
        /* never more responses than buffers posted (<= NETFRONT_BUFS < RING) */
        uint32_t n = ring_unconsumed(&nf->guard, &s->h.rsp_prod, nf->rx_rsp_cons, nf->rx_prod_pvt - nf->rx_rsp_cons);
        for (uint32_t i = 0; i < n; i++, nf->rx_rsp_cons++) {
            struct rx_rsp r = s->ring[nf->rx_rsp_cons % RING].rsp;
            if (r.id >= NETFRONT_BUFS || !nf->rx_posted[r.id]) {
                ring_break(&nf->guard, "rx response for a buffer not posted", r.id);
                break;
            }
            nf->rx_posted[r.id] = false;
            bool whole = !dropping && !(r.flags & (NETRXF_more_data | NETRXF_extra_info));
            if (whole && r.status > 0 && (uint32_t)r.offset + (uint32_t)r.status <= PAGE_SIZE) {
                nf->rx_frames++;
                rx(ctx, nf->rx_buf + (size_t)r.id * PAGE_SIZE + r.offset, (uint32_t)r.status);
            } else {
                /* an error, or a frame in several slots (not negotiated): dropped whole */
                if (!dropping)
                    nf->rx_dropped++;
                dropping = (r.flags & NETRXF_more_data) != 0;
            }
            post_rx(nf, r.id);
            posted = true;
        }
        if (nf->guard.broken)
            break;
        more = ring_final_check(&s->h.rsp_event, &s->h.rsp_prod, nf->rx_rsp_cons);
    }
    disconnect_if_broken(nf);
    if (nf->disconnected)
        return false;
    if (posted)
        push(nf, &s->h, nf->rx_prod_pvt);
    return more;
}

static int grant_pages(domid_t to, uint8_t *pages, grant_ref_t *refs, bool readonly)
{
    for (unsigned i = 0; i < NETFRONT_BUFS; i++) {
        int r = gnttab_grant(to, virt_to_mfn(pages + (size_t)i * PAGE_SIZE), readonly);
        if (r < 0)
            return -1;
        refs[i] = (grant_ref_t)r;
    }
    return 0;
}

int netfront_connect(struct netfront *nf, const char *node)
{
    char path[160];
    uint64_t v;
    memset(nf, 0, sizeof *nf);
    strlcpy(nf->node, node, sizeof nf->node);
    snprintf(nf->who, sizeof nf->who, "netfront %s", node);
    nf->guard.who = nf->who;
    snprintf(path, sizeof path, "%s/backend", node);
    if (xs_read(path, nf->backend, sizeof nf->backend) < 0 || xs_read_u64(node, "backend-id", &v)) {
        printk("netfront %s: no backend\n", node);
        return -1;
    }
    nf->backend_id = (domid_t)v;
    snprintf(path, sizeof path, "%s/mac", node);
    if (xs_read(path, nf->mac, sizeof nf->mac) < 0)
        nf->mac[0] = 0;

    uint64_t state = xs_wait_state(nf->backend, XenbusStateInitWait, 20000000000ULL);
    if (state < XenbusStateInitWait) {
        printk("netfront %s: backend %s not ready (state %lu; is xen-netback loaded in dom0?)\n", node, nf->backend, state);
        return -1;
    }
    nf->tx_ring = page_alloc(1);
    nf->rx_ring = page_alloc(1);
    nf->tx_buf = page_alloc(NETFRONT_BUFS);
    nf->rx_buf = page_alloc(NETFRONT_BUFS);
    if (!nf->tx_ring || !nf->rx_ring || !nf->tx_buf || !nf->rx_buf) {
        printk("netfront %s: out of pages\n", node);
        return -1;
    }
    int tr = gnttab_grant(nf->backend_id, virt_to_mfn(nf->tx_ring), false);
    int rr = gnttab_grant(nf->backend_id, virt_to_mfn(nf->rx_ring), false);
    if (tr < 0 || rr < 0 || grant_pages(nf->backend_id, nf->tx_buf, nf->tx_ref, true) ||
        grant_pages(nf->backend_id, nf->rx_buf, nf->rx_ref, false) || evtchn_alloc_unbound(nf->backend_id, &nf->port)) {
        printk("netfront %s: no grant or event channel\n", node);
        return -1;
    }
    nf->tx_ring_ref = (grant_ref_t)tr;
    nf->rx_ring_ref = (grant_ref_t)rr;
    struct tx_sring *ts = nf->tx_ring;
    struct rx_sring *rs = nf->rx_ring;
    ts->h.req_event = ts->h.rsp_event = 1;
    rs->h.req_event = rs->h.rsp_event = 1;
    for (uint16_t i = 0; i < NETFRONT_BUFS; i++)
        post_rx(nf, i);
    rs->h.req_prod = nf->rx_prod_pvt;

    int rc = xs_printf(node, "tx-ring-ref", "%u", nf->tx_ring_ref);
    rc |= xs_printf(node, "rx-ring-ref", "%u", nf->rx_ring_ref);
    rc |= xs_printf(node, "event-channel", "%u", nf->port);
    rc |= xs_printf(node, "request-rx-copy", "1");
    rc |= xs_printf(node, "feature-rx-notify", "1");
    rc |= xs_printf(node, "feature-sg", "0");
    rc |= xs_printf(node, "feature-gso-tcpv4", "0");
    rc |= xs_printf(node, "feature-no-csum-offload", "1");
    rc |= xs_set_state(node, XenbusStateConnected);
    if (rc) {
        printk("netfront %s: cannot write the frontend nodes\n", node);
        return -1;
    }
    state = xs_wait_state(nf->backend, XenbusStateConnected, 20000000000ULL);
    if (state != XenbusStateConnected) {
        printk("netfront %s: backend %s did not connect (state %lu)\n", node, nf->backend, state);
        return -1;
    }
    evtchn_watch(nf->port);
    evtchn_notify(nf->port);
    nf->be = (struct core_net_backend){ .ctx = nf, .send = send };
    printk("netfront %s: mac %s, backend %s (domain %u), tx/rx ring-ref %u/%u, port %u, %u RX buffers\n",
           node, nf->mac[0] ? nf->mac : "?", nf->backend, nf->backend_id, nf->tx_ring_ref, nf->rx_ring_ref,
           nf->port, NETFRONT_BUFS);
    return 0;
}
