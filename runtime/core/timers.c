/* runtime/core/timers.c — devices' one-shot timers on virtual time (host/node/clock.ts with the
 * timer part of runtime.ts): timer_arm replaces the device's timer of that id; core_advance fires
 * due timers in deadline order, ties in the order they were armed, with `now` at each deadline
 * while it runs; after each dev_timer the deferred backend work runs. */
#include "internal.h"

int core_timer_arm(struct core *rt, struct core_device *dev, int32_t id, uint64_t delay)
{
    core_timer_cancel(rt, dev, id);
    for (unsigned i = 0; i < CORE_MAX_TIMERS; i++) {
        struct core_timer *t = &rt->timers[i];
        if (t->dev) continue;
        t->dev = dev;
        t->id = id;
        t->deadline = rt->now + delay;
        if (t->deadline < rt->now) t->deadline = UINT64_MAX;
        t->seq = ++rt->timer_seq;
        return 0;
    }
    core_logf(rt, dev->name, 0, "timer table full: timer_arm dropped");
    return -1;
}

void core_timer_cancel(struct core *rt, struct core_device *dev, int32_t id)
{
    for (unsigned i = 0; i < CORE_MAX_TIMERS; i++)
        if (rt->timers[i].dev == dev && rt->timers[i].id == id) rt->timers[i].dev = 0;
}

void core_cancel_timers(struct core *rt, struct core_device *dev)
{
    for (unsigned i = 0; i < CORE_MAX_TIMERS; i++)
        if (rt->timers[i].dev == dev) rt->timers[i].dev = 0;
}

uint64_t core_next_deadline(const struct core *rt)
{
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < CORE_MAX_TIMERS; i++)
        if (rt->timers[i].dev && rt->timers[i].deadline < best) best = rt->timers[i].deadline;
    return best;
}

void core_advance(struct core *rt, uint64_t target)
{
    for (;;) {
        struct core_timer *due = 0;
        for (unsigned i = 0; i < CORE_MAX_TIMERS; i++) {
            struct core_timer *t = &rt->timers[i];
            if (!t->dev || t->deadline > target) continue;
            if (!due || t->deadline < due->deadline || (t->deadline == due->deadline && t->seq < due->seq)) due = t;
        }
        if (!due) break;
        struct core_device *dev = due->dev;
        int32_t id = due->id;
        due->dev = 0;
        if (due->deadline > rt->now) rt->now = due->deadline;
        struct core_during dur = {.kind = CORE_DURING_TIMER, .arg = (uint32_t)id};
        core_call(rt, dev, CALL_TIMER, (uint32_t)id, 0, 0, 0, &dur, 0);
        core_run_deferred(rt);
    }
    if (target > rt->now) rt->now = target;
}
