/* runtime/xen/devices.h — runtime/core inside the unikernel: the guest's device set from the
 * module's "devices" section (build/xen/devices.conf, devices_conf.h) filled in with the machine
 * libxl's dm-argv describes (dm_argv.h: RAM, boot order, VGA, NICs, serial ports, PCI slots) and
 * what the frontends found (IDE units from our vbds, each NIC's netfront), each device
 * given the backends its manifest's capabilities call for (backends.h), on the hypervisor of
 * core_hv.h. The display device's option ROM comes from the module's "vgabios" section, as the
 * ABI's EVENT_ROM_IMAGE. */
#ifndef XEN_DEVICES_H
#define XEN_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

/* Instantiates every configured device; the ioreq server must exist (claims become dm_op
 * ranges) and not be enabled yet; dm_argv_read first. Returns 0, or -1 after logging why (bad
 * module file, a device refused, ...). */
int devices_init(domid_t self, domid_t guest, const uint8_t *mod, uint64_t mod_len);
/* One pass of the main loop: virtual time, ioreqs (sync + buffered), backend completions,
 * periodic reports (VGA text screen on change, serial line flush). */
void devices_service(void);
/* Xen system time (ns) of the next device timer, or UINT64_MAX. */
uint64_t devices_next_deadline(void);
/* Statistics for the log. */
void devices_report(void);

#endif
