/* runtime/xen/dm.c — see dm.h. Each op is one xen_dm_op in a single buffer. */
#include "dm.h"
#include "hypercall.h"
#include "lib.h"

static domid_t target;

void dm_init(domid_t guest) { target = guest; }

static int dm_op(struct xen_dm_op *op)
{
    struct xen_dm_op_buf buf = { .h = op, .size = sizeof *op };
    return (int)HYPERVISOR_dm_op(target, 1, &buf);
}

int dm_create_ioreq_server(uint8_t handle_bufioreq, ioservid_t *id)
{
    struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
    op.u.create_ioreq_server.handle_bufioreq = handle_bufioreq;
    int rc = dm_op(&op);
    if (!rc)
        *id = op.u.create_ioreq_server.id;
    return rc;
}

int dm_get_ioreq_server_info(ioservid_t id, evtchn_port_t *bufioreq_port)
{
    struct xen_dm_op op = { .op = XEN_DMOP_get_ioreq_server_info };
    op.u.get_ioreq_server_info.id = id;
    op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
    int rc = dm_op(&op);
    if (!rc)
        *bufioreq_port = op.u.get_ioreq_server_info.bufioreq_port;
    return rc;
}

static int io_range(uint32_t which, ioservid_t id, uint32_t type, uint64_t start, uint64_t end)
{
    struct xen_dm_op op = { .op = which };
    op.u.io_range.id = id;
    op.u.io_range.type = type;
    op.u.io_range.start = start;
    op.u.io_range.end = end;
    return dm_op(&op);
}

int dm_map_io_range(ioservid_t id, uint32_t type, uint64_t start, uint64_t end)
{
    return io_range(XEN_DMOP_map_io_range_to_ioreq_server, id, type, start, end);
}

int dm_unmap_io_range(ioservid_t id, uint32_t type, uint64_t start, uint64_t end)
{
    return io_range(XEN_DMOP_unmap_io_range_from_ioreq_server, id, type, start, end);
}

int dm_set_ioreq_server_state(ioservid_t id, int enabled)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };
    op.u.set_ioreq_server_state.id = id;
    op.u.set_ioreq_server_state.enabled = enabled ? 1 : 0;
    return dm_op(&op);
}

int dm_destroy_ioreq_server(ioservid_t id)
{
    struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };
    op.u.destroy_ioreq_server.id = id;
    return dm_op(&op);
}

int dm_set_isa_irq_level(uint8_t irq, uint8_t level)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };
    op.u.set_isa_irq_level.isa_irq = irq;
    op.u.set_isa_irq_level.level = level;
    return dm_op(&op);
}

int dm_set_pci_intx_level(uint8_t bus, uint8_t device, uint8_t intx, uint8_t level)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_pci_intx_level };
    op.u.set_pci_intx_level.bus = bus;
    op.u.set_pci_intx_level.device = device;
    op.u.set_pci_intx_level.intx = intx;
    op.u.set_pci_intx_level.level = level;
    return dm_op(&op);
}

int dm_set_pci_link_route(uint8_t link, uint8_t isa_irq)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_pci_link_route };
    op.u.set_pci_link_route.link = link;
    op.u.set_pci_link_route.isa_irq = isa_irq;
    return dm_op(&op);
}

int dm_remote_shutdown(uint32_t reason)
{
    struct xen_dm_op op = { .op = XEN_DMOP_remote_shutdown };
    op.u.remote_shutdown.reason = reason;
    return dm_op(&op);
}

int dm_nr_vcpus(uint32_t *vcpus)
{
    struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
    int rc = dm_op(&op);
    if (!rc)
        *vcpus = op.u.nr_vcpus.vcpus;
    return rc;
}

int dm_track_dirty_vram(uint64_t first_pfn, uint32_t nr, uint8_t *bitmap)
{
    struct xen_dm_op op = { .op = XEN_DMOP_track_dirty_vram };
    op.u.track_dirty_vram.first_pfn = first_pfn;
    op.u.track_dirty_vram.nr = nr;
    struct xen_dm_op_buf bufs[2] = { { .h = &op, .size = sizeof op }, { .h = bitmap, .size = (nr + 7) / 8 } };
    return (int)HYPERVISOR_dm_op(target, 2, bufs);
}
