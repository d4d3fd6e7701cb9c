/* runtime/core/events.c — backend work reaching devices: dev_event delivery (a payload staged
 * through the device's dev_alloc buffer), and the deferred queue that keeps it out of the device's
 * own call — block completions (BLK_DONE always arrives after blk_submit has returned, as on
 * host/node) and chr receive pumps after chr_rx_room. The queue runs in order after each ioreq
 * kick and each timer (core_run_deferred), bounded per run. */
#include "internal.h"
#include "abi.h"

void core_defer_blk_done(struct core *rt, struct core_device *dev, int32_t tag, int32_t status)
{
    if (rt->ndeferred == CORE_MAX_DEFERRED) {
        core_logf(rt, dev->name, 0, "deferred queue full: block completion lost");
        return;
    }
    struct core_deferred *d = &rt->deferred[rt->ndeferred++];
    d->kind = STUBDOM_EVENT_BLK_DONE;
    d->dev = dev;
    d->tag = tag;
    d->status = status;
}

/* PLATFORM_UNPLUG (the Xen platform device's unplug port): EVENT_UNPLUG with the mask, after the
 * current call, to every other device whose module holds blk or net (host/node's unplug()). */
void core_defer_unplug(struct core *rt, struct core_device *from, uint32_t mask)
{
    char names[160] = "";
    size_t n = 0;
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++) {
        struct core_device *d = &rt->devices[i];
        if (!d->in_use || d == from || !(d->mod->caps & (CORE_CAP_BLK | CORE_CAP_NET))) continue;
        if (rt->ndeferred == CORE_MAX_DEFERRED) {
            core_logf(rt, d->name, 0, "deferred queue full: unplug lost");
            continue;
        }
        rt->deferred[rt->ndeferred++] = (struct core_deferred){.kind = STUBDOM_EVENT_UNPLUG, .dev = d, .tag = (int32_t)mask};
        if (n < sizeof names) n += (size_t)core_snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", d->name);
    }
    core_logf(rt, from->name, 2, "unplug of emulated devices, mask 0x%x: delivered to %s", mask, n ? names : "no device");
}

#define DEFERRED_CHR_PUMP (-1)

void core_defer_chr_pump(struct core *rt, struct core_device *dev)
{
    if (dev->chr_pump_queued || !dev->chr_len)
        return;   /* one pending pump is enough; nothing queued, nothing to pump */
    if (rt->ndeferred == CORE_MAX_DEFERRED)
        return;   /* the next received byte pumps again */
    dev->chr_pump_queued = true;
    rt->deferred[rt->ndeferred++] = (struct core_deferred){.kind = DEFERRED_CHR_PUMP, .dev = dev};
}

void core_run_deferred(struct core *rt)
{
    for (unsigned n = 0; rt->ndeferred && n < 100000; n++) {
        struct core_deferred d = rt->deferred[0];
        for (unsigned i = 1; i < rt->ndeferred; i++) rt->deferred[i - 1] = rt->deferred[i];
        rt->ndeferred--;
        if (d.kind == DEFERRED_CHR_PUMP) {
            d.dev->chr_pump_queued = false;
            core_chr_pump(rt, d.dev);
        } else {
            core_deliver_event(rt, d.dev, d.kind, 0, 0, d.tag, d.status);
        }
    }
}

void core_deliver_event(struct core *rt, struct core_device *dev, int kind, const uint8_t *payload,
                        uint32_t len, int32_t arg, int32_t arg2)
{
    struct core_during dur = {.kind = CORE_DURING_EVENT, .reg = (uint32_t)kind, .is_ptr = payload != 0, .len = len, .arg = (uint32_t)arg};
    if (dev->failed || !dev->mod->dev_event) return;
    if (payload) {
        int64_t ptr = core_stage(rt, dev, payload, len, &dur);
        if (ptr < 0) {
            core_logf(rt, dev->name, 1, "event kind %d payload of %u bytes refused by the device", kind, len);
            return;
        }
        core_call(rt, dev, CALL_EVENT, (uint32_t)kind, (uint32_t)ptr, len, 0, &dur, 0);
    } else {
        core_call(rt, dev, CALL_EVENT, (uint32_t)kind, (uint32_t)arg, (uint32_t)arg2, 0, &dur, 0);
    }
}
