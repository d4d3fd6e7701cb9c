/* runtime/xen/vchan.c — see vchan.h. Notification protocol: each side sets bits in the other
 * side's notify byte to ask for an event (VCHAN_NOTIFY_WRITE: "tell me when you wrote",
 * VCHAN_NOTIFY_READ: "tell me when you consumed"); a writer/reader that finds the bit set clears
 * it and sends the event. We always ask for both and always signal after moving an index, which
 * costs a few spare events and can never lose a wake-up. A session ends when the client's unmap
 * notification writes 0 to cli_live; we then reset the indexes and set cli_live back to 2. The
 * client's indexes (left.prod, right.cons) go through ring_check.h: inconsistent ones end the
 * session (logged once per session; the page is reset for the next client, as after an unmap). */
#include "vchan.h"
#include "console.h"
#include "evtchn.h"
#include "gnttab.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "xenbus.h"
#include "xenstore.h"

#define LEFT_OFF   1024u
#define LEFT_SIZE  1024u
#define RIGHT_OFF  2048u
#define RIGHT_SIZE 2048u

static void reset_page(struct vchan_interface *p)
{
    p->left.cons = p->left.prod = 0;
    p->right.cons = p->right.prod = 0;
    p->left_order = 10;
    p->right_order = 11;
    p->srv_live = 1;
    p->cli_notify = VCHAN_NOTIFY_WRITE | VCHAN_NOTIFY_READ;
    p->srv_notify = 0;
    wmb();
    WRITE_ONCE(p->cli_live, 2);
}

int vchan_server_init(struct vchan *v, domid_t peer, const char *xs_base)
{
    v->active = 0;
    v->ended = 0;
    v->guard = (struct ring_guard){ .who = "vchan (QMP)" };
    v->page = page_alloc(1);
    if (!v->page)
        return -1;
    reset_page(v->page);
    v->ref = gnttab_grant(peer, virt_to_mfn(v->page), false);
    if (v->ref < 0)
        return -1;
    if (evtchn_alloc_unbound(peer, &v->port))
        return -1;
    evtchn_watch(v->port);
    if (xs_printf(xs_base, "ring-ref", "%d", v->ref))
        return -1;
    if (xs_printf(xs_base, "event-channel", "%u", v->port))
        return -1;
    return 0;
}

/* The client broke the ring protocol (logged by the guard): the session ends here. */
static void end_broken_session(struct vchan *v)
{
    reset_page(v->page);
    v->guard.broken = false;   /* the next session gets a fresh guard (and a fresh log line) */
    if (v->active) {
        v->active = 0;
        v->ended = 1;          /* vchan_poll reports VCHAN_DISCONNECTED */
    }
}

enum vchan_event vchan_poll(struct vchan *v)
{
    struct vchan_interface *p = v->page;
    evtchn_test_and_clear(v->port);
    if (v->ended) {
        v->ended = 0;
        return VCHAN_DISCONNECTED;
    }
    WRITE_ONCE(p->cli_notify, VCHAN_NOTIFY_WRITE | VCHAN_NOTIFY_READ);
    mb();
    uint8_t live = READ_ONCE(p->cli_live);
    if (!v->active && live == 1) {
        v->active = 1;
        return VCHAN_CONNECTED;
    }
    if (live == 0) {
        int was_active = v->active;
        v->active = 0;
        reset_page(p);
        return was_active ? VCHAN_DISCONNECTED : VCHAN_NONE;
    }
    return VCHAN_NONE;
}

size_t vchan_read(struct vchan *v, void *buf, size_t max)
{
    struct vchan_interface *p = v->page;
    uint32_t prod = READ_ONCE(p->left.prod), cons = p->left.cons;
    rmb();
    uint32_t ready = ring_ready(&v->guard, cons, prod, LEFT_SIZE);
    if (v->guard.broken) {
        end_broken_session(v);
        return 0;
    }
    size_t n = ready < max ? ready : max;
    const uint8_t *ring = (const uint8_t *)p + LEFT_OFF;
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = ring[(cons + i) & (LEFT_SIZE - 1)];
    if (n) {
        mb();
        WRITE_ONCE(p->left.cons, cons + (uint32_t)n);
        evtchn_notify(v->port);
    }
    return n;
}

size_t vchan_write(struct vchan *v, const void *buf, size_t len)
{
    struct vchan_interface *p = v->page;
    uint32_t cons = READ_ONCE(p->right.cons), prod = p->right.prod;
    mb();
    uint32_t used = ring_ready(&v->guard, cons, prod, RIGHT_SIZE);
    if (v->guard.broken) {
        end_broken_session(v);
        return 0;
    }
    uint32_t space = RIGHT_SIZE - used;
    size_t n = len < space ? len : space;
    uint8_t *ring = (uint8_t *)p + RIGHT_OFF;
    for (size_t i = 0; i < n; i++)
        ring[(prod + i) & (RIGHT_SIZE - 1)] = ((const uint8_t *)buf)[i];
    if (n) {
        wmb();
        WRITE_ONCE(p->right.prod, prod + (uint32_t)n);
        WRITE_ONCE(p->srv_notify, 0);
        evtchn_notify(v->port);
    }
    return n;
}
