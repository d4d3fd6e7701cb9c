/* test/xen/ring_fuzz_host.c — ring-index fuzz of the stub domain's PV frontends (issue 17,
 * finding 4): blkfront, netfront, the PV console (pvcons), the QMP vchan, and vkbd/vfb's event
 * rings, built for the build host over test/xen/frontend_fakes.c, with this file playing the
 * backend in dom0: honest most of the time, then hostile — a producer index moved backwards or far
 * ahead, a consumer index past what was produced, answers naming ids not in flight, silence.
 * Every operation must end promptly (a watchdog fails the case otherwise), nothing is read or
 * written outside the rings and buffers (ASan), and a protocol violation must disconnect the
 * frontend with a log line (frontend state 5, "disconnected"). Uses only what the old frontends
 * had too (public structs, xenstore, the log), so it can be built against them to show they fail.
 * Usage: ring_fuzz_host CASE [SEED]; "ok ..." per check, "FAIL ..." and exit 1 at the first
 * failed one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "blkfront.h"
#include "frontend_fakes.h"
#include "netfront.h"
#include "pvcons.h"
#include "vchan.h"
#include "vfb.h"
#include "vkbd.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

static unsigned iterations = 300;

static bool logged(const char *what) { return strstr(logbuf, what) != 0; }
static unsigned count_in_log(const char *what)
{
    unsigned n = 0;
    for (const char *p = logbuf; (p = strstr(p, what)); p++)
        n++;
    return n;
}
static bool closing(const char *node)
{
    char path[96];
    snprintf(path, sizeof path, "%s/state", node);
    const char *s = fake_xs_get(path);
    return s && !strcmp(s, "5");
}
static void fresh(void)
{
    fake_pages_release();
    fake_xs_clear();
    logbuf[0] = 0;
    fake_on_notify = 0, fake_on_wait = 0;
}
/* A producer index that is never believable from `cons` with at most `limit` outstanding. */
static uint32_t hostile_index(uint32_t cons, uint32_t limit)
{
    switch (fuzz_rand() % 3) {
    case 0: return cons - 1 - fuzz_rand() % 4096;                  /* backwards */
    case 1: return cons + limit + 1 + fuzz_rand() % 4096;          /* just past what may be there */
    default: return cons + limit + 1 + fuzz_rand() % (0xfffffff0u - limit);   /* anywhere else */
    }
}

/* ---- blkfront: io/blkif.h's ring as blkback sees it ---- */

struct blk_req { uint8_t op, nseg; uint16_t handle; uint32_t pad; uint64_t id, sector; uint8_t seg[11][8]; };
struct blk_rsp { uint64_t id; uint8_t op, pad; int16_t status; uint32_t pad2; };
union blk_entry { struct blk_req req; struct blk_rsp rsp; };
struct blk_sring { uint32_t req_prod, req_event, rsp_prod, rsp_event; uint8_t pad[48]; union blk_entry ring[32]; };
_Static_assert(sizeof(struct blk_req) == 112, "blkif_request");

static struct blkfront bf;
static uint32_t bk_req_cons, bk_rsp_prod;
enum { BK_HONEST, BK_SILENT, BK_BAD_PROD, BK_BAD_ID, BK_EXTRA };
static int bk_mode;
static bool bk_violated;   /* the backend broke the protocol this round */

static void blk_backend(void)
{
    struct blk_sring *s = bf.ring;
    uint32_t prod = s->req_prod;
    if (bk_mode == BK_SILENT)
        return;
    if (bk_mode == BK_BAD_PROD) {
        s->rsp_prod = hostile_index(bk_rsp_prod, prod - bk_rsp_prod);
        bk_violated = true;
        return;
    }
    for (; bk_req_cons != prod; bk_req_cons++) {   /* the test's own loop: bounded by 32 requests */
        struct blk_req q = s->ring[bk_req_cons % 32].req;
        struct blk_rsp r = { .id = q.id, .op = q.op, .status = 0 };
        if (bk_mode == BK_BAD_ID) {
            r.id = fuzz_rand() % 2 ? q.id + 1 + fuzz_rand() % 64 : ((uint64_t)fuzz_rand() << 32) | fuzz_rand();
            bk_violated = true;
        }
        s->ring[bk_rsp_prod++ % 32].rsp = r;
    }
    if (bk_mode == BK_EXTRA) {   /* one answer more than was asked */
        s->ring[bk_rsp_prod++ % 32].rsp = (struct blk_rsp){ .id = fuzz_rand() };
        bk_violated = true;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->rsp_prod = bk_rsp_prod;
}
static void blk_notified(uint32_t port) { if (port == bf.port) blk_backend(); }

static int done_status, done_calls;
static void done(void *ctx, int status) { (void)ctx; done_status = status; done_calls++; }

static void connect_disk(void)
{
    fresh();
    memset(&bf, 0, sizeof bf);
    bk_req_cons = bk_rsp_prod = 0;
    fake_xs_set("device/vbd/768/virtual-device", "768");
    fake_xs_set("device/vbd/768/backend", "/be/vbd/768");
    fake_xs_set("device/vbd/768/backend-id", "0");
    fake_xs_set("/be/vbd/768/state", "4");
    fake_xs_set("/be/vbd/768/sectors", "100000");
    fake_xs_set("/be/vbd/768/sector-size", "512");
    if (blkfront_connect(&bf, 1, "device/vbd/768"))
        check(0, "blkfront connects to an honest backend");
    fake_on_notify = blk_notified;
    fake_on_wait = blk_backend;
}

static void case_blkfront(void)
{
    static uint8_t data[88 * 512];
    unsigned disconnects = 0, timeouts = 0, ok = 0;
    /* the finding itself: rsp_prod one behind what was answered (the walk was ~2^32 slots) */
    connect_disk();
    struct core_blk_request w = { .op = STUBDOM_BLK_OP_WRITE, .lba = 0, .sectors = 1, .data = data };
    bk_mode = BK_HONEST;
    bf.be.submit(bf.be.ctx, &w, done, 0);
    check(done_status == STUBDOM_BLK_STATUS_OK, "an honest backend answers a write");
    fake_on_notify = 0, fake_on_wait = 0;
    ((struct blk_sring *)bf.ring)->rsp_prod = bk_rsp_prod - 1;
    watchdog_arm(10, "blkfront with rsp_prod moved backwards");
    bf.be.submit(bf.be.ctx, &w, done, 0);
    watchdog_disarm();
    check(done_status == STUBDOM_BLK_STATUS_EIO && closing("device/vbd/768") && logged("disconnected"),
          "rsp_prod moved back by one: EIO at once, disconnected, logged");
    watchdog_arm(60, "blkfront against a hostile backend");
    for (unsigned it = 0; it < iterations; it++) {
        connect_disk();
        bool broken = false;
        for (unsigned step = 0; step < 24; step++) {
            uint32_t r = fuzz_rand() % 100;
            bk_mode = r < 70 ? BK_HONEST : r < 76 ? BK_SILENT : r < 84 ? BK_BAD_PROD : r < 92 ? BK_BAD_ID : BK_EXTRA;
            bk_violated = false;
            struct blk_sring *s = bf.ring;
            uint32_t req_before = s->req_prod;
            struct core_blk_request q = { .op = STUBDOM_BLK_OP_WRITE, .lba = fuzz_rand() % 90000, .sectors = 1 + fuzz_rand() % 88, .data = data };
            done_calls = 0;
            unsigned long polls = fake_polls;
            bf.be.submit(bf.be.ctx, &q, done, 0);
            if (done_calls != 1 || fake_polls - polls > 400)
                check(0, "iteration %u step %u: the request completes once (%d) and promptly (%lu polls)", it, step, done_calls, fake_polls - polls);
            if (broken) {
                if (s->req_prod != req_before || done_status != STUBDOM_BLK_STATUS_EIO)
                    check(0, "iteration %u: a disconnected disk fails requests without touching the ring", it);
                continue;
            }
            if (bk_violated) {
                if (!closing("device/vbd/768") || !logged("disconnected") || done_status != STUBDOM_BLK_STATUS_EIO)
                    check(0, "iteration %u step %u (mode %d): a protocol violation disconnects the disk (state 5, logged, EIO)", it, step, bk_mode);
                broken = true;
                disconnects++;
            } else if (bk_mode == BK_SILENT) {
                timeouts += done_status == STUBDOM_BLK_STATUS_EIO;
            } else if (done_status == STUBDOM_BLK_STATUS_OK) {
                ok++;
            } else if (!(s->req_prod == req_before)) {
                check(0, "iteration %u step %u: an honest answer succeeds (status %d)", it, step, done_status);
            }
        }
        if (count_in_log("disconnected") > 1)
            check(0, "iteration %u: the disconnection is logged once", it);
    }
    watchdog_disarm();
    check(disconnects > iterations / 2 && ok > iterations && timeouts > 0,
          "blkfront: %u iterations, %u disconnects, %u requests answered, %u timeouts (late answers taken)",
          iterations, disconnects, ok, timeouts);
}

/* ---- netfront: io/netif.h's rings as netback sees them ---- */

struct tx_req { uint32_t gref; uint16_t offset, flags, id, size; };
struct tx_rsp { uint16_t id; int16_t status; };
union tx_entry { struct tx_req req; struct tx_rsp rsp; };
struct rx_req { uint16_t id, pad; uint32_t gref; };
struct rx_rsp { uint16_t id, offset, flags; int16_t status; };
union rx_entry { struct rx_req req; struct rx_rsp rsp; };
struct net_hdr { uint32_t req_prod, req_event, rsp_prod, rsp_event; uint8_t pad[48]; };
struct tx_sring { struct net_hdr h; union tx_entry ring[256]; };
struct rx_sring { struct net_hdr h; union rx_entry ring[256]; };

static struct netfront nf;
static uint32_t tx_req_cons, tx_rsp_prod, rx_req_cons, rx_rsp_prod;
static uint64_t frames_in;

static void rx_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
    (void)ctx;
    if (frame < nf.rx_buf || len > 4096 || frame + len > nf.rx_buf + (size_t)NETFRONT_BUFS * 4096)
        check(0, "a received frame lies inside the RX buffers (%u bytes)", len);
    frames_in++;
}

/* One round of the backend; true when it broke the protocol. */
static bool net_backend(int mode)
{
    struct tx_sring *t = nf.tx_ring;
    struct rx_sring *r = nf.rx_ring;
    switch (mode) {
    case 0: case 1: case 2: case 3: {   /* honest: answer what was sent, deliver a few frames */
        for (; tx_req_cons != t->h.req_prod; tx_req_cons++)
            t->ring[tx_rsp_prod++ % 256].rsp = (struct tx_rsp){ .id = t->ring[tx_req_cons % 256].req.id, .status = 0 };
        t->h.rsp_prod = tx_rsp_prod;
        for (unsigned k = fuzz_rand() % 8; k && rx_req_cons != r->h.req_prod; k--, rx_req_cons++) {
            uint16_t id = r->ring[rx_req_cons % 256].req.id;
            uint16_t off = (uint16_t)(fuzz_rand() % 5000), len = (uint16_t)(fuzz_rand() % 5000);   /* some do not fit: dropped */
            r->ring[rx_rsp_prod++ % 256].rsp = (struct rx_rsp){ .id = id, .offset = off, .flags = 0, .status = (int16_t)len };
        }
        r->h.rsp_prod = rx_rsp_prod;
        return false;
    }
    case 4: t->h.rsp_prod = hostile_index(tx_rsp_prod, t->h.req_prod - tx_rsp_prod); return true;
    case 5: r->h.rsp_prod = hostile_index(rx_rsp_prod, r->h.req_prod - rx_rsp_prod); return true;
    case 6:   /* a TX answer naming a buffer not in flight */
        t->ring[tx_rsp_prod++ % 256].rsp = (struct tx_rsp){ .id = (uint16_t)(32 + fuzz_rand() % 60000) };
        t->h.rsp_prod = tx_rsp_prod;
        return true;
    default:  /* an RX answer naming a buffer never posted */
        if (rx_req_cons == r->h.req_prod)
            return false;
        rx_req_cons++;
        r->ring[rx_rsp_prod++ % 256].rsp = (struct rx_rsp){ .id = (uint16_t)(32 + fuzz_rand() % 60000), .status = 60 };
        r->h.rsp_prod = rx_rsp_prod;
        return true;
    }
}

static void connect_nic(void)
{
    fresh();
    memset(&nf, 0, sizeof nf);
    tx_req_cons = tx_rsp_prod = rx_req_cons = rx_rsp_prod = 0;
    fake_xs_set("device/vif/0/backend", "/be/vif/0");
    fake_xs_set("device/vif/0/backend-id", "0");
    fake_xs_set("/be/vif/0/state", "4");
    if (netfront_connect(&nf, "device/vif/0"))
        check(0, "netfront connects to an honest backend");
}

static void case_netfront(void)
{
    static uint8_t frame[1514];
    unsigned disconnects = 0;
    /* the finding itself: TX rsp_prod one behind what was answered (reclaim_tx walked ~2^32) */
    connect_nic();
    nf.be.send(nf.be.ctx, frame, 60);
    net_backend(0);
    netfront_poll(&nf, rx_frame, 0);
    ((struct tx_sring *)nf.tx_ring)->h.rsp_prod = tx_rsp_prod - 1;
    watchdog_arm(10, "netfront with TX rsp_prod moved backwards");
    netfront_poll(&nf, rx_frame, 0);
    nf.be.send(nf.be.ctx, frame, 60);
    watchdog_disarm();
    check(closing("device/vif/0") && logged("disconnected"), "TX rsp_prod moved back by one: disconnected at once, logged");
    watchdog_arm(60, "netfront against a hostile backend");
    for (unsigned it = 0; it < iterations; it++) {
        connect_nic();
        bool broken = false;
        for (unsigned step = 0; step < 40; step++) {
            for (unsigned k = fuzz_rand() % 3; k; k--)
                nf.be.send(nf.be.ctx, frame, 60 + fuzz_rand() % 1454);
            struct tx_sring *t = nf.tx_ring;
            uint32_t tx_before = t->h.req_prod;
            int mode = (int)(fuzz_rand() % (step < 10 ? 4 : 20));
            bool violated = net_backend(mode < 8 ? mode : 0);
            bool more = netfront_poll(&nf, rx_frame, 0);
            nf.be.send(nf.be.ctx, frame, 60);
            if (broken || violated) {
                if (!closing("device/vif/0") || !logged("disconnected") || more || t->h.req_prod != tx_before)
                    check(0, "iteration %u step %u (mode %d): a protocol violation disconnects the nic (state 5, logged, nothing more sent)", it, step, mode);
                if (!broken)
                    disconnects++;
                broken = true;
            }
        }
        if (count_in_log("disconnected") > 1)
            check(0, "iteration %u: the disconnection is logged once", it);
    }
    watchdog_disarm();
    check(disconnects > iterations / 2 && frames_in > iterations, "netfront: %u iterations, %u disconnects, %lu frames received",
          iterations, disconnects, (unsigned long)frames_in);
}

/* ---- pvcons: io/console.h's rings as the helper sees them ---- */

static void case_pvcons(void)
{
    static struct pvcons c;
    unsigned disconnects = 0;
    uint64_t bytes_in = 0;
    watchdog_arm(60, "pvcons against a hostile backend");
    for (unsigned it = 0; it < iterations; it++) {
        fresh();
        fake_xs_set("device/console/3/backend-id", "0");
        if (pvcons_connect(&c, "device/console/3"))
            check(0, "pvcons connects");
        struct xencons_interface *r = c.ring;
        uint8_t next_in = 0, want_in = 0;
        bool broken = false;
        for (unsigned step = 0; step < 40 && !broken; step++) {
            uint32_t mode = fuzz_rand() % (step < 8 ? 4 : 24);
            bool violated = false;
            if (mode < 4) {   /* honest: type a few bytes, read what was written */
                for (uint32_t k = fuzz_rand() % 300; k && r->in_prod - r->in_cons < sizeof r->in; k--)
                    r->in[r->in_prod++ & (sizeof r->in - 1)] = (char)next_in++;
                r->out_cons = r->out_prod - (fuzz_rand() % 2 ? 0 : (r->out_prod - r->out_cons) / 2);
            } else if (mode == 4) {
                r->in_prod = hostile_index(r->in_cons, sizeof r->in), violated = true;
            } else if (mode == 5) {   /* claims to have read what was never written */
                r->out_cons = r->out_prod + 1 + fuzz_rand() % 0xffff0000u, violated = true;
            }
            uint8_t buf[700];
            uint32_t max = fuzz_rand() % sizeof buf;
            uint32_t n = pvcons_read(&c, buf, max);
            if (n > max)
                check(0, "pvcons_read returns at most what was asked (%u > %u)", n, max);
            for (uint32_t i = 0; i < n; i++)
                if (buf[i] != want_in++)
                    check(0, "iteration %u: input arrives in order", it);
            bytes_in += n;
            uint8_t out[300] = { 0 };
            pvcons_write(&c, out, fuzz_rand() % sizeof out);
            pvcons_write(&c, out, 1);
            if (violated) {
                if (!closing("device/console/3") || !logged("disconnected"))
                    check(0, "iteration %u step %u (mode %u): inconsistent console indexes disconnect it (state 5, logged)", it, step, mode);
                uint32_t in_prod = r->in_prod, out_prod = r->out_prod;
                if (pvcons_read(&c, buf, sizeof buf) || (pvcons_write(&c, out, 10), r->out_prod != out_prod) || r->in_prod != in_prod)
                    check(0, "iteration %u: a disconnected console reads and writes nothing", it);
                broken = true;
                disconnects++;
            }
        }
    }
    watchdog_disarm();
    check(disconnects > iterations / 2 && bytes_in > iterations, "pvcons: %u iterations, %u disconnects, %lu bytes typed in order",
          iterations, disconnects, (unsigned long)bytes_in);
}

/* ---- vchan: the libxenvchan client (dom0's vchan-socket-proxy) ---- */

static void case_vchan(void)
{
    static struct vchan v;
    unsigned ended = 0;
    watchdog_arm(60, "vchan against a hostile client");
    for (unsigned it = 0; it < iterations; it++) {
        fresh();
        if (vchan_server_init(&v, 0, "data/qmp"))
            check(0, "vchan server starts");
        struct vchan_interface *p = v.page;
        p->cli_live = 1;
        if (vchan_poll(&v) != VCHAN_CONNECTED)
            check(0, "a client connects");
        uint8_t *left = (uint8_t *)p + 1024;
        uint8_t next = 0, want = 0;
        for (unsigned step = 0; step < 40; step++) {
            uint32_t mode = fuzz_rand() % (step < 8 ? 4 : 24);
            bool violated = false;
            if (mode < 4) {
                for (uint32_t k = fuzz_rand() % 600; k && p->left.prod - p->left.cons < 1024; k--)
                    left[p->left.prod++ & 1023] = next++;
                p->right.cons = p->right.prod;
            } else if (mode == 4) {
                p->left.prod = hostile_index(p->left.cons, 1024), violated = true;
            } else if (mode == 5) {
                p->right.cons = p->right.prod + 1 + fuzz_rand() % 0xffff0000u, violated = true;
            }
            uint8_t buf[512];
            size_t n, total = 0;
            while ((n = vchan_read(&v, buf, sizeof buf)) > 0 && total < 4096) {
                for (size_t i = 0; i < n; i++)
                    if (buf[i] != want++)
                        check(0, "iteration %u: bytes arrive in order", it);
                total += n;
            }
            uint8_t out[100] = { 0 };
            vchan_write(&v, out, sizeof out);
            if (violated) {
                if (vchan_poll(&v) != VCHAN_DISCONNECTED || !logged("disconnected") || v.active)
                    check(0, "iteration %u step %u (mode %u): inconsistent client indexes end the session (logged)", it, step, mode);
                ended++;
                break;
            }
        }
    }
    watchdog_disarm();
    check(ended > iterations / 2, "vchan: %u iterations, %u sessions ended", iterations, ended);
}

/* ---- vkbd and vfb: one connection per process (their state is static) ---- */

static unsigned events_seen;
static void key(uint32_t code, bool pressed) { (void)code, (void)pressed; events_seen++; }
static void mouse(int32_t dx, int32_t dy, int32_t dz, uint32_t b) { (void)dx, (void)dy, (void)dz, (void)b; events_seen++; }
static const struct vkbd_sink sink = { key, mouse };

static void case_vkbd(void)
{
    fake_xs_set("device/vkbd/0/backend-id", "0");
    check(vkbd_connect() == 0, "vkbd connects");
    uint8_t *page = fake_mfn(strtoull(fake_xs_get("device/vkbd/0/page-ref"), 0, 10));
    uint32_t *in_cons = (uint32_t *)page, *in_prod = (uint32_t *)page + 1;
    watchdog_arm(20, "vkbd against a hostile backend");
    for (unsigned i = 0; i < 2000; i++) {   /* honest traffic first */
        for (uint32_t k = fuzz_rand() % 60; k && *in_prod - *in_cons < 51; k--) {
            uint8_t *ev = page + 2048 + (*in_prod % 51) * 40;
            memset(ev, 0, 40);
            ev[0] = (uint8_t)(fuzz_rand() % 5), ev[1] = 1;
            uint32_t code = fuzz_rand() % 0x400;
            memcpy(ev + 4, &code, 4);
            ++*in_prod;
        }
        vkbd_service(&sink);
    }
    check(events_seen > 1000 && !logged("disconnected"), "2000 rounds of honest events delivered (%u)", events_seen);
    *in_prod = hostile_index(*in_cons, 51);
    unsigned before = events_seen;
    vkbd_service(&sink);
    watchdog_disarm();
    check(events_seen == before && closing("device/vkbd/0") && logged("disconnected"), "a hostile in_prod disconnects vkbd (state 5, logged)");
    *in_prod = *in_cons + 3;
    vkbd_service(&sink);
    check(events_seen == before && *in_cons != *in_prod, "and nothing is read from it again");
}

static void no_refresh(void) {}

static void case_vfb(int which)
{
    static uint8_t fb[VFB_BYTES] __attribute__((aligned(4096)));
    fake_xs_set("device/vfb/0/backend-id", "0");
    check(vfb_connect(fb) == 0, "vfb connects");
    uint8_t *page = fake_mfn(strtoull(fake_xs_get("device/vfb/0/page-ref"), 0, 10));
    uint32_t *idx = (uint32_t *)page;   /* in_cons, in_prod, out_cons, out_prod */
    static uint8_t pixels[32 * 16 * 4];
    vfb_display()->set_surface(0, STUBDOM_SURFACE_BGRX32, 32, 16, 32 * 4, pixels);   /* something to send */
    uint8_t *ev = page + 1024;
    memset(ev, 0, 40);
    ev[0] = 1, ev[4] = 50;   /* REFRESH_PERIOD 50 ms */
    idx[1]++;
    vfb_service(1, no_refresh);
    check(idx[0] == idx[1] && !logged("disconnected"), "an honest REFRESH_PERIOD is taken");
    watchdog_arm(20, "vfb against a hostile backend");
    if (which == 0)
        idx[1] = hostile_index(idx[0], 25);
    else
        idx[2] = idx[3] + 1 + fuzz_rand() % 0xffff0000u;   /* read events never sent */
    vfb_display()->damage(0, 0, 0, 8, 8);   /* an UPDATE to send */
    vfb_service(1 + 100000000ULL, no_refresh);
    vfb_service(1 + 200000000ULL, no_refresh);
    watchdog_disarm();
    check(closing("device/vfb/0") && logged("disconnected") && !vfb_connected(),
          "a hostile %s disconnects the vfb (state 5, logged)", which ? "out_cons" : "in_prod");
}

static void case_vfb_in(void) { case_vfb(0); }
static void case_vfb_out(void) { case_vfb(1); }

int main(int argc, char **argv)
{
    static const struct check_case cases[] = {
        { "blkfront", case_blkfront }, { "netfront", case_netfront }, { "pvcons", case_pvcons }, { "vchan", case_vchan },
        { "vkbd", case_vkbd }, { "vfb-in", case_vfb_in }, { "vfb-out", case_vfb_out },
    };
    if (argc < 2)
        return 2;
    fuzz_seed(argc > 2 ? strtoull(argv[2], 0, 0) : 17);
    return CHECK_CASES(argv[1], cases);
}
