/* runtime/xen/hypercall.h — calling Xen from a 64-bit PV guest: every hypercall goes through the
 * hypercall page Xen filled in at build time (XEN_ELFNOTE_HYPERCALL_PAGE), one 32-byte stub per
 * hypercall number. Arguments in rdi, rsi, rdx, r10, r8; result in rax; rcx and r11 are clobbered. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include "xen_abi.h"

extern char hypercall_page[];

static inline long hypercall5(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                              unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;
    void *entry = hypercall_page + nr * 32;
    __asm__ volatile("call *%[entry]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(entry)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
    return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
    return hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return hypercall2(HC_event_channel_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return hypercall2(HC_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_grant_table_op(int cmd, void *arg, unsigned count)
{
    return hypercall3(HC_grant_table_op, (unsigned long)cmd, (unsigned long)arg, count);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    return hypercall3(HC_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned len, const char *buf)
{
    return hypercall3(HC_console_io, (unsigned long)cmd, len, (unsigned long)buf);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va, uint64_t pte,
                                                           unsigned long flags, domid_t domid)
{
    return hypercall5(HC_update_va_mapping_otherdomain, va, pte, flags, domid, 0);
}

static inline long HYPERVISOR_mmu_update(struct mmu_update *req, unsigned count, unsigned *done,
                                         domid_t foreigndom)
{
    return hypercall5(HC_mmu_update, (unsigned long)req, count, (unsigned long)done, foreigndom, 0);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned count, unsigned *done,
                                        domid_t foreigndom)
{
    return hypercall5(HC_mmuext_op, (unsigned long)op, count, (unsigned long)done, foreigndom, 0);
}

static inline long HYPERVISOR_memory_op(unsigned cmd, void *arg)
{
    return hypercall2(HC_memory_op, cmd, (unsigned long)arg);
}

static inline long HYPERVISOR_dm_op(domid_t domid, unsigned nr_bufs, struct xen_dm_op_buf *bufs)
{
    return hypercall3(HC_dm_op, domid, nr_bufs, (unsigned long)bufs);
}

#endif
