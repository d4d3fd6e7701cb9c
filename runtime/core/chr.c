/* runtime/core/chr.c — receive flow control for chr devices (serial ports): bytes a backend
 * received wait in a per-device queue and reach the device as EVENT_CHR_RX only as far as the
 * room it last reported through chr_rx_room (its receiver's free space) allows, as a serial
 * line's sender obeys CTS. A device that never reports gets everything at once. The pump runs
 * when bytes arrive and, deferred, after a device call that reported new room — never inside
 * the device's own call. host/node/runtime.ts does the same on V8. */
#include "abi.h"
#include "internal.h"

uint32_t core_chr_space(const struct core_device *dev)
{
    return CORE_CHR_QUEUE - dev->chr_len;
}

void core_chr_pump(struct core *rt, struct core_device *dev)
{
    /* bounded: each pass delivers at least one byte or stops */
    for (unsigned pass = 0; dev->chr_len && pass < CORE_CHR_QUEUE; pass++) {
        if (dev->failed)
            return;
        uint32_t n = dev->chr_len;
        if (dev->chr_room >= 0 && (uint32_t)dev->chr_room < n)
            n = (uint32_t)dev->chr_room;
        if (!n)
            return;
        uint8_t bytes[CORE_CHR_QUEUE];
        for (uint32_t i = 0; i < n; i++)
            bytes[i] = dev->chr_queue[(dev->chr_head + i) % CORE_CHR_QUEUE];
        dev->chr_head = (dev->chr_head + n) % CORE_CHR_QUEUE;
        dev->chr_len -= n;
        if (dev->chr_room >= 0)
            dev->chr_room -= (int32_t)n;   /* until the device says otherwise */
        core_deliver_event(rt, dev, STUBDOM_EVENT_CHR_RX, bytes, n, 0, 0);
    }
}

uint32_t core_chr_input(struct core *rt, struct core_device *dev, const uint8_t *bytes, uint32_t len)
{
    if (!dev || dev->failed)
        return len;   /* nobody to deliver to: taken and dropped, as a cut line would */
    uint32_t n = len < core_chr_space(dev) ? len : core_chr_space(dev);
    for (uint32_t i = 0; i < n; i++)
        dev->chr_queue[(dev->chr_head + dev->chr_len + i) % CORE_CHR_QUEUE] = bytes[i];
    dev->chr_len += n;
    core_chr_pump(rt, dev);
    return n;
}
