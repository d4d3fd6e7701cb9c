/* runtime/xen/guest_mem.c — see guest_mem.h. A frame is mapped with update_va_mapping_otherdomain,
 * which for an HVM owner takes the guest frame number and translates it through the guest's p2m. */
#include "guest_mem.h"
#include "lib.h"
#include "mm.h"

#define SLOTS 32

static domid_t guest;
static struct { uint64_t gfn; uint8_t *va; } slot[SLOTS];
static unsigned next_victim;

void guest_mem_init(domid_t g)
{
    guest = g;
    for (unsigned i = 0; i < SLOTS; i++)
        slot[i].va = 0;
}

static uint8_t *frame(uint64_t gfn)
{
    for (unsigned i = 0; i < SLOTS; i++)
        if (slot[i].va && slot[i].gfn == gfn)
            return slot[i].va;
    unsigned i = next_victim;
    next_victim = (next_victim + 1) % SLOTS;
    if (slot[i].va)
        unmap_frame(slot[i].va);
    slot[i].va = map_foreign_gfn(gfn, guest);
    slot[i].gfn = gfn;
    return slot[i].va;
}

void guest_mem_invalidate(void)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        if (slot[i].va)
            unmap_frame(slot[i].va);
        slot[i].va = 0;
    }
}

static bool copy(uint64_t gpa, uint8_t *buf, uint32_t len, bool to_guest)
{
    while (len) {
        uint8_t *page = frame(gpa >> PAGE_SHIFT);
        if (!page)
            return false;
        uint32_t off = (uint32_t)(gpa & (PAGE_SIZE - 1));
        uint32_t n = (uint32_t)PAGE_SIZE - off;
        if (n > len)
            n = len;
        if (to_guest)
            memcpy(page + off, buf, n);
        else
            memcpy(buf, page + off, n);
        gpa += n;
        buf += n;
        len -= n;
    }
    return true;
}

bool guest_mem_read(uint64_t gpa, void *dst, uint32_t len) { return copy(gpa, dst, len, false); }
bool guest_mem_write(uint64_t gpa, const void *src, uint32_t len) { return copy(gpa, (uint8_t *)src, len, true); }
