/* runtime/posix/sim.h — an in-process hypervisor simulator equivalent to host/node/xen-sim.ts:
 * guest RAM, the synchronous ioreq page (one slot per vCPU) and the buffered ring, the ranges
 * the device model mapped, the 0xCF8/0xCFC decode into PCI_CONFIG ioreqs, VRAM served straight
 * from device memory with a dirty log, ISA IRQ levels and PCI INTx through the four links.
 * Every call the runtime makes into it is reported to `emit` as a trace effect line
 * (docs/trace-format.md), so a replay can be compared with the V8 recording. */
#ifndef POSIX_SIM_H
#define POSIX_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include "../core/core.h"

#define SIM_MAX_SPANS 128
#define SIM_MAX_VRAM 4

struct sim_span { uint64_t start, end; };

struct sim_vram {
    uint64_t start, len;
    uint8_t *backing;
    uint32_t backing_len;
    uint8_t *dirty; /* one byte per 4 KiB page */
};

struct sim {
    struct core *rt;
    uint8_t *ram;
    uint64_t ram_size;
    uint8_t *page;
    unsigned vcpus;
    _Alignas(8) uint8_t buf[4096]; /* the buffered ring: its pointer pair is one 64-bit word */
    struct sim_span ports[SIM_MAX_SPANS], mmio[SIM_MAX_SPANS];
    unsigned nports, nmmio;
    uint16_t pci[SIM_MAX_SPANS];
    unsigned npci;
    struct sim_vram vram[SIM_MAX_VRAM];
    unsigned nvram;
    uint32_t cf8;
    uint8_t isa_level[16];
    struct { uint16_t bdf; uint8_t intx, level; } intx[SIM_MAX_SPANS];
    unsigned nintx;
    uint8_t link_route[4];
    bool line[16];
    bool buffer_vga;
    struct sim_span holes[4]; /* guest-physical [start, end) inside `ram` that is not RAM */
    unsigned nholes;
    void (*emit)(void *ctx, const char *line);
    void *emit_ctx;
};

void sim_init(struct sim *s, uint64_t ram_bytes, unsigned vcpus, bool buffer_vga);
void sim_hv(struct sim *s, struct core_hv *hv, struct core_guest_mem *mem);
void sim_attach(struct sim *s, struct core *rt);

/* The guest side: each returns what the guest's CPU reads (reads) or 0. */
uint32_t sim_pio(struct sim *s, unsigned vcpu, uint32_t port, uint32_t size, int dir, uint32_t value);
void sim_mmio(struct sim *s, unsigned vcpu, uint64_t addr, uint32_t size, int dir, uint32_t lo, uint32_t hi, uint32_t out[2]);
void sim_string_io(struct sim *s, unsigned vcpu, int type, uint64_t addr, uint32_t size, int dir, uint64_t gpa, uint32_t count, bool df);
void sim_flush_buffered(struct sim *s);
void sim_advance(struct sim *s, uint64_t ns);

#endif
