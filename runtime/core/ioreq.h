/* runtime/core/ioreq.h — Xen's ioreq_t (32 bytes per vCPU on the synchronous page) and the
 * buffered ring, in Xen's binary layout (reference/xen-abi.md; our own definitions). */
#ifndef CORE_IOREQ_H
#define CORE_IOREQ_H

#include <stdint.h>

#define IOREQ_SIZE 32
#define IOREQ_OFF_ADDR 0
#define IOREQ_OFF_DATA 8
#define IOREQ_OFF_COUNT 16
#define IOREQ_OFF_SIZE 20
#define IOREQ_OFF_VP_EPORT 24
#define IOREQ_OFF_FLAGS 30 /* state:4 data_is_ptr:1 dir:1 df:1 pad:1 */
#define IOREQ_OFF_TYPE 31

#define STATE_IOREQ_NONE 0
#define STATE_IOREQ_READY 1
#define STATE_IOREQ_INPROCESS 2
#define STATE_IORESP_READY 3

#define IOREQ_TYPE_PIO 0
#define IOREQ_TYPE_COPY 1
#define IOREQ_TYPE_PCI_CONFIG 2
#define IOREQ_TYPE_TIMEOFFSET 7
#define IOREQ_TYPE_INVALIDATE 8

#define IOREQ_READ 1
#define IOREQ_WRITE 0

#define BUF_IOREQ_SLOTS 511
#define BUF_OFF_READ 0
#define BUF_OFF_WRITE 4
#define BUF_OFF_SLOTS 8

/* A decoded request (host/node/ioreq.ts's Ioreq, with the 64-bit fields exact). */
struct core_ioreq {
    uint64_t addr, data;
    uint32_t count, size, vp_eport;
    uint8_t state, data_is_ptr, dir, df, type;
};

static inline uint32_t ld32(const volatile uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void st32(volatile uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static inline uint64_t ld64(const volatile uint8_t *p) { return ld32(p) | (uint64_t)ld32(p + 4) << 32; }
static inline void st64(volatile uint8_t *p, uint64_t v) { st32(p, (uint32_t)v), st32(p + 4, (uint32_t)(v >> 32)); }

#endif
