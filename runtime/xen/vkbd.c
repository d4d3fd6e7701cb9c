/* runtime/xen/vkbd.c — see vkbd.h. The shared page is io/kbdif.h's xenkbd_page: in_cons,
 * in_prod, out_cons, out_prod, then the backend-to-frontend ring of 40-byte events at offset 2048
 * (2048 bytes) and the unused frontend-to-backend ring after it. Events: MOTION {rel_x, rel_y,
 * rel_z}, KEY {pressed, keycode} (BTN_LEFT/RIGHT/MIDDLE are the mouse buttons), POS (absolute,
 * which we do not request, ignored). The backend's producer index goes through ring_check.h: one
 * that claims more than the ring holds (or went backwards) disconnects the keyboard, logged once. */
#include "vkbd.h"
#include "console.h"
#include "evtchn.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "xenbus.h"
#include "xenstore.h"

#define DIR "device/vkbd/0"
#define EVENT_SIZE 40
#define IN_RING_OFFS 2048
#define IN_RING_LEN (2048 / EVENT_SIZE)
#define TYPE_MOTION 1
#define TYPE_KEY 3
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112
#define KEY_MAX 0x2ff

struct kbd_page { uint32_t in_cons, in_prod, out_cons, out_prod; };

static struct kbd_page *page;
static evtchn_port_t port;
static bool connected;
static uint32_t buttons;
static uint64_t keys, moves, ignored;
static struct ring_guard guard = { .who = "vkbd" };

static void disconnect(void)
{
    connected = false;
    evtchn_unwatch(port);
    xs_set_state(DIR, XenbusStateClosing);
}

int vkbd_connect(void)
{
    char buf[16];
    uint64_t be;
    if (xs_read(DIR "/backend-id", buf, sizeof buf) < 0)
        return -1;
    if (xs_read_u64(DIR, "backend-id", &be) || be >= 0x7ff0) {
        printk("vkbd: bad backend-id\n");
        return -1;
    }
    page = page_alloc(1);
    if (!page || evtchn_alloc_unbound((domid_t)be, &port)) {
        printk("vkbd: no page or event channel\n");
        return -1;
    }
    memset(page, 0, PAGE_SIZE);
    int rc = xs_printf(DIR, "page-ref", "%lu", virt_to_mfn(page));
    rc |= xs_printf(DIR, "event-channel", "%u", port);
    rc |= xs_set_state(DIR, XenbusStateInitialised);
    if (rc) {
        printk("vkbd: cannot write the frontend nodes\n");
        return -1;
    }
    evtchn_watch(port);
    connected = true;
    printk("vkbd: port %u, backend domain %lu\n", port, be);
    return 0;
}

static int32_t get32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }

void vkbd_service(const struct vkbd_sink *sink)
{
    if (!connected)
        return;
    evtchn_test_and_clear(port);
    uint32_t cons = page->in_cons;
    uint32_t n = ring_unconsumed(&guard, &page->in_prod, cons, IN_RING_LEN);
    if (guard.broken) {
        disconnect();
        return;
    }
    for (uint32_t i = 0; i < n; i++, cons++) {
        const uint8_t *ev = ring_entry((const uint8_t *)page + IN_RING_OFFS, cons, IN_RING_LEN, EVENT_SIZE);
        if (ev[0] == TYPE_MOTION) {
            int32_t x = get32(ev + 4), y = get32(ev + 8), z = get32(ev + 12);
            /* the ABI's mouse event carries signed 16-bit moves: clamp, never wrap */
            x = x > 32767 ? 32767 : x < -32768 ? -32768 : x;
            y = y > 32767 ? 32767 : y < -32768 ? -32768 : y;
            z = z > 127 ? 127 : z < -128 ? -128 : z;
            sink->mouse(x, y, z, buttons);
            moves++;
        } else if (ev[0] == TYPE_KEY) {
            bool pressed = ev[1] != 0;
            uint32_t code = (uint32_t)get32(ev + 4);
            uint32_t bit = code == BTN_LEFT ? 1 : code == BTN_RIGHT ? 2 : code == BTN_MIDDLE ? 4 : 0;
            if (bit) {
                buttons = pressed ? buttons | bit : buttons & ~bit;
                sink->mouse(0, 0, 0, buttons);
                moves++;
            } else if (code && code <= KEY_MAX) {
                sink->key(code, pressed);
                keys++;
            } else {
                ignored++;
            }
        } else {
            ignored++;
        }
    }
    ring_consumed(&page->in_cons, cons);
}

void vkbd_report(void)
{
    if (connected && (keys || moves))
        printk("vkbd: %lu keys, %lu pointer events, %lu ignored\n", keys, moves, ignored);
}
