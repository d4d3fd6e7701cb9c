/* runtime/xen/lib.h — the little of a C library the unikernel needs: memory and string helpers,
 * number parsing, and snprintf/vsnprintf, which are runtime/core's bounded formatter
 * (runtime/core/format.h lists the conversions). No allocation, no locale, no floating point. */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#include "str_extra.h" /* strlcpy, parse_u64 */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define barrier() __asm__ volatile("" ::: "memory")
#define mb()      __asm__ volatile("mfence" ::: "memory")
#define rmb()     __asm__ volatile("lfence" ::: "memory")
#define wmb()     __asm__ volatile("sfence" ::: "memory")
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
