/* runtime/core/format.h — text without libc, for runtime/core's log lines and failure reports and
 * for runtime/xen (its vsnprintf/snprintf/printk are these): a bounded printf-style formatter and
 * the two string helpers it rests on. Conversions: %s %c %d %i %u %x %X %p %%; flags '0' and '-';
 * width and precision as digits or '*' (precision bounds a %s, a minimum digit count for numbers);
 * length modifiers hh h l ll z j t. Hex is lowercase with no prefix unless asked (%p adds "0x"),
 * so reports read as host/node's toString(16) does. No allocation, no locale, no floating point. */
#ifndef CORE_FORMAT_H
#define CORE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* C's vsnprintf: writes at most size-1 characters and a NUL (when size > 0); returns the length
 * the whole text would have had. */
int core_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int core_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* bus:dev.fn as host/node's fmtBdf writes it: core_snprintf(buf, n, "PCI " CORE_BDF_FMT, CORE_BDF(bdf)) */
#define CORE_BDF_FMT "%02x:%02x.%u"
#define CORE_BDF(bdf) (unsigned)(((bdf) >> 8) & 0xff), (unsigned)(((bdf) >> 3) & 0x1f), (unsigned)((bdf) & 7)

size_t core_strlen(const char *s);
int core_streq(const char *a, const char *b);

#endif
