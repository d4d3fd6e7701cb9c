/* runtime/xen/pvcons.c — see pvcons.h. The ring is io/console.h's: the frontend produces `out`
 * (out_prod) and consumes `in` (in_cons); the backend the other way round. Indexes are free
 * running and masked by the power-of-two buffer sizes; the backend's (in_prod, out_cons) go
 * through ring_check.h, and a backend that moves them inconsistently gets the console
 * disconnected (logged once, the frontend says Closing, nothing more is read or written). */
#include "pvcons.h"
#include "console.h"
#include "evtchn.h"
#include "gnttab.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "xenbus.h"
#include "xenstore.h"

static void disconnect_if_broken(struct pvcons *c)
{
    if (!c->guard.broken || !c->ring)
        return;
    c->ring = 0;
    evtchn_unwatch(c->port);
    xs_set_state(c->node, XenbusStateClosing);
}

int pvcons_connect(struct pvcons *c, const char *node)
{
    memset(c, 0, sizeof *c);
    strlcpy(c->node, node, sizeof c->node);
    snprintf(c->who, sizeof c->who, "pvcons %s", node);
    c->guard.who = c->who;
    uint64_t be;
    if (xs_read_u64(node, "backend-id", &be) || be >= 0x7ff0) {
        printk("pvcons %s: no backend-id\n", node);
        return -1;
    }
    c->backend_id = (domid_t)be;
    c->ring = page_alloc(1);
    if (!c->ring) {
        printk("pvcons %s: out of pages\n", node);
        return -1;
    }
    memset(c->ring, 0, PAGE_SIZE);
    int ref = gnttab_grant(c->backend_id, virt_to_mfn(c->ring), false);
    if (ref < 0 || evtchn_alloc_unbound(c->backend_id, &c->port)) {
        printk("pvcons %s: no grant or event channel\n", node);
        c->ring = 0;
        return -1;
    }
    c->ref = (grant_ref_t)ref;
    int rc = xs_printf(node, "ring-ref", "%u", c->ref);
    rc |= xs_printf(node, "port", "%u", c->port);
    rc |= xs_set_state(node, XenbusStateInitialised);   /* the backend may map the ring now */
    if (rc) {
        printk("pvcons %s: cannot write the frontend nodes\n", node);
        c->ring = 0;
        return -1;
    }
    evtchn_watch(c->port);
    printk("pvcons %s: ring-ref %u, port %u, backend domain %u\n", node, c->ref, c->port, c->backend_id);
    return 0;
}

void pvcons_write(struct pvcons *c, const uint8_t *bytes, uint32_t len)
{
    struct xencons_interface *r = c->ring;
    if (!r || !len)
        return;
    uint32_t cons = READ_ONCE(r->out_cons), prod = r->out_prod;
    mb();
    uint32_t used = ring_ready(&c->guard, cons, prod, (uint32_t)sizeof r->out);
    if (c->guard.broken) {
        disconnect_if_broken(c);
        c->dropped += len;
        return;
    }
    uint32_t space = (uint32_t)sizeof r->out - used;
    uint32_t n = len < space ? len : space;
    for (uint32_t i = 0; i < n; i++)
        r->out[(prod + i) & (sizeof r->out - 1)] = (char)bytes[i];
    wmb();
    r->out_prod = prod + n;
    c->sent += n;
    c->dropped += len - n;
    evtchn_notify(c->port);
}

uint32_t pvcons_read(struct pvcons *c, uint8_t *buf, uint32_t max)
{
    struct xencons_interface *r = c->ring;
    if (!r)
        return 0;
    uint32_t cons = r->in_cons;
    uint32_t avail = ring_unconsumed(&c->guard, &r->in_prod, cons, (uint32_t)sizeof r->in);
    if (c->guard.broken) {
        disconnect_if_broken(c);
        return 0;
    }
    uint32_t n = avail < max ? avail : max;
    for (uint32_t i = 0; i < n; i++)
        buf[i] = (uint8_t)r->in[(cons + i) & (sizeof r->in - 1)];
    ring_consumed(&r->in_cons, cons + n);
    c->received += n;
    if (n)
        evtchn_notify(c->port);   /* room again: the backend may send more */
    return n;
}
