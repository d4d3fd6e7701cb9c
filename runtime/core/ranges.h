/* runtime/core/ranges.h — the range table (host/node/ranges.ts in C): which device region answers
 * which port or MMIO range. A region id is the device's own; re-claiming it moves it; a claim
 * overlapping another claim is refused by the caller (core_ranges_conflict). */
#ifndef CORE_RANGES_H
#define CORE_RANGES_H

#include <stdint.h>

#define CORE_MAX_RANGES 128

struct core_device;

struct core_range {
    struct core_device *owner;
    int32_t region;
    int space;
    uint64_t base, len;
};

struct core_ranges {
    struct core_range r[CORE_MAX_RANGES];
    unsigned n;
    int last_hit; /* index of the last lookup hit, -1 = none */
};

void core_ranges_init(struct core_ranges *t);
const struct core_range *core_ranges_lookup(struct core_ranges *t, int space, uint64_t addr);
const struct core_range *core_ranges_find(const struct core_ranges *t, const struct core_device *owner, int32_t region);
const struct core_range *core_ranges_conflict(const struct core_ranges *t, const struct core_device *owner,
                                              int32_t region, int space, uint64_t base, uint64_t len);
/* Adds or moves a claim; *old receives the previous range of that region; returns 1 if there
 * was one, 0 if not, -1 if the table is full (nothing changed then). */
int core_ranges_set(struct core_ranges *t, struct core_device *owner, int32_t region, int space,
                    uint64_t base, uint64_t len, struct core_range *old);
/* Removes a claim; returns 1 and fills *old if it existed. */
int core_ranges_remove(struct core_ranges *t, const struct core_device *owner, int32_t region, struct core_range *old);

#endif
