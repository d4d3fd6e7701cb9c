/* host/dom0/vfb_backend.c — see vfb_backend.h. Layouts (io/fbif.h, io/kbdif.h): the vfb page
 * holds in_cons/in_prod/out_cons/out_prod, width, height, line_length, mem_length, depth and at
 * offset 40 the page directory (machine frames of pages listing the framebuffer's machine
 * frames, 512 a page); its backend-to-frontend ring (REFRESH_PERIOD) is at 1024, the
 * frontend-to-backend ring (UPDATE, RESIZE) at 2048; the vkbd page's backend-to-frontend ring
 * (KEY, MOTION) at 2048; events are 40 bytes. Everything the stub domain wrote is checked
 * before use: frame counts, geometry against the mapped memory, ring indexes (the helper keeps
 * its own copy of the indexes it advances; one the stub domain moves out of range disconnects
 * the device, with a log line). Which frontend to serve comes from libxl's dom0-owned backend
 * node only (store.h); what the frontend writes (state, page-ref, event-channel) is bounded. */
#define _GNU_SOURCE
#include "vfb_backend.h"
#include "frontend_ring.h"
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/io/xenbus.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define PAGE 4096u
#define EVENT_SIZE 40u
#define FB_IN_OFFS 1024u
#define FB_IN_LEN (1024u / EVENT_SIZE)
#define FB_OUT_OFFS 2048u
#define FB_OUT_LEN (2048u / EVENT_SIZE)
#define KBD_IN_OFFS 2048u
#define KBD_IN_LEN (2048u / EVENT_SIZE)
#define MAX_FB_BYTES (64u << 20)
#define PD_OFFS 40u
#define MAX_MFN ((1UL << 40) - 1)   /* x86-64: 52-bit machine addresses */

struct end {   /* one backend: vfb or vkbd */
    const char *kind;
    char be[96], fe[96];
    bool connected, failed, watching;
    unsigned fe_domid;
    uint8_t *page;
    evtchn_port_t port;
    uint32_t in_prod;    /* ours: backend-to-frontend events produced */
    uint32_t out_cons;   /* ours: frontend-to-backend events consumed (vfb) */
};

static struct xs_handle *store;
static unsigned stub_domid;
static xenforeignmemory_handle *fmem;
static xenevtchn_handle *xce;
static struct end vfb = { .kind = "vfb" }, vkbd = { .kind = "vkbd" };
static xen_pfn_t *fb_mfns;        /* the framebuffer's frames, from the page directory */
static uint32_t fb_pages;
static uint8_t *fb;                /* mapped only while a viewer looks, and only what is shown */
static uint32_t fb_mapped;
static uint32_t fw, fh, fstride;   /* the geometry in use (from the page, then RESIZE events) */
static int32_t dx0, dy0, dx1, dy1; /* accumulated damage; empty when dx0 >= dx1 */
static uint32_t period_ms, period_sent = UINT32_MAX;
static unsigned geometry_refused;  /* per connection: the first few are logged */

#define fail(e, ...) backend_fail(store, (e)->be, &(e)->failed, (e)->kind, -1, __VA_ARGS__)

void vfb_backend_init(struct xs_handle *xs, unsigned stub)
{
    store = xs;
    stub_domid = stub;
    snprintf(vfb.be, sizeof vfb.be, "/local/domain/0/backend/vfb/%u/0", stub);
    snprintf(vkbd.be, sizeof vkbd.be, "/local/domain/0/backend/vkbd/%u/0", stub);
    if (!fmem && !(fmem = xenforeignmemory_open(0, 0)))
        printk("vfb: cannot open the foreign-memory device: %s\n", strerror(errno));
    else if (xenforeignmemory_restrict(fmem, (domid_t)stub))
        printk("vfb: foreign mappings not restricted to domain %u: %s\n", stub, strerror(errno));
    if (!xce && !(xce = xenevtchn_open(0, 0)))
        printk("vfb: cannot open the event channel device: %s\n", strerror(errno));
    else if (xenevtchn_restrict(xce, (domid_t)stub))
        printk("vfb: event channels not restricted to domain %u: %s\n", stub, strerror(errno));
}

void vfb_backend_start(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/local/domain/0/backend/vfb/%u", stub_domid);
    xs_watch(store, dir, VFB_WATCH_TOKEN);
    snprintf(dir, sizeof dir, "/local/domain/0/backend/vkbd/%u", stub_domid);
    xs_watch(store, dir, VFB_WATCH_TOKEN);
    vfb_backend_scan();
}

/* Maps `n` machine frames of the stub domain (a PV domain: frames are machine frames). */
static void *map_frames(const xen_pfn_t *mfns, uint32_t n)
{
    int *err = calloc(n, sizeof *err);
    if (!err)
        return 0;
    void *p = xenforeignmemory_map(fmem, stub_domid, PROT_READ | PROT_WRITE, n, mfns, err);
    for (uint32_t i = 0; p && i < n; i++)
        if (err[i]) {
            xenforeignmemory_unmap(fmem, p, n);
            p = 0;
        }
    free(err);
    return p;
}

/* The shown part of the framebuffer unmapped (nobody looks, or the vfb goes). */
static void unmap_shown(void)
{
    if (fb)
        xenforeignmemory_unmap(fmem, fb, fb_mapped);
    fb = 0, fb_mapped = 0;
}

static void release(struct end *e)
{
    if (e->connected) {
        xenevtchn_unbind(xce, e->port);
        xenforeignmemory_unmap(fmem, e->page, 1);
        if (e == &vfb) {
            unmap_shown();
            free(fb_mfns);
            fb_mfns = 0, fb_pages = 0;
            fw = fh = fstride = 0;
        }
        printk("%s: released\n", e->kind);
    }
    if (e->watching) {
        char st[128];
        snprintf(st, sizeof st, "%s/state", e->fe);
        xs_unwatch(store, st, VFB_WATCH_TOKEN);
    }
    e->connected = e->failed = e->watching = false;
    e->page = 0;
}

/* The stub domain broke a ring's rules: the device is released and Closed until libxl makes a
 * new one. */
static void disconnect(struct end *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void disconnect(struct end *e, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printk("%s: %s: disconnected\n", e->kind, msg);
    release(e);
    store_put(store, e->be, "state", "%d", XenbusStateClosed);
    e->failed = true;
}

/* The framebuffer's frames, listed by the page directory (whose pages are mapped only to read
 * them). The framebuffer itself is mapped later, as much of it as is shown, while a viewer
 * looks (map_shown): mapping many foreign frames changes dom0's physmap, which is worth doing
 * only when someone needs the picture. */
static bool read_directory(void)
{
    uint32_t mem = *(uint32_t *)(vfb.page + 28);
    if (!mem || mem > MAX_FB_BYTES || mem % PAGE) {
        fail(&vfb, "framebuffer of %u bytes refused (page multiple, at most %u MiB)", mem, MAX_FB_BYTES >> 20);
        return false;
    }
    uint32_t pages = mem / PAGE, npd = (pages + 511) / 512;
    if (PD_OFFS + npd * 8 > FB_IN_OFFS) {
        fail(&vfb, "page directory of %u pages does not fit before the rings", npd);
        return false;
    }
    xen_pfn_t pdm[64];
    memcpy(pdm, vfb.page + PD_OFFS, npd * 8);
    uint64_t *pd = map_frames(pdm, npd);
    xen_pfn_t *mfns = calloc(pages, sizeof *mfns);
    if (!pd || !mfns) {
        if (pd)
            xenforeignmemory_unmap(fmem, pd, npd);
        free(mfns);
        fail(&vfb, "cannot map the page directory: %s", strerror(errno));
        return false;
    }
    for (uint32_t i = 0; i < pages; i++)
        mfns[i] = pd[i];
    xenforeignmemory_unmap(fmem, pd, npd);
    fb_mfns = mfns;
    fb_pages = pages;
    return true;
}

/* The first `bytes` of the framebuffer mapped (false when they cannot be). */
static bool map_shown(uint64_t bytes)
{
    uint32_t pages = (uint32_t)((bytes + PAGE - 1) / PAGE);
    if (pages > fb_pages)
        return false;
    if (fb && pages <= fb_mapped)
        return true;
    unmap_shown();
    fb = map_frames(fb_mfns, pages);
    fb_mapped = fb ? pages : 0;
    if (!fb)
        printk("vfb: cannot map %u framebuffer pages: %s\n", pages, strerror(errno));
    return fb != 0;
}

/* Geometry from the stub domain, checked against the mapped memory. */
static void set_geometry(int32_t w, int32_t h, int32_t stride, int32_t depth, int32_t offset)
{
    if (w < 0 || h < 0 || w > 8192 || h > 8192 || depth != 32 || offset != 0 || stride < w * 4 ||
        (uint64_t)stride * (uint64_t)h > (uint64_t)fb_pages * PAGE) {
        if (geometry_refused++ < 4)   /* a few, not one per event: the stub domain sends them */
            printk("vfb: geometry %dx%d stride %d depth %d offset %d refused%s\n", w, h, stride, depth, offset,
                   geometry_refused == 4 ? " (further refusals not logged)" : "");
        return;
    }
    fw = (uint32_t)w, fh = (uint32_t)h, fstride = (uint32_t)stride;
    dx0 = 0, dy0 = 0, dx1 = w, dy1 = h;
}

static void connect_end(struct end *e)
{
    char *fe = store_trusted(store, e->be, "frontend");
    unsigned long fe_id, ref, port, state;
    if (!fe || store_trusted_ulong(store, e->be, "frontend-id", 0x7fef, &fe_id)) {
        free(fe);
        return;
    }
    char want[sizeof e->fe];
    snprintf(want, sizeof want, "/local/domain/%u/device/%s/0", stub_domid, e->kind);
    bool expected = fe_id == stub_domid && !strcmp(fe, want);
    snprintf(e->fe, sizeof e->fe, "%s", fe);
    free(fe);
    if (!expected) {
        fail(e, "frontend %s of domain %lu is not the stub domain's: refused", e->fe, fe_id);
        return;
    }
    e->fe_domid = (unsigned)fe_id;
    if (!e->watching) {
        char st[128];
        snprintf(st, sizeof st, "%s/state", e->fe);
        e->watching = xs_watch(store, st, VFB_WATCH_TOKEN);
    }
    if (store_untrusted_ulong(store, e->fe, "state", FRONTEND_MAX_STATE, &state) || state != XenbusStateInitialised ||
        store_untrusted_ulong(store, e->fe, "page-ref", MAX_MFN, &ref) ||
        store_untrusted_ulong(store, e->fe, "event-channel", FRONTEND_MAX_PORT, &port))
        return;   /* the stub domain has not set up its end yet (or wrote no number) */
    xen_pfn_t mfn = ref;
    e->page = fmem ? map_frames(&mfn, 1) : 0;
    int lp = e->page && xce ? xenevtchn_bind_interdomain(xce, e->fe_domid, (evtchn_port_t)port) : -1;
    if (!e->page || lp < 0) {
        if (e->page)
            xenforeignmemory_unmap(fmem, e->page, 1);
        e->page = 0;
        fail(e, "cannot map page %lu or bind port %lu: %s", ref, port, strerror(errno));
        return;
    }
    e->port = (evtchn_port_t)lp;
    if (e == &vfb) {
        geometry_refused = 0;
        if (!read_directory()) {
            xenevtchn_unbind(xce, e->port);
            xenforeignmemory_unmap(fmem, e->page, 1);
            e->page = 0;
            return;
        }
        set_geometry(*(int32_t *)(vfb.page + 16), *(int32_t *)(vfb.page + 20), *(int32_t *)(vfb.page + 24),
                     vfb.page[32], 0);
        store_put(store, e->be, "feature-resize", "1");
        period_sent = UINT32_MAX;   /* tell the new frontend the period */
    }
    e->in_prod = __atomic_load_n((uint32_t *)(e->page + 4), __ATOMIC_ACQUIRE);
    e->out_cons = __atomic_load_n((uint32_t *)(e->page + 8), __ATOMIC_ACQUIRE);
    e->connected = true;
    store_put(store, e->be, "state", "%d", XenbusStateConnected);
    printk("%s: connected (page %lu, port %lu)%s\n", e->kind, ref, port, e == &vfb ? ", framebuffer found" : "");
}

static void scan_end(struct end *e)
{
    char *st = store_trusted(store, e->be, "state");
    bool present = st != 0;
    free(st);
    if (!present) {
        if (e->connected || e->watching)
            release(e);
        e->failed = false;
        return;
    }
    unsigned long fe_state = 0;
    if (e->connected && !store_untrusted_ulong(store, e->fe, "state", FRONTEND_MAX_STATE, &fe_state) &&
        fe_state >= XenbusStateClosing) {
        release(e);
        store_put(store, e->be, "state", "%d", XenbusStateClosed);
        e->failed = true;   /* not again until libxl makes a new one */
        return;
    }
    if (!e->connected && !e->failed)
        connect_end(e);
}

static void send_period(void);

void vfb_backend_scan(void)
{
    if (!store)
        return;
    scan_end(&vfb);
    scan_end(&vkbd);
    send_period();
}

unsigned vfb_backend_pollfds(struct pollfd *pfd)
{
    if (!xce)
        return 0;
    pfd[0] = (struct pollfd){ .fd = xenevtchn_fd(xce), .events = POLLIN };
    return 1;
}

/* UPDATE and RESIZE from the stub domain. */
static void read_fb_events(void)
{
    uint8_t *p = vfb.page;
    uint32_t cons = vfb.out_cons;
    uint32_t prod = __atomic_load_n((uint32_t *)(p + 12), __ATOMIC_ACQUIRE);
    if (!ring_indexes_sane(prod, cons, FB_OUT_LEN)) {
        disconnect(&vfb, "out_prod %u is %u past out_cons %u on a ring of %u", prod, prod - cons, cons, FB_OUT_LEN);
        return;
    }
    for (; cons != prod; cons++) {
        const uint8_t *ev = p + FB_OUT_OFFS + (cons % FB_OUT_LEN) * EVENT_SIZE;
        int32_t v[5];
        memcpy(v, ev + 4, sizeof v);
        if (ev[0] == 2) {   /* UPDATE x y w h */
            int32_t x0 = v[0] < 0 ? 0 : v[0], y0 = v[1] < 0 ? 0 : v[1];
            int64_t x1 = (int64_t)v[0] + v[2], y1 = (int64_t)v[1] + v[3];
            if (x1 > fw) x1 = fw;
            if (y1 > fh) y1 = fh;
            if (x1 <= x0 || y1 <= y0)
                continue;
            if (dx0 >= dx1) {
                dx0 = x0, dy0 = y0, dx1 = (int32_t)x1, dy1 = (int32_t)y1;
            } else {
                dx0 = x0 < dx0 ? x0 : dx0, dy0 = y0 < dy0 ? y0 : dy0;
                dx1 = x1 > dx1 ? (int32_t)x1 : dx1, dy1 = y1 > dy1 ? (int32_t)y1 : dy1;
            }
        } else if (ev[0] == 3) {   /* RESIZE w h stride depth offset */
            set_geometry(v[0], v[1], v[2], v[3], v[4]);
        }
    }
    vfb.out_cons = cons;
    __atomic_store_n((uint32_t *)(p + 8), cons, __ATOMIC_RELEASE);
}

void vfb_backend_handle(const struct pollfd *pfd, unsigned n)
{
    if (n && (pfd[0].revents & POLLIN)) {
        int port = xenevtchn_pending(xce);
        if (port >= 0)
            xenevtchn_unmask(xce, (evtchn_port_t)port);
    }
    if (vfb.connected)
        read_fb_events();
}

bool vfb_backend_view(struct vfb_view *v)
{
    if (!vfb.connected || !fw || !fh || !map_shown((uint64_t)fstride * fh))
        return false;
    *v = (struct vfb_view){ .pixels = fb, .width = fw, .height = fh, .stride = fstride };
    return true;
}

bool vfb_backend_take_damage(int32_t *x, int32_t *y, int32_t *w, int32_t *h)
{
    if (dx0 >= dx1 || dy0 >= dy1)
        return false;
    *x = dx0, *y = dy0, *w = dx1 - dx0, *h = dy1 - dy0;
    dx0 = dx1 = dy0 = dy1 = 0;
    return true;
}

/* An event into a backend-to-frontend ring; false when the ring is full (the event is lost). */
static bool put_event(struct end *e, uint32_t offs, uint32_t len, const uint8_t *ev, size_t evlen)
{
    uint8_t *p = e->page;
    uint32_t cons = __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE), prod = e->in_prod;
    if (!ring_indexes_sane(prod, cons, len)) {
        disconnect(e, "in_cons %u is %u behind in_prod %u on a ring of %u", cons, prod - cons, prod, len);
        return false;
    }
    if (prod - cons == len)
        return false;
    uint8_t *slot = p + offs + (prod % len) * EVENT_SIZE;
    memset(slot, 0, EVENT_SIZE);
    memcpy(slot, ev, evlen);
    e->in_prod = prod + 1;
    __atomic_store_n((uint32_t *)(p + 4), e->in_prod, __ATOMIC_RELEASE);
    xenevtchn_notify(xce, e->port);
    return true;
}

static void send_period(void)
{
    if (!vfb.connected || period_ms == period_sent)
        return;
    uint8_t ev[8] = { 1 };   /* REFRESH_PERIOD */
    memcpy(ev + 4, &period_ms, 4);
    if (put_event(&vfb, FB_IN_OFFS, FB_IN_LEN, ev, sizeof ev))
        period_sent = period_ms;
}

void vfb_backend_set_period(uint32_t ms)
{
    period_ms = ms;
    if (!ms)
        unmap_shown();   /* nobody looks */
    send_period();
}

void vfb_backend_key(uint32_t keycode, bool pressed)
{
    if (!vkbd.connected)
        return;
    uint8_t ev[8] = { 3, pressed ? 1 : 0 };   /* KEY */
    memcpy(ev + 4, &keycode, 4);
    put_event(&vkbd, KBD_IN_OFFS, KBD_IN_LEN, ev, sizeof ev);
}

void vfb_backend_motion(int32_t dx, int32_t dy, int32_t dz)
{
    if (!vkbd.connected)
        return;
    uint8_t ev[16] = { 1 };   /* MOTION */
    int32_t v[3] = { dx, dy, dz };
    memcpy(ev + 4, v, sizeof v);
    put_event(&vkbd, KBD_IN_OFFS, KBD_IN_LEN, ev, sizeof ev);
}
