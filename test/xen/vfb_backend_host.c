/* test/xen/vfb_backend_host.c — runs host/dom0/vfb_backend.c (the dom0 helper's end of the stub
 * domain's vfb and vkbd) on the build host for test/xen/vfb-backend.test.ts, on the stand-ins of
 * xen_fakes.c (machine frame N is page N of the "frontend" memory). It plays libxl (the backend
 * nodes) and the stub domain's vfb.c/vkbd.c (frontend nodes, the shared pages and their rings).
 * Usage: vfb_backend_host CASE; prints "ok ..." per check, "FAIL ..." and exit 1 at the first
 * failed one. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/io/xenbus.h>

#include "vfb_backend.h"
#include "xen_fakes.h"

#define STUB 9
#define BE_VFB "/local/domain/0/backend/vfb/9/0"
#define BE_KBD "/local/domain/0/backend/vkbd/9/0"
#define FE_VFB "/local/domain/9/device/vfb/0"
#define FE_KBD "/local/domain/9/device/vkbd/0"
#define VFB_PAGE 1
#define KBD_PAGE 2
#define PD_PAGE 3
#define FB_PAGE 4           /* the framebuffer: frames 4 and 5 */
#define OUT_LEN (2048 / 40) /* frontend-to-backend events (UPDATE, RESIZE) */
#define KBD_IN_LEN (2048 / 40)

static uint32_t *u32(unsigned page, unsigned off) { return (uint32_t *)(fe_mem[page] + off); }
static unsigned state(const char *be) { const char *v = val(be); return v ? (unsigned)atoi(v) : 0; }

static void libxl_adds(const char *be, const char *fe)
{
    char p[128];
    snprintf(p, sizeof p, "%s/frontend", be), set(p, "%s", fe);
    snprintf(p, sizeof p, "%s/frontend-id", be), set(p, "%d", STUB);
    snprintf(p, sizeof p, "%s/state", be), set(p, "%d", XenbusStateInitialising);
}

/* The stub domain's vfb.c / vkbd.c: the shared page, then its nodes */
static void frontend_ready(const char *fe, unsigned page, unsigned port)
{
    char p[128];
    memset(fe_mem[page], 0, 4096);
    if (page == VFB_PAGE) {
        *u32(page, 16) = 64, *u32(page, 20) = 32, *u32(page, 24) = 256, *u32(page, 28) = 8192;
        fe_mem[page][32] = 32;
        uint64_t pd = PD_PAGE;
        memcpy(fe_mem[page] + 40, &pd, 8);
        uint64_t fb[2] = { FB_PAGE, FB_PAGE + 1 };
        memcpy(fe_mem[PD_PAGE], fb, sizeof fb);
    }
    snprintf(p, sizeof p, "%s/page-ref", fe), set_by(STUB, p, "%u", page);
    snprintf(p, sizeof p, "%s/event-channel", fe), set_by(STUB, p, "%u", port);
    snprintf(p, sizeof p, "%s/state", fe), set_by(STUB, p, "%d", XenbusStateInitialised);
}

static void both_connected(void)
{
    libxl_adds(BE_VFB, FE_VFB), libxl_adds(BE_KBD, FE_KBD);
    frontend_ready(FE_VFB, VFB_PAGE, 5), frontend_ready(FE_KBD, KBD_PAGE, 6);
    vfb_backend_scan();
    if (state(BE_VFB "/state") != XenbusStateConnected || state(BE_KBD "/state") != XenbusStateConnected)
        check(0, "vfb and vkbd Connected (%u, %u)", state(BE_VFB "/state"), state(BE_KBD "/state"));
}

/* An event from the stub domain into the vfb's frontend-to-backend ring. */
static void fe_event(uint8_t type, const int32_t v[5])
{
    uint32_t prod = *u32(VFB_PAGE, 12);
    uint8_t *ev = fe_mem[VFB_PAGE] + 2048 + (prod % OUT_LEN) * 40;
    memset(ev, 0, 40);
    ev[0] = type;
    memcpy(ev + 4, v, 20);
    __atomic_store_n(u32(VFB_PAGE, 12), prod + 1, __ATOMIC_RELEASE);
}

static void case_connect(void)
{
    vfb_backend_init((struct xs_handle *)&dummy_handle, STUB), vfb_backend_start();
    both_connected();
    check(foreign_maps == 2, "the two pages mapped (%d)", foreign_maps);
    fe_event(2, (int32_t[5]){ 3, 4, 10, 5, 0 });   /* UPDATE */
    vfb_backend_handle(0, 0);
    int32_t x, y, w, h;
    check(vfb_backend_take_damage(&x, &y, &w, &h), "an UPDATE is damage");
    vfb_backend_take_damage(&x, &y, &w, &h);
    check(*u32(VFB_PAGE, 8) == *u32(VFB_PAGE, 12), "the event consumed (out_cons %u)", *u32(VFB_PAGE, 8));
    vfb_backend_key(30, true);
    check(*u32(KBD_PAGE, 4) == 1 && fe_mem[KBD_PAGE][2048] == 3 && fe_mem[KBD_PAGE][2049] == 1, "a key into the vkbd's ring");
}

static uint64_t rng = 0x853c49e6748fea9bULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Many rounds: random UPDATE/RESIZE events (all consumed) and keys, and now and then an index out
 * of range (the vfb's out_prod more than its ring ahead, or the vkbd's in_cons past what was
 * produced): that device is disconnected at once with a log line, never walked; libxl then makes
 * it again. */
static void case_ring_fuzz(void)
{
    unsigned rounds, hostile = 0, events = 0;
    vfb_backend_init((struct xs_handle *)&dummy_handle, STUB), vfb_backend_start();
    both_connected();
    for (rounds = 0; rounds < 5000; rounds++) {
        if (rnd() % 10 == 0) {
            bool fb = rnd() % 2;
            uint32_t bad = (fb ? OUT_LEN : KBD_IN_LEN) + 1 + rnd() % (rnd() % 2 ? 100000 : 0xffff0000u);
            logbuf[0] = 0;
            if (fb) {
                __atomic_store_n(u32(VFB_PAGE, 12), *u32(VFB_PAGE, 8) + bad, __ATOMIC_RELEASE);
                vfb_backend_handle(0, 0);
            } else {
                __atomic_store_n(u32(KBD_PAGE, 0), *u32(KBD_PAGE, 4) - bad, __ATOMIC_RELEASE);
                vfb_backend_key(30, true);
            }
            const char *be = fb ? BE_VFB "/state" : BE_KBD "/state";
            if (!strstr(logbuf, "disconnected") || state(be) != XenbusStateClosed || foreign_maps != 1 || bound != 1)
                check(0, "round %u: %s %u out of range: disconnected with a log line (state %u, %d maps, %d bound)", rounds,
                      fb ? "vfb out_prod" : "vkbd in_cons", bad, state(be), foreign_maps, bound);
            hostile++;
            rm_tree(fb ? BE_VFB : BE_KBD), rm_tree(fb ? FE_VFB : FE_KBD);
            vfb_backend_scan();   /* libxl removed it */
            libxl_adds(fb ? BE_VFB : BE_KBD, fb ? FE_VFB : FE_KBD);
            frontend_ready(fb ? FE_VFB : FE_KBD, fb ? VFB_PAGE : KBD_PAGE, fb ? 5 : 6);
            vfb_backend_scan();
            if (state(be) != XenbusStateConnected)
                check(0, "round %u: the new device connects", rounds);
            continue;
        }
        unsigned k = rnd() % OUT_LEN;
        for (unsigned i = 0; i < k; i++) {
            int32_t v[5];
            for (int j = 0; j < 5; j++)
                v[j] = (int32_t)(rnd() % 2 ? rnd() % 10000 : rnd() * 65599u);   /* small, or anything */
            fe_event((uint8_t)(rnd() % 5), v);
        }
        events += k;
        vfb_backend_handle(0, 0);
        if (*u32(VFB_PAGE, 8) != *u32(VFB_PAGE, 12))
            check(0, "round %u: all %u events consumed", rounds, k);
        int32_t x, y, w, h;
        if (vfb_backend_take_damage(&x, &y, &w, &h) && (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 8192 || y + h > 8192))
            check(0, "round %u: damage inside the surface", rounds);
        if (rnd() % 2)
            vfb_backend_key(rnd() % 300, rnd() % 2);
        if (rnd() % 2)
            *u32(KBD_PAGE, 0) = *u32(KBD_PAGE, 4);   /* the stub domain takes the keys */
    }
    check(hostile > 300, "%u rounds: %u indexes out of range, each disconnected at once with a log line; %u events consumed",
          rounds, hostile, events);
}

/* Only libxl's dom0-owned backend nodes say which frontend to serve; what the frontend writes
 * is a strict, bounded number. */
static void case_untrusted_nodes(void)
{
    vfb_backend_init((struct xs_handle *)&dummy_handle, STUB), vfb_backend_start();
    libxl_adds(BE_VFB, FE_VFB);
    set(BE_VFB "/frontend-id", "3");
    frontend_ready(FE_VFB, VFB_PAGE, 5);
    vfb_backend_scan();
    check(state(BE_VFB "/state") == XenbusStateClosed && strstr(logbuf, "not the stub domain's"), "a frontend of another domain: refused");
    rm_tree(BE_VFB), vfb_backend_scan();
    libxl_adds(BE_VFB, FE_VFB);
    set_by(STUB, BE_VFB "/frontend", FE_VFB);   /* a node that is not dom0's */
    vfb_backend_scan();
    check(state(BE_VFB "/state") != XenbusStateConnected && foreign_maps == 0, "a frontend node not owned by dom0 is ignored");
    rm_tree(BE_VFB), vfb_backend_scan();
    libxl_adds(BE_VFB, FE_VFB);
    set_by(STUB, FE_VFB "/page-ref", "-1");
    vfb_backend_scan();
    check(state(BE_VFB "/state") != XenbusStateConnected && foreign_maps == 0, "page-ref -1: not a number, nothing mapped");
    set_by(STUB, FE_VFB "/page-ref", "1");
    vfb_backend_scan();
    check(state(BE_VFB "/state") == XenbusStateConnected, "a well-formed frontend connects");
}

int main(int argc, char **argv)
{
    static const struct check_case cases[] = {
        { "connect", case_connect }, { "ring-fuzz", case_ring_fuzz }, { "untrusted-nodes", case_untrusted_nodes },
    };
    alarm(60);   /* a backend that spins is a failure, not a hang */
    return argc == 2 ? CHECK_CASES(argv[1], cases) : 2;
}
