/* runtime/xen/ioreq.c — see ioreq.h. Per-slot protocol: see STATE_IOREQ_READY, read barrier,
 * copy the request, mark INPROCESS, emulate, store `data` for reads, write barrier, mark
 * IORESP_READY, notify the vCPU's port. String I/O (data_is_ptr, rep) needs guest-memory
 * mapping, which comes with the DMA map cache; until then such requests are completed without
 * touching guest memory and counted. */
#include "ioreq.h"
#include "console.h"
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

static void serve_slot(uint32_t v)
{
    volatile struct ioreq *slot = &sync_page[v];
    uint8_t flags = slot->flags;
    if (IOREQ_STATE(flags) != STATE_IOREQ_READY)
        return;
    rmb();
    struct ioreq req;
    req.addr = slot->addr;
    req.data = slot->data;
    req.count = slot->count;
    req.size = slot->size;
    req.type = slot->type;
    flags = slot->flags;
    slot->flags = (uint8_t)((flags & ~0xf) | STATE_IOREQ_INPROCESS);
    stats.sync++;

    if (req.type == IOREQ_TYPE_PIO || req.type == IOREQ_TYPE_COPY || req.type == IOREQ_TYPE_PCI_CONFIG) {
        if (IOREQ_DATA_IS_PTR(flags) || req.count > 1) {
            stats.string_unsupported++;
        } else if (IOREQ_DIR(flags) == IOREQ_READ) {
            slot->data = do_read(req.type, req.addr, req.size);
        } else {
            do_write(req.type, req.addr, req.size, req.data);
        }
    }
    if (req.type == IOREQ_TYPE_INVALIDATE)
        guest_mem_invalidate();
    /* TIMEOFFSET needs no answer beyond completion. */
    wmb();
    slot->flags = (uint8_t)((flags & ~0xf) | STATE_IORESP_READY);
    mb();
    evtchn_notify(vcpu_port[v]);
}

static unsigned drain_buffered(void)
{
    unsigned n = 0;
    for (;;) {
        uint32_t rp = buf_page->read_pointer;
        uint32_t wp = buf_page->write_pointer;
        rmb();
        if (rp == wp)
            return n;
        uint32_t w0 = buf_page->slot[rp % IOREQ_BUFFER_SLOT_NUM].w0;
        uint64_t data = buf_page->slot[rp % IOREQ_BUFFER_SLOT_NUM].data;
        uint8_t type = (uint8_t)(w0 & 0xff);
        uint32_t size = 1u << ((w0 >> 10) & 3);
        uint64_t addr = w0 >> 12;
        uint32_t used = 1;
        if (size == 8) {
            data |= (uint64_t)buf_page->slot[(rp + 1) % IOREQ_BUFFER_SLOT_NUM].data << 32;
            used = 2;
        }
        do_write(type, addr, size, data);
        mb();
        __atomic_fetch_add(&buf_page->read_pointer, used, __ATOMIC_SEQ_CST);
        stats.buffered++;
        n++;
    }
}

unsigned ioreq_service(void)
{
    if (!sync_page)
        return 0;
    unsigned before = (unsigned)(stats.sync + stats.buffered);
    evtchn_test_and_clear(buf_port);
    drain_buffered();
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
