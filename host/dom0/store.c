/* host/dom0/store.c — see store.h. Paths longer than 256 bytes are not ours: refused. */
#define _GNU_SOURCE
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/xenbus.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TRIES 8          /* transaction retries when a read node changed under us */
#define WARNED 16        /* nodes whose foreign owner was logged (a small ring: once each) */

static char warned[WARNED][256];
static unsigned warned_next;

static bool make_path(char *path, size_t size, const char *dir, const char *key)
{
    int n = snprintf(path, size, "%s/%s", dir, key);
    return n > 0 && (size_t)n < size;
}

static void warn_foreign(const char *path, unsigned owner)
{
    for (unsigned i = 0; i < WARNED; i++)
        if (!strcmp(warned[i], path))
            return;
    memcpy(warned[warned_next], path, strlen(path) + 1);   /* path: < 256 bytes (make_path) */
    warned_next = (warned_next + 1) % WARNED;
    printk("xenstore: %s is owned by domain %u, not dom0: ignored (a domain rewrote a node libxl wrote)\n",
           path, owner);
}

/* The node's value, or NULL when absent, too long or holding a NUL. */
static char *checked_value(char *v, unsigned len)
{
    if (v && (len > STORE_MAX_VALUE || strlen(v) != len)) {
        free(v);
        return 0;
    }
    return v;
}

char *store_trusted(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[256];
    if (!make_path(path, sizeof path, dir, key))
        return 0;
    for (int attempt = 0; attempt < TRIES; attempt++) {
        xs_transaction_t t = xs_transaction_start(xs);
        if (t == XBT_NULL)
            return 0;
        unsigned nperms = 0, len = 0;
        struct xs_permissions *perms = xs_get_permissions(xs, t, path, &nperms);
        char *v = perms ? xs_read(xs, t, path, &len) : 0;
        if (!xs_transaction_end(xs, t, false)) {
            free(perms), free(v);
            if (errno == EAGAIN)
                continue;   /* the node changed between the two reads: again */
            return 0;
        }
        bool ours = perms && nperms >= 1 && perms[0].id == 0;
        if (perms && v && !ours)
            warn_foreign(path, perms[0].id);
        free(perms);
        if (!ours) {
            free(v);
            return 0;
        }
        return checked_value(v, len);
    }
    return 0;
}

/* 1 to 10 decimal digits and nothing else (no sign, space or 0x), <= max. */
static int parse_bounded(const char *s, unsigned long max, unsigned long *v)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || n > 10 || strspn(s, "0123456789") != n)
        return -1;
    unsigned long long x = strtoull(s, 0, 10);
    if (x > max)
        return -1;
    *v = (unsigned long)x;
    return 0;
}

int store_trusted_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long max,
                        unsigned long *v)
{
    char *s = store_trusted(xs, dir, key);
    int rc = parse_bounded(s, max, v);
    free(s);
    return rc;
}

static char *untrusted(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[256];
    unsigned len = 0;
    if (!make_path(path, sizeof path, dir, key))
        return 0;
    char *v = xs_read(xs, XBT_NULL, path, &len);
    return checked_value(v, len);
}

int store_untrusted_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long max,
                          unsigned long *v)
{
    char *s = untrusted(xs, dir, key);
    int rc = parse_bounded(s, max, v);
    free(s);
    return rc;
}

bool store_untrusted_is(struct xs_handle *xs, const char *dir, const char *key, const char *word)
{
    char *s = untrusted(xs, dir, key);
    bool is = s && !strcmp(s, word);
    free(s);
    return is;
}

bool store_exists(struct xs_handle *xs, const char *dir, const char *key)
{
    char *s = untrusted(xs, dir, key);
    free(s);
    return s != 0;
}

void store_put(struct xs_handle *xs, const char *dir, const char *key, const char *fmt, ...)
{
    char path[256], val[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    if (make_path(path, sizeof path, dir, key))
        xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val));
}

void backend_fail(struct xs_handle *xs, const char *be, bool *failed, const char *kind, int devid,
                  const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (devid >= 0)
        printk("%s %d: %s\n", kind, devid, msg);
    else
        printk("%s: %s\n", kind, msg);
    *failed = true;
    if (be)
        store_put(xs, be, "state", "%d", XenbusStateClosed);
}
