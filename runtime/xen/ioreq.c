/* runtime/xen/ioreq.c — see ioreq.h. The pages' protocol (slot state transitions, the buffered
 * ring's drain) is runtime/core's, shared with core_service_event; this file owns the server's
 * lifecycle and the ioreq-probe's handler path. String I/O (data_is_ptr, rep) needs guest-memory
 * mapping, which comes with the DMA map cache; until then such requests are completed without
 * touching guest memory and counted. */
#include "ioreq.h"
#include "console.h"
#include "core.h"
#include "dm.h"
#include "evtchn.h"
#include "guest_mem.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"

#define MAX_VCPUS 128   /* one synchronous page */

static domid_t guest;
static ioservid_t server_id;
static volatile struct ioreq *sync_page;
static volatile struct buffered_iopage *buf_page;
static evtchn_port_t vcpu_port[MAX_VCPUS];
static uint32_t vcpu_remote[MAX_VCPUS];
static evtchn_port_t buf_port;
static uint32_t nr_vcpus;
static const struct ioreq_handler *handler;
static struct ioreq_stats stats;
static int bad_state_logged;

int ioreq_server_create(domid_t g)
{
    guest = g;
    int rc = dm_nr_vcpus(&nr_vcpus);
    if (rc)
        return rc;
    if (nr_vcpus > MAX_VCPUS)
        nr_vcpus = MAX_VCPUS;
    rc = dm_create_ioreq_server(HVM_IOREQSRV_BUFIOREQ_ATOMIC, &server_id);
    if (rc) {
        printk("ioreq: create_ioreq_server failed: %d\n", rc);
        return rc;
    }
    uint64_t frames[2] = { 0, 0 };
    struct xen_mem_acquire_resource ar = {
        .domid = guest, .type = XENMEM_resource_ioreq_server, .id = server_id,
        .nr_frames = 2, .frame = 0, .frame_list = frames,
    };
    rc = (int)HYPERVISOR_memory_op(XENMEM_acquire_resource, &ar);
    if (rc) {
        printk("ioreq: acquire_resource failed: %d\n", rc);
        return rc;
    }
    /* The pages belong to the guest but are not in its p2m: map them by machine frame, untranslated
     * (what Linux's privcmd does for a PV caller). */
    buf_page = map_foreign_mfn(frames[0], guest);
    sync_page = map_foreign_mfn(frames[1], guest);
    if (!buf_page || !sync_page)
        return -12;
    evtchn_port_t remote_buf_port;
    rc = dm_get_ioreq_server_info(server_id, &remote_buf_port);
    if (rc) {
        printk("ioreq: get_ioreq_server_info failed: %d\n", rc);
        return rc;
    }
    rc = evtchn_bind_interdomain(guest, remote_buf_port, &buf_port);
    if (rc) {
        printk("ioreq: binding the buffered-ioreq port failed: %d\n", rc);
        return rc;
    }
    evtchn_watch(buf_port);
    printk("ioreq: server %u for guest %u, %u vCPU(s), mfns %lx/%lx, buffered port %u\n", server_id,
           guest, nr_vcpus, frames[0], frames[1], buf_port);
    return 0;
}

int ioreq_map_range(uint32_t type, uint64_t start, uint64_t end)
{
    return dm_map_io_range(server_id, type, start, end);
}

int ioreq_unmap_range(uint32_t type, uint64_t start, uint64_t end)
{
    return dm_unmap_io_range(server_id, type, start, end);
}

int ioreq_server_enable(void)
{
    int rc = dm_set_ioreq_server_state(server_id, 1);
    if (rc) {
        printk("ioreq: enabling the server failed: %d\n", rc);
        return rc;
    }
    for (uint32_t v = 0; v < nr_vcpus; v++) {
        uint32_t remote = sync_page[v].vp_eport;
        vcpu_remote[v] = remote;
        rc = evtchn_bind_interdomain(guest, remote, &vcpu_port[v]);
        if (rc) {
            printk("ioreq: binding vCPU %u port %u failed: %d\n", v, remote, rc);
            return rc;
        }
        evtchn_watch(vcpu_port[v]);
    }
    return 0;
}

void ioreq_set_handler(const struct ioreq_handler *h) { handler = h; }
const struct ioreq_stats *ioreq_get_stats(void) { return &stats; }

static uint64_t do_read(uint8_t type, uint64_t addr, uint32_t size)
{
    if (handler && handler->read)
        return handler->read(handler->opaque, type, addr, size);
    return size >= 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
}

static void do_write(uint8_t type, uint64_t addr, uint32_t size, uint64_t value)
{
    if (handler && handler->write)
        handler->write(handler->opaque, type, addr, size, value);
}

/* The slot protocol is runtime/core's (core_ioreq_slot_take/complete): acquire load of the state,
 * INPROCESS, the answer, release store of IORESP_READY. */
static void serve_slot(uint32_t v)
{
    volatile struct ioreq *slot = &sync_page[v];
    struct core_ioreq req;
    int taken = core_ioreq_slot_take(slot, &req);
    if (taken < 0 && !bad_state_logged) {
        bad_state_logged = 1;
        printk("ioreq: vCPU %u's slot is in a state Xen never writes: left alone\n", v);
    }
    if (taken <= 0)
        return;
    stats.sync++;
    uint64_t data = 0;
    if (req.type == IOREQ_TYPE_PIO || req.type == IOREQ_TYPE_COPY || req.type == IOREQ_TYPE_PCI_CONFIG) {
        if (req.data_is_ptr || req.count > 1)
            stats.string_unsupported++;
        else if (req.dir == IOREQ_READ)
            data = do_read(req.type, req.addr, req.size);
        else
            do_write(req.type, req.addr, req.size, req.data);
    }
    if (req.type == IOREQ_TYPE_INVALIDATE)
        guest_mem_invalidate();
    /* TIMEOFFSET needs no answer beyond completion. */
    core_ioreq_slot_complete(slot, &req, data);
    mb();
    evtchn_notify(vcpu_port[v]);
}

/* The buffered ring: runtime/core's drain (atomic pointer pair, per-entry atomic add, bounded,
 * resynchronised when inconsistent) into the handler. */
static void buffered_write(void *ctx, const struct core_bufioreq *e)
{
    (void)ctx;
    do_write(e->type, e->addr, e->size, e->lo | (uint64_t)e->hi << 32);
    stats.buffered++;
}

static void buffered_resync(void *ctx, uint32_t rp, uint32_t wp, uint32_t dropped)
{
    (void)ctx;
    uint64_t n = ++stats.ring_resyncs;
    if (n & (n - 1))
        return;   /* logged the 1st, 2nd, 4th, ... time */
    printk("ioreq: buffered ring inconsistent (read pointer %x, write pointer %x): %u slot(s) skipped to "
           "resynchronise; resync #%lu\n", rp, wp, dropped, n);
}

static const struct core_bufioreq_sink buffered_sink = { .write = buffered_write, .resync = buffered_resync };

unsigned ioreq_service(void)
{
    if (!sync_page)
        return 0;
    unsigned before = (unsigned)(stats.sync + stats.buffered);
    evtchn_test_and_clear(buf_port);
    core_bufioreq_drain(buf_page, &buffered_sink);
    for (uint32_t v = 0; v < nr_vcpus; v++) {
        evtchn_test_and_clear(vcpu_port[v]);
        serve_slot(v);
    }
    return (unsigned)(stats.sync + stats.buffered) - before;
}

void ioreq_pages(volatile void **sync, volatile void **buf, uint32_t *n)
{
    *sync = sync_page;
    *buf = buf_page;
    *n = nr_vcpus;
}

void ioreq_notify_vp_eport(uint32_t vp_eport)
{
    for (uint32_t v = 0; v < nr_vcpus; v++) {
        if (vcpu_remote[v] == vp_eport) {
            evtchn_notify(vcpu_port[v]);
            return;
        }
    }
}

void ioreq_clear_events(void)
{
    if (!sync_page)
        return;
    evtchn_test_and_clear(buf_port);
    for (uint32_t v = 0; v < nr_vcpus; v++)
        evtchn_test_and_clear(vcpu_port[v]);
}
