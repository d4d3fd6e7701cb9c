/* runtime/core/device.c — the device table at run time: loading a module from core_modules[]
 * (capability check, instantiation into the arena, ABI version, configuration staged through
 * dev_alloc, dev_init), and the sandbox boundary around every call into a device: a wasm2c trap
 * unwinds to core_call, which marks that device failed (IRQs lowered, timers cancelled, a report
 * naming the device and the request) and answers with the caller's default. Mirrors
 * host/node/device.ts and the device half of host/node/runtime.ts. */
#include "internal.h"
#include "wasm2c/wasm-rt.h"
#include "abi.h"

struct core *core_running;
char core_trap_message[128];
struct core *core_alloc_rt;
uint32_t core_alloc_limit_pages;

void core_init(struct core *rt, const struct core_hv *hv, const struct core_guest_mem *ram,
               const struct core_options *opts, void *arena, size_t arena_len)
{
    memset(rt, 0, sizeof(*rt));
    rt->hv = *hv;
    rt->ram = *ram;
    if (opts) rt->opts = *opts;
    if (!rt->opts.max_rep_count) rt->opts.max_rep_count = CORE_MAX_REP;
    rt->arena = arena;
    rt->arena_end = (uint8_t *)arena + arena_len;
    core_ranges_init(&rt->ranges);
}

void *core_arena_alloc(struct core *rt, size_t len, size_t align)
{
    uintptr_t p = ((uintptr_t)rt->arena + align - 1) & ~(uintptr_t)(align - 1);
    if (p > (uintptr_t)rt->arena_end || len > (uintptr_t)rt->arena_end - p) return 0;
    rt->arena = (uint8_t *)(p + len);
    return (void *)p;
}

int core_in_mem(struct core_device *dev, int32_t ptr, int32_t len)
{
    wasm_rt_memory_t *m = dev->mod->memory(dev->inst);
    return ptr >= 0 && len >= 0 && (uint64_t)(uint32_t)ptr + (uint32_t)len <= m->size;
}

uint8_t *core_device_memory(struct core_device *dev, uint32_t *len)
{
    wasm_rt_memory_t *m = dev->mod->memory(dev->inst);
    *len = m->size;
    return m->data;
}

static void format_during(char *buf, size_t size, const struct core_during *d)
{
    const char *dir = d->dir ? "read" : "write";
    switch (d->kind) {
    case CORE_DURING_IOREQ:
        if (d->is_ptr)
            core_snprintf(buf, size, "ioreq %s %s 0x%llx size %u buffer 0x%llx x%u%s", dir, d->type == 0 ? "port" : "mmio",
                          (unsigned long long)d->addr, (unsigned)d->size, (unsigned long long)d->data, d->count, d->df ? " df" : "");
        else
            core_snprintf(buf, size, "ioreq %s %s 0x%llx size %u data 0x%llx", dir, d->type == 0 ? "port" : "mmio",
                          (unsigned long long)d->addr, (unsigned)d->size, (unsigned long long)d->data);
        break;
    case CORE_DURING_PCI:
        if (d->dir)
            core_snprintf(buf, size, "ioreq PCI_CONFIG read " CORE_BDF_FMT " reg 0x%x size %u", CORE_BDF(d->bdf), d->reg, (unsigned)d->size);
        else
            core_snprintf(buf, size, "ioreq PCI_CONFIG write " CORE_BDF_FMT " reg 0x%x size %u data 0x%llx", CORE_BDF(d->bdf), d->reg,
                          (unsigned)d->size, (unsigned long long)d->data);
        break;
    case CORE_DURING_TIMER: core_snprintf(buf, size, "dev_timer %d", (int32_t)d->arg); break;
    case CORE_DURING_EVENT:
        if (d->is_ptr) core_snprintf(buf, size, "dev_event kind %d (%u bytes)", (int32_t)d->reg, d->len);
        else core_snprintf(buf, size, "dev_event kind %d arg %d", (int32_t)d->reg, (int32_t)d->arg);
        break;
    default: core_snprintf(buf, size, "%s", d->text ? d->text : "?");
    }
}

void core_failed(struct core *rt, struct core_device *dev, int code, const struct core_during *during)
{
    struct core_failure *fl = &dev->failure;
    fl->device = dev->name;
    if (code == WASM_RT_TRAP_EXHAUSTION)
        core_snprintf(fl->error, sizeof fl->error, "RangeError: Maximum call stack size exceeded");
    else
        core_snprintf(fl->error, sizeof fl->error, "trap: %s", code == -1 ? core_trap_message : wasm_rt_strerror((wasm_rt_trap_t)code));
    format_during(fl->during, sizeof fl->during, during);
    dev->failed = true;
    /* Its ranges stay mapped (the guest gets all-ones, not another server); its IRQs drop. */
    core_cancel_timers(rt, dev);
    while (dev->npins_high) core_set_irq(rt, dev, dev->pins_high[0], 0);
    core_logf(rt, dev->name, 0, "device failed: %s during %s; its registers now read all-ones, its IRQ lines are lowered, "
              "other devices keep serving", fl->error, fl->during);
    if (rt->opts.on_failure) rt->opts.on_failure(rt->opts.failure_ctx, fl);
}

/* Trap codes travel through core_longjmp; -1 marks a trap raised by an import with a message. */
#define IMPORT_TRAP 0x7fff

__attribute__((noreturn)) void core_trap_from_import(const char *msg)
{
    core_snprintf(core_trap_message, sizeof core_trap_message, "%s", msg);
    struct core *rt = core_running;
    if (!rt || !rt->trap_target) for (;;) __builtin_trap();
    core_longjmp(rt->trap_target, IMPORT_TRAP);
}

uint32_t core_call(struct core *rt, struct core_device *dev, int which, uint32_t a, uint32_t b,
                   uint32_t c, uint32_t d, const struct core_during *during, uint32_t dflt)
{
    if (dev->failed) return dflt;
    const struct core_module *m = dev->mod;
    struct core_jmp jb;
    struct core_jmp *saved_target = rt->trap_target;
    struct core *saved_running = core_running;
    uint32_t saved_depth = wasm_rt_call_stack_depth;
    const char *saved_current = rt->current;
    rt->trap_target = &jb;
    core_running = rt;
    int code = core_setjmp(&jb);
    if (code) {
        rt->trap_target = saved_target;
        core_running = saved_running;
        wasm_rt_call_stack_depth = saved_depth;
        rt->current = saved_current;
        core_failed(rt, dev, code == IMPORT_TRAP ? -1 : code, during);
        return dflt;
    }
    uint32_t r = dflt;
    void *x = dev->inst;
    switch (which) {
    case CALL_ABI_VERSION: r = m->abi_version(x); break;
    case CALL_ALLOC: r = m->dev_alloc(x, a); break;
    case CALL_INIT: r = m->dev_init(x, a, b); break;
    case CALL_RESET: m->dev_reset(x); break;
    case CALL_READ: r = m->dev_read(x, a, b, c); break;
    case CALL_WRITE: m->dev_write(x, a, b, c, d); break;
    case CALL_CFG_READ: r = m->pci_cfg_read ? m->pci_cfg_read(x, a, b, c) : 0xffffffffu; break;
    case CALL_CFG_WRITE: if (m->pci_cfg_write) m->pci_cfg_write(x, a, b, c, d); break;
    case CALL_TIMER: if (m->dev_timer) m->dev_timer(x, a); break;
    case CALL_EVENT: if (m->dev_event) m->dev_event(x, a, b, c); break;
    case CALL_POST_LOAD: if (m->dev_post_load) m->dev_post_load(x); break;
    default: break;
    }
    rt->trap_target = saved_target;
    core_running = saved_running;
    return r;
}

int64_t core_stage(struct core *rt, struct core_device *dev, const uint8_t *bytes, uint32_t len,
                   const struct core_during *during)
{
    uint32_t ptr = core_call(rt, dev, CALL_ALLOC, len, 0, 0, 0, during, 0);
    if (!ptr && len) return -1;
    uint32_t size;
    uint8_t *mem = core_device_memory(dev, &size);
    if ((uint64_t)ptr + len > size) return -1;
    if (len) memcpy(mem + ptr, bytes, len);
    return ptr;
}

const struct core_module *core_find_module(const char *name)
{
    for (unsigned i = 0; i < core_module_count; i++)
        if (core_streq(core_modules[i].name, name)) return &core_modules[i];
    return 0;
}

struct core_device *core_device_by_name(struct core *rt, const char *name)
{
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (rt->devices[i].in_use && core_streq(rt->devices[i].name, name)) return &rt->devices[i];
    return 0;
}

static void remove_device(struct core *rt, struct core_device *dev)
{
    core_drop_claims(rt, dev);
    core_cancel_timers(rt, dev);
    dev->in_use = false;
}

/* Fills `err` for core_add_device's caller; returns -1. */
static int refuse(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    core_vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* The first capability the module imports without its manifest granting it, or NULL. */
static const char *ungranted_capability(const struct core_module *m)
{
    static const char *const names[STUBDOM_CAP_COUNT] = {STUBDOM_CAP_NAMES};
    uint32_t ungranted = m->imports & ~m->caps;
    if (!ungranted) return 0;
    unsigned bit = 0;
    while (!(ungranted & (1u << bit))) bit++;
    return bit < STUBDOM_CAP_COUNT ? names[bit] : "?";
}

static struct core_device *free_slot(struct core *rt)
{
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (!rt->devices[i].in_use) return &rt->devices[i];
    return 0;
}

/* Runs the module's start function and instantiates it into `dev` (inside a trap frame, like any
 * call): 0, a trap code, or -1 when its memory did not fit the arena. */
static int instantiate(struct core *rt, struct core_device *dev, const struct core_device_spec *spec)
{
    const struct core_module *m = dev->mod;
    static bool initialised[64];
    unsigned idx = (unsigned)(m - core_modules);
    if (idx < 64 && !initialised[idx]) {
        m->init_module();
        initialised[idx] = true;
    }
    core_alloc_rt = rt;
    core_alloc_limit_pages = spec->mem_limit_pages ? spec->mem_limit_pages : CORE_DEFAULT_MEM_PAGES;
    struct core_jmp jb;
    struct core_jmp *saved = rt->trap_target;
    rt->trap_target = &jb;
    core_running = rt;
    wasm_rt_call_stack_depth = 0;
    int code = core_setjmp(&jb);
    if (!code) m->instantiate(dev->inst, &dev->host);
    rt->trap_target = saved;
    core_alloc_rt = 0;
    return code ? code : core_alloc_limit_pages == 0xffffffffu ? -1 : 0;
}

int core_add_device(struct core *rt, const struct core_device_spec *spec, char *err, size_t errlen)
{
    if (errlen) err[0] = 0;
    const char *name = spec->name;
    if (core_device_by_name(rt, name)) return refuse(err, errlen, "duplicate device name %s", name);
    const struct core_module *m = core_find_module(spec->module);
    if (!m)
        return refuse(err, errlen, "device %s: no compiled module %s in the device table (run build/native.ts)", name, spec->module);
    const char *cap = ungranted_capability(m);
    if (cap) return refuse(err, errlen, "device %s: imports a host function of capability '%s' not granted by its manifest", name, cap);
    struct core_device *dev = free_slot(rt);
    if (!dev) return refuse(err, errlen, "too many devices");
    memset(dev, 0, sizeof(*dev));
    dev->chr_room = -1;
    core_snprintf(dev->name, sizeof dev->name, "%s", name);
    dev->mod = m;
    dev->spec = *spec;
    dev->spec.name = dev->name;
    dev->host.rt = rt;
    dev->host.dev = dev;
    dev->inst = core_arena_alloc(rt, m->instance_size, 64);
    if (!dev->inst) return refuse(err, errlen, "device %s: arena exhausted", name);
    memset(dev->inst, 0, m->instance_size);
    dev->in_use = true;

    int code = instantiate(rt, dev, spec);
    if (code) {
        dev->in_use = false;
        if (code < 0) return refuse(err, errlen, "device %s: instantiation failed: arena exhausted", name);
        return refuse(err, errlen, "device %s: instantiation failed: trap: %s", name, wasm_rt_strerror((wasm_rt_trap_t)code));
    }
    struct core_during dur = {.kind = CORE_DURING_TEXT, .text = "abi_version"};
    uint32_t v = core_call(rt, dev, CALL_ABI_VERSION, 0, 0, 0, 0, &dur, 0);
    if (v != STUBDOM_ABI_VERSION) {
        dev->in_use = false;
        return refuse(err, errlen, "device %s: ABI version %d, runtime speaks " STUBDOM_ABI_VERSION_STRING, name, (int32_t)v);
    }
    const char *cfg = spec->config ? spec->config : "";
    uint32_t cfglen = (uint32_t)core_strlen(cfg);
    dur.text = "dev_alloc for config";
    int64_t ptr = core_stage(rt, dev, (const uint8_t *)cfg, cfglen, &dur);
    if (ptr < 0) {
        remove_device(rt, dev);
        return refuse(err, errlen, "device %s: configuration too long", name);
    }
    dur.text = "dev_init";
    uint32_t rc = core_call(rt, dev, CALL_INIT, (uint32_t)ptr, cfglen, 0, 0, &dur, 0xffffffffu);
    if (dev->failed) /* stays in the table, failed, as host/node keeps it */
        return refuse(err, errlen, "device %s: trapped in dev_init: %s", name, dev->failure.error);
    if (rc != 0) {
        remove_device(rt, dev);
        return refuse(err, errlen, "device %s: configuration rejected (dev_init returned %d): see the device's log above; config was '%s'",
                      name, (int32_t)rc, cfg);
    }
    return 0;
}

void core_reset_all(struct core *rt)
{
    struct core_during dur = {.kind = CORE_DURING_TEXT, .text = "dev_reset"};
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (rt->devices[i].in_use) core_call(rt, &rt->devices[i], CALL_RESET, 0, 0, 0, 0, &dur, 0);
}
