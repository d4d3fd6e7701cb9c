/* runtime/core/ranges.c — the range table: an ordered array with a last-hit cache, the same
 * behaviour as host/node/ranges.ts (order only matters to the cache; claims never overlap). */
#include "ranges.h"

void core_ranges_init(struct core_ranges *t)
{
    t->n = 0;
    t->last_hit = -1;
}

static int contains(const struct core_range *r, int space, uint64_t addr)
{
    return r->space == space && addr >= r->base && addr - r->base < r->len;
}

const struct core_range *core_ranges_lookup(struct core_ranges *t, int space, uint64_t addr)
{
    if (t->last_hit >= 0 && contains(&t->r[t->last_hit], space, addr)) return &t->r[t->last_hit];
    for (unsigned i = 0; i < t->n; i++) {
        if (contains(&t->r[i], space, addr)) {
            t->last_hit = (int)i;
            return &t->r[i];
        }
    }
    return 0;
}

const struct core_range *core_ranges_find(const struct core_ranges *t, const struct core_device *owner, int32_t region)
{
    for (unsigned i = 0; i < t->n; i++)
        if (t->r[i].owner == owner && t->r[i].region == region) return &t->r[i];
    return 0;
}

const struct core_range *core_ranges_conflict(const struct core_ranges *t, const struct core_device *owner,
                                              int32_t region, int space, uint64_t base, uint64_t len)
{
    for (unsigned i = 0; i < t->n; i++) {
        const struct core_range *r = &t->r[i];
        if (r->space != space || (r->owner == owner && r->region == region)) continue;
        if (base < r->base + r->len && r->base < base + len) return r;
    }
    return 0;
}

int core_ranges_remove(struct core_ranges *t, const struct core_device *owner, int32_t region, struct core_range *old)
{
    for (unsigned i = 0; i < t->n; i++) {
        if (t->r[i].owner != owner || t->r[i].region != region) continue;
        if (old) *old = t->r[i];
        for (unsigned j = i + 1; j < t->n; j++) t->r[j - 1] = t->r[j];
        t->n--;
        t->last_hit = -1;
        return 1;
    }
    return 0;
}

int core_ranges_set(struct core_ranges *t, struct core_device *owner, int32_t region, int space,
                    uint64_t base, uint64_t len, struct core_range *old)
{
    if (!core_ranges_find(t, owner, region) && t->n == CORE_MAX_RANGES) return -1;
    int had = core_ranges_remove(t, owner, region, old);
    struct core_range *r = &t->r[t->n++];
    r->owner = owner;
    r->region = region;
    r->space = space;
    r->base = base;
    r->len = len;
    return had;
}
