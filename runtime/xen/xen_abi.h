/* runtime/xen/xen_abi.h — our own restatement of the parts of Xen's public ABI that the PV
 * x86-64 unikernel uses: hypercall numbers, start_info, shared_info/vcpu_info, event-channel,
 * grant-table, memory, sched and console ops, the xenstore and console ring pages, the xenstore
 * wire header, and libxenvchan's shared page. Layouts follow the headers under xen/include/public (Xen 4.17);
 * every struct whose layout matters has a static assertion on its size or field offsets. */
#ifndef XEN_ABI_H
#define XEN_ABI_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL

typedef uint16_t domid_t;
typedef uint32_t evtchn_port_t;
typedef uint32_t grant_ref_t;

#define DOMID_SELF ((domid_t)0x7FF0)

/* ---- hypercall numbers (xen.h) ---- */
enum {
    HC_set_trap_table = 0,
    HC_mmu_update = 1,
    HC_set_callbacks = 4,
    HC_memory_op = 12,
    HC_multicall = 13,
    HC_update_va_mapping = 14,
    HC_set_timer_op = 15,
    HC_xen_version = 17,
    HC_console_io = 18,
    HC_grant_table_op = 20,
    HC_vm_assist = 21,
    HC_update_va_mapping_otherdomain = 22,
    HC_vcpu_op = 24,
    HC_mmuext_op = 26,
    HC_sched_op = 29,
    HC_callback_op = 30,
    HC_event_channel_op = 32,
    HC_physdev_op = 33,
    HC_hvm_op = 34,
    HC_dm_op = 41,
};

/* mmu_update request kinds (low bits of the request's ptr) */
#define MMU_NORMAL_PT_UPDATE       0UL
#define MMU_PT_UPDATE_NO_TRANSLATE 3UL
struct mmu_update { uint64_t ptr; uint64_t val; };

/* mmuext_op */
#define MMUEXT_INVLPG_LOCAL 7
struct mmuext_op { uint32_t cmd; uint64_t arg1; uint64_t arg2; };
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op");

/* update_va_mapping flags */
#define UVMF_INVLPG 2UL

/* PTE bits for PV mappings of the kernel's own pages (x86-64 PV kernels run in ring 3). */
#define PTE_PRESENT  0x001UL
#define PTE_RW       0x002UL
#define PTE_USER     0x004UL
#define PTE_ACCESSED 0x020UL
#define PTE_DIRTY    0x040UL
#define PTE_KERNEL_RW (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY)

/* The read-only machine-to-physical table Xen maps into every 64-bit PV guest. */
#define M2P_VIRT_START 0xFFFF800000000000UL

/* ---- start_info (xen.h), x86-64 layout ---- */
#define SIF_PRIVILEGED    (1u << 0)
#define SIF_INITDOMAIN    (1u << 1)
#define SIF_MOD_START_PFN (1u << 3)

struct start_info {
    char magic[32];           /* "xen-<version>-<platform>" */
    uint64_t nr_pages;
    uint64_t shared_info;     /* machine address */
    uint32_t flags;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint64_t console_mfn;     /* console.domU.mfn */
    uint32_t console_evtchn;  /* console.domU.evtchn */
    uint64_t pt_base;         /* virtual address of the top-level page table */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;        /* virtual address of the p2m array */
    uint64_t mod_start;       /* virtual address (or pfn with SIF_MOD_START_PFN) of the module */
    uint64_t mod_len;
    char cmd_line[1024];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};
_Static_assert(offsetof(struct start_info, store_mfn) == 56, "start_info.store_mfn");
_Static_assert(offsetof(struct start_info, console_mfn) == 72, "start_info.console");
_Static_assert(offsetof(struct start_info, pt_base) == 88, "start_info.pt_base");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info.cmd_line");

/* ---- shared_info / vcpu_info (xen.h, arch-x86) ---- */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;     /* ns since the hypervisor booted */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
    uint64_t arch_cr2;
    uint64_t arch_pad;
    struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");

#define XEN_LEGACY_MAX_VCPUS 32
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
};
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info.pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "shared_info.mask");

/* ---- event channels (event_channel.h) ---- */
enum {
    EVTCHNOP_bind_interdomain = 0,
    EVTCHNOP_bind_virq = 1,
    EVTCHNOP_close = 3,
    EVTCHNOP_send = 4,
    EVTCHNOP_status = 5,
    EVTCHNOP_alloc_unbound = 6,
    EVTCHNOP_unmask = 9,
};
struct evtchn_alloc_unbound { domid_t dom, remote_dom; evtchn_port_t port; };
struct evtchn_bind_interdomain { domid_t remote_dom; evtchn_port_t remote_port; evtchn_port_t local_port; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; evtchn_port_t port; };
struct evtchn_port_op { evtchn_port_t port; };   /* send, close, unmask */
_Static_assert(offsetof(struct evtchn_bind_interdomain, local_port) == 8, "bind_interdomain");

/* ---- sched_op (sched.h) ---- */
enum { SCHEDOP_yield = 0, SCHEDOP_block = 1, SCHEDOP_shutdown = 2, SCHEDOP_poll = 3 };
enum { SHUTDOWN_poweroff = 0, SHUTDOWN_reboot = 1, SHUTDOWN_crash = 3 };
struct sched_shutdown { uint32_t reason; };
struct sched_poll {
    evtchn_port_t *ports;
    uint32_t nr_ports;
    uint64_t timeout;         /* absolute system time in ns, 0 = none */
};
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll");

/* ---- console_io (xen.h) ---- */
enum { CONSOLEIO_write = 0 };

/* ---- grant tables (grant_table.h), version 1 ---- */
enum { GNTTABOP_map_grant_ref = 0, GNTTABOP_unmap_grant_ref = 1, GNTTABOP_setup_table = 2,
       GNTTABOP_query_size = 6 };
struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t *frame_list;
};
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "gnttab_setup_table");
struct grant_entry_v1 { uint16_t flags; domid_t domid; uint32_t frame; };
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
#define GTF_permit_access 1u
#define GTF_readonly      (1u << 2)
#define GNTTAB_NR_RESERVED_ENTRIES 8

/* ---- console ring (io/console.h) ---- */
struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(offsetof(struct xencons_interface, out_cons) == 3080, "xencons");

/* ---- xenstore ring and wire protocol (io/xs_wire.h) ---- */
#define XENSTORE_RING_SIZE 1024
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "xenstore ring");

enum xsd_type {
    XS_CONTROL = 0, XS_DIRECTORY = 1, XS_READ = 2, XS_GET_PERMS = 3, XS_WATCH = 4, XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6, XS_TRANSACTION_END = 7, XS_GET_DOMAIN_PATH = 10, XS_WRITE = 11,
    XS_MKDIR = 12, XS_RM = 13, XS_SET_PERMS = 14, XS_WATCH_EVENT = 15, XS_ERROR = 16,
};
struct xsd_sockmsg { uint32_t type, req_id, tx_id, len; };
#define XENSTORE_PAYLOAD_MAX 4096

/* ---- libxenvchan shared page (io/libxenvchan.h) ---- */
struct vchan_ring_shared { uint32_t cons, prod; };
#define VCHAN_NOTIFY_WRITE 0x1
#define VCHAN_NOTIFY_READ  0x2
struct vchan_interface {
    struct vchan_ring_shared left;   /* client -> server */
    struct vchan_ring_shared right;  /* server -> client */
    uint16_t left_order, right_order;
    uint8_t cli_live, srv_live;      /* cli_live: 2 = not yet connected, 1 = live, 0 = closed */
    uint8_t cli_notify, srv_notify;  /* which events each side wants to be told about */
    uint32_t grants[];
};
_Static_assert(offsetof(struct vchan_interface, cli_live) == 20, "vchan cli_live");
_Static_assert(offsetof(struct vchan_interface, grants) == 24, "vchan grants");

/* ---- memory_op (memory.h): XENMEM_populate_physmap, XENMEM_add_to_physmap ---- */
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_gmfn_range 3
struct xen_memory_reservation {
    uint64_t *extent_start;   /* IN: guest frame numbers to populate */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    domid_t domid;
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation");
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;            /* pages, for XENMAPSPACE_gmfn_range */
    uint32_t space;
    uint64_t idx;             /* the first source gfn */
    uint64_t gpfn;            /* where it appears */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");

/* ---- memory_op (memory.h): XENMEM_acquire_resource ---- */
#define XENMEM_acquire_resource 28
#define XENMEM_resource_ioreq_server 0
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type;
    uint32_t id;              /* ioreq server id */
    uint32_t nr_frames;
    uint32_t flags;
    uint64_t frame;           /* 0 = buffered page, 1 + n = synchronous page n */
    uint64_t *frame_list;     /* OUT for a PV caller: machine frames */
};
_Static_assert(offsetof(struct xen_mem_acquire_resource, frame_list) == 24, "acquire_resource");

/* ---- dm_op (hvm/dm_op.h) ---- */
typedef uint16_t ioservid_t;
enum {
    XEN_DMOP_create_ioreq_server = 1,
    XEN_DMOP_get_ioreq_server_info = 2,
    XEN_DMOP_map_io_range_to_ioreq_server = 3,
    XEN_DMOP_unmap_io_range_from_ioreq_server = 4,
    XEN_DMOP_set_ioreq_server_state = 5,
    XEN_DMOP_destroy_ioreq_server = 6,
    XEN_DMOP_track_dirty_vram = 7,
    XEN_DMOP_set_pci_intx_level = 8,
    XEN_DMOP_set_isa_irq_level = 9,
    XEN_DMOP_set_pci_link_route = 10,
    XEN_DMOP_remote_shutdown = 16,
    XEN_DMOP_nr_vcpus = 20,
};
#define XEN_DMOP_no_gfns 1u
#define HVM_IOREQSRV_BUFIOREQ_OFF    0
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2
enum { IORANGE_PORT = 0, IORANGE_MMIO = 1, IORANGE_PCI = 2 };

struct xen_dm_op {
    uint32_t op;
    uint32_t pad;
    union {
        struct { uint8_t handle_bufioreq; uint8_t pad[3]; ioservid_t id; } create_ioreq_server;
        struct { ioservid_t id; uint16_t flags; evtchn_port_t bufioreq_port;
                 uint64_t ioreq_gfn, bufioreq_gfn; } get_ioreq_server_info;
        struct { ioservid_t id; uint16_t pad; uint32_t type; uint64_t start, end; } io_range;
        struct { ioservid_t id; uint8_t enabled; uint8_t pad; } set_ioreq_server_state;
        struct { ioservid_t id; uint16_t pad; } destroy_ioreq_server;
        struct { uint16_t domain; uint8_t bus, device, intx, level; } set_pci_intx_level;
        struct { uint8_t isa_irq, level; } set_isa_irq_level;
        struct { uint8_t link, isa_irq; } set_pci_link_route;
        struct { uint32_t reason; } remote_shutdown;
        struct { uint32_t vcpus; } nr_vcpus;
        struct { uint32_t nr; uint32_t pad; uint64_t first_pfn; } track_dirty_vram;
        uint64_t align[4];
    } u;
};
_Static_assert(offsetof(struct xen_dm_op, u) == 8, "xen_dm_op.u");
struct xen_dm_op_buf { void *h; uint64_t size; };

/* ---- ioreq (hvm/ioreq.h) ---- */
enum { STATE_IOREQ_NONE = 0, STATE_IOREQ_READY = 1, STATE_IOREQ_INPROCESS = 2, STATE_IORESP_READY = 3 };
enum { IOREQ_TYPE_PIO = 0, IOREQ_TYPE_COPY = 1, IOREQ_TYPE_PCI_CONFIG = 2, IOREQ_TYPE_TIMEOFFSET = 7,
       IOREQ_TYPE_INVALIDATE = 8 };
#define IOREQ_READ  1
#define IOREQ_WRITE 0
struct ioreq {
    uint64_t addr;
    uint64_t data;
    uint32_t count;
    uint32_t size;
    uint32_t vp_eport;
    uint16_t pad0;
    uint8_t flags;            /* bits 0-3 state, 4 data_is_ptr, 5 dir, 6 df */
    uint8_t type;
};
_Static_assert(sizeof(struct ioreq) == 32, "ioreq_t");
#define IOREQ_STATE(f)       ((f) & 0xf)
#define IOREQ_DATA_IS_PTR(f) (((f) >> 4) & 1)
#define IOREQ_DIR(f)         (((f) >> 5) & 1)
#define IOREQ_DF(f)          (((f) >> 6) & 1)

#define IOREQ_BUFFER_SLOT_NUM 511
struct buffered_iopage {
    uint32_t read_pointer;
    uint32_t write_pointer;
    struct { uint32_t w0; uint32_t data; } slot[IOREQ_BUFFER_SLOT_NUM];
};
_Static_assert(sizeof(struct buffered_iopage) == 4096, "buffered_iopage");

#endif
