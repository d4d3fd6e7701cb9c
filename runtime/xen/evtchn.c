/* runtime/xen/evtchn.c — see evtchn.h. Upcalls stay masked (libxc masks them for a new PV
 * domain and we never unmask), so Xen never needs an event callback; SCHEDOP_poll wakes on a
 * pending bit regardless of masks. Callers clear a port's pending bit before they look at the
 * ring behind it, so an event that arrives afterwards makes the next poll return at once. */
#include "evtchn.h"
#include "hypercall.h"
#include "lib.h"

static struct shared_info *shared;
static evtchn_port_t watched[64];
static unsigned nwatched;

void evtchn_init(struct shared_info *si)
{
    shared = si;
    si->vcpu_info[0].evtchn_upcall_mask = 1;
}

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote, .port = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
    if (rc)
        return (int)rc;
    *port = op.port;
    return 0;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain op = { .remote_dom = remote, .remote_port = remote_port };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
    if (rc)
        return (int)rc;
    *port = op.local_port;
    return 0;
}

void evtchn_close(evtchn_port_t port)
{
    struct evtchn_port_op op = { .port = port };
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

void evtchn_notify(evtchn_port_t port)
{
    struct evtchn_port_op op = { .port = port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

void evtchn_watch(evtchn_port_t port)
{
    for (unsigned i = 0; i < nwatched; i++)
        if (watched[i] == port)
            return;
    if (nwatched < ARRAY_SIZE(watched))
        watched[nwatched++] = port;
}

void evtchn_unwatch(evtchn_port_t port)
{
    for (unsigned i = 0; i < nwatched; i++) {
        if (watched[i] == port) {
            watched[i] = watched[--nwatched];
            return;
        }
    }
}

bool evtchn_test_and_clear(evtchn_port_t port)
{
    volatile uint64_t *word = &shared->evtchn_pending[port / 64];
    uint64_t bit = 1ULL << (port % 64);
    if (!(*word & bit))
        return false;
    __atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST);
    return true;
}

void evtchn_wait(uint64_t deadline_ns)
{
    struct sched_poll poll = { .ports = watched, .nr_ports = nwatched, .timeout = deadline_ns };
    if (!nwatched && !deadline_ns)
        return;
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}
