/* host/dom0/store.c — see store.h. Paths longer than 256 bytes are not ours: cut, and then
 * simply not found. */
#define _GNU_SOURCE
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *store_get(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[256];
    unsigned len;
    snprintf(path, sizeof path, "%s/%s", dir, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

int store_get_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long *v)
{
    char *s = store_get(xs, dir, key), *end;
    if (!s)
        return -1;
    *v = strtoul(s, &end, 10);
    int ok = *s && !*end;
    free(s);
    return ok ? 0 : -1;
}

void store_put(struct xs_handle *xs, const char *dir, const char *key, const char *fmt, ...)
{
    char path[256], val[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "%s/%s", dir, key);
    xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val));
}
