/* host/dom0/log_console.h — console 0 of the stub domain (its log: our printk) in the dom0
 * helper: maps its ring (a machine frame, by xenforeignmemory restricted to the stub domain),
 * binds its event channel and appends what the stub domain writes to the file libxl names in the
 * console's `output` node (`file:/var/log/xen/qemu-dm-<guest>.log`), as QEMU's xen console
 * backend would. The file is capped (capped_log.h); a ring index out of range stops the
 * draining with a log line. */
#ifndef DOM0_LOG_CONSOLE_H
#define DOM0_LOG_CONSOLE_H

#include <stdbool.h>
#include <xenevtchn.h>
#include <xenstore.h>

/* `name` is the helper's -name (the stub domain's, "<guest>-dm"): the log's name when no
 * dom0-owned `output` node says otherwise. Returns false (logged) when console 0 cannot be served. */
bool log_console_open(struct xs_handle *xs, unsigned stub, const char *name);
/* The event-channel handle to poll, NULL when console 0 is not served. */
xenevtchn_handle *log_console_evtchn(void);
/* After a poll (`kicked`: its fd was readable) or on the periodic tick: copies what the stub
 * domain wrote to the file and frees the ring space. */
void log_console_drain(bool kicked);

#endif
