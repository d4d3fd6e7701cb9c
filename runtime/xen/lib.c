/* runtime/xen/lib.c — freestanding implementations of the helpers declared in lib.h (strlcpy and
 * parse_u64 are in str_extra.c, which the host harnesses share). GCC may
 * emit calls to memcpy/memset/memmove/memcmp itself, so these keep their standard names;
 * vsnprintf/snprintf are runtime/core's formatter under the names the kernel's code uses. */
#include "lib.h"
#include "format.h"

/* rep movsb / rep stosb: fast on every CPU with ERMSB and under QEMU's TCG (the devices copy
 * and clear megabytes: VGA memory, block data). The direction flag is clear (head.S: cld). */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

/* The formatter is runtime/core's (format.c): one implementation for the kernel and the core. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return core_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
