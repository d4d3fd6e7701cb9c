/* runtime/core/fmt.h — a bounded string builder for log lines and failure reports, without libc:
 * text, unsigned decimal and lowercase hex with no padding (JavaScript's toString(16), so the
 * reports read exactly like host/node's). Output is always NUL-terminated and truncated to fit. */
#ifndef CORE_FMT_H
#define CORE_FMT_H

#include <stddef.h>
#include <stdint.h>

struct fmt {
    char *buf;
    size_t cap, len;
};

void fmt_init(struct fmt *f, char *buf, size_t cap);
void fmt_str(struct fmt *f, const char *s);
void fmt_mem(struct fmt *f, const char *s, size_t n);
void fmt_dec(struct fmt *f, uint64_t v);
void fmt_sdec(struct fmt *f, int64_t v);
void fmt_hex(struct fmt *f, uint64_t v);
/* bus:dev.fn as two hex digits, two hex digits, one digit (host/node's fmtBdf) */
void fmt_bdf(struct fmt *f, uint32_t bdf);
size_t core_strlen(const char *s);
int core_streq(const char *a, const char *b);

#endif
