/* fuzz/harness/fuzz_machine.h — what the fuzz executor's parts share (internal to fuzz/harness):
 * the machine (fuzz_exec.c), the device table (fuzz_devices.c), the oracles (fuzz_oracle.c), the
 * hypervisor wrappers (fuzz_hv.c) and the backends (fuzz_backends.c). */
#ifndef FUZZ_MACHINE_H
#define FUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include "../../runtime/posix/sim.h"

#define FZ_RAM_BYTES (2u << 20)
#define FZ_MAX_RANGES 64
#define FZ_MAX_PENDING 64
#define FZ_MAX_BDFS 16

/* --- the devices (fuzz_devices.c) --- */

struct fz_blk { uint64_t sectors; uint32_t ss; int present, ro, removable; };

struct fz_device {
    const char *name, *config;
    struct core_irq_route irqs[4];
    unsigned nirqs;
    int chr, net, display;
    struct fz_blk blk[4];
    unsigned nblk;
    uint32_t dma_span; /* how far past a named address a device may DMA (0: it does no DMA) */
    int events[4];
    unsigned nevents;
};

/* The device called `name`, or NULL. */
const struct fz_device *fz_find_device(const char *name);

/* --- the machine (fuzz_exec.c) --- */

extern const struct fz_device *fz_dev;
extern struct sim fz_sim;
extern struct core fz_rt;
/* Marks the 64 KiB chunks of device memory [p, p + n) as written (restored after the input). */
void fz_mark_module(const void *p, size_t n);

/* --- the oracles (fuzz_oracle.c) --- */

extern int fz_found;     /* a finding was reported for this input */
extern uint64_t fz_dma_op; /* DMA bytes in the current guest operation */
/* Reports a finding (the first of an input only) and runs fz_on_finding. */
void fz_finding(const char *cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The guest named `v` (an address it may later let the device DMA at). */
void fz_name_value(uint32_t v);
/* The 32-bit little-endian words of `b` that lie at 4-aligned guest addresses, named. */
void fz_name_words(uint64_t gpa, const uint8_t *b, uint32_t len);
/* A guest write of `size` bytes at `addr` in space `type`: the value and the dwords it lands in. */
void fz_name_write(int type, uint64_t addr, unsigned size, uint32_t value);
/* A device DMA read or write: checked against named addresses and the budgets. */
void fz_check_dma(int write, uint64_t gpa, uint32_t len);
/* Forgets the names, DMA counts and finding of the last input. */
void fz_oracle_clear(void);

/* --- the hypervisor wrappers (fuzz_hv.c) --- */

struct fz_range { int type; uint64_t start, end; };
extern struct fz_range fz_ranges[FZ_MAX_RANGES]; /* the device's claims, in order */
extern unsigned fz_nranges;
extern uint16_t fz_bdfs[FZ_MAX_BDFS]; /* its PCI functions */
extern unsigned fz_nbdfs;
extern uint64_t fz_irq_changes;
#define FZ_VRAM_DIRTY_BYTES ((256u << 20) / 4096 + 1)
extern uint8_t fz_vram_dirty[SIM_MAX_VRAM][FZ_VRAM_DIRTY_BYTES];
/* Wraps the simulator's hv ops and guest memory (`hv`, `mem` as sim_hv fills them) with ours. */
void fz_hv_wrap(struct core_hv *hv, struct core_guest_mem *mem);
/* Zeroes the guest RAM written since the last call. */
void fz_ram_clear(void);
/* Guest RAM [gpa, gpa + len) was written. */
void fz_ram_dirty(uint64_t gpa, uint64_t len);

/* --- the backends (fuzz_backends.c) --- */

extern struct core_blk_backend fz_blk_be[4];
extern unsigned fz_npend; /* block requests waiting for a FZ_BLK_DONE */
/* Sets up the backends the device's entry asks for in `spec` (disk images pristine). */
void fz_backends_bind(struct core_device_spec *spec);
/* Puts back the pristine content of every disk image a request wrote (`all`: of every one). */
void fz_images_reset(int all);
/* Completes waiting request `i`: OK, or an error chosen by `status_sel` (>= 0xc0). */
void fz_blk_complete(unsigned i, uint8_t status_sel);
/* Drops the requests still waiting (the input ended). */
void fz_blk_drop_pending(void);
void fz_on_failure(void *ctx, const struct core_failure *f);
void fz_log_sink(void *ctx, const char *device, int level, const char *text, size_t len);

#endif
