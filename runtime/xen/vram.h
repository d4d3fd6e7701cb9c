/* runtime/xen/vram.h — the VGA's VRAM as pages of the guest (ARCHITECTURE.md §4 on Xen): the
 * LFB BAR's frames are populated in the guest's physmap and mapped over the VRAM range of the
 * VGA module's memory, so the guest's framebuffer stores are plain memory writes (no ioreq) and
 * the device reads the same bytes. Dirty pages come from Xen's track_dirty_vram. */
#ifndef XEN_VRAM_H
#define XEN_VRAM_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

void vram_init(domid_t guest);
/* Puts `len` bytes of VRAM at `backing` (page-aligned, inside our own memory) at guest-physical
 * `gpa`: populates and maps the guest frames on the first call, moves them when the BAR moved.
 * 0, or -1 after logging why (the caller then serves the range through ioreqs). */
int vram_place(uint64_t gpa, uint64_t len, uint8_t *backing);
/* The dirty bits of the guest pages [gpa, +len) since the last call, one bit a page (LSB first):
 * bit i is frame (gpa >> 12) + i, for i < ceil(len / 4096), which is all `bitmap` must hold (Xen
 * is asked for no more, whatever gpa's alignment); false when Xen cannot tell (no HAP, or not
 * placed, or the range is not inside the placed VRAM). */
bool vram_dirty(uint64_t gpa, uint64_t len, uint8_t *bitmap);

#endif
