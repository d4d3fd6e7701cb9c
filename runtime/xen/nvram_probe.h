/* runtime/xen/nvram_probe.h — the "ioreq-probe" stand-in device (see nvram_probe.c). */
#ifndef XEN_NVRAM_PROBE_H
#define XEN_NVRAM_PROBE_H

int nvram_probe_init(void);
void nvram_probe_report(void);

#endif
