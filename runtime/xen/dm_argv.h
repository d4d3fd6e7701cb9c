/* runtime/xen/dm_argv.h — the device-model arguments libxl wrote for the guest, in xenstore
 * under /vm/<uuid>/image/dm-argv/000, 001, ... (what it would have passed a QEMU: -m, -vnc, ...).
 * Read once at start; the values stay valid for the domain's life. */
#ifndef XEN_DM_ARGV_H
#define XEN_DM_ARGV_H

#include "xen_abi.h"

/* Reads the guest's dm-argv (and logs it). */
void dm_argv_read(domid_t guest);
/* The argument after `flag` ("-m"), or NULL when there is none. */
const char *dm_argv_value(const char *flag);

#endif
