/* runtime/core/ioreq.h — Xen's ioreq_t (32 bytes per vCPU on the synchronous page) and the
 * buffered ring, in Xen's binary layout (reference/xen-abi.md; our own definitions), and the
 * accessors for memory Xen writes concurrently: aligned atomic loads and stores (ld32/st32 and
 * friends are byte-wise, for pages no other CPU is touching: the simulators' own bookkeeping). */
#ifndef CORE_IOREQ_H
#define CORE_IOREQ_H

#include <stdint.h>
#include "core.h"

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
#define BUF_SLOT_SIZE_8 3 /* size code of an 8-byte write: two slots, the second's data the high half */

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Xen's ioreq pages are read as little-endian words (x86)"
#endif

/* Shared-page words: aligned, accessed whole by one instruction, never torn. `may_alias`
 * because the pages are byte arrays to the rest of the code. The buffered page's two pointers
 * are read together as one 64-bit word (Xen's `union bufioreq_pointers`, `full`): Xen moves
 * both at once when it canonicalises them, so a pair read in two loads can be inconsistent. */
typedef uint32_t __attribute__((may_alias)) shared_u32;
typedef uint64_t __attribute__((may_alias)) shared_u64;
static inline uint8_t shared_ld8_acquire(const volatile void *p)
{
    return __atomic_load_n((const volatile uint8_t *)p, __ATOMIC_ACQUIRE);
}
static inline void shared_st8_release(volatile void *p, uint8_t v)
{
    __atomic_store_n((volatile uint8_t *)p, v, __ATOMIC_RELEASE);
}
static inline uint32_t shared_ld32(const volatile void *p)
{
    return __atomic_load_n((const volatile shared_u32 *)p, __ATOMIC_RELAXED);
}
static inline uint64_t shared_ld64(const volatile void *p)
{
    return __atomic_load_n((const volatile shared_u64 *)p, __ATOMIC_RELAXED);
}
static inline uint64_t shared_ld64_acquire(const volatile void *p)
{
    return __atomic_load_n((const volatile shared_u64 *)p, __ATOMIC_ACQUIRE);
}
static inline void shared_st64(volatile void *p, uint64_t v)
{
    __atomic_store_n((volatile shared_u64 *)p, v, __ATOMIC_RELAXED);
}
/* read_pointer += n as one locked add (Xen's contract: it may rebase both pointers meanwhile);
 * release: the slots were read before Xen may reuse them. */
static inline void shared_add32_release(volatile void *p, uint32_t n)
{
    __atomic_fetch_add((volatile shared_u32 *)p, n, __ATOMIC_RELEASE);
}

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
