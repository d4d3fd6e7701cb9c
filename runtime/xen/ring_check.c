/* runtime/xen/ring_check.c — see ring_check.h. */
#include "ring_check.h"
#include "console.h"

uint32_t ring_ready(struct ring_guard *g, uint32_t ours, uint32_t theirs, uint32_t limit)
{
    if (g->broken)
        return 0;
    uint32_t n = theirs - ours;   /* free-running indexes: the difference is what counts */
    if (n <= limit)
        return n;
    g->broken = true;
    printk("%s: the peer's ring index is inconsistent (ours %u, theirs %u, at most %u apart): disconnected\n",
           g->who ? g->who : "ring", ours, theirs, limit);
    return 0;
}

void ring_break(struct ring_guard *g, const char *what, uint64_t value)
{
    if (g->broken)
        return;
    g->broken = true;
    printk("%s: %s (%lu): disconnected\n", g->who ? g->who : "ring", what, (unsigned long)value);
}
