/* runtime/xen/xenstore.c — see xenstore.h. Wire format: a 16-byte header (type, req_id, tx_id,
 * len) then len bytes of payload; requests go into req[] (we produce, xenstored consumes),
 * replies and watch events come back in rsp[]. One request is outstanding at a time; we wait for
 * the reply by polling the store event channel. xenstored's indexes (req_cons, rsp_prod) go
 * through ring_check.h: inconsistent ones break the connection (logged once) and every request
 * fails from then on (-1), as does a reply that never comes among XS_MAX_STRAY messages. */
#include "xenstore.h"
#include "console.h"
#include "evtchn.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "time.h"

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static uint32_t next_req_id = 1;
static struct ring_guard guard = { .who = "xenstore" };
/* Messages that are not our reply (watch events, stale replies) taken while waiting for one. */
#define XS_MAX_STRAY 256

#define WATCHQ 16
static char watchq[WATCHQ][128];
static unsigned wq_head, wq_tail;

static char reply[XENSTORE_PAYLOAD_MAX + 1];
static struct xsd_sockmsg reply_hdr;

void xs_init(const struct start_info *si)
{
    ring = mfn_to_virt(si->store_mfn);
    port = si->store_evtchn;
    evtchn_watch(port);
}

evtchn_port_t xs_port(void) { return port; }

/* 0, or -1 when the ring is (or turns out) broken. */
static int ring_put(const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        uint32_t cons = READ_ONCE(ring->req_cons), prod = ring->req_prod;
        mb();
        uint32_t used = ring_ready(&guard, cons, prod, XENSTORE_RING_SIZE);
        if (guard.broken)
            return -1;
        uint32_t space = XENSTORE_RING_SIZE - used;
        if (!space) {
            evtchn_notify(port);
            evtchn_test_and_clear(port);
            evtchn_wait(time_ns() + 1000000ULL);
            continue;
        }
        while (space-- && len) {
            ring->req[prod++ & (XENSTORE_RING_SIZE - 1)] = *p++;
            len--;
        }
        wmb();
        ring->req_prod = prod;
        evtchn_notify(port);
    }
    return 0;
}

/* 0, or -1 when the ring is (or turns out) broken. */
static int ring_get(void *data, size_t len)
{
    char *p = data;
    while (len) {
        uint32_t prod = READ_ONCE(ring->rsp_prod), cons = ring->rsp_cons;
        rmb();
        uint32_t ready = ring_ready(&guard, cons, prod, XENSTORE_RING_SIZE);
        if (guard.broken)
            return -1;
        if (!ready) {
            evtchn_test_and_clear(port);
            if (READ_ONCE(ring->rsp_prod) == cons)
                evtchn_wait(time_ns() + 100000000ULL);
            continue;
        }
        for (; ready && len; ready--, len--)
            *p++ = ring->rsp[cons++ & (XENSTORE_RING_SIZE - 1)];
        mb();
        ring->rsp_cons = cons;
        evtchn_notify(port);
    }
    return 0;
}

static void queue_watch_event(const char *payload, uint32_t len)
{
    /* payload: path NUL token NUL */
    if (wq_tail - wq_head >= WATCHQ)
        return;
    size_t n = strlen(payload);
    if (n >= sizeof watchq[0] || n > len)
        n = sizeof watchq[0] - 1;
    memcpy(watchq[wq_tail % WATCHQ], payload, n);
    watchq[wq_tail % WATCHQ][n] = 0;
    wq_tail++;
}

/* Sends one request made of `n` NUL-joined parts and waits for its reply into reply/reply_hdr. */
static int request(uint32_t type, const char *const *parts, const size_t *lens, unsigned n)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .tx_id = 0, .len = 0 };
    for (unsigned i = 0; i < n; i++)
        hdr.len += (uint32_t)lens[i];
    if (hdr.len > XENSTORE_PAYLOAD_MAX || guard.broken)
        return -1;
    if (ring_put(&hdr, sizeof hdr))
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (ring_put(parts[i], lens[i]))
            return -1;
    for (unsigned stray = 0; stray <= XS_MAX_STRAY; stray++) {
        if (ring_get(&reply_hdr, sizeof reply_hdr))
            return -1;
        if (reply_hdr.len > XENSTORE_PAYLOAD_MAX) {   /* nothing sane to resynchronise on */
            ring_break(&guard, "reply longer than the protocol allows", reply_hdr.len);
            return -1;
        }
        if (ring_get(reply, reply_hdr.len))
            return -1;
        reply[reply_hdr.len] = 0;
        if (reply_hdr.type == XS_WATCH_EVENT) {
            queue_watch_event(reply, reply_hdr.len);
            continue;
        }
        if (reply_hdr.req_id != hdr.req_id)
            continue;
        if (reply_hdr.type == XS_ERROR) {
            if (!strcmp(reply, "ENOENT"))
                return -2;
            if (!strcmp(reply, "EACCES"))
                return -13;
            if (!strcmp(reply, "EEXIST"))
                return -17;
            return -1;
        }
        return (int)reply_hdr.len;
    }
    ring_break(&guard, "no reply among the messages xenstored sent", XS_MAX_STRAY);
    return -1;
}

int xs_read(const char *path, char *buf, size_t size)
{
    const char *parts[] = { path };
    size_t lens[] = { strlen(path) + 1 };
    int rc = request(XS_READ, parts, lens, 1);
    if (rc < 0)
        return rc;
    strlcpy(buf, reply, size);
    return (int)strlen(buf);
}

int xs_write(const char *path, const char *value)
{
    const char *parts[] = { path, value };
    size_t lens[] = { strlen(path) + 1, strlen(value) };
    int rc = request(XS_WRITE, parts, lens, 2);
    return rc < 0 ? rc : 0;
}

int xs_rm(const char *path)
{
    const char *parts[] = { path };
    size_t lens[] = { strlen(path) + 1 };
    int rc = request(XS_RM, parts, lens, 1);
    return rc < 0 ? rc : 0;
}

int xs_directory(const char *path, char *buf, size_t size)
{
    const char *parts[] = { path };
    size_t lens[] = { strlen(path) + 1 };
    int rc = request(XS_DIRECTORY, parts, lens, 1);
    if (rc < 0)
        return rc;
    size_t len = (size_t)rc < size ? (size_t)rc : size;
    memcpy(buf, reply, len);
    int count = 0;
    for (size_t i = 0; i < len; i++)
        if (!buf[i])
            count++;
    return count;
}

int xs_watch(const char *path, const char *token)
{
    const char *parts[] = { path, token };
    size_t lens[] = { strlen(path) + 1, strlen(token) + 1 };
    int rc = request(XS_WATCH, parts, lens, 2);
    return rc < 0 ? rc : 0;
}

int xs_next_watch_event(char *path, size_t size)
{
    if (wq_head == wq_tail)
        return 0;
    strlcpy(path, watchq[wq_head % WATCHQ], size);
    wq_head++;
    return 1;
}

int xs_poll(char *path, size_t size)
{
    evtchn_test_and_clear(port);
    /* each message is at least a header: a ring's worth of them at most */
    for (unsigned i = 0; i < XENSTORE_RING_SIZE / sizeof reply_hdr && !guard.broken; i++) {
        uint32_t prod = READ_ONCE(ring->rsp_prod), cons = ring->rsp_cons;
        rmb();
        uint32_t ready = ring_ready(&guard, cons, prod, XENSTORE_RING_SIZE);
        if (ready < sizeof reply_hdr)
            break;
        /* A whole message must be there before we take it: peek at the header first. */
        struct xsd_sockmsg hdr;
        for (size_t i = 0; i < sizeof hdr; i++)
            ((char *)&hdr)[i] = ring->rsp[(cons + i) & (XENSTORE_RING_SIZE - 1)];
        if (hdr.len > XENSTORE_PAYLOAD_MAX || ready < sizeof hdr + hdr.len)
            break;
        if (ring_get(&reply_hdr, sizeof reply_hdr) || ring_get(reply, reply_hdr.len))
            break;
        reply[reply_hdr.len] = 0;
        if (reply_hdr.type == XS_WATCH_EVENT)
            queue_watch_event(reply, reply_hdr.len);
    }
    return xs_next_watch_event(path, size);
}

int xs_read_u64(const char *dir, const char *key, uint64_t *v)
{
    char path[192], buf[32];
    snprintf(path, sizeof path, "%s/%s", dir, key);
    return xs_read(path, buf, sizeof buf) >= 0 && parse_u64(buf, v) ? 0 : -1;
}

uint64_t xs_wait_state(const char *dir, uint64_t want, uint64_t timeout_ns)
{
    uint64_t deadline = time_ns() + timeout_ns, state = 0;
    while (time_ns() < deadline) {
        if (!xs_read_u64(dir, "state", &state) && state >= want)
            break;
        struct sched_poll poll = { .ports = 0, .nr_ports = 0, .timeout = time_ns() + 50000000ULL };
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    }
    return state;
}
