/* runtime/xen/dm.h — device-model operations on the guest (HYPERVISOR_dm_op), allowed because
 * libxl made us the guest's device model (XEN_DOMCTL_set_target): ioreq-server lifecycle and
 * ranges, IRQ lines, PCI link routes, remote shutdown, vCPU count. All return 0 or -errno. */
#ifndef XEN_DM_H
#define XEN_DM_H

#include <stdint.h>
#include "xen_abi.h"

void dm_init(domid_t guest);
int dm_create_ioreq_server(uint8_t handle_bufioreq, ioservid_t *id);
int dm_get_ioreq_server_info(ioservid_t id, evtchn_port_t *bufioreq_port);
int dm_map_io_range(ioservid_t id, uint32_t type, uint64_t start, uint64_t end);
int dm_unmap_io_range(ioservid_t id, uint32_t type, uint64_t start, uint64_t end);
int dm_set_ioreq_server_state(ioservid_t id, int enabled);
int dm_destroy_ioreq_server(ioservid_t id);
int dm_set_isa_irq_level(uint8_t irq, uint8_t level);
int dm_set_pci_intx_level(uint8_t bus, uint8_t device, uint8_t intx, uint8_t level);
int dm_set_pci_link_route(uint8_t link, uint8_t isa_irq);
int dm_remote_shutdown(uint32_t reason);
/* The guest's writes to [first_pfn, +nr) since the last call, one bit a page into bitmap (Xen
 * turns log-dirty on for the range at the first call). */
int dm_track_dirty_vram(uint64_t first_pfn, uint32_t nr, uint8_t *bitmap);
int dm_nr_vcpus(uint32_t *vcpus);

#endif
