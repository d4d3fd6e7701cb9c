/* runtime/xen/ioreq.h — the ioreq server: created through dm_op, its pages mapped with
 * XENMEM_acquire_resource (frame 0 = buffered ring, 1.. = one ioreq_t slot per guest vCPU), one
 * event channel bound per vCPU plus one for the buffered ring. ioreq_service() answers every
 * READY slot and drains the buffered ring through the handler below; unclaimed or unhandled
 * reads return all-ones. runtime/core installs its range table as the handler. */
#ifndef XEN_IOREQ_H
#define XEN_IOREQ_H

#include <stdint.h>
#include "xen_abi.h"

struct ioreq_handler {
    void *opaque;
    /* type: IOREQ_TYPE_PIO / IOREQ_TYPE_COPY (MMIO) / IOREQ_TYPE_PCI_CONFIG; size 1, 2, 4 or 8 */
    uint64_t (*read)(void *opaque, uint8_t type, uint64_t addr, uint32_t size);
    void (*write)(void *opaque, uint8_t type, uint64_t addr, uint32_t size, uint64_t value);
};

struct ioreq_stats {
    uint64_t sync, buffered, string_unsupported, ring_resyncs;
};

/* Creates the server for `guest` (dm_init must have named it), maps its pages, binds ports. */
int ioreq_server_create(domid_t guest);
int ioreq_map_range(uint32_t type, uint64_t start, uint64_t end);
int ioreq_unmap_range(uint32_t type, uint64_t start, uint64_t end);
/* Enables the server, then binds each vCPU's event channel (Xen fills vp_eport on enable). */
int ioreq_server_enable(void);
void ioreq_set_handler(const struct ioreq_handler *h);
/* Serves everything pending; returns the number of requests handled. */
unsigned ioreq_service(void);
const struct ioreq_stats *ioreq_get_stats(void);

/* For a runtime that walks the pages itself (runtime/core's core_service_event): the mapped
 * synchronous and buffered pages, the vCPU count, and a notify that takes the `vp_eport` found
 * in a slot (Xen's port number in the guest) and kicks our local end of it. */
void ioreq_pages(volatile void **sync, volatile void **buf, uint32_t *nr_vcpus);
void ioreq_notify_vp_eport(uint32_t vp_eport);
/* Clears the pending bits of the server's ports (before the pages are walked). */
void ioreq_clear_events(void);

#endif
