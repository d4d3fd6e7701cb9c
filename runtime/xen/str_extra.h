/* runtime/xen/str_extra.h — strlcpy and parse_u64 (str_extra.c): what runtime/xen adds to a C
 * library; lib.h includes this, and test/xen's host harnesses include it beside the host's libc. */
#ifndef XEN_STR_EXTRA_H
#define XEN_STR_EXTRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies at most size-1 bytes and a NUL (when size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parses a decimal number; returns false on an empty string or a non-digit. */
bool parse_u64(const char *s, uint64_t *out);

#endif
