/* runtime/xen/platform.c — runtime/core's platform.h in the unikernel: log lines to the stub
 * domain's console (console 0: qemu-dm-<guest>.log in dom0) stamped with Xen system time, and
 * that time as the core's clock. The memory helpers are lib.c's. */
#include "console.h"
#include "lib.h"
#include "platform.h"
#include "time.h"

void platform_log(const char *text, size_t len)
{
    char buf[400];
    uint64_t t = time_ns();
    int n = snprintf(buf, sizeof buf, "[%5lu.%06lu] ", (unsigned long)(t / 1000000000UL),
                     (unsigned long)((t / 1000UL) % 1000000UL));
    if (len > sizeof buf - (size_t)n - 1)
        len = sizeof buf - (size_t)n - 1;
    memcpy(buf + n, text, len);
    buf[(size_t)n + len] = '\n';
    console_write(buf, (size_t)n + len + 1);
}

uint64_t platform_time_ns(void) { return time_ns(); }
