/* runtime/core/irq.c — a device's irq_set pins routed to ISA IRQs or PCI INTx lines, with lines
 * shared by several (device, pin) sources OR-ed: the hypervisor hears only changes of the OR
 * (host/node/runtime.ts setIrq). An unrouted pin is logged once and ignored; a PCI device's pin 0
 * defaults to INTA of its first registered function. */
#include "internal.h"

static int find_pin(const struct core_device *dev, uint8_t pin)
{
    for (unsigned i = 0; i < dev->npins_high; i++)
        if (dev->pins_high[i] == pin) return (int)i;
    return -1;
}

/* Adds or removes (key, dev, pin); returns whether any source holds `key` before and after. */
static void assert_source(struct core *rt, uint32_t key, struct core_device *dev, uint8_t pin, int level,
                          int *before, int *after)
{
    int count = 0, at = -1;
    for (unsigned i = 0; i < rt->nasserted; i++) {
        if (rt->asserted[i].key != key) continue;
        count++;
        if (rt->asserted[i].dev == dev && rt->asserted[i].pin == pin) at = (int)i;
    }
    *before = count > 0;
    if (level && at < 0 && rt->nasserted < CORE_MAX_ASSERT) {
        rt->asserted[rt->nasserted].key = key;
        rt->asserted[rt->nasserted].dev = dev;
        rt->asserted[rt->nasserted].pin = pin;
        rt->nasserted++;
        count++;
    } else if (!level && at >= 0) {
        rt->asserted[at] = rt->asserted[--rt->nasserted];
        count--;
    }
    *after = count > 0;
}

void core_set_irq(struct core *rt, struct core_device *dev, uint32_t pin, uint32_t level)
{
    struct core_irq_route route = {0};
    if (pin < dev->spec.nirqs && dev->spec.irqs[pin].kind != CORE_ROUTE_NONE) {
        route = dev->spec.irqs[pin];
    } else if (pin == 0 && dev->nbdfs) {
        route.kind = CORE_ROUTE_INTX;
        route.line = 0;
        route.bdf = -1;
    }
    level = level ? 1 : 0;
    if (route.kind == CORE_ROUTE_NONE) {
        core_logf_once(rt, 0, "device %s drives irq pin %u, which its configuration does not route", dev->name, pin);
        return;
    }
    uint8_t p = (uint8_t)pin;
    int at = find_pin(dev, p);
    if (level && at < 0 && dev->npins_high < CORE_MAX_PINS) dev->pins_high[dev->npins_high++] = p;
    if (!level && at >= 0) {
        for (unsigned i = (unsigned)at + 1; i < dev->npins_high; i++) dev->pins_high[i - 1] = dev->pins_high[i];
        dev->npins_high--;
    }
    int before, after;
    if (route.kind == CORE_ROUTE_ISA) {
        assert_source(rt, route.line, dev, p, (int)level, &before, &after);
        if (before != after) rt->hv.set_isa_irq_level(rt->hv.ctx, route.line, after);
    } else {
        int32_t bdf = route.bdf >= 0 ? route.bdf : (dev->nbdfs ? dev->bdfs[0] : -1);
        if (bdf < 0) return;
        uint32_t key = 0x10000000u | ((uint32_t)bdf << 4) | (route.line & 0xf);
        assert_source(rt, key, dev, p, (int)level, &before, &after);
        if (before != after) rt->hv.set_pci_intx_level(rt->hv.ctx, (unsigned)bdf, route.line, after);
    }
}
