/* runtime/xen/backends.h — the stub domain's frontends as the backends behind runtime/core's
 * capabilities. A device gets a backend because its manifest grants the capability (crosvm binds
 * a BusDevice by what it does, not by its name): chr → the guest's serial line (serial.c: the
 * log and console 3 + n for the n-th UART), blk → the guest's vbds as IDE units hda..hdd
 * (blkfront), net → the K-th NIC of dm-argv's vif (netfront, for the K-th net device), display →
 * the screen (screen.c). ABI v1 has no capability for keyboard
 * and mouse events: the vkbd's input goes to the device whose module is the PS/2 controller. */
#ifndef XEN_BACKENDS_H
#define XEN_BACKENDS_H

#include <stdbool.h>
#include <stdint.h>
#include "core.h"
#include "dm_argv.h"
#include "xen_abi.h"

/* What the frontends found, for the device configuration's ${ide} and ${nicK_link}. */
struct backend_facts {
    char ide[64];                /* hda=disk,hdb=none,hdc=cdrom,hdd=none */
    bool link_up[DM_MAX_NICS];   /* the K-th NIC's netfront connected */
};

/* Connects the guest's vbds (refusing those dm-argv puts on AHCI), the vifs of dm-argv's NICs
 * and the serial consoles 3.. (in that order). */
void backends_connect(domid_t self, const struct dm_machine *m, struct backend_facts *facts);
/* Before core_add_device: the backends the capabilities `caps` call for. */
void backends_bind(struct core_device_spec *spec, uint32_t caps);
/* After it: the device as the one input, frames, received frames or typed bytes go to. */
void backends_attach(struct core *rt, struct core_device *dev);
/* Received frames to the net device; true when netfront left some for the next pass. */
bool backends_poll_net(struct core *rt);
/* Typed input, partial lines, the screen (after the device work of a pass). */
void backends_service(uint64_t now);
/* When backends_service next has something to do (UINT64_MAX: nothing). */
uint64_t backends_next_deadline(void);
void backends_report(void);

#endif
