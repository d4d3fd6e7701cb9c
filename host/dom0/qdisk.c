/* host/dom0/qdisk.c — see qdisk.h. The handshake, as a backend: write sectors, sector-size, info
 * and state InitWait (2); when the frontend is Initialised (3) map its ring, bind its event
 * channel, say Connected (4). Every request is checked against the ring and the image before it
 * is served; anything else is answered with an error, never trusted. What the vbd is (image,
 * mode, frontend) comes only from libxl's dom0-owned backend node (store.h); what the frontend
 * writes (state, ring-ref, event-channel, protocol) is bounded, and a ring whose req_prod is more
 * than a ring ahead disconnects the vbd. */
#define _GNU_SOURCE
#include "qdisk.h"
#include "frontend_ring.h"
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define MAX_DISKS 4
#define RING 32          /* (4096 - 64) / 112, rounded down to a power of two */
#define SEGS 11
#define PERSISTENT 32    /* frontend pages kept mapped per vbd */

struct req { uint8_t operation, nr_segments; uint16_t handle; uint32_t pad; uint64_t id, sector;
             struct { uint32_t gref; uint8_t first, last; uint16_t pad; } seg[SEGS]; };
struct rsp { uint64_t id; uint8_t operation, pad; int16_t status; uint32_t pad2; };
union entry { struct req req; struct rsp rsp; };
struct sring { uint32_t req_prod, req_event, rsp_prod, rsp_event; uint8_t pad[48]; union entry ring[RING]; };
_Static_assert(sizeof(struct req) == 112 && sizeof(struct sring) <= 4096, "blkif x86_64 layout");

struct disk {
    bool used, connected, failed, watching;
    unsigned devid, fe_domid;
    char be[128], fe[128];
    int fd;
    uint64_t bytes;
    bool ro;
    struct sring *ring;
    evtchn_port_t port;
    uint32_t req_cons, rsp_prod;
    unsigned served;
    struct persistent { uint32_t gref; uint8_t *page; } persistent[PERSISTENT];
    unsigned npersistent;
};

static struct disk disks[MAX_DISKS];
static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static struct xs_handle *store;
static unsigned stub_domid;
static bool warned_full;

xenevtchn_handle *qdisk_evtchn(void) { return xce; }

/* The vbd cannot be served: say why in the log and Closed to the frontend, which then gives up
 * at once instead of waiting out its timeout. */
#define fail(d, ...) backend_fail(store, (d)->be, &(d)->failed, "qdisk", (int)(d)->devid, __VA_ARGS__)

/* A new vbd: open its image (params = "aio:PATH", "raw:PATH" or PATH) and describe it. */
static void open_disk(struct disk *d)
{
    char *params = store_trusted(store, d->be, "params"), *mode = store_trusted(store, d->be, "mode");
    char *type = store_trusted(store, d->be, "device-type"), *fe = store_trusted(store, d->be, "frontend");
    unsigned long fe_id = 0;
    d->fd = -1;
    if (!params || !fe || store_trusted_ulong(store, d->be, "frontend-id", 0x7fef, &fe_id)) {
        fail(d, "incomplete backend node %s", d->be);
        goto out;
    }
    char want[sizeof d->fe];
    snprintf(want, sizeof want, "/local/domain/%u/device/vbd/%u", stub_domid, d->devid);
    if (fe_id != stub_domid || strcmp(fe, want)) {
        fail(d, "frontend %s of domain %lu is not the stub domain's vbd: refused", fe, fe_id);
        goto out;
    }
    snprintf(d->fe, sizeof d->fe, "%s", fe);
    d->fe_domid = (unsigned)fe_id;
    char fe_state[160];
    snprintf(fe_state, sizeof fe_state, "%s/state", d->fe);
    d->watching = xs_watch(store, fe_state, QDISK_WATCH_TOKEN);
    d->ro = !mode || strcmp(mode, "w");
    bool cdrom = type && !strcmp(type, "cdrom");
    const char *path = params;
    char *colon = strchr(params, ':');
    if (colon && colon - params < 8) {
        if (strncmp(params, "aio:", 4) && strncmp(params, "raw:", 4)) {
            fail(d, "image format of '%s' not supported (raw only)", params);
            goto out;
        }
        path = colon + 1;
    }
    if (*path) {
        d->fd = open(path, (d->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        if (d->fd < 0 || fstat(d->fd, &st)) {
            fail(d, "cannot open %s: %s", path, strerror(errno));
            goto out;
        }
        d->bytes = S_ISBLK(st.st_mode) ? (uint64_t)lseek(d->fd, 0, SEEK_END) : (uint64_t)st.st_size;
    }
    store_put(store, d->be, "sectors", "%llu", (unsigned long long)(d->bytes / 512));
    store_put(store, d->be, "sector-size", "512");
    store_put(store, d->be, "info", "%u", (cdrom ? VDISK_CDROM : 0) | (d->ro ? VDISK_READONLY : 0));
    store_put(store, d->be, "feature-flush-cache", "1");
    store_put(store, d->be, "state", "%d", XenbusStateInitWait);
    printk("qdisk %u: %s, %llu bytes%s%s, frontend domain %u\n", d->devid, *path ? path : "(no medium)",
           (unsigned long long)d->bytes, cdrom ? ", cdrom" : "", d->ro ? ", read-only" : "", d->fe_domid);
out:
    free(params), free(mode), free(type), free(fe);
}

static void connect_disk(struct disk *d)
{
    unsigned long state = 0, ref, port;
    if (store_untrusted_ulong(store, d->fe, "state", FRONTEND_MAX_STATE, &state) || state != XenbusStateInitialised)
        return;
    if (store_untrusted_ulong(store, d->fe, "ring-ref", FRONTEND_MAX_GREF, &ref) ||
        store_untrusted_ulong(store, d->fe, "event-channel", FRONTEND_MAX_PORT, &port)) {
        fail(d, "frontend %s has no valid ring-ref/event-channel", d->fe);
        return;
    }
    if (store_exists(store, d->fe, "protocol") && !store_untrusted_is(store, d->fe, "protocol", "x86_64-abi")) {
        fail(d, "only the x86_64-abi ring protocol is served");
        return;
    }
    d->ring = frontend_ring_map(xgt, xce, d->fe_domid, ref, port, &d->port);
    if (!d->ring) {
        fail(d, "cannot map ring %lu or bind port %lu: %s", ref, port, strerror(errno));
        return;
    }
    d->rsp_prod = d->ring->rsp_prod;   /* nothing is outstanding at connection */
    d->req_cons = d->rsp_prod;
    store_put(store, d->be, "state", "%d", XenbusStateConnected);
    d->connected = true;
    printk("qdisk %u: connected (ring-ref %lu, port %lu)\n", d->devid, ref, port);
}

/* The vbd went away (libxl removed its backend node) or its frontend closed: unmap, close. */
static void release_disk(struct disk *d, bool say_closed)
{
    if (d->ring)
        xengnttab_unmap(xgt, d->ring, 1);
    for (unsigned i = 0; i < d->npersistent; i++)
        xengnttab_unmap(xgt, d->persistent[i].page, 1);
    if (d->connected && xce)
        xenevtchn_unbind(xce, d->port);
    if (d->fd >= 0)
        close(d->fd);
    if (d->watching) {
        char fe_state[160];
        snprintf(fe_state, sizeof fe_state, "%s/state", d->fe);
        xs_unwatch(store, fe_state, QDISK_WATCH_TOKEN);
    }
    if (say_closed)
        store_put(store, d->be, "state", "%d", XenbusStateClosed);
    printk("qdisk %u: released (%u requests served)\n", d->devid, d->served);
    memset(d, 0, sizeof *d);
    d->fd = -1;
}

static char qdisk_dir[96];

void qdisk_init(struct xs_handle *xs, unsigned stub)
{
    store = xs;
    stub_domid = stub;
    snprintf(qdisk_dir, sizeof qdisk_dir, "/local/domain/0/backend/qdisk/%u", stub);
    frontend_ring_open(&xgt, &xce, stub, "qdisk");
}

void qdisk_start(void)
{
    /* a watch on a path that does not exist yet fires when it is created */
    if (!xs_watch(store, qdisk_dir, QDISK_WATCH_TOKEN))
        printk("qdisk: cannot watch %s: %s (falling back to the 1 s scan)\n", qdisk_dir, strerror(errno));
    qdisk_scan();
}

/* The life of a vbd here: libxl writes its backend node with state Initialising; we open it
 * (InitWait) and connect it when the frontend is Initialised. A backend libxl sets to Closing
 * (device removal), a frontend that goes Closing, or a node that disappears ends it; a node left
 * in state Closed is not opened again. */
void qdisk_scan(void)
{
    if (!store)
        return;
    unsigned n = 0;
    char **ids = xs_directory(store, XBT_NULL, qdisk_dir, &n);
    for (unsigned k = 0; k < MAX_DISKS; k++) {
        struct disk *d = &disks[k];
        if (!d->used)
            continue;
        bool listed = false;
        for (unsigned i = 0; ids && i < n; i++)
            listed |= strtoul(ids[i], 0, 10) == d->devid;
        unsigned long be_state = 0, fe_state = 0;
        if (!listed)
            release_disk(d, false);
        else if (!store_trusted_ulong(store, d->be, "state", FRONTEND_MAX_STATE, &be_state) && be_state == XenbusStateClosing)
            release_disk(d, true);
        else if (d->connected && !store_untrusted_ulong(store, d->fe, "state", FRONTEND_MAX_STATE, &fe_state) &&
                 fe_state >= XenbusStateClosing)
            release_disk(d, true);
    }
    for (unsigned i = 0; ids && i < n; i++) {
        char *end;
        unsigned long devid = strtoul(ids[i], &end, 10);
        if (*end || devid > 0xfffffff)
            continue;
        struct disk *d = 0, *free_slot = 0;
        for (unsigned k = 0; k < MAX_DISKS; k++) {
            if (disks[k].used && disks[k].devid == devid)
                d = &disks[k];
            else if (!disks[k].used && !free_slot)
                free_slot = &disks[k];
        }
        if (!d) {
            char be[128];
            unsigned long be_state = XenbusStateInitialising;
            snprintf(be, sizeof be, "%s/%s", qdisk_dir, ids[i]);
            store_trusted_ulong(store, be, "state", FRONTEND_MAX_STATE, &be_state);   /* absent: libxl is still writing the node */
            if (be_state != XenbusStateInitialising)
                continue;
            if (!free_slot) {
                if (!warned_full)
                    printk("qdisk: more than %d vbds: %s not served\n", MAX_DISKS, be);
                warned_full = true;
                continue;
            }
            d = free_slot;
            memset(d, 0, sizeof *d);
            d->used = true;
            d->devid = (unsigned)devid;
            snprintf(d->be, sizeof d->be, "%s", be);
            open_disk(d);
        }
        if (!d->failed && !d->connected)
            connect_disk(d);
    }
    free(ids);
}

/* A page of the frontend kept mapped (read-write) for as long as the vbd lives, or NULL when
 * the table is full or the grant is not writable. */
static uint8_t *persistent_page(struct disk *d, uint32_t gref)
{
    for (unsigned i = 0; i < d->npersistent; i++)
        if (d->persistent[i].gref == gref)
            return d->persistent[i].page;
    if (d->npersistent == PERSISTENT)
        return 0;
    uint8_t *p = xengnttab_map_grant_ref(xgt, d->fe_domid, gref, PROT_READ | PROT_WRITE);
    if (!p)
        return 0;
    d->persistent[d->npersistent++] = (struct persistent){ gref, p };
    return p;
}

/* One request: 0 or a BLKIF_RSP_* error. */
static int serve_one(struct disk *d, const struct req *r)
{
    if (r->operation == BLKIF_OP_FLUSH_DISKCACHE)
        return d->fd >= 0 && fsync(d->fd) && errno != EINVAL ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
    if (r->operation != BLKIF_OP_READ && r->operation != BLKIF_OP_WRITE)
        return BLKIF_RSP_EOPNOTSUPP;
    bool write = r->operation == BLKIF_OP_WRITE;
    if ((write && d->ro) || d->fd < 0 || r->nr_segments == 0 || r->nr_segments > SEGS)
        return BLKIF_RSP_ERROR;
    if (r->sector > d->bytes / 512)   /* also keeps sector * 512 from wrapping */
        return BLKIF_RSP_ERROR;
    uint64_t off = r->sector * 512, total = 0;
    uint32_t refs[SEGS];
    for (unsigned i = 0; i < r->nr_segments; i++) {
        if (r->seg[i].first > r->seg[i].last || r->seg[i].last > 7)
            return BLKIF_RSP_ERROR;
        total += (uint64_t)(r->seg[i].last - r->seg[i].first + 1) * 512;
        refs[i] = r->seg[i].gref;
    }
    if (off > d->bytes || total > d->bytes - off)
        return BLKIF_RSP_ERROR;
    /* each segment's page: kept mapped from its first use (a frontend that reuses its pages, as
     * the stub domain's blkfront does with its 11 bounce pages, then costs no mapping at all);
     * past PERSISTENT pages, the request's pages are mapped for it alone */
    uint8_t *seg_page[SEGS];
    bool persistent = true;
    for (unsigned i = 0; i < r->nr_segments && persistent; i++)
        persistent = (seg_page[i] = persistent_page(d, refs[i])) != 0;
    uint8_t *pages = 0;
    if (!persistent) {
        pages = xengnttab_map_domain_grant_refs(xgt, r->nr_segments, d->fe_domid, refs,
                                                write ? PROT_READ : PROT_READ | PROT_WRITE);
        if (!pages)
            return BLKIF_RSP_ERROR;
        for (unsigned i = 0; i < r->nr_segments; i++)
            seg_page[i] = pages + (size_t)i * 4096;
    }
    int status = BLKIF_RSP_OKAY;
    for (unsigned i = 0; i < r->nr_segments && status == BLKIF_RSP_OKAY; i++) {
        uint8_t *buf = seg_page[i] + r->seg[i].first * 512u;
        size_t len = (size_t)(r->seg[i].last - r->seg[i].first + 1) * 512;
        ssize_t n = write ? pwrite(d->fd, buf, len, (off_t)off) : pread(d->fd, buf, len, (off_t)off);
        if (n != (ssize_t)len)
            status = BLKIF_RSP_ERROR;
        off += len;
    }
    if (pages)
        xengnttab_unmap(xgt, pages, r->nr_segments);
    return status;
}

static void serve_disk(struct disk *d)
{
    struct sring *s = d->ring;
    bool answered = false;
    /* at most one ring's worth per call: a frontend cannot keep us here */
    for (unsigned n = 0; n < RING; n++) {
        uint32_t prod = __atomic_load_n(&s->req_prod, __ATOMIC_ACQUIRE);
        if (d->req_cons == prod) {
            /* ask to be kicked for the next request, then look once more: a request pushed
             * before the frontend saw the new req_event would otherwise wait for the tick */
            __atomic_store_n(&s->req_event, d->req_cons + 1, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&s->req_prod, __ATOMIC_SEQ_CST) == d->req_cons)
                break;
            continue;
        }
        if (!ring_indexes_sane(prod, d->req_cons, RING)) {
            printk("qdisk %u: frontend claims %u requests on a ring of %u (req_prod %u, consumed %u): disconnected\n",
                   d->devid, prod - d->req_cons, RING, prod, d->req_cons);
            if (answered) {
                __atomic_store_n(&s->rsp_prod, d->rsp_prod, __ATOMIC_RELEASE);
                xenevtchn_notify(xce, d->port);
            }
            release_disk(d, true);
            return;
        }
        struct req r = s->ring[d->req_cons % RING].req;
        d->req_cons++;
        int status = serve_one(d, &r);
        s->ring[d->rsp_prod % RING].rsp = (struct rsp){ .id = r.id, .operation = r.operation, .status = (int16_t)status };
        d->rsp_prod++;
        d->served++;
        answered = true;
    }
    if (answered) {
        __atomic_store_n(&s->rsp_prod, d->rsp_prod, __ATOMIC_RELEASE);
        xenevtchn_notify(xce, d->port);
    }
}

void qdisk_serve(bool kicked)
{
    if (!xce)
        return;
    if (kicked) {   /* only when the fd is readable: xenevtchn_pending blocks otherwise */
        int p = xenevtchn_pending(xce);
        if (p >= 0)
            xenevtchn_unmask(xce, (evtchn_port_t)p);
    }
    for (unsigned k = 0; k < MAX_DISKS; k++)
        if (disks[k].connected)
            serve_disk(&disks[k]);
}
