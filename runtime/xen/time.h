/* runtime/xen/time.h — Xen system time (ns since the hypervisor booted) from vcpu 0's
 * vcpu_time_info in shared_info, extrapolated with the TSC. */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <stdint.h>
#include "xen_abi.h"

void time_init(struct shared_info *si);
uint64_t time_ns(void);   /* 0 before time_init */

#endif
