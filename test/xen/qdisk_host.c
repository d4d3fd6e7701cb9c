/* test/xen/qdisk_host.c — runs host/dom0/qdisk.c (the dom0 helper's qdisk backend) on the build
 * host for test/xen/qdisk.test.ts, on the stand-ins of xen_fakes.c. It plays the stub domain's
 * blkfront: writes the frontend nodes, puts requests on the ring, reads the responses.
 * Usage: qdisk_host CASE IMAGE — one scenario; prints "ok <what>" per check, "FAIL <what>" and
 * exit 1 at the first failed one. The image file is the disk (the test creates it). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

#include "qdisk.h"
#include "xen_fakes.h"

/* ---- the frontend: the stub domain's blkfront, played here ---- */

#define STUB 7
#define DEVID 5632
#define BE "/local/domain/0/backend/qdisk/7/5632"
#define FE "/local/domain/7/device/vbd/5632"
#define RING_REF 0        /* page 0: the ring; pages 1.. data */
#define RING_SLOTS 32

struct req { uint8_t operation, nr_segments; uint16_t handle; uint32_t pad; uint64_t id, sector;
             struct { uint32_t gref; uint8_t first, last; uint16_t pad; } seg[11]; };
struct rsp { uint64_t id; uint8_t operation, pad; int16_t status; uint32_t pad2; };
struct sring { uint32_t req_prod, req_event, rsp_prod, rsp_event; uint8_t pad[48];
               union { struct req req; struct rsp rsp; } ring[RING_SLOTS]; };

static struct sring *ring = (struct sring *)fe_mem[RING_REF];
static uint32_t prod, cons;
static const char *image;

static unsigned be_state(void) { const char *v = val(BE "/state"); return v ? (unsigned)atoi(v) : 0; }

/* libxl's part: the backend node, as `xl create` writes it for a cdrom vbd of the stub domain */
static void libxl_adds_vbd(const char *params, const char *mode, const char *type)
{
    set(BE "/frontend", FE);
    set(BE "/frontend-id", "%d", STUB);
    set(BE "/params", "%s", params);
    set(BE "/mode", "%s", mode);
    set(BE "/device-type", "%s", type);
    set(BE "/online", "1");
    set(BE "/state", "%d", XenbusStateInitialising);
    set(FE "/backend", BE);
    set(FE "/virtual-device", "%d", DEVID);
    set(FE "/state", "%d", XenbusStateInitialising);
}

static void frontend_initialised(void)
{
    memset(ring, 0, sizeof *ring);
    ring->req_event = ring->rsp_event = 1;
    prod = cons = 0;
    set(FE "/ring-ref", "%d", RING_REF);
    set(FE "/event-channel", "9");
    set(FE "/protocol", "x86_64-abi");
    set(FE "/state", "%d", XenbusStateInitialised);
    qdisk_scan();
}

static void connect(const char *params, const char *mode, const char *type)
{
    libxl_adds_vbd(params, mode, type);
    qdisk_init((struct xs_handle *)&dummy_handle, STUB), qdisk_start();
    check(be_state() == XenbusStateInitWait, "backend in InitWait after the scan (state %u)", be_state());
    frontend_initialised();
    check(be_state() == XenbusStateConnected, "backend Connected once the frontend is Initialised (state %u)", be_state());
}

static struct req *push(uint8_t op, uint64_t sector, unsigned nsegs)
{
    struct req *r = &ring->ring[prod % RING_SLOTS].req;
    memset(r, 0, sizeof *r);
    r->operation = op;
    r->nr_segments = (uint8_t)nsegs;
    r->id = 0x1000 + prod;
    r->sector = sector;
    for (unsigned i = 0; i < nsegs && i < 11; i++) {
        r->seg[i].gref = 1 + i;
        r->seg[i].first = 0;
        r->seg[i].last = 7;
    }
    prod++;
    return r;
}

static void publish(void) { __atomic_store_n(&ring->req_prod, prod, __ATOMIC_RELEASE); }

static struct rsp response(void)
{
    check(cons != __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE), "a response for request %u", cons);
    return ring->ring[cons++ % RING_SLOTS].rsp;
}

static void read_image(uint64_t off, void *buf, size_t len)
{
    FILE *f = fopen(image, "rb");
    check(f && fseek(f, (long)off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len, "image readable at %llu", (unsigned long long)off);
    fclose(f);
}

/* ---- scenarios ---- */

static void case_handshake(void)
{
    libxl_adds_vbd(image, "r", "cdrom");
    qdisk_init((struct xs_handle *)&dummy_handle, STUB), qdisk_start();
    check(be_state() == XenbusStateInitWait, "InitWait once libxl's node is there");
    check(!strcmp(val(BE "/sector-size"), "512"), "sector-size 512");
    check(atoll(val(BE "/sectors")) == 1216, "sectors = image size / 512 (%s)", val(BE "/sectors"));
    check(atoi(val(BE "/info")) == (VDISK_CDROM | VDISK_READONLY), "info = cdrom | read-only (%s)", val(BE "/info"));
    check(watches == 2, "watches on the backend directory and the frontend's state (%u)", watches);
    qdisk_scan();
    check(be_state() == XenbusStateInitWait, "still InitWait while the frontend is Initialising");
    frontend_initialised();
    check(be_state() == XenbusStateConnected, "Connected once the frontend is Initialised");
    check(bound == 1 && live_maps == 1, "ring mapped and event channel bound (%d, %d)", live_maps, bound);
}

static void case_read(void)
{
    connect(image, "r", "cdrom");
    struct req *r = push(BLKIF_OP_READ, 24, 2);
    r->seg[1].first = 2, r->seg[1].last = 5;   /* page 2, sectors 2..5 */
    memset(fe_mem[1], 0xee, 4096), memset(fe_mem[2], 0xee, 4096);
    publish();
    int before = notifies;
    qdisk_serve(false);
    struct rsp s = response();
    check(s.id == 0x1000 && s.operation == BLKIF_OP_READ && s.status == BLKIF_RSP_OKAY, "read answered OKAY with its id (id %llx, status %d)",
          (unsigned long long)s.id, s.status);
    check(notifies == before + 1, "frontend notified once");
    uint8_t want[12 * 512];
    read_image(24 * 512, want, sizeof want);
    check(!memcmp(fe_mem[1], want, 4096), "segment 0: sectors 24..31 of the image in page 1");
    check(!memcmp(fe_mem[2] + 2 * 512, want + 8 * 512, 4 * 512), "segment 1: sectors 32..35 in page 2 at sector 2");
    check(fe_mem[2][0] == 0xee && fe_mem[2][6 * 512] == 0xee, "nothing written outside segment 1's sectors");
    check(live_maps == 3, "the ring and the two segment pages stay mapped (persistent: %d mappings)", live_maps);
    check(ring->req_event == prod + 1, "req_event asks for a kick at the next request");
    push(BLKIF_OP_READ, 0, 2);
    publish();
    qdisk_serve(false);
    check(response().status == BLKIF_RSP_OKAY && live_maps == 3, "the same pages again: no new mapping (%d)", live_maps);
}

static void case_write(void)
{
    connect(image, "w", "disk");
    memset(fe_mem[1], 0x5a, 4096);
    push(BLKIF_OP_WRITE, 8, 1);
    publish();
    qdisk_serve(false);
    struct rsp s = response();
    check(s.status == BLKIF_RSP_OKAY, "write answered OKAY (%d)", s.status);
    uint8_t got[4096];
    read_image(8 * 512, got, sizeof got);
    uint8_t want[4096];
    memset(want, 0x5a, sizeof want);
    check(!memcmp(got, want, 4096), "the image holds the written sectors");
    push(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    publish();
    qdisk_serve(false);
    check(response().status == BLKIF_RSP_OKAY, "flush answered OKAY");
}

static void case_read_only(void)
{
    connect(image, "r", "cdrom");
    uint8_t before[4096], after[4096];
    read_image(0, before, sizeof before);
    memset(fe_mem[1], 0x77, 4096);
    push(BLKIF_OP_WRITE, 0, 1);
    publish();
    qdisk_serve(false);
    check(response().status == BLKIF_RSP_ERROR, "write to a read-only vbd answered ERROR");
    read_image(0, after, sizeof after);
    check(!memcmp(before, after, 4096), "the image is unchanged");
}

static void case_bad_requests(void)
{
    connect(image, "w", "disk");
    struct { const char *what; int16_t want; } cases[] = {
        { "sector past the end", BLKIF_RSP_ERROR },
        { "sector * 512 wrapping 64 bits", BLKIF_RSP_ERROR },
        { "last sector of the image, 8 sectors from it", BLKIF_RSP_ERROR },
        { "no segments", BLKIF_RSP_ERROR },
        { "12 segments", BLKIF_RSP_ERROR },
        { "first sector after the last", BLKIF_RSP_ERROR },
        { "last sector 8 of a page", BLKIF_RSP_ERROR },
        { "grant ref the frontend does not own", BLKIF_RSP_ERROR },
        { "unknown operation 0x77", BLKIF_RSP_EOPNOTSUPP },
        { "discard (not offered)", BLKIF_RSP_EOPNOTSUPP },
        { "the last sector, alone", BLKIF_RSP_OKAY },
    };
    push(BLKIF_OP_READ, 1216, 1);
    push(BLKIF_OP_READ, 0x0080000000000001ULL, 1);
    push(BLKIF_OP_READ, 1215, 1);
    push(BLKIF_OP_READ, 0, 0);
    push(BLKIF_OP_READ, 0, 1)->nr_segments = 12;
    struct req *r = push(BLKIF_OP_READ, 0, 1);
    r->seg[0].first = 5, r->seg[0].last = 4;
    push(BLKIF_OP_READ, 0, 1)->seg[0].last = 8;
    push(BLKIF_OP_READ, 0, 1)->seg[0].gref = 9999;
    push(0x77, 0, 1);
    push(BLKIF_OP_DISCARD, 0, 0);
    push(BLKIF_OP_READ, 1215, 1)->seg[0].last = 0;
    publish();
    qdisk_serve(false);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rsp s = response();
        check(s.id == 0x1000 + i && s.status == cases[i].want, "%s: status %d (want %d)", cases[i].what, s.status, cases[i].want);
    }
    check(live_maps == 2, "nothing mapped beyond the ring and page 1, kept for reuse (%d)", live_maps);
}

static void case_many_pages(void)
{
    connect(image, "r", "cdrom");
    /* 40 distinct pages: the first 32 are kept mapped, the rest mapped per request and unmapped */
    for (unsigned i = 0; i < 40; i++) {
        if (i == 32) {   /* a ring holds 32 */
            publish();
            qdisk_serve(false);
            for (unsigned k = 0; k < 32; k++)
                check(response().status == BLKIF_RSP_OKAY, "request %u", k);
        }
        struct req *r = push(BLKIF_OP_READ, i, 1);
        r->seg[0].gref = 1 + i;
    }
    publish();
    qdisk_serve(false);
    for (unsigned i = 32; i < 40; i++)
        check(response().status == BLKIF_RSP_OKAY, "request %u (a page beyond the 32 kept)", i);
    check(live_maps == 1 + 32, "32 pages kept, the others unmapped after their request (%d)", live_maps);
    uint8_t want[512];
    read_image(39 * 512, want, sizeof want);
    check(!memcmp(fe_mem[40], want, 512), "a page mapped for one request got its data");
    set(FE "/state", "%d", XenbusStateClosing);
    qdisk_scan();
    check(live_maps == 0, "all unmapped when the vbd ends (%d)", live_maps);
}

static void case_ring_bounds(void)
{
    connect(image, "r", "cdrom");
    /* a full ring: one serve call answers all 32, in order */
    for (unsigned i = 0; i < RING_SLOTS; i++)
        push(BLKIF_OP_READ, i, 1);
    publish();
    qdisk_serve(false);
    for (unsigned i = 0; i < RING_SLOTS; i++)
        check(response().id == 0x1000 + i, "full ring: response %u in order", i);
    /* a frontend that claims more requests than the ring holds is not served: disconnected */
    __atomic_store_n(&ring->req_prod, prod + 1000, __ATOMIC_RELEASE);
    uint32_t rsp_before = ring->rsp_prod;
    qdisk_serve(false);
    check(ring->rsp_prod == rsp_before, "req_prod 1000 ahead: nothing served");
    check(strstr(logbuf, "frontend claims 1000 requests") && strstr(logbuf, "disconnected"), "and it is logged");
    check(be_state() == XenbusStateClosed && live_maps == 0 && bound == 0, "the vbd is disconnected: Closed, unmapped, unbound (%u, %d, %d)",
          be_state(), live_maps, bound);
}

/* ---- hostile frontends: random indexes and contents ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Many rounds against one vbd: well-formed batches of random requests (random operation,
 * segments, grants, sectors: each answered, in order) and, now and then, a req_prod out of range
 * (more than a ring ahead, or behind): that must disconnect the vbd at once with a log line,
 * never walk towards it; then libxl makes the vbd again. Every serve call must return at once
 * (the alarm of main would end a spin). */
static void case_ring_fuzz(void)
{
    unsigned rounds = 0, hostile = 0, served = 0;
    connect(image, "r", "cdrom");
    for (rounds = 0; rounds < 4000; rounds++) {
        if (rnd() % 8 == 0) {
            uint32_t bad = rnd() % 2 ? RING_SLOTS + 1 + rnd() % 100000 : (uint32_t)-(1 + (int32_t)(rnd() % 100000));
            if (rnd() % 4 == 0)
                bad = RING_SLOTS + 1 + rnd();   /* anywhere */
            if (bad <= RING_SLOTS)
                bad = RING_SLOTS + 1;
            /* whatever the slots hold */
            for (unsigned i = 0; i < sizeof *ring - 64; i += 4)
                *(uint32_t *)((uint8_t *)ring + 64 + i) = rnd();
            logbuf[0] = 0;
            __atomic_store_n(&ring->req_prod, ring->rsp_prod + bad, __ATOMIC_RELEASE);
            qdisk_serve(true);
            if (be_state() != XenbusStateClosed || live_maps != 0 || bound != 0 || !strstr(logbuf, "disconnected"))
                check(0, "round %u: req_prod %u ahead of %u: disconnected (state %u, %d maps, %d bound)", rounds, bad,
                      ring->rsp_prod, be_state(), live_maps, bound);
            hostile++;
            rm_tree(BE), rm_tree(FE), qdisk_scan();
            libxl_adds_vbd(image, "r", "cdrom");
            qdisk_scan();
            frontend_initialised();
            if (be_state() != XenbusStateConnected)
                check(0, "round %u: the new vbd connects", rounds);
            continue;
        }
        unsigned k = 1 + rnd() % RING_SLOTS;
        for (unsigned i = 0; i < k; i++) {
            struct req *r = push((uint8_t)(rnd() % 4 ? BLKIF_OP_READ : rnd()), rnd() % 1300, rnd() % 13);
            for (unsigned g = 0; g < 11; g++) {
                r->seg[g].gref = 1 + rnd() % (FE_PAGES + 4);
                r->seg[g].first = (uint8_t)(rnd() % 9), r->seg[g].last = (uint8_t)(rnd() % 9);
            }
        }
        publish();
        qdisk_serve(rnd() % 2);
        for (unsigned i = 0; i < k; i++) {   /* (checked quietly: one line per failure only) */
            if (cons == __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE))
                check(0, "round %u: a response for request %u", rounds, cons);
            struct rsp s = ring->ring[cons++ % RING_SLOTS].rsp;
            if (s.id != 0x1000 + cons - 1)
                check(0, "round %u: response %u in order (id %llx)", rounds, i, (unsigned long long)s.id);
        }
        served += k;
    }
    check(hostile > 300, "%u rounds: %u hostile indexes each disconnected at once with a log line, %u requests answered in order",
          rounds, hostile, served);
}

/* Only libxl's dom0-owned backend nodes say what to open and whose grants to map; what the
 * frontend writes is a strict, bounded number. */
static void case_untrusted_nodes(void)
{
    libxl_adds_vbd(image, "w", "disk");
    set_by(STUB, BE "/params", "%s", image);   /* not dom0's */
    qdisk_init((struct xs_handle *)&dummy_handle, STUB), qdisk_start();
    check(be_state() == XenbusStateClosed && strstr(logbuf, "owned by domain 7"), "params not owned by dom0: refused, logged");
    check(strstr(logbuf, "incomplete backend node") != 0, "and the vbd is not opened");
    rm_tree(BE), qdisk_scan();
    libxl_adds_vbd(image, "r", "cdrom");
    set_by(STUB, BE "/mode", "w");
    qdisk_scan();
    check(be_state() == XenbusStateInitWait && atoi(val(BE "/info")) & VDISK_READONLY, "a mode node not dom0's is ignored: read-only");
    rm_tree(BE), qdisk_scan();
    libxl_adds_vbd(image, "r", "cdrom");
    set(BE "/frontend-id", "3");   /* libxl's node naming another domain than the stub domain */
    qdisk_scan();
    check(be_state() == XenbusStateClosed && strstr(logbuf, "not the stub domain's vbd"), "a frontend of another domain: refused");
    rm_tree(BE), qdisk_scan();
    const char *bad[] = { "-1", "4294967296", " 5", "0x10", "12345678901", "", "9abc" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        libxl_adds_vbd(image, "r", "cdrom");
        qdisk_scan();
        memset(ring, 0, sizeof *ring);
        set(FE "/ring-ref", i % 2 ? "%s" : "0", bad[i]);
        set(FE "/event-channel", i % 2 ? "9" : "%s", bad[i]);
        set(FE "/state", "%d", XenbusStateInitialised);
        qdisk_scan();
        check(be_state() == XenbusStateClosed && live_maps == 0 && bound == 0, "%s '%s' refused, nothing mapped (state %u)",
              i % 2 ? "ring-ref" : "event-channel", bad[i], be_state());
        rm_tree(BE), rm_tree(FE), qdisk_scan();
    }
    libxl_adds_vbd(image, "r", "cdrom");
    qdisk_scan();
    txn_conflicts = 3;   /* the node changed between the reads of its owner and value: read again */
    frontend_initialised();
    check(be_state() == XenbusStateConnected, "a well-formed frontend still connects");
}

static void case_close(void)
{
    connect(image, "r", "cdrom");
    set(FE "/state", "%d", XenbusStateClosing);
    qdisk_scan();
    check(be_state() == XenbusStateClosed, "frontend Closing: backend Closed (%u)", be_state());
    check(live_maps == 0 && bound == 0, "ring unmapped, event channel unbound (%d, %d)", live_maps, bound);
    check(watches == 1, "frontend watch removed (%u left)", watches);
    qdisk_scan();
    check(be_state() == XenbusStateClosed, "a Closed vbd is not opened again");
}

static void case_libxl_removes(void)
{
    connect(image, "r", "cdrom");
    set(BE "/online", "0");
    set(BE "/state", "%d", XenbusStateClosing);   /* libxl's device removal */
    qdisk_scan();
    check(be_state() == XenbusStateClosed, "backend set Closing by libxl: answered Closed (%u)", be_state());
    check(live_maps == 0 && bound == 0, "ring unmapped, event channel unbound");
    connect(image, "r", "cdrom");   /* a new vbd with the same devid */
    rm_tree(BE);                    /* the stub domain destroyed: libxl removes the node */
    qdisk_scan();
    check(live_maps == 0 && bound == 0, "backend node gone: ring unmapped, event channel unbound");
    check(strstr(logbuf, "released") != 0, "release logged");
}

static void case_bad_backend(void)
{
    libxl_adds_vbd("/nonexistent/cd.iso", "r", "cdrom");
    qdisk_init((struct xs_handle *)&dummy_handle, STUB), qdisk_start();
    check(be_state() == XenbusStateClosed, "missing image: backend Closed at once, so the frontend need not time out");
    check(strstr(logbuf, "cannot open /nonexistent/cd.iso") != 0, "and the reason is logged");
    rm_tree(BE), qdisk_scan();
    libxl_adds_vbd("qcow2:/x.qcow2", "r", "disk");
    qdisk_scan();
    check(be_state() == XenbusStateClosed && strstr(logbuf, "not supported (raw only)"), "qcow2: refused in words");
    rm_tree(BE), qdisk_scan();
    libxl_adds_vbd("", "r", "cdrom");   /* an empty CD drive */
    qdisk_scan();
    check(be_state() == XenbusStateInitWait && !strcmp(val(BE "/sectors"), "0"), "empty CD drive: served with 0 sectors");
    frontend_initialised();
    push(BLKIF_OP_READ, 0, 1);
    publish();
    qdisk_serve(false);
    check(response().status == BLKIF_RSP_ERROR, "a read with no medium answered ERROR");
    rm_tree(BE), qdisk_scan();
    libxl_adds_vbd(image, "r", "cdrom");
    set(FE "/protocol", "x86_32-abi");
    set(FE "/ring-ref", "0"), set(FE "/event-channel", "9");
    set(FE "/state", "%d", XenbusStateInitialised);
    qdisk_scan();
    check(be_state() == XenbusStateClosed && strstr(logbuf, "x86_64-abi"), "32-bit ring protocol: refused in words");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: qdisk_host CASE IMAGE\n");
        return 2;
    }
    image = argv[2];
    static const struct check_case cases[] = {
        { "handshake", case_handshake }, { "read", case_read }, { "write", case_write },
        { "read-only", case_read_only }, { "bad-requests", case_bad_requests },
        { "ring-bounds", case_ring_bounds }, { "close", case_close }, { "many-pages", case_many_pages },
        { "libxl-removes", case_libxl_removes }, { "bad-backend", case_bad_backend },
        { "ring-fuzz", case_ring_fuzz }, { "untrusted-nodes", case_untrusted_nodes },
    };
    alarm(60);   /* a backend that spins is a failure, not a hang */
    return CHECK_CASES(argv[1], cases);
}
