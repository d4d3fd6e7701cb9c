/* runtime/xen/devices_conf.h — the "devices" section of stubdom.mod (build/xen/devices.conf):
 * one device a line, NAME MODULE IRQS CONFIG, "#" starts a comment. IRQS is "-" or a comma list
 * of isa:N and intx:N (the device's irq_set pins in order); CONFIG is the device's configuration
 * string ("-": none) in which ${name} is filled in from the guest's facts (devices.c: what
 * dm-argv and the frontends say). A line "if FACT NAME MODULE IRQS CONFIG" is a device only when
 * the guest has FACT (left out quietly otherwise: a COM2, a second NIC); a device whose CONFIG
 * names a fact this guest lacks is left out, said so; a line that does not parse is logged and
 * refused. */
#ifndef XEN_DEVICES_CONF_H
#define XEN_DEVICES_CONF_H

#include <stdint.h>
#include "backends.h"
#include "core.h"
#include "dm_argv.h"

/* A fact ${name} expands to (empty or NULL: the guest lacks it). */
struct conf_var {
    const char *name, *value;
};

/* The facts of build/xen/devices.conf's header (ram_mb, boot, vga, nicK_mac, ...) from dm-argv's
 * machine and what the frontends found, into v (at most max; static storage): a fact the guest
 * lacks is "". Returns how many. */
#define DEVICES_CONF_FACTS (13 + 4 * DM_MAX_NICS)
unsigned devices_conf_facts(const struct dm_machine *m, const struct backend_facts *f, struct conf_var *v, unsigned max);

/* Calls `add` for every device line, in order (spec->config is valid during the call; mem_limit
 * and the backends are the caller's to set), counting the lines that do not parse and the
 * devices `add` refuses (returns nonzero). Returns that count, or -1 (logged) when the section
 * is larger than the parser takes. */
int devices_conf_each(const uint8_t *conf, uint32_t len, const struct conf_var *vars, unsigned nvars,
                      int (*add)(void *ctx, struct core_device_spec *spec), void *ctx);

#endif
