/* runtime/xen/devices.h — runtime/core inside the unikernel: struct core_hv on dm_op and the
 * ioreq server, core_guest_mem on the foreign-mapping cache, platform.h on the console and Xen
 * time, and the guest's device set from the module's "devices" section (build/xen/devices.conf)
 * filled in from xenstore (RAM size from dm-argv, IDE units from our vbds, the MAC from the
 * guest's vif). Backends: the UART's chr output goes to the console as "serial: " lines, the
 * VGA's option ROM comes from the module's "vgabios" section, IDE units are blkfront devices. */
#ifndef XEN_DEVICES_H
#define XEN_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

/* Reads the guest's dm-argv (and logs it). */
void devices_read_argv(domid_t guest);
/* Instantiates every configured device; the ioreq server must exist (claims become dm_op
 * ranges) and not be enabled yet. Returns 0, or -1 after logging why (bad module file, ...). */
int devices_init(domid_t self, domid_t guest, const uint8_t *mod, uint64_t mod_len);
/* One pass of the main loop: virtual time, ioreqs (sync + buffered), backend completions,
 * periodic reports (VGA text screen on change, serial line flush). */
void devices_service(void);
/* Xen system time (ns) of the next device timer, or UINT64_MAX. */
uint64_t devices_next_deadline(void);
/* Statistics for the log. */
void devices_report(void);

#endif
