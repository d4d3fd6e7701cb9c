/* runtime/xen/str_extra.c — strlcpy and parse_u64, the string helpers runtime/xen adds to a C
 * library (str_extra.h). A file of their own so that the host harnesses in test/xen compile
 * these very ones beside the host's libc instead of copies. */
#include "lib.h" /* memcpy, strlen: the kernel's own or, in a host harness, libc's */

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}
