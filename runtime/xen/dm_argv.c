/* runtime/xen/dm_argv.c — see dm_argv.h. Reading is xenstore; parsing (dm_argv_parse) is plain C
 * over the strings, in two passes as QEMU builds the machine: first what machine init creates
 * (-machine, -vga, -no-acpi: the platform device takes slot 2), then the -device list in order,
 * each PCI device on the next free slot (qdev's "first free slot"). */
#include "dm_argv.h"
#include "console.h"
#include "lib.h"
#include "xenstore.h"

static char argv_buf[8192];
static const char *argv_v[DM_MAX_ARGS];
static unsigned argc;
static struct dm_machine machine = { .cpus = "1", .boot = "cda", .acpi = true };

const struct dm_machine *dm_machine(void) { return &machine; }

const char *dm_argv_value(const char *flag)
{
    for (unsigned i = 0; i + 1 < argc; i++)
        if (!strcmp(argv_v[i], flag))
            return argv_v[i + 1];
    return 0;
}

/* ---- small bounded helpers over "driver,key=value,..." ---- */

/* The value of `key` in the comma list `s`, copied into out; false when absent or longer than
 * out. */
static bool opt(const char *s, const char *key, char *out, size_t size)
{
    size_t kl = strlen(key);
    for (const char *p = s; *p;) {
        const char *end = p;
        while (*end && *end != ',')
            end++;
        if ((size_t)(end - p) > kl && !strncmp(p, key, kl) && p[kl] == '=') {
            size_t vl = (size_t)(end - p) - kl - 1;
            if (vl >= size)
                return false;
            memcpy(out, p + kl + 1, vl);
            out[vl] = 0;
            return true;
        }
        p = *end ? end + 1 : end;
    }
    return false;
}

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* "driver,..." → whether the driver is `name` exactly. */
static bool driver_is(const char *s, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(s, name, n) && (s[n] == ',' || !s[n]);
}

/* A decimal number of at most 6 digits, or -1. */
static long small_num(const char *s)
{
    long v = 0;
    unsigned n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        if (n == 6)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return n && !*s ? v : -1;
}

static bool valid_mac(const char *m)
{
    for (unsigned i = 0; i < 17; i++) {
        char c = m[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (i % 3 == 2 ? c != ':' : !hex)
            return false;
    }
    return !m[17];
}

/* ---- what is not served: one list, each item once ---- */

static char unserved[1024];
static size_t unserved_len;
static unsigned unserved_n;

static void not_served(const char *flag, const char *value)
{
    char item[72];
    snprintf(item, sizeof item, "%s%s%.48s", flag, value ? " " : "", value ? value : "");
    for (const char *p = unserved; *p;) {   /* "item; item; ..." */
        const char *end = p;
        while (*end && !(end[0] == ';' && end[1] == ' '))
            end++;
        if ((size_t)(end - p) == strlen(item) && !strncmp(p, item, (size_t)(end - p)))
            return;
        p = *end ? end + 2 : end;
    }
    unserved_n++;
    if (unserved_len + strlen(item) + 3 < sizeof unserved)
        unserved_len += (size_t)snprintf(unserved + unserved_len, sizeof unserved - unserved_len, "%s%s",
                                         unserved_len ? "; " : "", item);
}

static void log_unserved(void)
{
    if (!unserved_n)
        return;
    /* printk's line is bounded (and timestamped): lines of at most ~300 characters, cut at "; " */
    const char *p = unserved;
    for (bool first = true; *p; first = false) {
        size_t cut = strlen(p);
        if (cut > 300) {
            cut = 300;
            while (cut > 1 && !(p[cut - 2] == ';' && p[cut - 1] == ' '))
                cut--;
            if (cut <= 1)
                cut = 300;
        }
        if (first)
            printk("dm-argv: not served (%u): %.*s\n", unserved_n, (int)cut, p);
        else
            printk("dm-argv: not served, continued: %.*s\n", (int)cut, p);
        p += cut;
    }
}

/* ---- PCI slots, as QEMU fills bus 0 ---- */

static uint32_t slots_used;

static void take_slot(char *bdf, unsigned slot) { snprintf(bdf, 8, "00:%02x.0", slot); slots_used |= 1u << slot; }

/* The next free slot into bdf; false when the bus is full (QEMU would refuse the device). */
static bool next_slot(char *bdf)
{
    for (unsigned s = 0; s < 32; s++)
        if (!(slots_used & (1u << s))) {
            take_slot(bdf, s);
            return true;
        }
    return false;
}

/* -device drivers that are not PCI functions (they sit on an IDE, SCSI, USB or virtio bus). */
static bool on_other_bus(const char *dev)
{
    return starts(dev, "ide-") || starts(dev, "scsi-") || starts(dev, "usb-") || starts(dev, "virtserialport") ||
           starts(dev, "isa-");
}

/* ---- the parts of the machine ---- */

static unsigned pow2_floor(unsigned v)
{
    unsigned p = 1;
    while (p * 2 <= v && p < 256)
        p *= 2;
    return p;
}

/* A display adapter of `mb` MiB libxl counted, served as our std VGA. */
static void vga(struct dm_machine *m, const char *what, long mb)
{
    if (m->vgamem_mb) {
        not_served("a second display adapter", what);
        return;
    }
    if (mb < 1) {
        printk("dm-argv: %s: no usable vgamem_mb: 16 MiB\n", what);
        mb = 16;
    }
    m->vgamem_mb = pow2_floor(mb > 256 ? 256 : (unsigned)mb);
    if (m->vgamem_mb != (unsigned)mb)
        printk("dm-argv: %s: video memory %ld MiB served as %u MiB (a power of two, at most 256)\n", what, mb, m->vgamem_mb);
    if (!next_slot(m->vga_bdf))
        m->vgamem_mb = 0;
}

static void boot_order(struct dm_machine *m, const char *v)
{
    char order[16];
    if (!opt(v, "order", order, sizeof order)) {
        not_served("-boot", v);
        return;
    }
    if (strcmp(v, "order=") && strlen(v) != strlen(order) + 6)
        not_served("-boot", v);   /* once=, menu=, ... beside order= */
    char out[4];
    unsigned n = 0;
    for (const char *c = order; *c; c++) {
        char d = *c == 'b' ? 'a' : *c;   /* QEMU's pc: a and b are the floppy */
        if (d != 'a' && d != 'c' && d != 'd' && d != 'n') {
            printk("dm-argv: boot device '%c' is not one of a, c, d, n: left out\n", *c);
            continue;
        }
        if (n == 3) {
            printk("dm-argv: boot order %s: the CMOS holds three devices: %s\n", order, out);
            break;
        }
        out[n++] = d;
        out[n] = 0;
    }
    if (n)
        memcpy(m->boot, out, n + 1);
}

static void nic(struct dm_machine *m, const char *v)
{
    char model[24] = "", id[16], mac[24], bdf[8];
    size_t ml = 0;
    while (v[ml] && v[ml] != ',' && ml + 1 < sizeof model)
        model[ml] = v[ml], ml++;
    model[ml] = 0;
    bool slot = next_slot(bdf);   /* QEMU gives it a slot whatever we make of it */
    long devid = opt(v, "id", id, sizeof id) && starts(id, "nic") ? small_num(id + 3) : -1;
    if (devid < 0 || devid > 255 || !opt(v, "mac", mac, sizeof mac) || !valid_mac(mac) || !slot) {
        printk("dm-argv: NIC -device %.80s: no nic<N> id, no valid MAC or no free slot: refused\n", v);
        return;
    }
    if (m->nnics == DM_MAX_NICS) {
        printk("dm-argv: nic%ld refused: at most %u emulated NICs\n", devid, DM_MAX_NICS);
        return;
    }
    struct dm_nic *n = &m->nics[m->nnics++];
    n->devid = (unsigned)devid;
    strlcpy(n->mac, mac, sizeof n->mac);
    strlcpy(n->bdf, bdf, sizeof n->bdf);
    if (strcmp(model, "e1000"))
        printk("dm-argv: nic%ld: model %s is not served: an e1000 instead (set model=e1000 in the vif)\n", devid, model);
}

static void device(struct dm_machine *m, const char *v)
{
    char s[24];
    if (driver_is(v, "VGA") || driver_is(v, "cirrus-vga")) {
        long mb = opt(v, "vgamem_mb", s, sizeof s) ? small_num(s) : -1;
        if (driver_is(v, "cirrus-vga"))
            printk("dm-argv: vga=\"cirrus\": there is no Cirrus model: std VGA (Bochs VBE) instead, with the %ld MiB libxl counted\n", mb);
        vga(m, v, mb);
    } else if (driver_is(v, "qxl-vga")) {
        long mb = opt(v, "vram_size_mb", s, sizeof s) ? small_num(s) : -1;
        printk("dm-argv: vga=\"qxl\": there is no QXL model: std VGA instead\n");
        vga(m, v, mb > 0 ? 2 * mb : mb);
    } else if (opt(v, "netdev", s, sizeof s)) {
        nic(m, v);
    } else if (driver_is(v, "ide-hd") && opt(v, "bus", s, sizeof s) && starts(s, "ahci0.")) {
        long d = small_num(s + 6);
        if (d >= 0 && d < 8)
            m->ahci_disks |= (uint8_t)(1u << d);
    } else if (driver_is(v, "ide-cd") && opt(v, "bus", s, sizeof s) && (!strcmp(s, "ide.0") || !strcmp(s, "ide.1"))) {
        /* a CD on our IDE: its vbd says the rest */
    } else {
        if (driver_is(v, "ahci"))
            printk("dm-argv: hdtype=\"ahci\": there is no AHCI model; its disks are refused (use hdtype=\"ide\")\n");
        else
            not_served("-device", v);
        char addr[8], bdf[8];
        if (opt(v, "addr", addr, sizeof addr)) {   /* an explicit slot (0x1d.0x7): taken */
            long slot = starts(addr, "0x") ? -1 : small_num(addr);
            uint64_t x = 0;
            if (starts(addr, "0x"))
                for (const char *c = addr + 2; (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'); c++)
                    x = x * 16 + (uint64_t)(*c <= '9' ? *c - '0' : *c - 'a' + 10), slot = (long)x;
            if (slot >= 0 && slot < 32)
                slots_used |= 1u << slot;
        } else if (!on_other_bus(v)) {
            next_slot(bdf);
        }
    }
}

static void drive(const char *v)
{
    char s[16];
    if (opt(v, "if", s, sizeof s) && !strcmp(s, "ide")) {
        long idx = opt(v, "index", s, sizeof s) ? small_num(s) : -1;
        if (idx < 0 || idx > 3)
            printk("dm-argv: -drive %.80s: past the four IDE units hda-hdd: refused\n", v);
    } else if (!opt(v, "if", s, sizeof s) || strcmp(s, "none")) {
        not_served("-drive", v);
    }
}

/* Flags that take a value (whatever we do with it). */
static bool takes_value(const char *f)
{
    static const char *const with[] = { "-xen-domid", "-name", "-display", "-m", "-boot", "-smp", "-serial", "-device",
                                        "-netdev", "-net", "-drive", "-machine", "-M", "-vga", "-k", "-chardev", "-mon",
                                        "-incoming", "-kernel", "-initrd", "-append", "-usbdevice", "-soundhw", "-runas",
                                        "-chroot", "-object", "-vnc", "-spice", "-global", "-cpu" };
    for (unsigned i = 0; i < ARRAY_SIZE(with); i++)
        if (!strcmp(f, with[i]))
            return true;
    return false;
}

static void summary(const struct dm_machine *m)
{
    char line[400];
    size_t n = (size_t)snprintf(line, sizeof line, "dm-argv: machine %s: ram %s MiB, %s CPU(s), boot %s, %s",
                                m->xenfv ? "xenfv" : "pc", m->ram_mb[0] ? m->ram_mb : "?", m->cpus, m->boot,
                                m->acpi ? "PIIX4 PM 00:01.3" : "no ACPI");
    if (m->xenfv)
        n += (size_t)snprintf(line + n, sizeof line - n, ", Xen platform %s", m->platform_bdf);
    if (m->vgamem_mb)
        n += (size_t)snprintf(line + n, sizeof line - n, ", VGA %u MiB %s", m->vgamem_mb, m->vga_bdf);
    else
        n += (size_t)snprintf(line + n, sizeof line - n, ", no VGA");
    for (unsigned i = 0; i < m->nnics && n < sizeof line; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, ", nic%u %s %s", m->nics[i].devid, m->nics[i].mac, m->nics[i].bdf);
    if (n < sizeof line)
        snprintf(line + n, sizeof line - n, ", %u serial port(s)", m->nserials ? m->nserials : 1);
    printk("%s\n", line);
}

unsigned dm_argv_parse(unsigned n, const char *const *v, struct dm_machine *m)
{
    *m = (struct dm_machine){ .cpus = "1", .boot = "cda", .acpi = true };
    unserved[0] = 0, unserved_len = 0, unserved_n = 0;
    slots_used = 0x3;   /* 00:00.0 host bridge, 00:01.x PIIX3 (ISA, IDE, PM) */
    if (n > DM_MAX_ARGS)
        n = DM_MAX_ARGS;
    /* pass 1: what QEMU's machine init creates before any -device */
    for (unsigned i = 0; i < n; i++) {
        const char *f = v[i], *val = i + 1 < n ? v[i + 1] : "";
        if (!strcmp(f, "-machine") || !strcmp(f, "-M"))
            m->xenfv = driver_is(val, "xenfv");
        else if (!strcmp(f, "-no-acpi"))
            m->acpi = false;
        else if (!strcmp(f, "-vga") && strcmp(val, "none"))
            vga(m, val, !strcmp(val, "cirrus") ? 8 : 16);
        if (takes_value(f))
            i++;
    }
    if (m->xenfv)
        take_slot(m->platform_bdf, 2);   /* pc_xen_hvm_init: the xen-platform device */
    /* pass 2: the rest, in order */
    for (unsigned i = 0; i < n; i++) {
        const char *f = v[i];
        if (takes_value(f) && i + 1 == n) {
            not_served(f, "without its value");
            break;
        }
        const char *val = takes_value(f) ? v[++i] : 0;
        if (!strcmp(f, "-m")) {
            if (small_num(val) > 0)
                strlcpy(m->ram_mb, val, sizeof m->ram_mb);
            else
                printk("dm-argv: -m %.20s is not a size in MiB\n", val);
        } else if (!strcmp(f, "-boot")) {
            boot_order(m, val);
        } else if (!strcmp(f, "-smp")) {
            char c[8];
            size_t k = 0;
            while (val[k] >= '0' && val[k] <= '9' && k + 1 < sizeof c)
                c[k] = val[k], k++;
            c[k] = 0;
            long cpus = small_num(c);
            if (cpus >= 1 && cpus <= 255)
                strlcpy(m->cpus, c, sizeof m->cpus);
        } else if (!strcmp(f, "-serial")) {
            char want[16];
            snprintf(want, sizeof want, "/dev/hvc%u", 3 + m->nserials);
            if (m->nserials == DM_MAX_SERIALS) {
                printk("dm-argv: -serial %.40s refused: a PC has four serial ports (COM1-COM4)\n", val);
                continue;
            }
            if (strcmp(val, want))
                printk("dm-argv: -serial %.40s: COM%u is on console %u whatever it says\n", val, m->nserials + 1, 3 + m->nserials);
            m->nserials++;
        } else if (!strcmp(f, "-device")) {
            device(m, val);
        } else if (!strcmp(f, "-drive")) {
            drive(val);
        } else if (!strcmp(f, "-netdev")) {
            if (!starts(val, "type=tap,"))
                not_served(f, val);
        } else if (!strcmp(f, "-net")) {
            if (strcmp(val, "none"))
                not_served(f, val);
        } else if (!strcmp(f, "-display")) {
            if (strcmp(val, "none"))
                not_served(f, val);
        } else if (!strcmp(f, "-machine") || !strcmp(f, "-M")) {
            char x[24];
            if ((!driver_is(val, "xenfv") && !starts(val, "pc,accel=xen")) || opt(val, "max-ram-below-4g", x, sizeof x) ||
                opt(val, "igd-passthru", x, sizeof x))
                not_served(f, val);
        } else if (!strcmp(f, "-vga") || !strcmp(f, "-no-acpi") || !strcmp(f, "-xen-domid") || !strcmp(f, "-name") ||
                   !strcmp(f, "-no-shutdown") || !strcmp(f, "-nodefaults") || !strcmp(f, "-no-user-config")) {
            /* pass 1's, or nothing to do */
        } else {
            not_served(f, val);
        }
    }
    for (unsigned d = 0; d < 8; d++)
        if (m->ahci_disks & (1u << d))
            printk("dm-argv: disk %u (hd%c) is on hdtype=\"ahci\": refused (no AHCI model)\n", d, 'a' + d);
    summary(m);
    log_unserved();
    return unserved_n;
}

void dm_argv_read(domid_t guest)
{
    char path[160], vm[96];
    snprintf(path, sizeof path, "/local/domain/%u/vm", guest);
    if (xs_read(path, vm, sizeof vm) < 0) {
        printk("no vm path for guest %u\n", guest);
        return;
    }
    snprintf(path, sizeof path, "%s/image/dm-argv", vm);
    /* entries are named 001, 002, ... (argv[0] is not there): read them in order to the first gap */
    size_t used = 0;
    unsigned k = 1;
    for (; k <= DM_MAX_ARGS && used + 1 < sizeof argv_buf; k++) {
        char p2[192];
        snprintf(p2, sizeof p2, "%s/%03u", path, k);
        int len = xs_read(p2, argv_buf + used, sizeof argv_buf - used);
        if (len < 0)
            break;
        argv_v[argc++] = argv_buf + used;
        used += (size_t)len + 1;
    }
    char p2[192], probe[8];
    snprintf(p2, sizeof p2, "%s/%03u", path, k);
    bool more = k > DM_MAX_ARGS || used + 1 >= sizeof argv_buf ? xs_read(p2, probe, sizeof probe) != -2 : false;
    printk("dm-argv (%s): %u arguments%s\n", path, argc, more ? " read; the rest is past what we take (128, 8 KiB): ignored" : "");
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
    dm_argv_parse(argc, argv_v, &machine);
}
