/* runtime/core/internal.h — declarations shared between runtime/core's own files (not part of
 * the platform API in core.h). */
#ifndef CORE_INTERNAL_H
#define CORE_INTERNAL_H

#include "core.h"
#include "format.h"
#include "platform.h"

#define CORE_DEFAULT_MEM_PAGES 64 /* 4 MiB of growth beyond a module's initial memory */
#define CORE_ALL_ONES(size) ((size) == 1 ? 0xffu : (size) == 2 ? 0xffffu : 0xffffffffu)

/* export selector for core_call */
enum {
    CALL_ABI_VERSION, CALL_ALLOC, CALL_INIT, CALL_RESET, CALL_READ, CALL_WRITE,
    CALL_CFG_READ, CALL_CFG_WRITE, CALL_TIMER, CALL_EVENT, CALL_POST_LOAD,
};

/* The runtime whose device is running (set around every device call; wasm_rt_trap needs it). */
extern struct core *core_running;
/* Message of a trap raised by an import (e.g. dma_read with a pointer outside module memory). */
extern char core_trap_message[128];
/* Reservation for the memory wasm_rt_allocate_memory is about to create (set by core_add_device). */
extern struct core *core_alloc_rt;
extern uint32_t core_alloc_limit_pages;

void *core_arena_alloc(struct core *rt, size_t len, size_t align);

/* log.c: one line to the platform's sink (`len` bytes of `text`, not NUL-terminated); formatted
 * (at most CORE_LOG_LINE - 1 characters); once per `key` at info level, naming the running device
 * (a NULL key: the formatted text is its own key). */
#define CORE_LOG_LINE 400
void core_log(struct core *rt, const char *device, int level, const char *text, size_t len);
void core_logf(struct core *rt, const char *device, int level, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void core_logf_once(struct core *rt, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Runs one export inside the sandbox boundary: a trap marks the device failed and yields dflt. */
uint32_t core_call(struct core *rt, struct core_device *dev, int which, uint32_t a, uint32_t b,
                   uint32_t c, uint32_t d, const struct core_during *during, uint32_t dflt);
/* Copies bytes into the device's dev_alloc buffer; returns the pointer or -1. */
int64_t core_stage(struct core *rt, struct core_device *dev, const uint8_t *bytes, uint32_t len,
                   const struct core_during *during);
/* Raises a trap in the running device from inside an import. */
__attribute__((noreturn)) void core_trap_from_import(const char *msg);
void core_failed(struct core *rt, struct core_device *dev, int code, const struct core_during *during);

void core_set_irq(struct core *rt, struct core_device *dev, uint32_t pin, uint32_t level);

/* claims.c: a device's port/MMIO ranges and PCI functions, and their mapping with the hypervisor */
void core_claim(struct core *rt, struct core_device *dev, int32_t region, uint32_t space, uint64_t base, uint32_t len);
void core_unclaim(struct core *rt, struct core_device *dev, int32_t region);
void core_pci_register(struct core *rt, struct core_device *dev, uint32_t bdf);
void core_vram_map(struct core *rt, struct core_device *dev, int32_t region, uint32_t ptr, uint32_t len);
void core_drop_claims(struct core *rt, struct core_device *dev); /* all of them (a device removed) */

/* timers.c; events.c's deferred queue */
void core_cancel_timers(struct core *rt, struct core_device *dev);
int core_timer_arm(struct core *rt, struct core_device *dev, int32_t id, uint64_t delay);
void core_timer_cancel(struct core *rt, struct core_device *dev, int32_t id);
void core_defer_blk_done(struct core *rt, struct core_device *dev, int32_t tag, int32_t status);
void core_defer_unplug(struct core *rt, struct core_device *from, uint32_t mask);

/* snapshot.c: a device's IRQ routes as a trace's device record writes them (`-`, `isa:4,intx:0`) */
void core_routes_text(const struct core_device *dev, char *buf, size_t size);

/* true when [ptr, ptr+len) lies in the device's memory (host/node's inMem: ptr, len >= 0) */
int core_in_mem(struct core_device *dev, int32_t ptr, int32_t len);

/* Delivers what the device's room allows of its queued received bytes (chr.c). */
void core_chr_pump(struct core *rt, struct core_device *dev);
/* Schedules a pump after the current device call (chr_rx_room reported new room). */
void core_defer_chr_pump(struct core *rt, struct core_device *dev);

#endif
