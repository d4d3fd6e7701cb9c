/* test/xen/geometry_host.c — the display geometry a device module hands the runtime (issue 17,
 * finding 6), checked where it is used: runtime/core/imports.c's display_set_surface and
 * runtime/xen/vfb.c's copy into the vfb framebuffer, and runtime/xen/vram.c's dirty-VRAM bitmap
 * against what Xen's XEN_DMOP_track_dirty_vram writes. Built for the build host over
 * test/xen/frontend_fakes.c with stand-ins for the rest of runtime/core (memory, logging); the
 * module's memory is a heap block of exactly its size, so any byte read or written past it is an
 * ASan report. Usage: geometry_host CASE; "ok ..." per check, "FAIL ..." and exit 1 at the first
 * failed one. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "frontend_fakes.h"
#include "internal.h"
#include "vfb.h"
#include "vram.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

/* ---- runtime/core stand-ins: one device, its memory a heap block of exactly its size ---- */

#define MEM_SIZE (64u * 1024)
static wasm_rt_memory_t memory;
static wasm_rt_memory_t *memory_of(void *inst) { (void)inst; return &memory; }
static struct core_module module = { .name = "vga", .caps = CORE_CAP_DISPLAY, .memory = memory_of };
static struct core rt;
static struct core_device dev;
static unsigned refusals;

int core_in_mem(struct core_device *d, int32_t ptr, int32_t len)
{
    wasm_rt_memory_t *m = d->mod->memory(d->inst);
    return ptr >= 0 && len >= 0 && (uint64_t)(uint32_t)ptr + (uint32_t)len <= m->size;
}
uint8_t *core_device_memory(struct core_device *d, uint32_t *len)
{
    wasm_rt_memory_t *m = d->mod->memory(d->inst);
    *len = m->size;
    return m->data;
}
void core_log(struct core *r, const char *device, int level, const char *text, size_t len)
{
    (void)r, (void)level;
    refusals++;
    printk("[%s] %.*s\n", device, (int)len, text);
}
void core_logf(struct core *r, const char *device, int level, const char *fmt, ...)
{
    char text[CORE_LOG_LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    core_log(r, device, level, text, strlen(text));
}
void core_logf_once(struct core *r, const char *key, const char *fmt, ...)
{
    char text[CORE_LOG_LINE];
    va_list ap;
    (void)r, (void)key;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    refusals++;
    printk("%s\n", text);
}
void core_trap_from_import(const char *msg)
{
    printf("FAIL unexpected trap: %s\n", msg);
    exit(1);
}
void core_set_irq(struct core *r, struct core_device *d, uint32_t pin, uint32_t level) { (void)r, (void)d, (void)pin, (void)level; }
int core_timer_arm(struct core *r, struct core_device *d, int32_t id, uint64_t delay) { (void)r, (void)d, (void)id, (void)delay; return 0; }
void core_timer_cancel(struct core *r, struct core_device *d, int32_t id) { (void)r, (void)d, (void)id; }
void core_defer_blk_done(struct core *r, struct core_device *d, int32_t tag, int32_t status) { (void)r, (void)d, (void)tag, (void)status; }
void core_defer_chr_pump(struct core *r, struct core_device *d) { (void)r, (void)d; }
void core_defer_unplug(struct core *r, struct core_device *from, uint32_t mask) { (void)r, (void)from, (void)mask; }

/* the import under test (runtime/core/imports.c; wasm2c's name for host.display_set_surface) */
void Z_hostZ_display_set_surface(struct Z_host_instance_t *h, uint32_t kind, uint32_t width, uint32_t height,
                                 uint32_t stride, uint32_t ptr);

/* Xen's XEN_DMOP_track_dirty_vram: DIV_ROUND_UP(nr, 8) bytes written (all dirty on a new range) */
static uint64_t dm_first;
static uint32_t dm_nr;
int dm_track_dirty_vram(uint64_t first_pfn, uint32_t nr, uint8_t *bitmap);
int dm_track_dirty_vram(uint64_t first_pfn, uint32_t nr, uint8_t *bitmap)
{
    dm_first = first_pfn, dm_nr = nr;
    memset(bitmap, 0xff, (nr + 7) / 8);
    return 0;
}

static void setup_device(void)
{
    memory.data = malloc(MEM_SIZE);
    memset(memory.data, 0x5a, MEM_SIZE);
    memory.size = MEM_SIZE;
    memory.pages = 1;
    dev.mod = &module;
    dev.host = (struct Z_host_instance_t){ &rt, &dev };
    dev.spec.display = vfb_display();
    snprintf(dev.name, sizeof dev.name, "vga");
}

/* ---- the helper's side of the vfb: wants frames every 50 ms ---- */

static uint8_t fb[VFB_BYTES] __attribute__((aligned(4096)));
static uint8_t *fbpage;
static uint64_t now = 1;

static void connect_vfb(void)
{
    fake_xs_set("device/vfb/0/backend-id", "0");
    check(vfb_connect(fb) == 0, "vfb connects");
    fbpage = fake_mfn(strtoull(fake_xs_get("device/vfb/0/page-ref"), 0, 10));
    uint8_t *ev = fbpage + 1024;
    ev[0] = 1, ev[4] = 50;
    ((uint32_t *)fbpage)[1] = 1;
}
static void no_refresh(void) {}
static void frame(void)
{
    vfb_display()->damage(0, 0, 0, 8192, 8192);
    vfb_service(now, no_refresh);
    now += 100000000ULL;
    ((uint32_t *)fbpage)[2] = ((uint32_t *)fbpage)[3];   /* the helper takes every event */
}

/* The module says: surface `kind` w x h, `stride`, at `ptr`. */
static void say(uint32_t kind, uint32_t w, uint32_t h, uint32_t stride, uint32_t ptr)
{
    Z_hostZ_display_set_surface(&dev.host, kind, w, h, stride, ptr);
    frame();
}

static void case_surface(void)
{
    setup_device();
    connect_vfb();
    /* an honest surface at the very end of module memory: copied, nothing outside read */
    say(STUBDOM_SURFACE_BGRX32, 16, 8, 64, MEM_SIZE - 64 * 8);
    check(fb[0] == 0x5a && refusals == 0, "an honest 16x8 surface at the end of module memory is shown");
    /* the finding: rows wider than the stride (width * 4 > stride) at the end of memory */
    memset(fb, 0, 4096);
    unsigned before = refusals;
    say(STUBDOM_SURFACE_BGRX32, 64, 16, 4, MEM_SIZE - 64);
    check(refusals > before && fb[0] == 0, "64x16 with a 4-byte stride (rows of 256 bytes) refused, said so, shown blank");
    say(STUBDOM_SURFACE_RGBA32, 1u << 30, 1, 4, 0);
    check(fb[0] == 0, "a 2^30-pixel-wide row in a 4-byte stride refused");
    say(STUBDOM_SURFACE_BGRX32, 16, 1u << 30, 64, 0);
    say(STUBDOM_SURFACE_BGRX32, 16, 0xffffffffu, 0xffffffffu, 0);
    say(STUBDOM_SURFACE_BGRX32, 0xffffffffu, 2, 0xffffffffu, 0);
    say(7, 16, 8, 64, 0);
    say(STUBDOM_SURFACE_BGRX32, 16, 8, 64, MEM_SIZE - 64 * 8 + 1);
    check(refusals >= before + 5, "huge heights, 32-bit overflowing products, an unknown kind, one byte past the end: refused");
    /* what is still allowed: a stride wider than the rows (padding), a zero-height surface */
    before = refusals;
    say(STUBDOM_SURFACE_RGBA32, 8, 8, 4096, MEM_SIZE - 4096 * 8);
    say(STUBDOM_SURFACE_RGBA32, 8, 0, 32, 0);
    check(refusals == before, "padded rows and an empty surface are taken");
    /* hostile damage rectangles: int32 sums that overflow, negative corners */
    say(STUBDOM_SURFACE_BGRX32, 16, 8, 64, 0);
    vfb_display()->damage(0, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX);
    vfb_display()->damage(0, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX);
    vfb_display()->damage(0, -5, -5, 10, 10);
    frame();
    check(true, "damage rectangles at the int32 limits clamp (no overflow, no copy outside)");
}

/* The vfb on its own, told nonsense directly (another platform's runtime/core, a future caller). */
static void case_vfb_direct(void)
{
    connect_vfb();
    static uint8_t small[64 * 4];
    struct core_display_backend *d = vfb_display();
    logbuf[0] = 0;
    d->set_surface(0, STUBDOM_SURFACE_BGRX32, 64, 4, 16, small);   /* rows of 256 bytes, stride 16 */
    frame();
    check(strstr(logbuf, "refused") != 0, "vfb refuses width * 4 > stride itself, said so");
    d->set_surface(0, STUBDOM_SURFACE_RGBA32, 1u << 30, 1, 0xffffffffu, small);   /* was a division by zero */
    frame();
    d->set_surface(0, STUBDOM_SURFACE_RGBA32, 100000, 1, 400000, small);
    frame();
    d->set_surface(0, STUBDOM_SURFACE_BGRX32, 8, 4, 32, 0);
    frame();
    check(true, "a 2^30-wide surface, a 100000-wide one, a NULL one: refused, nothing copied");
}

/* The dirty-VRAM bitmap: exactly ceil(len / 4096) bits, whatever the offset's alignment. */
static void case_dirty_vram(void)
{
    static uint8_t vram[64 * 4096] __attribute__((aligned(4096)));
    vram_init(1);
    check(vram_place(0xf0000000ULL, sizeof vram, vram) == 0, "64 pages of VRAM placed at 0xf0000000");
    for (uint32_t pages = 1; pages <= 40; pages++) {
        for (uint32_t off = 0; off < 4096; off += 512) {
            uint32_t len = pages * 4096;
            size_t bytes = (pages + 7) / 8;   /* what imports.c sizes the module's bitmap for */
            uint8_t *bitmap = malloc(bytes);
            bool ok = vram_dirty(0xf0000000ULL + 4096 + off, len, bitmap);
            if (!ok || dm_first != 0xf0001 || (dm_nr + 7) / 8 > bytes)
                check(0, "%u pages at offset %u: Xen asked for %u frames, the bitmap holds %zu bytes", pages, off, dm_nr, bytes);
            free(bitmap);
        }
    }
    check(true, "1-40 pages at every 512-byte offset: Xen never writes past a bitmap of ceil(len / 4096) bits");
    uint8_t b[16];
    check(!vram_dirty(0xf0000000ULL + 60 * 4096, 8 * 4096, b), "a range past the placed VRAM is refused");
    check(!vram_dirty(0xeffff000ULL, 2 * 4096, b), "a range starting below it is refused");
}

int main(int argc, char **argv)
{
    static const struct check_case cases[] = {
        { "surface", case_surface }, { "vfb", case_vfb_direct }, { "dirty-vram", case_dirty_vram },
    };
    return argc == 2 ? CHECK_CASES(argv[1], cases) : 2;
}
