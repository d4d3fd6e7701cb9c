/* runtime/xen/core_hv.h — what runtime/core asks of the machine under it, on Xen: struct core_hv
 * on the ioreq server's dm_op calls (ranges, ISA and PCI interrupt levels, PCI link routes), a
 * remote shutdown for the guest's reset and power-off, event-channel notifications, and the
 * VGA's VRAM placed in the guest's physmap (vram.c); struct core_guest_mem on the
 * foreign-mapping cache (guest_mem.c). */
#ifndef XEN_CORE_HV_H
#define XEN_CORE_HV_H

#include "core.h"

extern const struct core_hv xen_core_hv;
extern const struct core_guest_mem xen_guest_ram;

#endif
