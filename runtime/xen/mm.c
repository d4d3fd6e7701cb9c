/* runtime/xen/mm.c — see mm.h. The arena is a bss array, so it is covered by the bootstrap page
 * tables and needs no page-table building yet; growing into the rest of the domain's memory
 * (mmu_update on new L1 tables) belongs here when foreign mapping needs the address space. */
#include "mm.h"
#include "console.h"
#include "hypercall.h"
#include "lib.h"

/* The arena lives in bss, which Xen's domain builder maps with the image: stubdomain_memory must
 * cover it (plus ~1 MiB of boot structures). Build with -DARENA_MB=N to change it. */
#ifndef ARENA_MB
#define ARENA_MB 4
#endif
#define ARENA_PAGES (ARENA_MB * 256)

static uint8_t arena[ARENA_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t used[ARENA_PAGES];
static uint64_t saved_mfn[ARENA_PAGES];   /* the page's own frame while it maps another */
static unsigned nfree = ARENA_PAGES;
static const uint64_t *p2m;
static uint64_t nr_pages;
static const uint64_t *l4_table;

void mm_init(const struct start_info *si)
{
    p2m = (const uint64_t *)si->mfn_list;
    nr_pages = si->nr_pages;
    l4_table = (const uint64_t *)si->pt_base;
}

#define PTE_MFN(e) (((e) & 0x000FFFFFFFFFF000ULL) >> PAGE_SHIFT)

/* Machine address of the L1 entry that maps `va`, walking the bootstrap page tables (which
 * Xen maps read-only inside our initial mapping); 0 if `va` is not mapped by 4 KiB pages. */
static uint64_t l1e_maddr(uintptr_t va)
{
    const uint64_t *table = l4_table;
    for (int level = 4; level > 1; level--) {
        uint64_t e = table[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & PTE_PRESENT) || (level < 4 && (e & 0x80)))
            return 0;
        table = mfn_to_virt(PTE_MFN(e));
        if (level == 2)
            return (PTE_MFN(e) << PAGE_SHIFT) + ((va >> 12) & 511) * 8;
    }
    return 0;
}

uint64_t virt_to_mfn(const void *va)
{
    uint64_t pfn = (uintptr_t)va >> PAGE_SHIFT;
    return pfn < nr_pages ? p2m[pfn] : ~0ULL;
}

void *mfn_to_virt(uint64_t mfn)
{
    const uint64_t *m2p = (const uint64_t *)M2P_VIRT_START;
    return (void *)(uintptr_t)(m2p[mfn] << PAGE_SHIFT);
}

void *page_alloc(unsigned npages)
{
    if (!npages || npages > nfree)
        return 0;
    for (unsigned i = 0; i + npages <= ARENA_PAGES; i++) {
        unsigned j = 0;
        while (j < npages && !used[i + j])
            j++;
        if (j == npages) {
            for (j = 0; j < npages; j++)
                used[i + j] = 1;
            nfree -= npages;
            memset(arena[i], 0, npages * PAGE_SIZE);
            return arena[i];
        }
        i += j;
    }
    return 0;
}

void page_free(void *p, unsigned npages)
{
    unsigned i = (unsigned)(((uint8_t *)p - arena[0]) / PAGE_SIZE);
    for (unsigned j = 0; j < npages && i + j < ARENA_PAGES; j++) {
        if (used[i + j]) {
            used[i + j] = 0;
            nfree++;
        }
    }
}

unsigned pages_free(void) { return nfree; }
unsigned pages_total(void) { return ARENA_PAGES; }

enum map_kind { MAP_SELF, MAP_FOREIGN_MFN, MAP_FOREIGN_GFN };

static void *map_frame_owned(uint64_t mfn, domid_t owner, enum map_kind kind)
{
    uint8_t *va = page_alloc(1);
    if (!va)
        return 0;
    unsigned i = (unsigned)((va - arena[0]) / PAGE_SIZE);
    saved_mfn[i] = virt_to_mfn(va);
    uint64_t pte = (mfn << PAGE_SHIFT) | PTE_KERNEL_RW;
    long rc;
    if (kind == MAP_SELF) {
        rc = HYPERVISOR_update_va_mapping((uintptr_t)va, pte, UVMF_INVLPG);
    } else if (kind == MAP_FOREIGN_GFN) {
        rc = HYPERVISOR_update_va_mapping_otherdomain((uintptr_t)va, pte, UVMF_INVLPG, owner);
    } else {
        struct mmu_update req = { .ptr = l1e_maddr((uintptr_t)va) | MMU_PT_UPDATE_NO_TRANSLATE, .val = pte };
        unsigned done = 0;
        rc = req.ptr == MMU_PT_UPDATE_NO_TRANSLATE ? -14 : HYPERVISOR_mmu_update(&req, 1, &done, owner);
        /* Drop any stale translation of this page (invlpg itself is privileged for PV). */
        struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = (uintptr_t)va };
        HYPERVISOR_mmuext_op(&flush, 1, &done, DOMID_SELF);
    }
    if (rc) {
        printk("mm: mapping mfn %lx of domain %u failed: %ld\n", mfn, owner, rc);
        page_free(va, 1);
        return 0;
    }
    return va;
}

void *map_frame(uint64_t mfn) { return map_frame_owned(mfn, DOMID_SELF, MAP_SELF); }
void *map_foreign_mfn(uint64_t mfn, domid_t owner) { return map_frame_owned(mfn, owner, MAP_FOREIGN_MFN); }
void *map_foreign_gfn(uint64_t gfn, domid_t owner) { return map_frame_owned(gfn, owner, MAP_FOREIGN_GFN); }

void unmap_frame(void *va)
{
    unsigned i = (unsigned)(((uint8_t *)va - arena[0]) / PAGE_SIZE);
    HYPERVISOR_update_va_mapping((uintptr_t)va, (saved_mfn[i] << PAGE_SHIFT) | PTE_KERNEL_RW,
                                 UVMF_INVLPG);
    page_free(va, 1);
}
