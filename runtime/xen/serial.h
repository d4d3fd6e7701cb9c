/* runtime/xen/serial.h — the guest's UART on Xen. Its output goes to the stub domain's log as
 * "serial: <line>" lines (console 0, qemu-dm-<guest>.log in dom0) and, when the guest's xl
 * config has `serial=` (libxl then gives the stub domain console 3), byte for byte to console 3,
 * which `xl console <guest>` attaches to through the dom0 helper's pty. What is typed there goes
 * back to the UART's receiver through runtime/core's receive flow control (serial.c). */
#ifndef XEN_SERIAL_H
#define XEN_SERIAL_H

#include <stdint.h>
#include "core.h"

/* The chr backend to give the UART. */
struct core_chr_backend *serial_backend(void);
/* Connects console 3 when libxl created it; quiet when it did not (no `serial=`). */
void serial_connect(void);
/* The UART device that typed input goes to (NULL: none). */
void serial_attach(struct core *rt, struct core_device *uart);
/* Delivers waiting input and flushes a partial line the guest left for half a second. */
void serial_service(uint64_t now);
/* When serial_service next has something to do (UINT64_MAX: nothing). */
uint64_t serial_next_deadline(void);
/* Bytes the guest sent, and console 3's counters (for the periodic report). */
void serial_report(void);

#endif
