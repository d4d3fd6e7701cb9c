/* runtime/xen/devices.c — see devices.h. The table in docs/xen.md ("How the device runtime plugs
 * in") is what this file and the ones it names implement: core_hv.c (the hypervisor and guest
 * RAM under runtime/core), dm_argv.c (libxl's arguments), devices_conf.c (the device list),
 * backends.c and screen.c (the frontends behind the devices' capabilities). */
#include "devices.h"
#include "abi.h"
#include "backends.h"
#include "console.h"
#include "core.h"
#include "core_hv.h"
#include "devices_conf.h"
#include "dm_argv.h"
#include "guest_mem.h"
#include "ioreq.h"
#include "lib.h"
#include "mm.h"
#include "modfile.h"
#include "screen.h"
#include "time.h"

/* Device memories and instances: the domain's memory above the image (mm_map_rest), so the
 * domain builder does not have to load and clear it. VGA alone reserves 48 MiB (VRAM at 16 MiB
 * + the surface); stubdomain_memory must cover it (docs/xen.md). */
static uint8_t *core_arena;
static size_t core_arena_len;
static struct core rt;
static uint64_t t0;   /* Xen time of virtual time 0 */
static bool ready;
static bool net_more;          /* netfront left received frames for the next pass: do not sleep */
static uint64_t cmos_ioreqs;   /* ports 0x70-0x71: what Xen's vRTC forwards (indexes >= 14) */
static unsigned devices_ok;
static const uint8_t *vga_rom;   /* stubdom.mod's "vgabios" section */
static uint32_t vga_rom_len;
static const uint8_t *pxe_rom;   /* stubdom.mod's "pxe-e1000" section (iPXE), when packed */
static uint32_t pxe_rom_len;
#define ROM_PIECE 65536u         /* the devices' staging buffer: a longer image goes in pieces */

static void on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    printk("device %s FAILED: %s (during %s); the other devices keep serving\n", f->device, f->error, f->during);
}

/* An option ROM for the device behind its ROM BAR, as the ABI's ROM-image event: pieces of
 * ROM_PIECE bytes, in order (stubdom/lib/rom.ts); the device validates the whole image. */
static void deliver_rom(struct core_device *dev, const char *section, const uint8_t *rom, uint32_t len, uint32_t max)
{
    if (!rom) {
        printk("stubdom.mod: no \"%s\" section: device %s has no option ROM\n", section, dev->name);
    } else if (len < 3 || rom[0] != 0x55 || rom[1] != 0xaa || len > max) {
        printk("stubdom.mod: the %s section (%u bytes) is not an option ROM\n", section, len);
    } else {
        for (uint32_t at = 0; at < len; at += ROM_PIECE)
            core_deliver_event(&rt, dev, STUBDOM_EVENT_ROM_IMAGE, rom + at, len - at < ROM_PIECE ? len - at : ROM_PIECE, 0, 0);
        printk("device %s: option ROM from stubdom.mod's %s, %u bytes\n", dev->name, section, len);
    }
}

/* One configured device: its backends by the capabilities its manifest grants, then in. */
static int add_device(void *ctx, struct core_device_spec *spec)
{
    (void)ctx;
    const struct core_module *m = core_find_module(spec->module);
    uint32_t caps = m ? m->caps : 0;
    /* growth beyond the initial memory: AssemblyScript's stub runtime only allocates in dev_init */
    spec->mem_limit_pages = 16;
    backends_bind(spec, caps);
    char err[256];
    uint8_t *before = rt.arena;
    if (core_add_device(&rt, spec, err, sizeof err)) {
        printk("device %s: %s%s\n", spec->name, err,
               rt.arena_end - rt.arena < (48 << 20) ? " (memory: raise stubdomain_memory)" : "");
        return -1;
    }
    printk("device %s (%s.wasm, native) %s: %lu KiB of arena\n", spec->name, spec->module,
           spec->config[0] ? spec->config : "(no config)", (unsigned long)((rt.arena - before) >> 10));
    devices_ok++;
    struct core_device *dev = core_device_by_name(&rt, spec->name);
    backends_attach(&rt, dev);
    if (caps & CORE_CAP_DISPLAY)
        deliver_rom(dev, "vgabios", vga_rom, vga_rom_len, 65536);
    else if (strcmp(spec->module, "e1000") == 0)
        deliver_rom(dev, "pxe-e1000", pxe_rom, pxe_rom_len, 0x40000);
    return 0;
}

int devices_init(domid_t self, domid_t guest, const uint8_t *mod, uint64_t mod_len)
{
    char why[200];
    if (modfile_open(mod, (size_t)mod_len, why, sizeof why)) {
        printk("stubdom.mod: %s\n", why);
        return -1;
    }
    uint32_t conf_len;
    const uint8_t *conf = modfile_section("devices", &conf_len);
    vga_rom = modfile_section("vgabios", &vga_rom_len);
    pxe_rom = modfile_section("pxe-e1000", &pxe_rom_len);
    if (!conf) {
        printk("stubdom.mod: no \"devices\" section\n");
        return -1;
    }

    const struct dm_machine *m = dm_machine();
    static struct backend_facts facts;
    backends_connect(self, m, &facts);
    static struct conf_var vars[DEVICES_CONF_FACTS];
    unsigned nv = devices_conf_facts(m, &facts, vars, ARRAY_SIZE(vars));
    printk("devices: guest %u, ram_mb=%s, %s, %u NIC(s)\n", guest, m->ram_mb[0] ? m->ram_mb : "?", facts.ide, m->nnics);

    core_arena = mm_map_rest(&core_arena_len);
    if (!core_arena) {
        printk("devices: no memory above the image for the devices: raise stubdomain_memory\n");
        return -1;
    }
    core_arena_len = screen_connect(core_arena, core_arena_len);
    memset(core_arena, 0, core_arena_len);
    static const struct core_options opts = { .on_failure = on_failure };
    core_init(&rt, &xen_core_hv, &xen_guest_ram, &opts, core_arena, core_arena_len);

    int bad = devices_conf_each(conf, conf_len, vars, nv, add_device, 0);
    if (bad < 0)
        return -1;
    printk("devices: %u running, %u refused; arena %lu of %lu KiB used\n", devices_ok, (unsigned)bad,
           (unsigned long)((size_t)(rt.arena - core_arena) >> 10), (unsigned long)(core_arena_len >> 10));
    t0 = time_ns();
    ready = true;
    return bad ? -1 : 0;
}

void devices_service(void)
{
    if (!ready)
        return;
    core_advance(&rt, time_ns() - t0);
    volatile void *sync, *buf;
    uint32_t nr;
    ioreq_pages(&sync, &buf, &nr);
    ioreq_clear_events();
    /* Xen's INVALIDATE (the guest's memory map changed) drops our foreign-mapping cache; the
     * core completes the request itself. */
    for (uint32_t v = 0; v < nr; v++) {
        const volatile struct ioreq *slot = (const volatile struct ioreq *)sync + v;
        if (IOREQ_STATE(slot->flags) != STATE_IOREQ_READY)
            continue;
        if (slot->type == IOREQ_TYPE_INVALIDATE)
            guest_mem_invalidate();
        else if (slot->type == IOREQ_TYPE_PIO && (slot->addr == 0x70 || slot->addr == 0x71))
            cmos_ioreqs++;
    }
    core_service_event(&rt, (uint8_t *)sync, nr, (uint8_t *)buf);
    net_more = backends_poll_net(&rt);
    core_run_deferred(&rt);
    backends_service(time_ns());
}

uint64_t devices_next_deadline(void)
{
    if (!ready)
        return UINT64_MAX;
    if (net_more)
        return time_ns();   /* already due (0 would mean "no timeout" to SCHEDOP_poll) */
    uint64_t d = core_next_deadline(&rt);
    uint64_t x = d == UINT64_MAX ? UINT64_MAX : t0 + d;
    uint64_t b = backends_next_deadline();
    return x < b ? x : b;
}

void devices_report(void)
{
    static uint64_t last;
    if (!ready || rt.stats.ioreqs + rt.stats.buffered == last)
        return;
    last = rt.stats.ioreqs + rt.stats.buffered;
    printk("devices: %lu synchronous ioreqs, %lu buffered; cmos: %lu ioreqs; vga damage %lu\n",
           rt.stats.ioreqs, rt.stats.buffered, cmos_ioreqs, screen_damage_count());
    backends_report();
}
