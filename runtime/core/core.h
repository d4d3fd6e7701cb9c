/* runtime/core/core.h — the stub-domain runtime in C: the public API a platform (runtime/posix,
 * runtime/xen) drives. It owns the ioreq protocol over Xen-layout pages, the range table, PCI
 * routing, IRQ lines, timers, DMA and the device table, with exactly host/node/runtime.ts's
 * semantics. All state lives in one struct core, sized at compile time; device memories and
 * instances come from a caller-provided arena. Nothing here includes libc (see platform.h). */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "backends.h"
#include "jmp.h"
#include "module.h"
#include "ranges.h"

#define CORE_MAX_DEVICES 16
#define CORE_MAX_PINS 8
#define CORE_MAX_BDFS 8
#define CORE_MAX_PCI 64
#define CORE_MAX_TIMERS 128
#define CORE_MAX_ASSERT 64
#define CORE_MAX_DEFERRED 256
#define CORE_MAX_BLK_PENDING 64
#define CORE_MAX_LOGONCE 128
#define CORE_MAX_BLK 4
#define CORE_MAX_VRAM 4
#define CORE_MAX_REP 65536
#define CORE_CHR_QUEUE 2048 /* received bytes waiting for a chr device's room (chr.c) */

/* The hypervisor as the device model sees it (host/node/hypervisor.ts): on Xen these are dm_op
 * calls and event-channel sends; runtime/posix implements them with its simulator. */
enum { CORE_RANGE_PORT = 0, CORE_RANGE_MMIO = 1, CORE_RANGE_PCI = 2 };
enum { CORE_SHUTDOWN_REBOOT = 0, CORE_SHUTDOWN_POWEROFF = 1 };
enum { CORE_PLATFORM_A20 = 0, CORE_PLATFORM_PAM = 1 };

struct core_hv {
    void *ctx;
    void (*map_io_range)(void *ctx, int type, uint64_t start, uint64_t end);
    void (*unmap_io_range)(void *ctx, int type, uint64_t start, uint64_t end);
    void (*set_isa_irq_level)(void *ctx, unsigned irq, int level);
    void (*set_pci_intx_level)(void *ctx, unsigned bdf, unsigned intx, int level);
    void (*set_pci_link_route)(void *ctx, unsigned link, unsigned isa_irq);
    void (*shutdown)(void *ctx, int reason);
    void (*platform_change)(void *ctx, int kind, int32_t a, int32_t b);
    void (*notify)(void *ctx, uint32_t port);
    /* guest-physical [start, start+len) backed by device memory (VRAM), no ioreq */
    void (*map_vram)(void *ctx, uint64_t start, uint64_t len, uint8_t *backing, uint32_t backing_len);
    void (*unmap_vram)(void *ctx, uint64_t start);
    /* dirty pages of [start+offset, +len): one bit per 4 KiB page into bitmap, then cleared */
    bool (*collect_dirty_vram)(void *ctx, uint64_t start, uint32_t offset, uint32_t len, uint8_t *bitmap);
};

/* Guest RAM as mapped into the stub domain; false when any byte lies outside RAM (nothing copied). */
struct core_guest_mem {
    void *ctx;
    bool (*read)(void *ctx, uint64_t gpa, void *dst, uint32_t len);
    bool (*write)(void *ctx, uint64_t gpa, const void *src, uint32_t len);
};

/* Where an irq_set pin goes: an ISA IRQ, or a PCI INTx of one of the device's functions. */
enum { CORE_ROUTE_NONE = 0, CORE_ROUTE_ISA = 1, CORE_ROUTE_INTX = 2 };
struct core_irq_route {
    uint8_t kind;
    uint8_t line; /* ISA IRQ or INTx (0 = INTA) */
    int32_t bdf;  /* INTx: the function; -1 = the device's first registered function */
};

struct core_device_spec {
    const char *name;
    const char *module; /* a core_modules[] name */
    const char *config;
    struct core_irq_route irqs[CORE_MAX_PINS];
    unsigned nirqs;
    uint32_t mem_limit_pages; /* 0 = CORE_DEFAULT_MEM_PAGES beyond the initial size */
    struct core_chr_backend *chr;
    struct core_net_backend *net;
    struct core_blk_backend *blk[CORE_MAX_BLK];
    unsigned nblk;
    struct core_display_backend *display;
};

struct core_failure {
    const char *device;
    char error[96];
    char during[192];
};

struct core;

/* The instance pointer wasm2c passes back to every import: which device is calling. */
struct Z_host_instance_t {
    struct core *rt;
    struct core_device *dev;
};

/* Module memory backing an MMIO region (vram_map): mapped into the guest instead of ioreqs. */
struct core_vram {
    int32_t region;
    uint32_t ptr, len;
};

struct core_device {
    char name[32];
    const struct core_module *mod;
    void *inst;
    struct Z_host_instance_t host;
    struct core_device_spec spec;
    bool in_use;
    bool failed;
    struct core_failure failure;
    uint16_t bdfs[CORE_MAX_BDFS];
    unsigned nbdfs;
    /* pins currently high, in the order they went high (host/node's Map order) */
    uint8_t pins_high[CORE_MAX_PINS];
    unsigned npins_high;
    struct core_vram vram[CORE_MAX_VRAM];
    unsigned nvram;
    /* received bytes not yet delivered (chr.c), and the room the device last reported through
     * chr_rx_room (-1: never reported, no flow control) */
    int32_t chr_room;
    bool chr_pump_queued;
    uint32_t chr_head, chr_len;
    uint8_t chr_queue[CORE_CHR_QUEUE];
    /* the display surface it published (kind 0: none), for snapshots */
    struct { uint32_t kind, width, height, stride, ptr; } surface;
};

/* What a device call was serving, formatted only when it traps. */
struct core_during {
    int kind; /* CORE_DURING_* */
    int type, dir, size, df, is_ptr;
    uint64_t addr, data;
    uint32_t count, bdf, reg, arg, len;
    const char *text;
};
enum { CORE_DURING_TEXT, CORE_DURING_IOREQ, CORE_DURING_PCI, CORE_DURING_TIMER, CORE_DURING_EVENT };

struct core_timer {
    struct core_device *dev; /* NULL = free slot */
    int32_t id;
    uint64_t deadline, seq;
};

struct core_deferred {
    int kind; /* EVENT_BLK_DONE (tag, status), EVENT_UNPLUG (tag = the mask), or a chr pump */
    struct core_device *dev;
    int32_t tag, status;
};

/* A block request a backend holds: its done_ctx, valid until the backend calls done. */
struct core_blk_pending {
    struct core *rt;
    struct core_device *dev; /* NULL = free slot */
    int32_t tag;
};

struct core_options {
    /* log sink; NULL = platform_log with a "[device] level: " prefix */
    void (*log)(void *ctx, const char *device, int level, const char *text, size_t len);
    void *log_ctx;
    /* called after a device is marked failed (its IRQs are already lowered) */
    void (*on_failure)(void *ctx, const struct core_failure *f);
    void *failure_ctx;
    uint32_t max_rep_count; /* 0 = CORE_MAX_REP */
};

struct core_stats {
    uint64_t ioreqs, buffered;
    uint64_t ring_resyncs; /* buffered ring found inconsistent and resynchronised */
};

struct core {
    struct core_hv hv;
    struct core_guest_mem ram;
    struct core_options opts;
    uint8_t *arena, *arena_end;
    struct core_device devices[CORE_MAX_DEVICES];
    struct core_ranges ranges;
    struct { uint16_t bdf; struct core_device *owner; } pci[CORE_MAX_PCI];
    unsigned npci;
    /* (line key, device, pin) asserting a shared line: ISA lines and PCI INTx are OR-ed */
    struct { uint32_t key; struct core_device *dev; uint8_t pin; } asserted[CORE_MAX_ASSERT];
    unsigned nasserted;
    struct core_timer timers[CORE_MAX_TIMERS];
    uint64_t timer_seq;
    uint64_t now;
    struct core_deferred deferred[CORE_MAX_DEFERRED];
    unsigned ndeferred;
    struct core_blk_pending blk_pending[CORE_MAX_BLK_PENDING];
    uint64_t logged[CORE_MAX_LOGONCE];
    unsigned nlogged;
    const char *current;
    struct core_jmp *trap_target;
    struct core_stats stats;
};

/* --- Xen's ioreq pages, without a struct core (runtime/xen's ioreq-probe serves them too) --- */

/* A request as found in a synchronous slot (host/node/ioreq.ts's Ioreq, the 64-bit fields exact). */
struct core_ioreq {
    uint64_t addr, data;
    uint32_t count, size, vp_eport;
    uint8_t state, data_is_ptr, dir, df, type;
};

/* One vCPU's synchronous slot (its 32 bytes of the shared page, 8-byte aligned), with the state
 * transitions Xen's wait_for_io expects. take: the state is read with an acquire load; IOREQ_READY
 * → the fields are copied, the slot is marked INPROCESS, returns 1. Any other state leaves the slot
 * as it is: NONE, INPROCESS or IORESP_READY (waiting for Xen) → 0, a state Xen never writes → -1.
 * complete: a read's data (not data_is_ptr) is stored, then IORESP_READY with a release store; the
 * caller notifies the vCPU's port after it. */
int core_ioreq_slot_take(volatile void *slot, struct core_ioreq *req);
void core_ioreq_slot_complete(volatile void *slot, const struct core_ioreq *req, uint64_t data);

/* One buffered entry: always a write; size 1, 2, 4 or 8 (hi: the second slot's data). */
struct core_bufioreq {
    uint8_t type;
    uint32_t size, addr, lo, hi;
};
struct core_bufioreq_sink {
    void *ctx;
    void (*write)(void *ctx, const struct core_bufioreq *e);
    /* the ring was inconsistent (pointers as found); `dropped` slots were skipped to recover */
    void (*resync)(void *ctx, uint32_t rp, uint32_t wp, uint32_t dropped);
};
/* Drains Xen's buffered_iopage (8-byte aligned) as HVM_IOREQSRV_BUFIOREQ_ATOMIC requires: the
 * pointer pair is read with one atomic 64-bit load (acquire), each entry is delivered and then
 * read_pointer advanced by its slot count with an atomic add (never stored: Xen may rebase both
 * pointers by n*511 at any moment); at most 511 steps per call. A pair with wp - rp > 511, or an
 * 8-byte entry whose second slot describes another access, is resynchronised (slots dropped,
 * `resync` called); an 8-byte entry whose second slot is not published yet waits for the next
 * call. Returns the number of entries delivered. */
unsigned core_bufioreq_drain(volatile void *page, const struct core_bufioreq_sink *sink);

/* Sets up a runtime over `arena` (device instances and linear memories are carved from it). */
void core_init(struct core *rt, const struct core_hv *hv, const struct core_guest_mem *ram,
               const struct core_options *opts, void *arena, size_t arena_len);

/* Loads, instantiates and initialises a device. Returns 0, or -1 with `err` filled with a clear
 * message (unknown module, ungranted import, wrong ABI version, trap or rejection in dev_init). */
int core_add_device(struct core *rt, const struct core_device_spec *spec, char *err, size_t errlen);
struct core_device *core_device_by_name(struct core *rt, const char *name);

/* An event-channel kick: drains the buffered ring (if given) in order, then serves every vCPU
 * slot of the synchronous page in IOREQ_READY. Returns the number of synchronous requests.
 * core_drain_buffered: core_bufioreq_drain into the range table; a resynchronisation is counted
 * in stats.ring_resyncs and logged as a warning (the 1st, 2nd, 4th, 8th, ... time). */
unsigned core_service_event(struct core *rt, uint8_t *ioreq_page, unsigned nr_vcpus, uint8_t *buf_page);
void core_drain_buffered(struct core *rt, uint8_t *buf_page);

/* Virtual time: moves to `now_ns`, firing every due timer in deadline order (ties in arm order)
 * with now_lo/now_hi reading each timer's deadline while it runs. */
void core_advance(struct core *rt, uint64_t now_ns);
/* Deadline of the next armed timer, or UINT64_MAX. */
uint64_t core_next_deadline(const struct core *rt);
/* Runs queued backend completions. */
void core_run_deferred(struct core *rt);

/* Bytes a chr backend received for `dev` (a serial line's input): queued, and delivered as
 * EVENT_CHR_RX as far as the room the device reports with chr_rx_room allows (all at once for
 * a device that never reports). Returns how many were taken: at most core_chr_space(dev); the
 * caller keeps the rest (and so pushes back on its own source). */
uint32_t core_chr_input(struct core *rt, struct core_device *dev, const uint8_t *bytes, uint32_t len);
uint32_t core_chr_space(const struct core_device *dev);

/* A backend event for a device; `payload` (may be NULL) is staged through dev_alloc. */
void core_deliver_event(struct core *rt, struct core_device *dev, int kind, const uint8_t *payload,
                        uint32_t len, int32_t arg, int32_t arg2);
/* Guest reset: every device back to power-on state. */
void core_reset_all(struct core *rt);

/* Snapshots of the whole device model (snapshot.c, docs/snapshot-format.md). save: the bytes
 * needed (core_snapshot_size), then written into `buf`; -1 with `err` when a block request is in
 * flight or `cap` is too small. load: checks everything against this runtime's devices first;
 * -1 with `err` naming the cause and nothing changed, else 0 (dev_post_load has run). */
size_t core_snapshot_size(struct core *rt);
int core_snapshot_save(struct core *rt, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);
int core_snapshot_load(struct core *rt, const uint8_t *buf, size_t len, char *err, size_t errlen);
uint32_t core_crc32(const uint8_t *b, size_t n);

/* A device's linear memory (for snapshots and the replay's final comparison). */
uint8_t *core_device_memory(struct core_device *dev, uint32_t *len);

#endif
