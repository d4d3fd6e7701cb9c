/* runtime/xen/mm.c — see mm.h. The page arena is a bss array, covered by the bootstrap page
 * tables. The rest of the domain's memory (every pfn above Xen's initial mapping) is mapped by
 * mm_map_rest() at HIGH_VA with page tables built here: each new table page is one of those
 * free pfns, filled through a temporary writable mapping, unmapped, then installed with
 * mmu_update (Xen validates and types it on installation). */
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
extern char _end[];
#define PTE_MFN(e) (((e) & 0x000FFFFFFFFFF000ULL) >> PAGE_SHIFT)

void mm_init(const struct start_info *si)
{
    p2m = (const uint64_t *)si->mfn_list;
    nr_pages = si->nr_pages;
    l4_table = (const uint64_t *)si->pt_base;
}

/* ---- the rest of the domain's memory ---- */

#define HIGH_VA 0x40000000UL   /* L4[0], L3[1]: 1 GiB, unused by the image */
#define PTE_TABLE (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED)

/* The entry that maps `va` at `level` (1 = L1), or 0 when a table on the way is missing. */
static uint64_t pte_at(uintptr_t va, int level)
{
    const uint64_t *table = l4_table;
    for (int l = 4; l >= level; l--) {
        uint64_t e = table[(va >> (12 + 9 * (l - 1))) & 511];
        if (l == level)
            return e;
        if (!(e & PTE_PRESENT) || (l < 4 && (e & 0x80)))
            return 0;
        table = mfn_to_virt(PTE_MFN(e));
    }
    return 0;
}

static bool mapped(uint64_t pfn) { return (pte_at((uintptr_t)(pfn << PAGE_SHIFT), 1) & PTE_PRESENT) != 0; }

/* Writes a fresh page-table page: `mfn` filled with `entries` (512 x u64) through a temporary
 * mapping that is gone again when this returns. */
static int fill_table(uint64_t mfn, const uint64_t *entries)
{
    uint64_t *tmp = map_frame(mfn);
    if (!tmp)
        return -1;
    memcpy(tmp, entries, PAGE_SIZE);
    unmap_frame(tmp);
    return 0;
}

static int install(uint64_t entry_maddr, uint64_t val)
{
    struct mmu_update req = { .ptr = entry_maddr | MMU_NORMAL_PT_UPDATE, .val = val };
    unsigned done = 0;
    long rc = HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF);
    if (rc)
        printk("mm: mmu_update %lx <- %lx failed: %ld\n", entry_maddr, val, rc);
    return (int)rc;
}

/* what mm_map_rest mapped at HIGH_VA: pfns [rest_first_pfn, + rest_pages) */
static uint64_t rest_first_pfn, rest_pages;

void *mm_map_rest(size_t *len)
{
    static uint64_t entries[512];
    *len = 0;
    /* the first pfn above the image that Xen did not map, and everything above it */
    uint64_t first = ((uintptr_t)_end + PAGE_SIZE - 1) >> PAGE_SHIFT;
    while (first < nr_pages && mapped(first))
        first++;
    if (first >= nr_pages)
        return 0;
    uint64_t total = nr_pages - first;
    /* tables: one L2 (1 GiB) and one L1 per 2 MiB of what remains */
    uint64_t nl1 = (total + 511) / 512;
    if (total <= 1 + nl1)
        return 0;
    uint64_t ndata = total - 1 - nl1;
    if (ndata > 512 * 512)
        ndata = 512 * 512;
    nl1 = (ndata + 511) / 512;
    uint64_t l3e = pte_at(HIGH_VA, 3), l4e = pte_at(HIGH_VA, 4);
    if (!(l4e & PTE_PRESENT) || (l3e & PTE_PRESENT)) {
        printk("mm: VA %lx is not free for the memory map\n", HIGH_VA);
        return 0;
    }
    uint64_t pfn = first;
    uint64_t l2_mfn = p2m[pfn++];
    uint64_t l1_first = pfn;
    pfn += nl1;
    uint64_t data_first = pfn;
    /* L1 tables, each mapping 512 data pages */
    for (uint64_t t = 0; t < nl1; t++) {
        memset(entries, 0, sizeof entries);
        for (uint64_t i = 0; i < 512 && t * 512 + i < ndata; i++)
            entries[i] = (p2m[data_first + t * 512 + i] << PAGE_SHIFT) | PTE_KERNEL_RW;
        if (fill_table(p2m[l1_first + t], entries))
            return 0;
    }
    /* the L2 naming them; empty first, so it can be typed as an L2 before the L1s go in */
    memset(entries, 0, sizeof entries);
    for (uint64_t t = 0; t < nl1; t++)
        entries[t] = (p2m[l1_first + t] << PAGE_SHIFT) | PTE_TABLE;
    if (fill_table(l2_mfn, entries))
        return 0;
    /* the L3 entry: the bootstrap L3 page that covers HIGH_VA */
    uint64_t l3_mfn = PTE_MFN(l4e);
    if (install((l3_mfn << PAGE_SHIFT) + ((HIGH_VA >> 30) & 511) * 8, (l2_mfn << PAGE_SHIFT) | PTE_TABLE))
        return 0;
    *len = (size_t)ndata * PAGE_SIZE;
    rest_first_pfn = data_first;
    rest_pages = ndata;
    printk("mm: pfns %lx-%lx mapped at %lx (%lu KiB; %lu table pages)\n", data_first,
           data_first + ndata - 1, HIGH_VA, (unsigned long)(ndata * 4), (unsigned long)(1 + nl1));
    return (void *)HIGH_VA;
}


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
    uintptr_t a = (uintptr_t)va;
    if (a >= HIGH_VA && a - HIGH_VA < rest_pages * PAGE_SIZE)   /* mm_map_rest's region */
        return p2m[rest_first_pfn + ((a - HIGH_VA) >> PAGE_SHIFT)];
    uint64_t pfn = a >> PAGE_SHIFT;
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
