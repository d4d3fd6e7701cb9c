/* test/xen/vfb_host.c — runs the stub domain's vfb and vkbd frontends (runtime/xen/vfb.c,
 * vkbd.c) on the build host for test/xen/vfb.test.ts, over stand-ins for runtime/xen's
 * xenstore, page allocator and event channels ("machine frames" here are host addresses >> 12,
 * so the harness can follow the page directory as the dom0 helper does). It plays the helper:
 * reads the frontend nodes and the shared pages, puts REFRESH_PERIOD, KEY and MOTION events in,
 * takes RESIZE and UPDATE events out. Usage: vfb_host CASE; "ok ..." per check, "FAIL ..." and
 * exit 1 at the first failed one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "check.h"
#include "console.h"
#include "evtchn.h"
#include "mm.h"
#include "vfb.h"
#include "vkbd.h"
#include "xenstore.h"

/* the stand-in pages live as long as the process */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

/* ---- runtime/xen stand-ins (printk: check.c) ---- */

static struct { char path[96], val[64]; } nodes[64];
static const char *node(const char *path)
{
    for (int i = 0; i < 64; i++)
        if (nodes[i].path[0] && !strcmp(nodes[i].path, path))
            return nodes[i].val;
    return 0;
}
int xs_write(const char *path, const char *value)
{
    int i = 0;
    while (i < 64 && nodes[i].path[0] && strcmp(nodes[i].path, path))
        i++;
    if (i == 64)
        return -1;
    snprintf(nodes[i].path, sizeof nodes[i].path, "%s", path);
    snprintf(nodes[i].val, sizeof nodes[i].val, "%s", value);
    return 0;
}
int xs_read(const char *path, char *buf, size_t size)
{
    const char *v = node(path);
    if (!v)
        return -1;
    snprintf(buf, size, "%s", v);
    return (int)strlen(buf);
}
int xs_read_u64(const char *dir, const char *key, uint64_t *v)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, key);
    const char *s = node(p);
    if (!s)
        return -1;
    *v = strtoull(s, 0, 10);
    return 0;
}
void *page_alloc(unsigned n)
{
    void *p = aligned_alloc(4096, (size_t)n * 4096);
    memset(p, 0, (size_t)n * 4096);
    return p;
}
uint64_t virt_to_mfn(const void *va) { return (uint64_t)(uintptr_t)va >> 12; }
static void *mfn(uint64_t m) { return (void *)(uintptr_t)(m << 12); }
static int notifies;
static bool pending;
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port) { (void)remote; *port = 17; return 0; }
void evtchn_watch(evtchn_port_t port) { (void)port; }
void evtchn_unwatch(evtchn_port_t port) { (void)port; }
void evtchn_notify(evtchn_port_t port) { (void)port; notifies++; }
bool evtchn_test_and_clear(evtchn_port_t port) { (void)port; bool p = pending; pending = false; return p; }

/* ---- the helper's side ---- */

static uint8_t *fbpage;
static uint8_t *fb;

static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static int32_t i32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }

static void connect_vfb(void)
{
    xs_write("device/vfb/0/backend-id", "0");
    fb = page_alloc(VFB_BYTES / 4096);
    check(vfb_connect(fb) == 0 && vfb_connected(), "vfb connects when libxl created device/vfb/0");
    check(!strcmp(node("device/vfb/0/state"), "3") && node("device/vfb/0/event-channel") && !strcmp(node("device/vfb/0/feature-update"), "1"),
          "state Initialised, event-channel, feature-update written");
    fbpage = mfn(strtoull(node("device/vfb/0/page-ref"), 0, 10));
    check(u32(fbpage + 28) == VFB_BYTES && fbpage[32] == 32, "mem_length %u MiB, depth 32", u32(fbpage + 28) >> 20);
    /* the directory, as the helper follows it: every page of the framebuffer, in order */
    uint64_t pd0;
    memcpy(&pd0, fbpage + 40, 8);
    uint64_t *dir = mfn(pd0);
    check(mfn(dir[0]) == fb && mfn(dir[511]) == fb + 511 * 4096, "the page directory lists the framebuffer's frames in order");
    uint64_t pd3;
    memcpy(&pd3, fbpage + 40 + 3 * 8, 8);
    check(mfn(((uint64_t *)mfn(pd3))[511]) == fb + VFB_BYTES - 4096, "the fourth directory page ends at the last framebuffer page");
}

static void set_period(uint32_t ms)
{
    uint32_t prod = u32(fbpage + 4);
    uint8_t *ev = fbpage + 1024 + (prod % 25) * 40;
    memset(ev, 0, 40);
    ev[0] = 1;
    memcpy(ev + 4, &ms, 4);
    prod++;
    memcpy(fbpage + 4, &prod, 4);
    pending = true;
}

/* the VGA, as the refresh callback sees it: an RGBA32 or BGRX32 surface */
static uint8_t surface[256 * 128 * 4];
static int skind = STUBDOM_SURFACE_RGBA32;
static uint32_t sw = 64, sh = 32;
static int refreshes;
static struct { int32_t x, y, w, h; } next_damage = { 0, 0, 0, 0 };
static bool publish;

static void refresh(void)
{
    refreshes++;
    struct core_display_backend *d = vfb_display();
    if (publish) {
        d->set_surface(0, skind, sw, sh, sw * 4, surface);
        publish = false;
    }
    if (next_damage.w)
        d->damage(0, next_damage.x, next_damage.y, next_damage.w, next_damage.h);
    next_damage.w = 0;
}

/* The next event the stub domain sent (type 0: none). */
static const uint8_t *take_event(void)
{
    uint32_t cons = u32(fbpage + 8), prod = u32(fbpage + 12);
    if (cons == prod)
        return 0;
    const uint8_t *ev = fbpage + 2048 + (cons % 51) * 40;
    cons++;
    memcpy(fbpage + 8, &cons, 4);
    return ev;
}

static void case_frames(void)
{
    connect_vfb();
    for (uint32_t i = 0; i < sizeof surface; i += 4)
        surface[i] = 0x11, surface[i + 1] = 0x22, surface[i + 2] = 0x33, surface[i + 3] = 0xff;   /* R G B A */
    publish = true;
    vfb_service(1000, refresh);
    check(refreshes == 0 && vfb_next_deadline() == UINT64_MAX, "no viewer (period 0): the VGA is never asked for a frame");
    set_period(50);
    vfb_service(2000, refresh);
    check(refreshes == 1, "a viewer came (period 50): a frame at once");
    const uint8_t *ev = take_event();
    check(ev && ev[0] == 3 && i32(ev + 4) == 64 && i32(ev + 8) == 32 && i32(ev + 12) == 256 && i32(ev + 16) == 32 && i32(ev + 20) == 0,
          "RESIZE 64x32, stride 256, depth 32, offset 0");
    ev = take_event();
    check(ev && ev[0] == 2 && i32(ev + 4) == 0 && i32(ev + 8) == 0 && i32(ev + 12) == 64 && i32(ev + 16) == 32, "UPDATE of the whole surface");
    check(fb[0] == 0x33 && fb[1] == 0x22 && fb[2] == 0x11 && fb[3] == 0, "RGBA converted to BGRX (B, G, R, 0)");
    check(notifies > 0, "the helper notified");
    check(vfb_next_deadline() == 2000 + 50 * 1000000ULL, "the next frame due one period later");
    vfb_service(2000 + 10 * 1000000ULL, refresh);
    check(refreshes == 1, "not before");
    surface[(5 * 64 + 7) * 4] = 0xaa;   /* pixel (7, 5) */
    next_damage.x = 7, next_damage.y = 5, next_damage.w = 1, next_damage.h = 1;
    vfb_service(2000 + 50 * 1000000ULL, refresh);
    ev = take_event();
    check(ev && ev[0] == 2 && i32(ev + 4) == 7 && i32(ev + 8) == 5 && i32(ev + 12) == 1 && i32(ev + 16) == 1, "UPDATE of exactly the damaged pixel");
    check(fb[(5 * 64 + 7) * 4 + 2] == 0xaa && !take_event(), "copied, and nothing else sent");
    vfb_service(2000 + 100 * 1000000ULL, refresh);
    check(!take_event(), "no damage: no event");
    /* a BGRX32 surface (VBE): copied as it is, a mode change resizes */
    skind = STUBDOM_SURFACE_BGRX32, sw = 128, sh = 64, publish = true;
    vfb_service(2000 + 150 * 1000000ULL, refresh);
    ev = take_event();
    check(ev && ev[0] == 3 && i32(ev + 4) == 128 && i32(ev + 8) == 64, "mode change: RESIZE 128x64");
    ev = take_event();
    check(ev && ev[0] == 2 && i32(ev + 12) == 128 && fb[0] == surface[0] && fb[2] == surface[2] && fb[3] == surface[3],
          "BGRX copied unchanged");
    set_period(0);
    vfb_service(2000 + 200 * 1000000ULL, refresh);
    int before = refreshes;
    vfb_service(2000 + 900 * 1000000ULL, refresh);
    check(refreshes == before && vfb_next_deadline() == UINT64_MAX, "the viewer left (period 0): no more frames");
}

static void case_limits(void)
{
    connect_vfb();
    set_period(50);
    /* a surface bigger than the framebuffer: its top lines, said so */
    skind = STUBDOM_SURFACE_RGBA32;
    static uint8_t big[4096 * 4096 * 4];
    vfb_display()->set_surface(0, skind, 4096, 4096, 4096 * 4, big);
    vfb_service(1, refresh);
    const uint8_t *ev = take_event();
    check(ev && ev[0] == 3 && i32(ev + 4) == 4096 && i32(ev + 8) == (int32_t)(VFB_BYTES / (4096 * 4)), "4096x4096 clipped to %d lines", i32(ev + 8));
    check(strstr(logbuf, "does not fit") != 0, "and logged");
    while (take_event())
        ;
    /* the helper stops taking events: the ring fills, nothing is overwritten, counted */
    sw = 64, sh = 32, publish = true;
    uint64_t t = 2;
    for (int i = 0; i < 60; i++, t += 50 * 1000000ULL) {
        next_damage.x = i % 60, next_damage.y = 0, next_damage.w = 1, next_damage.h = 1;
        vfb_service(t, refresh);
    }
    check(u32(fbpage + 12) - u32(fbpage + 8) == 51, "the out ring holds 51 events and stops there");
    vfb_report();
    check(strstr(logbuf, "times the ring was full") != 0, "the full ring is counted");
    /* a helper that claims more events than its ring holds is not followed: disconnected */
    uint32_t cons = u32(fbpage), bogus = cons + 1000;
    memcpy(fbpage + 4, &bogus, 4);
    vfb_service(t, refresh);
    check(u32(fbpage) == cons && !vfb_connected() && !strcmp(node("device/vfb/0/state"), "5") && strstr(logbuf, "disconnected"),
          "in_prod 1000 ahead: no event read, the vfb disconnected (state 5, logged)");
}

/* ---- vkbd ---- */

static uint8_t *kbdpage;
static char got[1024];
static void key(uint32_t code, bool pressed) { snprintf(got + strlen(got), sizeof got - strlen(got), "key %u %d;", code, pressed); }
static void mouse(int32_t dx, int32_t dy, int32_t dz, uint32_t b) { snprintf(got + strlen(got), sizeof got - strlen(got), "mouse %d %d %d %u;", dx, dy, dz, b); }
static const struct vkbd_sink sink = { key, mouse };

static void kbd_event(uint8_t type, uint8_t b1, int32_t a, int32_t b, int32_t c)
{
    uint32_t prod = u32(kbdpage + 4);
    uint8_t *ev = kbdpage + 2048 + (prod % 51) * 40;
    memset(ev, 0, 40);
    ev[0] = type, ev[1] = b1;
    memcpy(ev + 4, &a, 4), memcpy(ev + 8, &b, 4), memcpy(ev + 12, &c, 4);
    prod++;
    memcpy(kbdpage + 4, &prod, 4);
}

static void case_vkbd(void)
{
    check(vkbd_connect() != 0 && !strstr(logbuf, "vkbd:"), "no device/vkbd/0: quietly nothing");
    xs_write("device/vkbd/0/backend-id", "0");
    check(vkbd_connect() == 0 && !strcmp(node("device/vkbd/0/state"), "3"), "vkbd connects, state Initialised");
    kbdpage = mfn(strtoull(node("device/vkbd/0/page-ref"), 0, 10));
    kbd_event(3, 1, 30, 0, 0);              /* KEY a down */
    kbd_event(3, 0, 30, 0, 0);              /* KEY a up */
    kbd_event(1, 0, 5, -3, 0);              /* MOTION */
    kbd_event(3, 1, 0x110, 0, 0);           /* BTN_LEFT down */
    kbd_event(1, 0, 100000, -100000, 9);    /* MOTION out of the ABI's range */
    kbd_event(3, 0, 0x110, 0, 0);           /* BTN_LEFT up */
    kbd_event(4, 0, 10, 10, 0);             /* POS: not requested, ignored */
    kbd_event(3, 1, 0x7fffffff, 0, 0);      /* no such key */
    vkbd_service(&sink);
    check(!strcmp(got, "key 30 1;key 30 0;mouse 5 -3 0 0;mouse 0 0 0 1;mouse 32767 -32768 9 1;mouse 0 0 0 0;"),
          "keys, moves, buttons held across moves, moves clamped, the rest ignored: %s", got);
    check(u32(kbdpage) == u32(kbdpage + 4), "all consumed");
    got[0] = 0;
    uint32_t cons = u32(kbdpage), bogus = cons + 500;
    memcpy(kbdpage + 4, &bogus, 4);
    vkbd_service(&sink);
    check(!got[0] && u32(kbdpage) == cons && !strcmp(node("device/vkbd/0/state"), "5") && strstr(logbuf, "disconnected"),
          "in_prod 500 ahead: nothing delivered, vkbd disconnected (state 5, logged)");
}

int main(int argc, char **argv)
{
    static const struct check_case cases[] = { { "frames", case_frames }, { "limits", case_limits }, { "vkbd", case_vkbd } };
    return argc == 2 ? CHECK_CASES(argv[1], cases) : 2;
}
