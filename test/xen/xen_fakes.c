/* test/xen/xen_fakes.c — see xen_fakes.h. */
#define _GNU_SOURCE
#include "xen_fakes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenstore.h>

/* ---- xenstore: a flat table of path = value, each node with its owner ---- */

#define MAX_NODES 128
static struct { char path[160], val[160]; unsigned owner; } nodes[MAX_NODES];
unsigned watches;
int txn_conflicts;

static int node_find(const char *path)
{
    for (int i = 0; i < MAX_NODES; i++)
        if (nodes[i].path[0] && !strcmp(nodes[i].path, path))
            return i;
    return -1;
}

static void vset(unsigned owner, bool set_owner, const char *path, const char *fmt, va_list ap)
{
    int i = node_find(path);
    bool created = i < 0;
    for (int k = 0; i < 0 && k < MAX_NODES; k++)
        if (!nodes[k].path[0])
            i = k;
    if (i < 0) {
        fprintf(stderr, "xenstore table full\n");
        exit(2);
    }
    snprintf(nodes[i].path, sizeof nodes[i].path, "%s", path);
    vsnprintf(nodes[i].val, sizeof nodes[i].val, fmt, ap);
    if (created || set_owner)
        nodes[i].owner = owner;   /* a write keeps the node's permissions */
}

void set(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(0, false, path, fmt, ap);
    va_end(ap);
}

void set_by(unsigned domid, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(domid, true, path, fmt, ap);
    va_end(ap);
}

const char *val(const char *path)
{
    int i = node_find(path);
    return i < 0 ? 0 : nodes[i].val;
}

void rm_tree(const char *prefix)
{
    size_t n = strlen(prefix);
    for (int i = 0; i < MAX_NODES; i++)
        if (!strncmp(nodes[i].path, prefix, n) && (nodes[i].path[n] == '/' || !nodes[i].path[n]))
            nodes[i].path[0] = 0;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned *len)
{
    (void)h, (void)t;
    const char *v = val(path);
    if (!v)
        return 0;
    if (len)
        *len = (unsigned)strlen(v);
    return strdup(v);
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned *num)
{
    (void)h, (void)t;
    int i = node_find(path);
    if (i < 0)
        return 0;
    struct xs_permissions *p = malloc(sizeof *p);
    *p = (struct xs_permissions){ .id = nodes[i].owner, .perms = XS_PERM_NONE };
    *num = 1;
    return p;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    (void)h;
    return 1;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    (void)h, (void)t, (void)abort;
    if (txn_conflicts > 0) {
        txn_conflicts--;
        errno = EAGAIN;
        return false;
    }
    return true;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data, unsigned len)
{
    (void)h, (void)t;
    set(path, "%.*s", (int)len, (const char *)data);
    return true;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned *num)
{
    (void)h, (void)t;
    static char names[MAX_NODES][64];
    unsigned n = 0;
    size_t plen = strlen(path);
    for (int i = 0; i < MAX_NODES; i++) {
        const char *p = nodes[i].path;
        if (!p[0] || strncmp(p, path, plen) || p[plen] != '/')
            continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p + plen + 1, "/"), p + plen + 1);
        unsigned k = 0;
        while (k < n && strcmp(names[k], name))
            k++;
        if (k == n)
            strcpy(names[n++], name);
    }
    if (!n)
        return 0;
    /* one allocation, as libxenstore returns it: the caller frees the array only */
    char **out = malloc(n * sizeof *out + n * 64);
    for (unsigned k = 0; k < n; k++) {
        out[k] = (char *)(out + n) + k * 64;
        strcpy(out[k], names[k]);
    }
    *num = n;
    return out;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    (void)h, (void)path, (void)token;
    watches++;
    return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    (void)h, (void)path, (void)token;
    watches--;
    return true;
}

/* ---- grant table: ref N is page N of the frontend's memory ---- */

uint8_t fe_mem[FE_PAGES][4096] __attribute__((aligned(4096)));
static struct { void *addr; uint32_t refs[16], count; } maps[8];
int live_maps;
int dummy_handle;

xengnttab_handle *xengnttab_open(struct xentoollog_logger *l, unsigned flags)
{
    (void)l, (void)flags;
    return (xengnttab_handle *)&dummy_handle;
}

void *xengnttab_map_grant_ref(xengnttab_handle *g, uint32_t domid, uint32_t ref, int prot)
{
    (void)g, (void)domid, (void)prot;
    if (ref >= FE_PAGES)
        return 0;
    live_maps++;
    return fe_mem[ref];   /* the ring: shared for real, as a grant mapping is */
}

/* Segments are copied into a fresh buffer and back at unmap, so that a backend that wrote
 * outside the mapping or forgot to unmap shows. */
void *xengnttab_map_domain_grant_refs(xengnttab_handle *g, uint32_t count, uint32_t domid, uint32_t *refs, int prot)
{
    (void)g, (void)domid, (void)prot;
    if (count > 16)
        return 0;
    for (uint32_t i = 0; i < count; i++)
        if (refs[i] >= FE_PAGES)
            return 0;
    for (int m = 0; m < 8; m++) {
        if (maps[m].addr)
            continue;
        uint8_t *buf = aligned_alloc(4096, count * 4096);
        for (uint32_t i = 0; i < count; i++)
            memcpy(buf + i * 4096, fe_mem[refs[i]], 4096);
        maps[m].addr = buf;
        maps[m].count = count;
        memcpy(maps[m].refs, refs, count * sizeof *refs);
        live_maps++;
        return buf;
    }
    return 0;
}

int xengnttab_unmap(xengnttab_handle *g, void *addr, uint32_t count)
{
    (void)g;
    for (uint32_t r = 0; r < FE_PAGES; r++)
        if (addr == fe_mem[r] && count == 1) {
            live_maps--;
            return 0;
        }
    for (int m = 0; m < 8; m++) {
        if (maps[m].addr != addr)
            continue;
        check(maps[m].count == count, "unmap of %u pages matches its map of %u", count, maps[m].count);
        for (uint32_t i = 0; i < count; i++)
            memcpy(fe_mem[maps[m].refs[i]], (uint8_t *)addr + i * 4096, 4096);
        free(addr);
        maps[m].addr = 0;
        live_maps--;
        return 0;
    }
    check(0, "unmap of an address that was never mapped");
    return -1;
}

/* ---- event channels ---- */

int notifies, bound;

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *l, unsigned flags)
{
    (void)l, (void)flags;
    return (xenevtchn_handle *)&dummy_handle;
}
int xenevtchn_fd(xenevtchn_handle *x) { (void)x; return -1; }
int xenevtchn_notify(xenevtchn_handle *x, evtchn_port_t p) { (void)x, (void)p; notifies++; return 0; }
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *x, uint32_t d, evtchn_port_t p)
{
    (void)x, (void)d, (void)p;
    bound++;
    return 40;
}
int xenevtchn_unbind(xenevtchn_handle *x, evtchn_port_t p) { (void)x, (void)p; bound--; return 0; }
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *x) { (void)x; return -1; }
int xenevtchn_unmask(xenevtchn_handle *x, evtchn_port_t p) { (void)x, (void)p; return 0; }
int xenevtchn_restrict(xenevtchn_handle *x, domid_t d) { (void)x, (void)d; return 0; }

/* ---- foreign memory: machine frame N is page N of the frontend's memory ---- */

int foreign_maps;   /* foreign mappings not yet unmapped */

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *l, unsigned flags)
{
    (void)l, (void)flags;
    return (xenforeignmemory_handle *)&dummy_handle;
}
int xenforeignmemory_restrict(xenforeignmemory_handle *f, domid_t d) { (void)f, (void)d; return 0; }

/* One frame: the page itself (shared, as a mapping is). Several: a copy (the helper only reads
 * the framebuffer and the page directory). */
void *xenforeignmemory_map(xenforeignmemory_handle *f, uint32_t dom, int prot, size_t n, const xen_pfn_t arr[], int err[])
{
    (void)f, (void)dom, (void)prot;
    for (size_t i = 0; i < n; i++)
        if (arr[i] >= FE_PAGES) {
            errno = EFAULT;
            return 0;
        }
    for (size_t i = 0; i < n; i++)
        err[i] = 0;
    foreign_maps++;
    if (n == 1)
        return fe_mem[arr[0]];
    uint8_t *buf = aligned_alloc(4096, n * 4096);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * 4096, fe_mem[arr[i]], 4096);
    return buf;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *f, void *addr, size_t n)
{
    (void)f;
    foreign_maps--;
    if (n != 1)
        free(addr);
    return 0;
}
