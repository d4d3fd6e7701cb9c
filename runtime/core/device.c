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

static const char *const level_names[] = {"error", "warn", "info", "debug"};

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

void core_log(struct core *rt, const char *device, int level, const char *text, size_t len)
{
    if (rt->opts.log) {
        rt->opts.log(rt->opts.log_ctx, device, level, text, len);
        return;
    }
    if (level > 1) return; /* host/node's default sink prints errors and warnings only */
    char line[512];
    struct fmt f;
    fmt_init(&f, line, sizeof line);
    fmt_str(&f, "[");
    fmt_str(&f, device);
    fmt_str(&f, "] ");
    if (level >= 0 && level < 4) fmt_str(&f, level_names[level]);
    else fmt_sdec(&f, level);
    fmt_str(&f, ": ");
    fmt_mem(&f, text, len);
    platform_log(line, f.len);
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
    return h;
}

void core_logf_once(struct core *rt, const char *key, size_t keylen, const char *text)
{
    uint64_t h = fnv1a(key, keylen);
    for (unsigned i = 0; i < rt->nlogged; i++)
        if (rt->logged[i] == h) return;
    if (rt->nlogged < CORE_MAX_LOGONCE) rt->logged[rt->nlogged++] = h;
    core_log(rt, rt->current ? rt->current : "runtime", 2, text, core_strlen(text));
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

static void format_during(struct fmt *f, const struct core_during *d)
{
    switch (d->kind) {
    case CORE_DURING_IOREQ:
        fmt_str(f, "ioreq ");
        fmt_str(f, d->dir ? "read " : "write ");
        fmt_str(f, d->type == 0 ? "port 0x" : "mmio 0x");
        fmt_hex(f, d->addr);
        fmt_str(f, " size ");
        fmt_dec(f, (uint32_t)d->size);
        if (d->is_ptr) {
            fmt_str(f, " buffer 0x");
            fmt_hex(f, d->data);
            fmt_str(f, " x");
            fmt_dec(f, d->count);
            if (d->df) fmt_str(f, " df");
        } else {
            fmt_str(f, " data 0x");
            fmt_hex(f, d->data);
        }
        break;
    case CORE_DURING_PCI:
        fmt_str(f, "ioreq PCI_CONFIG ");
        fmt_str(f, d->dir ? "read " : "write ");
        fmt_bdf(f, d->bdf);
        fmt_str(f, " reg 0x");
        fmt_hex(f, d->reg);
        fmt_str(f, " size ");
        fmt_dec(f, (uint32_t)d->size);
        if (!d->dir) {
            fmt_str(f, " data 0x");
            fmt_hex(f, d->data);
        }
        break;
    case CORE_DURING_TIMER:
        fmt_str(f, "dev_timer ");
        fmt_sdec(f, (int32_t)d->arg);
        break;
    case CORE_DURING_EVENT:
        fmt_str(f, "dev_event kind ");
        fmt_sdec(f, (int32_t)d->reg);
        if (d->is_ptr) {
            fmt_str(f, " (");
            fmt_dec(f, d->len);
            fmt_str(f, " bytes)");
        } else {
            fmt_str(f, " arg ");
            fmt_sdec(f, (int32_t)d->arg);
        }
        break;
    default:
        fmt_str(f, d->text ? d->text : "?");
    }
}

void core_failed(struct core *rt, struct core_device *dev, int code, const struct core_during *during)
{
    struct core_failure *fl = &dev->failure;
    struct fmt f;
    fl->device = dev->name;
    fmt_init(&f, fl->error, sizeof fl->error);
    if (code == WASM_RT_TRAP_EXHAUSTION) {
        fmt_str(&f, "RangeError: Maximum call stack size exceeded");
    } else {
        fmt_str(&f, "trap: ");
        fmt_str(&f, code == -1 ? core_trap_message : wasm_rt_strerror((wasm_rt_trap_t)code));
    }
    fmt_init(&f, fl->during, sizeof fl->during);
    format_during(&f, during);
    dev->failed = true;
    /* Its ranges stay mapped (the guest gets all-ones, not another server); its IRQs drop. */
    core_cancel_timers(rt, dev);
    while (dev->npins_high) core_set_irq(rt, dev, dev->pins_high[0], 0);
    char line[400];
    fmt_init(&f, line, sizeof line);
    fmt_str(&f, "device failed: ");
    fmt_str(&f, fl->error);
    fmt_str(&f, " during ");
    fmt_str(&f, fl->during);
    fmt_str(&f, "; its registers now read all-ones, its IRQ lines are lowered, other devices keep serving");
    core_log(rt, dev->name, 0, line, f.len);
    if (rt->opts.on_failure) rt->opts.on_failure(rt->opts.failure_ctx, fl);
}

/* Trap codes travel through core_longjmp; -1 marks a trap raised by an import with a message. */
#define IMPORT_TRAP 0x7fff

__attribute__((noreturn)) void core_trap_from_import(const char *msg)
{
    struct fmt f;
    fmt_init(&f, core_trap_message, sizeof core_trap_message);
    fmt_str(&f, msg);
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

static const char *const cap_names[] = {"log", "claim", "pci", "irq", "dma", "timer", "platform", "chr", "blk", "net", "display"};

static void remove_device(struct core *rt, struct core_device *dev)
{
    for (unsigned i = rt->ranges.n; i-- > 0;)
        if (rt->ranges.r[i].owner == dev) core_unclaim(rt, dev, rt->ranges.r[i].region);
    for (unsigned i = 0; i < rt->npci;) {
        if (rt->pci[i].owner == dev) {
            rt->hv.unmap_io_range(rt->hv.ctx, CORE_RANGE_PCI, rt->pci[i].bdf, rt->pci[i].bdf);
            rt->pci[i] = rt->pci[--rt->npci];
        } else {
            i++;
        }
    }
    core_cancel_timers(rt, dev);
    dev->in_use = false;
}

int core_add_device(struct core *rt, const struct core_device_spec *spec, char *err, size_t errlen)
{
    struct fmt e;
    fmt_init(&e, err, errlen);
    if (core_device_by_name(rt, spec->name)) {
        fmt_str(&e, "duplicate device name ");
        fmt_str(&e, spec->name);
        return -1;
    }
    const struct core_module *m = core_find_module(spec->module);
    if (!m) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": no compiled module ");
        fmt_str(&e, spec->module);
        fmt_str(&e, " in the device table (run build/native.ts)");
        return -1;
    }
    uint32_t ungranted = m->imports & ~m->caps;
    if (ungranted) {
        unsigned bit = 0;
        while (!(ungranted & (1u << bit))) bit++;
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": imports a host function of capability '");
        fmt_str(&e, bit < 11 ? cap_names[bit] : "?");
        fmt_str(&e, "' not granted by its manifest");
        return -1;
    }
    struct core_device *dev = 0;
    for (unsigned i = 0; i < CORE_MAX_DEVICES && !dev; i++)
        if (!rt->devices[i].in_use) dev = &rt->devices[i];
    if (!dev) {
        fmt_str(&e, "too many devices");
        return -1;
    }
    memset(dev, 0, sizeof(*dev));
    dev->chr_room = -1;
    struct fmt nf;
    fmt_init(&nf, dev->name, sizeof dev->name);
    fmt_str(&nf, spec->name);
    dev->mod = m;
    dev->spec = *spec;
    dev->spec.name = dev->name;
    dev->host.rt = rt;
    dev->host.dev = dev;
    dev->inst = core_arena_alloc(rt, m->instance_size, 64);
    if (!dev->inst) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": arena exhausted");
        return -1;
    }
    memset(dev->inst, 0, m->instance_size);
    dev->in_use = true;

    /* Instantiation runs the module's start function: inside a trap frame, like any call. */
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
    if (code || core_alloc_limit_pages == 0xffffffffu) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, code ? ": instantiation failed: trap: " : ": instantiation failed: arena exhausted");
        if (code) fmt_str(&e, wasm_rt_strerror((wasm_rt_trap_t)code));
        dev->in_use = false;
        return -1;
    }
    struct core_during dur = {.kind = CORE_DURING_TEXT, .text = "abi_version"};
    uint32_t v = core_call(rt, dev, CALL_ABI_VERSION, 0, 0, 0, 0, &dur, 0);
    if (v != STUBDOM_ABI_VERSION) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": ABI version ");
        fmt_sdec(&e, (int32_t)v);
        fmt_str(&e, ", runtime speaks 1");
        dev->in_use = false;
        return -1;
    }
    const char *cfg = spec->config ? spec->config : "";
    uint32_t cfglen = (uint32_t)core_strlen(cfg);
    dur.text = "dev_alloc for config";
    int64_t ptr = core_stage(rt, dev, (const uint8_t *)cfg, cfglen, &dur);
    if (ptr < 0) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": configuration too long");
        remove_device(rt, dev);
        return -1;
    }
    dur.text = "dev_init";
    uint32_t rc = core_call(rt, dev, CALL_INIT, (uint32_t)ptr, cfglen, 0, 0, &dur, 0xffffffffu);
    if (dev->failed) {
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": trapped in dev_init: ");
        fmt_str(&e, dev->failure.error);
        return -1; /* stays in the table, failed, as host/node keeps it */
    }
    if (rc != 0) {
        remove_device(rt, dev);
        fmt_str(&e, "device ");
        fmt_str(&e, spec->name);
        fmt_str(&e, ": configuration rejected (dev_init returned ");
        fmt_sdec(&e, (int32_t)rc);
        fmt_str(&e, "): see the device's log above; config was '");
        fmt_str(&e, cfg);
        fmt_str(&e, "'");
        return -1;
    }
    return 0;
}

void core_reset_all(struct core *rt)
{
    struct core_during dur = {.kind = CORE_DURING_TEXT, .text = "dev_reset"};
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++)
        if (rt->devices[i].in_use) core_call(rt, &rt->devices[i], CALL_RESET, 0, 0, 0, 0, &dur, 0);
}
