/* runtime/xen/serial.h — the guest's UARTs on Xen: COM1..COM4, one per `-serial` of dm-argv
 * (COM1 always). COMn's output goes byte for byte to console 3 + n - 1 when libxl created it (the
 * xl config's `serial=` / `serial=[...]`; `xl console <guest>` attaches to console 3 through the
 * dom0 helper's pty), and COM1's also to the stub domain's log as "serial: <line>" lines
 * (console 0, qemu-dm-<guest>.log in dom0; COMn's lines as "serial<n>: ..."). What is typed on a
 * console goes back to its UART's receiver through runtime/core's receive flow control. */
#ifndef XEN_SERIAL_H
#define XEN_SERIAL_H

#include <stdint.h>
#include "core.h"

#define SERIAL_PORTS 4

/* The chr backend of COM(port + 1). */
struct core_chr_backend *serial_backend(unsigned port);
/* Connects consoles 3 .. 3 + nports - 1 that libxl created; quiet for those it did not. */
void serial_connect(unsigned nports);
/* The UART device that COM(port + 1)'s typed input goes to. */
void serial_attach(struct core *rt, unsigned port, struct core_device *uart);
/* Delivers waiting input and flushes a partial line the guest left for half a second. */
void serial_service(uint64_t now);
/* When serial_service next has something to do (UINT64_MAX: nothing). */
uint64_t serial_next_deadline(void);
/* Bytes the guest sent, and the consoles' counters (for the periodic report). */
void serial_report(void);

#endif
