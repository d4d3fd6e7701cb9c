/* runtime/xen/evtchn.h — event channels without upcalls: ports are allocated or bound here,
 * registered in a wait set, and evtchn_wait() blocks in SCHEDOP_poll until one of them is
 * pending or a deadline passes. Later users (ioreq vCPU ports, the buffered-ioreq port,
 * blkfront/netfront) register their ports the same way. */
#ifndef XEN_EVTCHN_H
#define XEN_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

void evtchn_init(struct shared_info *si);
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
void evtchn_close(evtchn_port_t port);
void evtchn_notify(evtchn_port_t port);

/* Adds/removes a port to/from the set evtchn_wait() watches (at most 64). */
void evtchn_watch(evtchn_port_t port);
void evtchn_unwatch(evtchn_port_t port);
/* Clears and returns the pending bit of a port. */
bool evtchn_test_and_clear(evtchn_port_t port);
/* Blocks until a watched port is pending or Xen system time reaches deadline_ns (0 = none). */
void evtchn_wait(uint64_t deadline_ns);

#endif
