/* runtime/xen/vfb.c — see vfb.h. The shared page follows io/fbif.h's xenfb_page: ring indexes,
 * the framebuffer's geometry, then the page directory (machine frames of pages that list the
 * framebuffer's machine frames, 512 each); the backend-to-frontend ring (REFRESH_PERIOD) at
 * offset 1024, the frontend-to-backend ring (UPDATE, RESIZE) at 2048, 40-byte events. The
 * backend maps the directory and the framebuffer by machine frame, as a dom0 QEMU's xenfb
 * would. Nothing the backend writes is trusted as an index: both rings' indexes go through
 * ring_check.h, and inconsistent ones disconnect the vfb (logged once). Nothing the VGA says is
 * trusted either: a surface is taken only when width * 4 <= stride and both fit the limits below,
 * and every row copied is checked against the surface and the framebuffer (64-bit sums). */
#include "vfb.h"
#include "console.h"
#include "evtchn.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "time.h"
#include "xenbus.h"
#include "xenstore.h"
#include "abi.h"

#define DIR "device/vfb/0"
#define FB_PAGES ((uint32_t)(VFB_BYTES / PAGE_SIZE))
#define PD_PAGES ((FB_PAGES + 511u) / 512u)
#define EVENT_SIZE 40
#define IN_RING_OFFS 1024
#define IN_RING_LEN (1024 / EVENT_SIZE)
#define OUT_RING_OFFS 2048
#define OUT_RING_LEN (2048 / EVENT_SIZE)
#define TYPE_REFRESH_PERIOD 1
#define TYPE_UPDATE 2
#define TYPE_RESIZE 3
#define MAX_PERIOD_MS 10000u
#define MAX_DIM 8192u   /* widest / tallest surface taken (io/fbif.h's backends cap lower) */

struct fb_page {
    uint32_t in_cons, in_prod, out_cons, out_prod;
    int32_t width, height;
    uint32_t line_length, mem_length;
    uint8_t depth;
    uint64_t pd[PD_PAGES];
};
_Static_assert(__builtin_offsetof(struct fb_page, pd) == 40, "xenfb_page.pd");
_Static_assert(sizeof(struct fb_page) <= IN_RING_OFFS, "the directory stays clear of the rings");

static struct fb_page *page;
static uint8_t *fb;
static evtchn_port_t port;
static bool connected;

/* the VGA's surface */
static int kind;
static uint32_t sw, sh, sstride;
static const uint8_t *spix;
/* what the framebuffer shows: its geometry, the rectangle still to copy and announce */
static uint32_t fw, fh;
static bool resize_pending;
static int32_t dx0, dy0, dx1, dy1;   /* dirty: [dx0, dx1) x [dy0, dy1), empty when dx0 >= dx1 */
static uint32_t period_ms;
static uint64_t next_frame;
static uint64_t frames, updates, resizes, ring_full, refused;
static unsigned period_logs;
static struct ring_guard guard = { .who = "vfb" };

bool vfb_connected(void) { return connected; }

static void dirty_all(void)
{
    dx0 = 0, dy0 = 0, dx1 = (int32_t)fw, dy1 = (int32_t)fh;
}

static void disconnect(void)
{
    connected = false;
    evtchn_unwatch(port);
    xs_set_state(DIR, XenbusStateClosing);
}

/* A surface is usable when its rows fit its stride and it is no bigger than MAX_DIM either way
 * (its stride * h bytes are the caller's to vouch for: runtime/core checks them against the
 * module's memory). Anything else is shown as no surface, said once. */
static bool surface_ok(int k, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *pixels)
{
    if (k == STUBDOM_SURFACE_NONE)
        return true;
    if ((k == STUBDOM_SURFACE_RGBA32 || k == STUBDOM_SURFACE_BGRX32) && pixels && w <= MAX_DIM && h <= MAX_DIM &&
        (uint64_t)w * 4 <= stride)
        return true;
    if (!refused++)
        printk("vfb: surface kind %d %ux%u stride %u refused (rows must fit the stride, at most %ux%u): blank\n",
               k, w, h, stride, MAX_DIM, MAX_DIM);
    return false;
}

static void set_surface(void *ctx, int k, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *pixels)
{
    (void)ctx;
    if (!surface_ok(k, w, h, stride, pixels))
        k = STUBDOM_SURFACE_NONE, w = h = stride = 0, pixels = 0;
    kind = k, sw = w, sh = h, sstride = stride, spix = pixels;
    uint32_t nw = k == STUBDOM_SURFACE_NONE ? fw : w, nh = k == STUBDOM_SURFACE_NONE ? fh : h;
    if (nw && (uint64_t)nw * nh * 4 > VFB_BYTES) {
        uint32_t clipped = VFB_BYTES / (nw * 4);   /* nw <= MAX_DIM: no overflow, not 0 */
        printk("vfb: a %ux%u surface does not fit the %u MiB framebuffer: its top %u lines are shown\n",
               nw, nh, VFB_BYTES >> 20, clipped);
        nh = clipped;
    }
    if (nw != fw || nh != fh) {
        fw = nw, fh = nh;
        resize_pending = true;
    }
    dirty_all();
}

static int32_t clamp_dim(int64_t v) { return v < 0 ? 0 : v > (int64_t)MAX_DIM ? (int32_t)MAX_DIM : (int32_t)v; }

static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h)
{
    (void)ctx;
    if (w <= 0 || h <= 0)
        return;
    /* 64-bit sums: x + w of two int32s may not fit an int32 */
    int32_t x0 = clamp_dim(x), y0 = clamp_dim(y), x1 = clamp_dim((int64_t)x + w), y1 = clamp_dim((int64_t)y + h);
    if (x0 >= x1 || y0 >= y1)
        return;
    if (dx0 >= dx1) {
        dx0 = x0, dy0 = y0, dx1 = x1, dy1 = y1;
    } else {
        dx0 = x0 < dx0 ? x0 : dx0, dy0 = y0 < dy0 ? y0 : dy0;
        dx1 = x1 > dx1 ? x1 : dx1, dy1 = y1 > dy1 ? y1 : dy1;
    }
}

static struct core_display_backend display = { .set_surface = set_surface, .damage = damage };
struct core_display_backend *vfb_display(void) { return &display; }

int vfb_connect(uint8_t *mem)
{
    char buf[16];
    uint64_t be;
    if (xs_read(DIR "/backend-id", buf, sizeof buf) < 0)
        return -1;   /* vnc=0: no vfb */
    if (xs_read_u64(DIR, "backend-id", &be) || be >= 0x7ff0) {
        printk("vfb: bad backend-id\n");
        return -1;
    }
    page = page_alloc(1);
    uint64_t *pd = page_alloc(PD_PAGES);
    if (!page || !pd) {
        printk("vfb: out of pages\n");
        return -1;
    }
    fb = mem;
    memset(page, 0, PAGE_SIZE);
    memset(fb, 0, VFB_BYTES);
    for (uint32_t i = 0; i < FB_PAGES; i++)
        pd[i] = virt_to_mfn(fb + (size_t)i * PAGE_SIZE);
    for (uint32_t i = 0; i < PD_PAGES; i++)
        page->pd[i] = virt_to_mfn((uint8_t *)pd + (size_t)i * PAGE_SIZE);
    page->width = 640, page->height = 480, page->line_length = 640 * 4;
    page->mem_length = VFB_BYTES;
    page->depth = 32;
    if (evtchn_alloc_unbound((domid_t)be, &port)) {
        printk("vfb: no event channel\n");
        return -1;
    }
    int rc = xs_printf(DIR, "page-ref", "%lu", virt_to_mfn(page));
    rc |= xs_printf(DIR, "event-channel", "%u", port);
    rc |= xs_printf(DIR, "protocol", "x86_64-abi");
    rc |= xs_printf(DIR, "feature-update", "1");
    rc |= xs_set_state(DIR, XenbusStateInitialised);
    if (rc) {
        printk("vfb: cannot write the frontend nodes\n");
        return -1;
    }
    evtchn_watch(port);
    connected = true;
    printk("vfb: %u MiB framebuffer (%u pages, %u directory pages), port %u, backend domain %lu\n",
           VFB_BYTES >> 20, FB_PAGES, PD_PAGES, port, be);
    return 0;
}

/* The backend's events: only REFRESH_PERIOD (how often it wants frames; 0 = no viewer). */
static void read_in_ring(uint64_t now)
{
    uint32_t cons = page->in_cons;
    uint32_t n = ring_unconsumed(&guard, &page->in_prod, cons, IN_RING_LEN);
    for (uint32_t i = 0; i < n; i++, cons++) {
        const uint8_t *ev = ring_entry((const uint8_t *)page + IN_RING_OFFS, cons, IN_RING_LEN, EVENT_SIZE);
        if (ev[0] != TYPE_REFRESH_PERIOD)
            continue;
        uint32_t p;
        memcpy(&p, ev + 4, 4);
        if (p > MAX_PERIOD_MS)
            p = MAX_PERIOD_MS;
        if (p && !period_ms)
            next_frame = now;   /* a viewer arrived: a frame at once */
        if (p != period_ms && period_logs < 16)   /* the backend picks how often: bounded */
            printk("vfb: the backend asks for a frame every %u ms%s%s\n", p, p ? "" : " (no viewer: none)",
                   ++period_logs == 16 ? " (further changes not logged)" : "");
        period_ms = p;
        if (p)
            dirty_all();
    }
    ring_consumed(&page->in_cons, cons);
}

static bool put_event(const void *ev, size_t len)
{
    uint32_t prod = page->out_prod, cons = READ_ONCE(page->out_cons);
    if (ring_ready(&guard, cons, prod, OUT_RING_LEN) >= OUT_RING_LEN || guard.broken) {
        ring_full++;
        return false;   /* the backend is behind: try again next frame */
    }
    uint8_t *slot = (uint8_t *)ring_entry((uint8_t *)page + OUT_RING_OFFS, prod, OUT_RING_LEN, EVENT_SIZE);
    memset(slot, 0, EVENT_SIZE);
    memcpy(slot, ev, len);
    wmb();
    page->out_prod = prod + 1;
    return true;
}

/* The dirty rectangle of the surface into the framebuffer, as BGRX. Each row is checked against
 * both buffers before it is touched (64-bit offsets), whatever set_surface was told. */
static void copy_dirty(void)
{
    int64_t x0 = dx0 < 0 ? 0 : dx0, y0 = dy0 < 0 ? 0 : dy0;
    int64_t x1 = dx1 > (int32_t)fw ? (int32_t)fw : dx1, y1 = dy1 > (int32_t)fh ? (int32_t)fh : dy1;
    bool blank = kind == STUBDOM_SURFACE_NONE || !spix;
    if (!blank && x1 > (int64_t)sw)
        x1 = sw;
    if (!blank && y1 > (int64_t)sh)
        y1 = sh;
    if (x0 >= x1)
        return;
    uint64_t fstride = (uint64_t)fw * 4, row = (uint64_t)(x1 - x0) * 4;
    uint64_t surface_bytes = (uint64_t)sstride * sh;
    for (int64_t y = y0; y < y1; y++) {
        uint64_t doff = (uint64_t)y * fstride + (uint64_t)x0 * 4;
        if (doff + row > VFB_BYTES)
            return;
        uint8_t *dst = fb + doff;
        if (blank) {
            memset(dst, 0, row);
            continue;
        }
        uint64_t soff = (uint64_t)y * sstride + (uint64_t)x0 * 4;
        if (soff + row > surface_bytes || (uint64_t)x1 * 4 > sstride)
            return;
        const uint8_t *src = spix + soff;
        if (kind == STUBDOM_SURFACE_BGRX32) {
            memcpy(dst, src, row);
        } else {   /* RGBA32 */
            for (int64_t x = x0; x < x1; x++, src += 4, dst += 4) {
                dst[0] = src[2], dst[1] = src[1], dst[2] = src[0], dst[3] = 0;
            }
        }
    }
}

void vfb_service(uint64_t now, void (*refresh)(void))
{
    if (!connected)
        return;
    evtchn_test_and_clear(port);
    read_in_ring(now);
    if (guard.broken) {
        disconnect();
        return;
    }
    if (!period_ms || now < next_frame)
        return;
    next_frame = now + (uint64_t)period_ms * 1000000ULL;
    frames++;
    refresh();   /* the VGA renders what changed: set_surface / damage above */
    bool sent = false;
    if (resize_pending) {
        uint8_t ev[24] = { TYPE_RESIZE };
        int32_t v[5] = { (int32_t)fw, (int32_t)fh, (int32_t)(fw * 4), 32, 0 };
        memcpy(ev + 4, v, sizeof v);
        if (!put_event(ev, sizeof ev)) {
            if (guard.broken)
                disconnect();
            return;
        }
        page->width = (int32_t)fw, page->height = (int32_t)fh, page->line_length = fw * 4;
        resize_pending = false;
        resizes++;
        sent = true;
        dirty_all();
    }
    if (dx0 < dx1 && dy0 < dy1 && fw && fh) {
        copy_dirty();
        int32_t x0 = dx0 < 0 ? 0 : dx0, y0 = dy0 < 0 ? 0 : dy0;
        int32_t x1 = dx1 > (int32_t)fw ? (int32_t)fw : dx1, y1 = dy1 > (int32_t)fh ? (int32_t)fh : dy1;
        uint8_t ev[20] = { TYPE_UPDATE };
        int32_t v[4] = { x0, y0, x1 - x0, y1 - y0 };
        memcpy(ev + 4, v, sizeof v);
        if (x1 > x0 && y1 > y0 && put_event(ev, sizeof ev)) {
            dx0 = dx1 = dy0 = dy1 = 0;
            updates++;
            sent = true;
        }
    }
    if (guard.broken)
        disconnect();
    else if (sent)
        evtchn_notify(port);
}

uint64_t vfb_next_deadline(void)
{
    return connected && period_ms ? next_frame : UINT64_MAX;
}

void vfb_report(void)
{
    if (connected && frames)
        printk("vfb: %lu frames, %lu updates, %lu resizes (now %ux%u), %lu times the ring was full\n", frames,
               updates, resizes, fw, fh, ring_full);
}
