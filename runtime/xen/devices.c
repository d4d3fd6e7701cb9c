/* runtime/xen/devices.c — see devices.h. The table in docs/xen.md ("How the device runtime plugs
 * in") is what this file implements. */
#include "devices.h"
#include "abi.h"
#include "blkfront.h"
#include "console.h"
#include "core.h"
#include "dm.h"
#include "evtchn.h"
#include "guest_mem.h"
#include "ioreq.h"
#include "lib.h"
#include "mm.h"
#include "modfile.h"
#include "netfront.h"
#include "serial.h"
#include "vfb.h"
#include "vkbd.h"
#include "platform.h"
#include "time.h"
#include "vram.h"
#include "xenstore.h"

/* Device memories and instances: the domain's memory above the image (mm_map_rest), so the
 * domain builder does not have to load and clear it. VGA alone reserves 48 MiB (VRAM at 16 MiB
 * + the surface); stubdomain_memory must cover it (docs/xen.md). */
static uint8_t *core_arena;
static size_t core_arena_len;
static struct core rt;
static uint64_t t0;   /* Xen time of virtual time 0 */
static bool ready;
static uint64_t cmos_ioreqs;   /* ports 0x70-0x71: what Xen's vRTC forwards (indexes >= 14) */

/* ---- platform.h ---- */

void platform_log(const char *text, size_t len)
{
    char buf[400];
    uint64_t t = time_ns();
    int n = snprintf(buf, sizeof buf, "[%5lu.%06lu] ", (unsigned long)(t / 1000000000UL),
                     (unsigned long)((t / 1000UL) % 1000000UL));
    if (len > sizeof buf - (size_t)n - 1)
        len = sizeof buf - (size_t)n - 1;
    memcpy(buf + n, text, len);
    buf[(size_t)n + len] = '\n';
    console_write(buf, (size_t)n + len + 1);
}

uint64_t platform_time_ns(void) { return time_ns(); }

/* ---- dm-argv ---- */

#define MAX_ARGS 64
static char argv_buf[4096];
static const char *argv_v[MAX_ARGS];
static unsigned argc;

void devices_read_argv(domid_t guest)
{
    char path[160], vm[96], names[1024];
    snprintf(path, sizeof path, "/local/domain/%u/vm", guest);
    if (xs_read(path, vm, sizeof vm) < 0) {
        printk("no vm path for guest %u\n", guest);
        return;
    }
    snprintf(path, sizeof path, "%s/image/dm-argv", vm);
    int n = xs_directory(path, names, sizeof names);
    printk("dm-argv (%s): %d arguments\n", path, n);
    /* entries are named 000, 001, ...: read them in order */
    size_t used = 0;
    for (int i = 0; i < n && argc < MAX_ARGS; i++) {
        char p2[192];
        snprintf(p2, sizeof p2, "%s/%03d", path, i);
        int len = xs_read(p2, argv_buf + used, sizeof argv_buf - used);
        if (len < 0)
            continue;
        argv_v[argc++] = argv_buf + used;
        used += (size_t)len + 1;
    }
    char line[160];
    size_t len = 0;
    line[0] = 0;
    for (unsigned i = 0; i < argc; i++) {
        if (len && len + strlen(argv_v[i]) + 2 > 120) {
            printk("  %s\n", line);
            len = 0;
            line[0] = 0;
        }
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", len ? " " : "", argv_v[i]);
    }
    if (len)
        printk("  %s\n", line);
}

static const char *argv_value(const char *flag)
{
    for (unsigned i = 0; i + 1 < argc; i++)
        if (!strcmp(argv_v[i], flag))
            return argv_v[i + 1];
    return 0;
}

/* ---- struct core_hv on dm_op ---- */

static void hv_map(void *ctx, int type, uint64_t start, uint64_t end)
{
    (void)ctx;
    int rc = ioreq_map_range((uint32_t)type, start, end);
    if (rc)
        printk("dm_op map_io_range %d %lx-%lx failed: %d\n", type, start, end, rc);
}

static void hv_unmap(void *ctx, int type, uint64_t start, uint64_t end)
{
    (void)ctx;
    int rc = ioreq_unmap_range((uint32_t)type, start, end);
    if (rc)
        printk("dm_op unmap_io_range %d %lx-%lx failed: %d\n", type, start, end, rc);
}

static void hv_isa(void *ctx, unsigned irq, int level)
{
    (void)ctx;
    dm_set_isa_irq_level((uint8_t)irq, (uint8_t)(level ? 1 : 0));
}

static void hv_intx(void *ctx, unsigned bdf, unsigned intx, int level)
{
    (void)ctx;
    dm_set_pci_intx_level((uint8_t)(bdf >> 8), (uint8_t)((bdf >> 3) & 0x1f), (uint8_t)(intx & 3), (uint8_t)(level ? 1 : 0));
}

static void hv_link(void *ctx, unsigned link, unsigned isa_irq)
{
    (void)ctx;
    dm_set_pci_link_route((uint8_t)link, (uint8_t)isa_irq);
}

static void hv_shutdown(void *ctx, int reason)
{
    (void)ctx;
    printk("guest asks for %s: remote shutdown\n", reason == CORE_SHUTDOWN_REBOOT ? "reset" : "power-off");
    dm_remote_shutdown(reason == CORE_SHUTDOWN_REBOOT ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

static void hv_platform(void *ctx, int kind, int32_t a, int32_t b)
{
    /* A20 and PAM: Xen's HVM guests have neither a gate nor shadowed ROM to reprogram. */
    (void)ctx, (void)kind, (void)a, (void)b;
}

static void hv_notify(void *ctx, uint32_t port)
{
    (void)ctx;
    ioreq_notify_vp_eport(port);
}

/* VRAM: the LFB BAR's frames are guest pages mapped over the VGA's VRAM (vram.c), so the
 * guest's framebuffer stores are no ioreqs; if that cannot be done the range is served through
 * ioreqs from the VGA's memory (its own LFB handler), which is correct and slow. */
static struct { uint64_t start, len; bool placed; } vram_maps[4];

static void hv_map_vram(void *ctx, uint64_t start, uint64_t len, uint8_t *backing, uint32_t backing_len)
{
    (void)ctx, (void)backing_len;
    for (unsigned i = 0; i < ARRAY_SIZE(vram_maps); i++) {
        if (!vram_maps[i].len) {
            vram_maps[i].start = start;
            vram_maps[i].len = len;
            vram_maps[i].placed = !vram_place(start, len, backing);
            if (!vram_maps[i].placed)
                hv_map(0, CORE_RANGE_MMIO, start, start + len - 1);
            return;
        }
    }
}

/* A placed VRAM stays in the guest's physmap while decoding is off (the guest then reads RAM
 * there instead of all-ones); it moves when the BAR comes back elsewhere. */
static void hv_unmap_vram(void *ctx, uint64_t start)
{
    (void)ctx;
    for (unsigned i = 0; i < ARRAY_SIZE(vram_maps); i++) {
        if (vram_maps[i].len && vram_maps[i].start == start) {
            if (!vram_maps[i].placed)
                hv_unmap(0, CORE_RANGE_MMIO, start, start + vram_maps[i].len - 1);
            vram_maps[i].len = 0;
        }
    }
}

static bool hv_dirty(void *ctx, uint64_t start, uint32_t offset, uint32_t len, uint8_t *bitmap)
{
    (void)ctx;
    return vram_dirty(start + offset, len, bitmap);
}

static const struct core_hv hv = {
    .map_io_range = hv_map, .unmap_io_range = hv_unmap, .set_isa_irq_level = hv_isa,
    .set_pci_intx_level = hv_intx, .set_pci_link_route = hv_link, .shutdown = hv_shutdown,
    .platform_change = hv_platform, .notify = hv_notify, .map_vram = hv_map_vram,
    .unmap_vram = hv_unmap_vram, .collect_dirty_vram = hv_dirty,
};

static bool mem_read(void *ctx, uint64_t gpa, void *dst, uint32_t len) { (void)ctx; return guest_mem_read(gpa, dst, len); }
static bool mem_write(void *ctx, uint64_t gpa, const void *src, uint32_t len) { (void)ctx; return guest_mem_write(gpa, src, len); }
static const struct core_guest_mem ram = { .read = mem_read, .write = mem_write };

/* ---- backends ---- */

/* The VGA: its surface and damage go to the vfb (vnc=1) when there is one; the text screen is
 * dumped to the log either way (dump_text_screen). */
static bool vga_damaged;
static uint64_t vga_damage_count;
static void set_surface(void *ctx, int kind, uint32_t w, uint32_t h, uint32_t stride, const uint8_t *pixels)
{
    (void)ctx;
    printk("vga: surface kind %d %ux%u\n", kind, w, h);
    vga_damaged = true;
    if (vfb_connected())
        vfb_display()->set_surface(0, kind, w, h, stride, pixels);
}
static void damage(void *ctx, int32_t x, int32_t y, int32_t w, int32_t h)
{
    (void)ctx;
    vga_damaged = true;
    vga_damage_count++;
    if (vfb_connected())
        vfb_display()->damage(0, x, y, w, h);
}
static struct core_display_backend display = { .set_surface = set_surface, .damage = damage };

static struct blkfront disks[BLKFRONT_MAX];
static struct blkfront *ide_unit[4];

/* ---- the device configuration ---- */

static void on_failure(void *ctx, const struct core_failure *f)
{
    (void)ctx;
    printk("device %s FAILED: %s (during %s); the other devices keep serving\n", f->device, f->error, f->during);
}

/* Expands ${name} from vars (name=value pairs); returns false when one is unknown or empty. */
static bool expand(const char *in, char *out, size_t size, const char *const *vars, unsigned nvars)
{
    size_t o = 0;
    while (*in) {
        if (in[0] == '$' && in[1] == '{') {
            const char *end = in + 2;
            while (*end && *end != '}')
                end++;
            if (!*end)
                return false;
            size_t nl = (size_t)(end - in - 2);
            const char *val = 0;
            for (unsigned i = 0; i + 1 < nvars * 2; i += 2)
                if (strlen(vars[i]) == nl && !strncmp(vars[i], in + 2, nl))
                    val = vars[i + 1];
            if (!val || !*val)
                return false;
            size_t vl = strlen(val);
            if (o + vl >= size)
                return false;
            memcpy(out + o, val, vl);
            o += vl;
            in = end + 1;
            continue;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = *in++;
    }
    out[o] = 0;
    return true;
}

static bool parse_irqs(const char *s, struct core_device_spec *spec)
{
    spec->nirqs = 0;
    if (!strcmp(s, "-"))
        return true;
    while (*s) {
        if (spec->nirqs == CORE_MAX_PINS)
            return false;
        struct core_irq_route *r = &spec->irqs[spec->nirqs++];
        if (!strncmp(s, "isa:", 4))
            r->kind = CORE_ROUTE_ISA, s += 4;
        else if (!strncmp(s, "intx:", 5))
            r->kind = CORE_ROUTE_INTX, s += 5;
        else
            return false;
        unsigned v = 0;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            v = v * 10 + (unsigned)(*s++ - '0');
        r->line = (uint8_t)v;
        r->bdf = -1;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return true;
}

/* The guest's vbds (ours, libxl made them from the guest's disks): connect, map to IDE units. */
static void connect_disks(domid_t self, char *ide_cfg, size_t size)
{
    char names[512];
    const char *kinds[4] = { "none", "none", "none", "none" };
    int n = xs_directory("device/vbd", names, sizeof names);
    const char *name = names;
    unsigned nd = 0;
    for (int i = 0; i < n && nd < BLKFRONT_MAX; i++, name += strlen(name) + 1) {
        char node[64];
        snprintf(node, sizeof node, "device/vbd/%s", name);
        struct blkfront *bf = &disks[nd];
        if (blkfront_connect(bf, self, node))
            continue;
        int unit = blkfront_ide_unit(bf->vdev);
        if (unit < 0 || ide_unit[unit]) {
            printk("blkfront %s: vdev %u is not an IDE unit (hda-hdd, xvda-xvdd): not attached\n", node, bf->vdev);
            continue;
        }
        ide_unit[unit] = bf;
        kinds[unit] = bf->cdrom ? "cdrom" : "disk";
        nd++;
    }
    snprintf(ide_cfg, size, "hda=%s,hdb=%s,hdc=%s,hdd=%s", kinds[0], kinds[1], kinds[2], kinds[3]);
}

/* The guest's first nic: libxl gives us a vif for it, with its MAC (device/vif/N/mac). The
 * e1000 takes the MAC; its wire is netfront when the backend connects, else its link is down. */
static struct netfront nic;
static bool nic_ok;
static bool nic_more;   /* netfront left received frames for the next pass: do not sleep */

static void connect_nic(char *mac, size_t size)
{
    char names[256], node[96];
    mac[0] = 0;
    if (xs_directory("device/vif", names, sizeof names) <= 0)
        return;
    snprintf(node, sizeof node, "device/vif/%s", names);
    nic_ok = !netfront_connect(&nic, node);
    char path[128];
    snprintf(path, sizeof path, "%s/mac", node);
    if (xs_read(path, mac, size) < 0)
        mac[0] = 0;
}

static struct core_device *vga_dev, *nic_dev, *ps2_dev;

/* The vfb's frames and the vkbd's input (vnc=1). */
static void vga_refresh(void)
{
    if (vga_dev && !vga_dev->failed)
        core_deliver_event(&rt, vga_dev, STUBDOM_EVENT_DISPLAY_REFRESH, 0, 0, 0, 0);
}
static void vkbd_key(uint32_t code, bool pressed)
{
    if (ps2_dev)
        core_deliver_event(&rt, ps2_dev, STUBDOM_EVENT_KEY, 0, 0, (int32_t)code, pressed ? 1 : 0);
}
static void vkbd_mouse(int32_t dx, int32_t dy, int32_t dz, uint32_t buttons)
{
    if (ps2_dev)
        core_deliver_event(&rt, ps2_dev, STUBDOM_EVENT_MOUSE, 0, 0, (int32_t)(((uint32_t)dx & 0xffff) | ((uint32_t)dy << 16)),
                           (int32_t)((buttons & 7) | (((uint32_t)dz & 0xff) << 8)));
}
static const struct vkbd_sink vkbd_sink = { .key = vkbd_key, .mouse = vkbd_mouse };

static void nic_rx(void *ctx, const uint8_t *frame, uint32_t len)
{
    (void)ctx;
    if (nic_dev && !nic_dev->failed)
        core_deliver_event(&rt, nic_dev, STUBDOM_EVENT_NET_RX, frame, len, 0, 0);
    else
        nic.rx_dropped++;
}

int devices_init(domid_t self, domid_t guest, const uint8_t *mod, uint64_t mod_len)
{
    char why[200];
    if (modfile_open(mod, (size_t)mod_len, why, sizeof why)) {
        printk("stubdom.mod: %s\n", why);
        return -1;
    }
    uint32_t conf_len, rom_len;
    const uint8_t *conf = modfile_section("devices", &conf_len);
    const uint8_t *rom = modfile_section("vgabios", &rom_len);
    if (!conf) {
        printk("stubdom.mod: no \"devices\" section\n");
        return -1;
    }

    char ram_mb[16] = "", ide[64], mac[32];
    const char *m = argv_value("-m");
    if (m)
        strlcpy(ram_mb, m, sizeof ram_mb);
    connect_disks(self, ide, sizeof ide);
    connect_nic(mac, sizeof mac);
    serial_connect();
    const char *vars[] = { "ram_mb", ram_mb, "ide", ide, "mac", mac, "link", nic_ok ? "up" : "down" };
    printk("devices: guest %u, ram_mb=%s, %s, mac=%s%s\n", guest, ram_mb[0] ? ram_mb : "?", ide, mac[0] ? mac : "(no vif)",
           mac[0] && !nic_ok ? " (netfront not connected: link down)" : "");

    core_arena = mm_map_rest(&core_arena_len);
    if (!core_arena) {
        printk("devices: no memory above the image for the devices: raise stubdomain_memory\n");
        return -1;
    }
    /* vnc=1: the framebuffer comes off the top of the devices' memory (page aligned) */
    uintptr_t fb_at = ((uintptr_t)core_arena + core_arena_len - VFB_BYTES) & ~(uintptr_t)(PAGE_SIZE - 1);
    if (core_arena_len > VFB_BYTES + (48u << 20) && !vfb_connect((uint8_t *)fb_at))
        core_arena_len = fb_at - (uintptr_t)core_arena;
    vkbd_connect();
    memset(core_arena, 0, core_arena_len);
    static const struct core_options opts = { .on_failure = on_failure };
    core_init(&rt, &hv, &ram, &opts, core_arena, core_arena_len);

    /* the devices section: one device a line, "#" comments */
    static char text[4096];
    if (conf_len >= sizeof text) {
        printk("stubdom.mod: devices section too large (%u bytes)\n", conf_len);
        return -1;
    }
    memcpy(text, conf, conf_len);
    text[conf_len] = 0;
    unsigned ok = 0, bad = 0;
    bool uart_attached = false;
    char *line = text;
    for (unsigned lineno = 1; *line; lineno++) {
        char *nl = line;
        while (*nl && *nl != '\n')
            nl++;
        char *next = *nl ? nl + 1 : nl;
        *nl = 0;
        char *tok[4];
        unsigned nt = 0;
        for (char *p = line; *p && nt < 4;) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p || *p == '#')
                break;
            tok[nt++] = p;
            while (*p && *p != ' ' && *p != '\t')
                p++;
            if (*p)
                *p++ = 0;
        }
        line = next;
        if (!nt)
            continue;
        if (nt != 4) {
            printk("devices line %u: want NAME MODULE IRQS CONFIG\n", lineno);
            bad++;
            continue;
        }
        static char cfg[256];
        if (!expand(tok[3], cfg, sizeof cfg, vars, 4)) {
            printk("devices: %s left out (its configuration names a value this guest lacks: %s)\n", tok[0], tok[3]);
            continue;
        }
        struct core_device_spec spec = { .name = tok[0], .module = tok[1], .config = strcmp(cfg, "-") ? cfg : "" };
        if (!parse_irqs(tok[2], &spec)) {
            printk("devices line %u: bad IRQ list %s\n", lineno, tok[2]);
            bad++;
            continue;
        }
        /* growth beyond the initial memory: AssemblyScript's stub runtime only allocates in dev_init */
        spec.mem_limit_pages = 16;
        if (!strcmp(spec.module, "uart"))
            spec.chr = serial_backend();
        if (!strcmp(spec.module, "vga"))
            spec.display = &display;
        if (!strcmp(spec.module, "e1000") && nic_ok)
            spec.net = &nic.be;
        if (!strcmp(spec.module, "ide")) {
            for (unsigned u = 0; u < 4; u++) {
                if (ide_unit[u]) {
                    spec.blk[u] = &ide_unit[u]->be;
                    spec.nblk = u + 1;
                }
            }
        }
        char err[256];
        uint8_t *before = rt.arena;
        if (core_add_device(&rt, &spec, err, sizeof err)) {
            printk("device %s: %s%s\n", spec.name, err,
                   rt.arena_end - rt.arena < (48 << 20) ? " (memory: raise stubdomain_memory)" : "");
            bad++;
            continue;
        }
        printk("device %s (%s.wasm, native) %s: %lu KiB of arena\n", spec.name, spec.module,
               spec.config[0] ? spec.config : "(no config)", (unsigned long)((rt.arena - before) >> 10));
        ok++;
        if (!strcmp(spec.module, "e1000"))
            nic_dev = core_device_by_name(&rt, spec.name);
        if (!strcmp(spec.module, "ps2"))
            ps2_dev = core_device_by_name(&rt, spec.name);
        if (!strcmp(spec.module, "uart") && !uart_attached) {   /* console 3 is COM1 */
            serial_attach(&rt, core_device_by_name(&rt, spec.name));
            uart_attached = true;
        }
        if (!strcmp(spec.module, "vga")) {
            vga_dev = core_device_by_name(&rt, spec.name);
            if (!rom) {
                printk("stubdom.mod: no \"vgabios\" section: the VGA has no option ROM\n");
            } else if (rom_len < 3 || rom[0] != 0x55 || rom[1] != 0xaa || rom_len > 65536) {
                printk("stubdom.mod: the vgabios section (%u bytes) is not an option ROM\n", rom_len);
            } else {
                core_deliver_event(&rt, vga_dev, 0x5600 /* EVENT_VGA_ROM_IMAGE */, rom, rom_len, 0, 0);
                printk("device %s: VGA BIOS from stubdom.mod, %u bytes\n", spec.name, rom_len);
            }
        }
    }
    printk("devices: %u running, %u refused; arena %lu of %lu KiB used\n", ok, bad,
           (unsigned long)((size_t)(rt.arena - core_arena) >> 10), (unsigned long)(core_arena_len >> 10));
    t0 = time_ns();
    ready = true;
    return bad ? -1 : 0;
}

/* ---- the VGA text screen, dumped to the console when it changed ---- */

static uint32_t screen_hash;
static uint64_t next_dump;

static void dump_text_screen(bool force)
{
    if (!vga_dev || vga_dev->failed)
        return;
    uint32_t len;
    const uint8_t *mem = core_device_memory(vga_dev, &len);
    const uint32_t vram = 0x01000000; /* stubdom/vga/layout.ts VRAM_BASE */
    if (!mem || len < vram + 4 * 80 * 25)
        return;
    /* text mode: character i at planar address 2i, odd/even: plane 0 at VRAM byte 4i */
    const uint8_t *t = mem + vram;
    uint32_t h = 0x811c9dc5u;
    for (unsigned i = 0; i < 80 * 25; i++)
        h = (h ^ t[4 * i]) * 0x01000193u;
    if (h == screen_hash && !force)
        return;
    screen_hash = h;
    printk("vga text screen:\n");
    for (unsigned r = 0; r < 25; r++) {
        char row[81];
        unsigned end = 0;
        for (unsigned c = 0; c < 80; c++) {
            uint8_t ch = t[4 * (r * 80 + c)];
            row[c] = (ch >= 32 && ch < 127) ? (char)ch : ' ';
            if (row[c] != ' ')
                end = c + 1;
        }
        row[end] = 0;
        if (end)
            printk("vga|%02u| %s\n", r, row);
    }
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
    nic_more = nic_ok && netfront_poll(&nic, nic_rx, 0);
    core_run_deferred(&rt);
    uint64_t now = time_ns();
    serial_service(now);
    vkbd_service(&vkbd_sink);
    vfb_service(now, vga_refresh);
    if (now >= next_dump) {
        next_dump = now + 1000000000ULL;
        vga_damaged = false;
        dump_text_screen(false);   /* only prints when the characters changed */
    }
}

uint64_t devices_next_deadline(void)
{
    if (!ready)
        return UINT64_MAX;
    if (nic_more)
        return time_ns();   /* already due (0 would mean "no timeout" to SCHEDOP_poll) */
    uint64_t d = core_next_deadline(&rt);
    uint64_t x = d == UINT64_MAX ? UINT64_MAX : t0 + d;
    if (vga_dev)
        x = x < next_dump ? x : next_dump;
    uint64_t s = serial_next_deadline(), f = vfb_next_deadline();
    x = x < s ? x : s;
    return x < f ? x : f;
}

void devices_report(void)
{
    static uint64_t last;
    if (!ready || rt.stats.ioreqs + rt.stats.buffered == last)
        return;
    last = rt.stats.ioreqs + rt.stats.buffered;
    printk("devices: %lu synchronous ioreqs, %lu buffered; cmos: %lu ioreqs; vga damage %lu\n",
           rt.stats.ioreqs, rt.stats.buffered, cmos_ioreqs, vga_damage_count);
    serial_report();
    vfb_report();
    vkbd_report();
    if (nic_ok)
        printk("netfront %s: %lu frames sent, %lu dropped, %lu errors; %lu received, %lu dropped\n", nic.node,
               nic.tx_frames, nic.tx_dropped, nic.tx_errors, nic.rx_frames, nic.rx_dropped);
    for (unsigned i = 0; i < BLKFRONT_MAX; i++)
        if (disks[i].ring)
            printk("blkfront %s: %lu reads, %lu writes, %lu errors; %lu ring requests, %lu served from the read-ahead window\n",
                   disks[i].node, disks[i].reads, disks[i].writes, disks[i].errors, disks[i].ring_requests,
                   disks[i].window_hits);
}
