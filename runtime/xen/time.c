/* runtime/xen/time.c — see time.h. Follows the version protocol of vcpu_time_info: an odd or
 * changed version means Xen was updating it, so read again. */
#include "time.h"
#include "lib.h"

static volatile struct vcpu_time_info *ti;

void time_init(struct shared_info *si)
{
    ti = &si->vcpu_info[0].time;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t time_ns(void)
{
    if (!ti)
        return 0;
    uint32_t ver;
    uint64_t ns;
    do {
        ver = ti->version;
        rmb();
        uint64_t delta = rdtsc() - ti->tsc_timestamp;
        int8_t shift = ti->tsc_shift;
        if (shift >= 0)
            delta <<= shift;
        else
            delta >>= -shift;
        ns = ti->system_time + (uint64_t)(((unsigned __int128)delta * ti->tsc_to_system_mul) >> 32);
        rmb();
    } while ((ver & 1) || ver != ti->version);
    return ns;
}
