/* runtime/xen/screen.c — see screen.h. */
#include "screen.h"
#include "abi.h"
#include "console.h"
#include "lib.h"
#include "mm.h"
#include "vfb.h"
#include "vkbd.h"

static struct core *rt;
static struct core_device *display_dev, *input_dev;
static uint64_t damage_count;
static uint32_t screen_hash;
static uint64_t next_dump;

/* The display's surface and damage: to the vfb when there is one. */
static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *pixels)
{
    (void)ctx;
    printk("vga: surface kind %d %ux%u\n", kind, w, h);
    if (vfb_connected())
        vfb_display()->set_surface(0, kind, w, h, stride, pixels);
}
static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h)
{
    (void)ctx;
    damage_count++;
    if (vfb_connected())
        vfb_display()->damage(0, x, y, w, h);
}
static struct core_display_backend display = { .set_surface = set_surface, .damage = damage };

struct core_display_backend *screen_display(void) { return &display; }

size_t screen_connect(uint8_t *arena, size_t len)
{
    /* vnc=1: the framebuffer comes off the top of the devices' memory (page aligned) */
    uintptr_t fb_at = ((uintptr_t)arena + len - VFB_BYTES) & ~(uintptr_t)(PAGE_SIZE - 1);
    if (len > VFB_BYTES + (48u << 20) && !vfb_connect((uint8_t *)fb_at))
        len = fb_at - (uintptr_t)arena;
    vkbd_connect();
    return len;
}

void screen_attach_display(struct core *r, struct core_device *dev)
{
    rt = r;
    display_dev = dev;
}

void screen_attach_input(struct core *r, struct core_device *dev)
{
    rt = r;
    input_dev = dev;
}

/* The vfb's frames and the vkbd's input (vnc=1). */
static void refresh(void)
{
    if (display_dev && !display_dev->failed)
        core_deliver_event(rt, display_dev, STUBDOM_EVENT_DISPLAY_REFRESH, 0, 0, 0, 0);
}
static void key(uint32_t code, bool pressed)
{
    if (input_dev)
        core_deliver_event(rt, input_dev, STUBDOM_EVENT_KEY, 0, 0, (int32_t)code, pressed ? 1 : 0);
}
static void mouse(int32_t dx, int32_t dy, int32_t dz, uint32_t buttons)
{
    if (input_dev)
        core_deliver_event(rt, input_dev, STUBDOM_EVENT_MOUSE, 0, 0, (int32_t)(((uint32_t)dx & 0xffff) | ((uint32_t)dy << 16)),
                           (int32_t)((buttons & 7) | (((uint32_t)dz & 0xff) << 8)));
}
static const struct vkbd_sink input = { .key = key, .mouse = mouse };

/* The text screen, dumped to the console when its characters changed. Text mode: character i at
 * planar address 2i, odd/even: plane 0 at VRAM byte 4i. VRAM is what the device declared with
 * vram_map (the VGA's LFB region). */
static void dump_text_screen(void)
{
    if (!display_dev || display_dev->failed || !display_dev->nvram)
        return;
    uint32_t len;
    const uint8_t *mem = core_device_memory(display_dev, &len);
    uint32_t vram = display_dev->vram[0].ptr;
    if (!mem || vram > len || len - vram < 4 * 80 * 25)
        return;
    const uint8_t *t = mem + vram;
    uint32_t h = 0x811c9dc5u;
    for (unsigned i = 0; i < 80 * 25; i++)
        h = (h ^ t[4 * i]) * 0x01000193u;
    if (h == screen_hash)
        return;
    screen_hash = h;
    printk("vga text screen:\n");
    for (unsigned r = 0; r < 25; r++) {
        char row[81];
        unsigned end = 0;
        for (unsigned c = 0; c < 80; c++) {
            uint8_t ch = t[4 * (r * 80 + c)];
            row[c] = (ch >= 32 && ch < 127) ? (char)ch : ' ';
            if (row[c] != ' ')
                end = c + 1;
        }
        row[end] = 0;
        if (end)
            printk("vga|%02u| %s\n", r, row);
    }
}

void screen_service(uint64_t now)
{
    vkbd_service(&input);
    vfb_service(now, refresh);
    if (now >= next_dump) {
        next_dump = now + 1000000000ULL;
        dump_text_screen();
    }
}

uint64_t screen_next_deadline(void)
{
    uint64_t f = vfb_next_deadline();
    if (display_dev && next_dump < f)
        return next_dump;
    return f;
}

uint64_t screen_damage_count(void) { return damage_count; }

void screen_report(void)
{
    vfb_report();
    vkbd_report();
}
