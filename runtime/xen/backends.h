/* runtime/xen/backends.h — the stub domain's frontends as the backends behind runtime/core's
 * capabilities. A device gets a backend because its manifest grants the capability (crosvm binds
 * a BusDevice by what it does, not by its name): chr → the guest's serial line (serial.c: the
 * log and console 3), blk → the guest's vbds as IDE units hda..hdd (blkfront), net → the guest's
 * first vif (netfront), display → the screen (screen.c). ABI v1 has no capability for keyboard
 * and mouse events: the vkbd's input goes to the device whose module is the PS/2 controller. */
#ifndef XEN_BACKENDS_H
#define XEN_BACKENDS_H

#include <stdbool.h>
#include <stdint.h>
#include "core.h"
#include "xen_abi.h"

/* What the frontends found, for the device configuration's ${ide}, ${mac} and ${link}. */
struct backend_facts {
    char ide[64];   /* hda=disk,hdb=none,hdc=cdrom,hdd=none */
    char mac[32];   /* the vif's MAC, "" without one */
    bool link_up;   /* netfront connected */
};

/* Connects the guest's vbds, its first vif and console 3 (in that order). */
void backends_connect(domid_t self, struct backend_facts *facts);
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
