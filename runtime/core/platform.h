/* runtime/core/platform.h — everything runtime/core needs from the platform under it, and nothing
 * else: it includes no libc header beyond the compiler's freestanding ones. runtime/posix
 * implements it on Linux, runtime/xen in the unikernel. The memory helpers have the standard
 * names because the wasm2c-generated device code calls them too. */
#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* One line of log output (no trailing newline in `text`). */
void platform_log(const char *text, size_t len);

/* Monotonic nanoseconds; the core uses it only for statistics. Virtual time (timers, now_lo/hi)
 * is what the platform passes to core_advance(). */
uint64_t platform_time_ns(void);

#endif
