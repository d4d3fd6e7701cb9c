/* runtime/core/fmt.c — the bounded string builder (see fmt.h). */
#include "fmt.h"

void fmt_init(struct fmt *f, char *buf, size_t cap)
{
    f->buf = buf;
    f->cap = cap;
    f->len = 0;
    if (cap) buf[0] = 0;
}

void fmt_mem(struct fmt *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && f->len + 1 < f->cap; i++) f->buf[f->len++] = s[i];
    if (f->cap) f->buf[f->len] = 0;
}

size_t core_strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int core_streq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

void fmt_str(struct fmt *f, const char *s)
{
    fmt_mem(f, s, core_strlen(s));
}

static void digits(struct fmt *f, uint64_t v, unsigned base)
{
    char tmp[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (n) fmt_mem(f, &tmp[--n], 1);
}

void fmt_dec(struct fmt *f, uint64_t v) { digits(f, v, 10); }
void fmt_hex(struct fmt *f, uint64_t v) { digits(f, v, 16); }

void fmt_sdec(struct fmt *f, int64_t v)
{
    if (v < 0) {
        fmt_str(f, "-");
        digits(f, (uint64_t)0 - (uint64_t)v, 10);
    } else {
        digits(f, (uint64_t)v, 10);
    }
}

static void hex_pad(struct fmt *f, unsigned v, int width)
{
    static const char hx[] = "0123456789abcdef";
    for (int i = width - 1; i >= 0; i--) fmt_mem(f, &hx[(v >> (4 * i)) & 15], 1);
}

void fmt_bdf(struct fmt *f, uint32_t bdf)
{
    hex_pad(f, (bdf >> 8) & 0xff, 2);
    fmt_str(f, ":");
    hex_pad(f, (bdf >> 3) & 0x1f, 2);
    fmt_str(f, ".");
    fmt_dec(f, bdf & 7);
}
