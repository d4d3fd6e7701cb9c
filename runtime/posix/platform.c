/* runtime/posix/platform.c — runtime/core's platform interface (core/platform.h) on Linux:
 * libc provides memcpy and friends; logs go to stderr; time is CLOCK_MONOTONIC. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include "../core/platform.h"

void platform_log(const char *text, size_t len)
{
    fprintf(stderr, "%.*s\n", (int)len, text);
}

uint64_t platform_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
