/* runtime/xen/guest_mem.h — reading and writing the guest's RAM from the stub domain, through a
 * small cache of foreign mappings (one 4 KiB window per guest frame, round-robin replacement).
 * This is what backs runtime/core's core_guest_mem (DMA, string I/O). Xen's INVALIDATE ioreq
 * (the guest's memory map changed) must call guest_mem_invalidate(). */
#ifndef XEN_GUEST_MEM_H
#define XEN_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

void guest_mem_init(domid_t guest);
/* false when a page is not guest RAM (mapping refused); nothing is copied past that point. */
bool guest_mem_read(uint64_t gpa, void *dst, uint32_t len);
bool guest_mem_write(uint64_t gpa, const void *src, uint32_t len);
void guest_mem_invalidate(void);

#endif
