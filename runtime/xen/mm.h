/* runtime/xen/mm.h — memory for the PV unikernel: pseudo-physical <-> machine frame translation
 * (the p2m list Xen hands over, the read-only M2P table), remapping one of our pages onto a
 * machine frame (shared_info, grant-table frames, later foreign guest pages), and a page
 * allocator over a fixed arena inside the image's bss (inside Xen's initial mapping). */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <stddef.h>
#include <stdint.h>
#include "xen_abi.h"

void mm_init(const struct start_info *si);
/* Maps every page of the domain above Xen's initial mapping, contiguously, and returns the
 * region (NULL, len 0, when there is none). Call once. Not zeroed here. */
void *mm_map_rest(size_t *len);

/* Machine frame behind one of our own virtual addresses: the initial mapping or the region
 * mm_map_rest mapped. */
uint64_t virt_to_mfn(const void *va);
/* Our virtual address of a machine frame that belongs to our initial mapping. */
void *mfn_to_virt(uint64_t mfn);

/* Pages from the arena, zeroed; NULL when exhausted. */
void *page_alloc(unsigned npages);
void page_free(void *p, unsigned npages);
unsigned pages_free(void);
unsigned pages_total(void);

/* Takes an arena page and points it at machine frame `mfn` (writable); NULL on failure.
 * The page's own frame is kept aside and restored by unmap_frame. */
void *map_frame(uint64_t mfn);
void unmap_frame(void *va);
/* A machine frame owned by another domain we have privilege over (our device-model target),
 * named by its machine frame number, e.g. ioreq-server pages from XENMEM_acquire_resource:
 * mmu_update with MMU_PT_UPDATE_NO_TRANSLATE on the page's L1 entry. */
void *map_foreign_mfn(uint64_t mfn, domid_t owner);
/* A page of an HVM guest named by its guest frame number (guest RAM for DMA, VRAM):
 * Xen translates through the guest's p2m. */
void *map_foreign_gfn(uint64_t gfn, domid_t owner);

#endif
