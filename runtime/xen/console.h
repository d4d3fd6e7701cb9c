/* runtime/xen/console.h — the stub domain's log: PV console 0 (libxl routes it to
 * /var/log/xen/qemu-dm-<guest>.log in dom0) and, where Xen allows it, Xen's own console. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "xen_abi.h"

void console_init(const struct start_info *si);
void console_write(const char *buf, size_t len);
/* How long a write may wait for room in a full ring before output is dropped. */
void console_set_patience(uint64_t ns);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
