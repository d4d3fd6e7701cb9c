/* runtime/xen/blkfront.c — see blkfront.h. The ring layout is Xen's io/blkif.h for x86_64 (the
 * "x86_64-abi" protocol) and io/ring.h: a 64-byte header (req_prod, req_event, rsp_prod,
 * rsp_event, padding), then 32 entries of 112 bytes. The xenbus handshake: the backend waits in
 * InitWait; we write ring-ref, event-channel, protocol and state=Initialised, wait for the
 * backend's Connected (reading sectors, sector-size, info), then write state=Connected. The
 * backend's rsp_prod goes through ring_check.h (never more responses than requests outstanding)
 * and a response must name a request in flight; a backend that breaks the protocol gets the disk
 * disconnected (logged once, every request fails with EIO from then on). */
#include "blkfront.h"
#include "abi.h"
#include "console.h"
#include "evtchn.h"
#include "gnttab.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "time.h"
#include "xenbus.h"
#include "xenstore.h"

#define RING_SIZE 32          /* (4096 - 64) / 112, rounded down to a power of two */
#define SEGS 11
#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define VDISK_CDROM 1
#define VDISK_READONLY 4

struct blkif_seg { grant_ref_t gref; uint8_t first_sect, last_sect; uint16_t pad; };
struct blkif_request {
    uint8_t operation, nr_segments;
    uint16_t handle;
    uint32_t pad;
    uint64_t id, sector_number;
    struct blkif_seg seg[SEGS];
};
struct blkif_response { uint64_t id; uint8_t operation, pad; int16_t status; uint32_t pad2; };
union blkif_entry { struct blkif_request req; struct blkif_response rsp; };
struct blkif_sring {
    uint32_t req_prod, req_event, rsp_prod, rsp_event;
    uint8_t pad[48];
    union blkif_entry ring[RING_SIZE];
};
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response");
_Static_assert(sizeof(struct blkif_sring) == 64 + RING_SIZE * 112, "blkif_sring");
_Static_assert(sizeof(struct blkif_sring) <= PAGE_SIZE, "blkif_sring fits a page");
_Static_assert(sizeof(((struct blkfront *)0)->inflight) == RING_SIZE * sizeof(uint64_t), "one in-flight id per slot");

int blkfront_ide_unit(unsigned vdev)
{
    switch (vdev) {
    case 768: return 0;   /* hda: (3 << 8) | 0 */
    case 832: return 1;   /* hdb: (3 << 8) | 64 */
    case 5632: return 2;  /* hdc: (22 << 8) | 0 */
    case 5696: return 3;  /* hdd: (22 << 8) | 64 */
    }
    if ((vdev >> 8) == 202 && (vdev & 15) == 0 && ((vdev & 0xff) >> 4) < 4)
        return (int)((vdev & 0xff) >> 4);   /* xvda.. */
    if ((vdev >> 8) == 8 && (vdev & 15) == 0 && ((vdev & 0xff) >> 4) < 4)
        return (int)((vdev & 0xff) >> 4);   /* sda.. */
    if (vdev & (1u << 28))
        return (vdev >> 8 & 0xfffff) < 4 ? (int)(vdev >> 8 & 0xfffff) : -1;   /* extended xvd */
    return -1;
}

/* After a protocol violation (logged by the guard): the ring is not used again and the frontend
 * says Closing. */
static void disconnect_if_broken(struct blkfront *bf)
{
    if (!bf->guard.broken || bf->disconnected)
        return;
    bf->disconnected = true;
    bf->window_n = 0;
    xs_set_state(bf->node, XenbusStateClosing);
}

/* Takes the responses on the ring (at most the requests outstanding); true when the one to
 * request `id` was among them, its status in *status. A response to an abandoned request (timed
 * out earlier) is taken and dropped; one to no request in flight breaks the ring. */
static bool take_responses(struct blkfront *bf, uint64_t id, int16_t *status)
{
    struct blkif_sring *s = bf->ring;
    bool found = false;
    uint32_t n = ring_unconsumed(&bf->guard, &s->rsp_prod, bf->rsp_cons, bf->req_prod_pvt - bf->rsp_cons);
    for (uint32_t i = 0; i < n; i++) {
        struct blkif_response r = s->ring[bf->rsp_cons % RING_SIZE].rsp;
        bf->rsp_cons++;
        uint64_t *slot = &bf->inflight[r.id % RING_SIZE];
        if (r.id > UINT32_MAX || *slot != r.id + 1) {
            ring_break(&bf->guard, "response to no request in flight", r.id);
            break;
        }
        *slot = 0;
        if (r.id == id) {
            *status = r.status;
            found = true;
        }
    }
    s->rsp_event = bf->rsp_cons + 1;
    mb();
    return found;
}

/* Waits for the ring's answer to request `id`; false on timeout or a broken ring. */
static bool wait_response(struct blkfront *bf, uint64_t id, int16_t *status)
{
    struct blkif_sring *s = bf->ring;
    uint64_t deadline = time_ns() + 30000000000ULL;
    for (;;) {
        evtchn_test_and_clear(bf->port);   /* before the ring is read: a later event stays pending */
        if (take_responses(bf, id, status))
            return true;
        if (bf->guard.broken)
            return false;
        if (READ_ONCE(s->rsp_prod) != bf->rsp_cons)
            continue;   /* more arrived meanwhile: each pass takes at least one, or breaks */
        uint64_t now = time_ns();
        if (now >= deadline)
            return false;
        evtchn_port_t p = bf->port;
        struct sched_poll poll = { .ports = &p, .nr_ports = 1, .timeout = now + 100000000ULL };
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    }
}

/* One ring request: `n512` 512-byte sectors (<= SEGS * 8) at `sector`, data in the bounce pages. */
static int ring_io(struct blkfront *bf, int write, uint64_t sector, uint32_t n512)
{
    struct blkif_sring *s = bf->ring;
    if (bf->disconnected)
        return -1;
    if (bf->req_prod_pvt - bf->rsp_cons >= RING_SIZE) {   /* a ring of abandoned requests */
        bf->ring_full++;
        return -1;
    }
    struct blkif_request *r = &s->ring[bf->req_prod_pvt % RING_SIZE].req;
    uint64_t id = bf->req_prod_pvt;
    bf->inflight[id % RING_SIZE] = id + 1;
    memset(r, 0, sizeof *r);
    r->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
    r->id = id;
    r->sector_number = sector;
    r->handle = (uint16_t)bf->vdev;
    uint32_t segs = (n512 + 7) / 8;
    r->nr_segments = (uint8_t)segs;
    for (uint32_t i = 0; i < segs; i++) {
        uint32_t in_seg = n512 - i * 8 < 8 ? n512 - i * 8 : 8;
        r->seg[i].gref = bf->bounce_ref[i];
        r->seg[i].first_sect = 0;
        r->seg[i].last_sect = (uint8_t)(in_seg - 1);
    }
    bf->req_prod_pvt++;
    bf->ring_requests++;
    wmb();
    s->req_prod = bf->req_prod_pvt;
    mb();
    evtchn_notify(bf->port);
    int16_t status;
    if (!wait_response(bf, id, &status)) {
        if (bf->guard.broken)
            disconnect_if_broken(bf);
        else
            printk("blkfront %s: no answer from the backend in 30 s (sector %lu)\n", bf->node, sector);
        return -1;
    }
    return status == 0 ? 0 : -1;
}

static void submit(void *ctx, const struct core_blk_request *req, void (*done)(void *, int), void *done_ctx)
{
    struct blkfront *bf = ctx;
    int write = req->op == STUBDOM_BLK_OP_WRITE;
    int status = STUBDOM_BLK_STATUS_OK;
    if (req->op == STUBDOM_BLK_OP_FLUSH) {   /* nothing is cached here; blkback writes through */
        done(done_ctx, STUBDOM_BLK_STATUS_OK);
        return;
    }
    uint32_t per = bf->be.sector_size / 512;
    uint64_t sector = req->lba * per;
    uint64_t left = (uint64_t)req->sectors * per;
    uint8_t *data = req->data;
    if (req->op != STUBDOM_BLK_OP_READ && !write)
        status = STUBDOM_BLK_STATUS_EIO;
    else if (write && bf->read_only)
        status = STUBDOM_BLK_STATUS_RDONLY;
    else if (req->lba > bf->sectors512 || sector + left > bf->sectors512)
        status = STUBDOM_BLK_STATUS_RANGE;
    while (status == STUBDOM_BLK_STATUS_OK && left) {
        uint32_t n = left > SEGS * 8 ? SEGS * 8 : (uint32_t)left;
        if (write) {
            bf->window_n = 0;   /* the bounce pages are about to hold other data */
            memcpy(bf->bounce, data, n * 512u);
            if (ring_io(bf, 1, sector, n)) {
                status = STUBDOM_BLK_STATUS_EIO;
                break;
            }
        } else if (bf->window_n && sector >= bf->window_lba && sector + n <= bf->window_lba + bf->window_n) {
            memcpy(data, bf->bounce + (sector - bf->window_lba) * 512u, n * 512u);
            bf->window_hits++;
        } else {
            /* a whole ring request's worth, so that the next small reads are already here */
            uint64_t fetch = SEGS * 8;
            if (fetch > bf->sectors512 - sector)
                fetch = bf->sectors512 - sector;   /* >= n: the range was checked */
            bf->window_n = 0;
            if (ring_io(bf, 0, sector, (uint32_t)fetch)) {
                status = STUBDOM_BLK_STATUS_EIO;
                break;
            }
            bf->window_lba = sector;
            bf->window_n = (uint32_t)fetch;
            memcpy(data, bf->bounce, n * 512u);
        }
        data += n * 512u;
        sector += n;
        left -= n;
    }
    if (status)
        bf->errors++;
    else if (write)
        bf->writes++;
    else
        bf->reads++;
    done(done_ctx, status);
}

int blkfront_connect(struct blkfront *bf, domid_t self, const char *node)
{
    (void)self;
    char path[160], backend[128], buf[64];
    uint64_t v;
    strlcpy(bf->node, node, sizeof bf->node);
    snprintf(bf->who, sizeof bf->who, "blkfront %s", node);
    bf->guard.who = bf->who;
    if (xs_read_u64(node, "virtual-device", &v)) {
        printk("blkfront %s: no virtual-device\n", node);
        return -1;
    }
    bf->vdev = (unsigned)v;
    snprintf(path, sizeof path, "%s/backend", node);
    if (xs_read(path, backend, sizeof backend) < 0 || xs_read_u64(node, "backend-id", &v)) {
        printk("blkfront %s: no backend\n", node);
        return -1;
    }
    bf->backend_id = (domid_t)v;
    snprintf(path, sizeof path, "%s/device-type", node);
    bf->cdrom = xs_read(path, buf, sizeof buf) >= 0 && !strcmp(buf, "cdrom");

    bf->ring = page_alloc(1);
    bf->bounce = page_alloc(SEGS);
    if (!bf->ring || !bf->bounce) {
        printk("blkfront %s: out of pages\n", node);
        return -1;
    }
    int ref = gnttab_grant(bf->backend_id, virt_to_mfn(bf->ring), false);
    for (unsigned i = 0; i < SEGS && ref >= 0; i++) {
        int r = gnttab_grant(bf->backend_id, virt_to_mfn(bf->bounce + i * PAGE_SIZE), false);
        if (r < 0)
            ref = -1;
        bf->bounce_ref[i] = (grant_ref_t)r;
    }
    if (ref < 0 || evtchn_alloc_unbound(bf->backend_id, &bf->port)) {
        printk("blkfront %s: no grant or event channel\n", node);
        return -1;
    }
    bf->ring_ref = (grant_ref_t)ref;
    struct blkif_sring *s = bf->ring;
    s->req_event = 1;
    s->rsp_event = 1;
    int rc = xs_printf(node, "ring-ref", "%u", bf->ring_ref);
    rc |= xs_printf(node, "event-channel", "%u", bf->port);
    rc |= xs_printf(node, "protocol", "x86_64-abi");
    /* Every request uses the same 11 bounce pages: blkback may keep them mapped (persistent
     * grants) instead of mapping and unmapping each segment of each request in dom0. */
    rc |= xs_printf(node, "feature-persistent", "1");
    rc |= xs_set_state(node, XenbusStateInitialised);
    if (rc) {
        printk("blkfront %s: cannot write the frontend nodes\n", node);
        return -1;
    }
    /* The backend (blkback in dom0) answers with Connected once it has opened the disk. */
    uint64_t state = xs_wait_state(backend, XenbusStateConnected, 20000000000ULL);
    if (state >= XenbusStateClosing) {   /* the backend refused the device (the image, say) */
        printk("blkfront %s: backend %s closed the device (state %lu): dom0's log says why "
               "(qemu-dm-<guest>-dm.log for a qdisk vbd)\n", node, backend, state);
        return -1;
    }
    if (state != XenbusStateConnected) {
        printk("blkfront %s: backend %s did not connect (state %lu; is xen-blkback loaded in dom0?)\n", node, backend, state);
        return -1;
    }
    uint64_t sectors = 0, ssize = 512, info = 0;
    xs_read_u64(backend, "sectors", &sectors);
    xs_read_u64(backend, "sector-size", &ssize);
    xs_read_u64(backend, "info", &info);
    if (ssize < 512 || ssize > 4096 || (ssize & (ssize - 1)) || sectors > (1ULL << 48)) {
        printk("blkfront %s: backend %s reports %lu sectors of %lu bytes: refused\n", node, backend, sectors, ssize);
        return -1;
    }
    bf->sectors512 = sectors * (ssize / 512);
    bf->sector_size = (uint32_t)ssize;
    bf->read_only = (info & VDISK_READONLY) != 0;
    if (info & VDISK_CDROM)
        bf->cdrom = true;
    xs_set_state(node, XenbusStateConnected);
    /* not watched by the main loop: requests are synchronous, and wait_response polls the port
     * itself (a response's late event left pending would keep the main loop from sleeping) */
    uint32_t dev_ss = bf->cdrom ? 2048 : 512;
    bf->be = (struct core_blk_backend){
        .ctx = bf, .sectors = bf->sectors512 * 512 / dev_ss, .sector_size = dev_ss,
        .read_only = bf->read_only || bf->cdrom, .removable = bf->cdrom, .present = sectors != 0,
        .submit = submit,
    };
    printk("blkfront %s: vdev %u (%s), %lu sectors of %lu bytes%s, backend %s (domain %u), ring-ref %u, port %u\n",
           node, bf->vdev, bf->cdrom ? "cdrom" : "disk", sectors, ssize, bf->read_only ? ", read-only" : "",
           backend, bf->backend_id, bf->ring_ref, bf->port);
    return 0;
}
