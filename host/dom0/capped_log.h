/* host/dom0/capped_log.h — the files the dom0 helper writes, capped: its own log (stderr, which
 * libxl points at /var/log/xen/qemu-dm-<guest>-dm.log), the stub domain's console 0 log and the
 * guest's `serial = "file:..."` outputs. A regular file never grows past its cap: the write that
 * would pass it first truncates the file to nothing and starts it again with one line saying so
 * (the newest output is the one worth keeping). Anything else (a pipe, a terminal) is written
 * as is. */
#ifndef DOM0_CAPPED_LOG_H
#define DOM0_CAPPED_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HELPER_LOG_CAP (4u << 20)     /* the helper's own log */
#define CONSOLE_LOG_CAP (16u << 20)   /* console 0 and file: serial outputs, each */

struct capped_log {
    int fd;
    bool regular;
    uint64_t size, cap;
    unsigned truncations;
};

/* Takes over `fd` (may be -1: writes then go nowhere); its current size counts. */
void capped_log_init(struct capped_log *l, int fd, uint64_t cap);
/* As write(2): the bytes taken (all of them for a regular file), or -1 with errno. */
ssize_t capped_log_write(struct capped_log *l, const void *buf, size_t n);

#endif
