/* runtime/xen/modfile.h — the PV module libxl loads from `stubdomain_ramdisk=` (build/out/stubdom.mod,
 * written by build/xen/pack-mod.mjs): a 32-byte header, a section table, the sections.
 *   header:  "WSTUBMOD" | u32 version (1) | u32 section count | u32 total length |
 *            u32 FNV-1a of the section table | 8 bytes zero
 *   section: char name[16] (NUL-padded) | u32 offset | u32 length | u32 FNV-1a of the bytes | u32 0
 * Sections today: "vgabios" (the VGA option ROM) and "devices" (build/xen/devices.conf).
 * modfile_open() checks everything and says what is wrong, in words, on failure. */
#ifndef XEN_MODFILE_H
#define XEN_MODFILE_H

#include <stddef.h>
#include <stdint.h>

/* 0 when the module is well formed; otherwise fills why[] and returns -1. */
int modfile_open(const uint8_t *mod, size_t len, char *why, size_t whylen);
/* A section's bytes, or NULL (len 0) when absent. */
const uint8_t *modfile_section(const char *name, uint32_t *len);

#endif
