/* runtime/core/format.c — the bounded printf-style formatter (see format.h). One conversion spec
 * is parsed into struct spec, its argument fetched by its length modifier, then written with the
 * padding the spec asks for; every character goes through put(), which never writes past the
 * buffer but keeps counting, so the result is C's snprintf's. */
#include "format.h"

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

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    for (; n > 0; n--) put(o, c);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

struct spec {
    int width, precision; /* precision -1: none */
    char zero, left;
    enum length length;
};

static int number(const char **fmt, va_list *ap)
{
    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    int n = 0;
    while (**fmt >= '0' && **fmt <= '9') n = n * 10 + (*(*fmt)++ - '0');
    return n;
}

/* Parses flags, width, precision and length after a '%'; *fmt is left at the conversion. */
static struct spec parse(const char **fmt, va_list *ap)
{
    struct spec s = {.precision = -1};
    for (;; (*fmt)++) {
        if (**fmt == '0') s.zero = 1;
        else if (**fmt == '-') s.left = 1;
        else break;
    }
    s.width = number(fmt, ap);
    if (s.width < 0) s.left = 1, s.width = -s.width;
    if (**fmt == '.') {
        (*fmt)++;
        s.precision = number(fmt, ap);
        if (s.precision < 0) s.precision = -1;
    }
    switch (**fmt) {
    case 'h': s.length = (*++*fmt == 'h') ? ((*fmt)++, LEN_CHAR) : LEN_SHORT; break;
    case 'l': s.length = (*++*fmt == 'l') ? ((*fmt)++, LEN_LLONG) : LEN_LONG; break;
    case 'z': (*fmt)++, s.length = LEN_SIZE; break;
    case 'j': (*fmt)++, s.length = LEN_MAX; break;
    case 't': (*fmt)++, s.length = LEN_PTRDIFF; break;
    default: break;
    }
    return s;
}

static uint64_t unsigned_arg(enum length l, va_list *ap)
{
    switch (l) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

static int64_t signed_arg(enum length l, va_list *ap)
{
    switch (l) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

/* prefix ("-", "0x" or ""), then zero padding or the precision's digits, then the digits */
static void put_number(struct out *o, const struct spec *s, uint64_t v, unsigned base, int upper, const char *prefix)
{
    const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digit[v % base];
        v /= base;
    } while (v);
    int plen = (int)core_strlen(prefix);
    int zeros = s->precision > n ? s->precision - n : 0;
    int pad = s->width - plen - zeros - n;
    if (s->zero && !s->left && s->precision < 0) zeros += pad > 0 ? pad : 0, pad = 0;
    if (!s->left) put_n(o, ' ', pad);
    while (*prefix) put(o, *prefix++);
    put_n(o, '0', zeros);
    while (n) put(o, tmp[--n]);
    if (s->left) put_n(o, ' ', pad);
}

static void put_text(struct out *o, const struct spec *s, const char *text)
{
    if (!text) text = "(null)";
    int n = 0;
    while ((s->precision < 0 || n < s->precision) && text[n]) n++;
    if (!s->left) put_n(o, ' ', s->width - n);
    for (int i = 0; i < n; i++) put(o, text[i]);
    if (s->left) put_n(o, ' ', s->width - n);
}

int core_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;
    va_copy(ap, ap_in);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        struct spec s = parse(&fmt, &ap);
        switch (*fmt) {
        case 's': put_text(&o, &s, va_arg(ap, const char *)); break;
        case 'c': {
            char c[2] = {(char)va_arg(ap, int), 0};
            struct spec one = s;
            one.precision = 1;
            put_text(&o, &one, c);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = signed_arg(s.length, &ap);
            put_number(&o, &s, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, 0, v < 0 ? "-" : "");
            break;
        }
        case 'u': put_number(&o, &s, unsigned_arg(s.length, &ap), 10, 0, ""); break;
        case 'x':
        case 'X': put_number(&o, &s, unsigned_arg(s.length, &ap), 16, *fmt == 'X', ""); break;
        case 'p': put_number(&o, &s, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 0, "0x"); break;
        case '%': put(&o, '%'); break;
        case 0: fmt--; break; /* a lone '%' ends the format */
        default:
            put(&o, '%');
            put(&o, *fmt);
        }
    }
    va_end(ap);
    if (o.size) o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return (int)o.len;
}

int core_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = core_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
