/* test/xen/dm_argv_host.c — runtime/xen's dm_argv.c + devices_conf.c on the build host: dm-argv
 * lists as libxl 4.17's libxl__build_device_model_args_new builds them for a stub domain (argv[0]
 * dropped; -serial /dev/hvc3.., disks /dev/xvdX with format=host_device), parsed into the machine
 * and run through build/xen/devices.conf: the device set (NAME=CONFIG in order) and the log lines
 * are the verdict. Usage: dm_argv_host CASE DEVICES_CONF. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "devices_conf.h"
#include "dm_argv.h"

/* ---- what dm_argv.c / devices_conf.c take from the rest of runtime/xen (strlcpy: runtime/xen/str_extra.c) ---- */

/* A xenstore of one guest: /local/domain/5/vm and its dm-argv entries 001.. */
static const char *const *xs_args;
static unsigned xs_nargs;
int xs_read(const char *path, char *buf, size_t size);
int xs_read(const char *path, char *buf, size_t size)
{
    const char *v = 0;
    unsigned k;
    if (!strcmp(path, "/local/domain/5/vm"))
        v = "/vm/1234";
    else if (sscanf(path, "/vm/1234/image/dm-argv/%u", &k) == 1 && k >= 1 && k <= xs_nargs)
        v = xs_args[k - 1];
    if (!v)
        return -2;
    snprintf(buf, size, "%s", v);
    return (int)strlen(buf);
}
/* ---- the device set ---- */

static char set[2048];

static int add(void *ctx, struct core_device_spec *spec)
{
    (void)ctx;
    size_t n = strlen(set);
    snprintf(set + n, sizeof set - n, "%s%s(%s)=%s", n ? " " : "", spec->name, spec->module, spec->config[0] ? spec->config : "-");
    return 0;
}

static uint8_t conf[4096];
static uint32_t conf_len;

/* Parses `argv` (NULL-terminated) as the guest's dm-argv from xenstore, builds the device set. */
static const struct dm_machine *machine_of(const char *const *argv)
{
    xs_args = argv;
    for (xs_nargs = 0; argv[xs_nargs]; xs_nargs++)
        ;
    logbuf[0] = 0;
    set[0] = 0;
    dm_argv_read(5);
    const struct dm_machine *m = dm_machine();
    struct backend_facts f = { .ide = "hda=disk,hdb=none,hdc=none,hdd=none", .link_up = { true, true, false, true } };
    struct conf_var vars[DEVICES_CONF_FACTS];
    unsigned nv = devices_conf_facts(m, &f, vars, DEVICES_CONF_FACTS);
    int bad = devices_conf_each(conf, conf_len, vars, nv, add, 0);
    check(bad == 0, "devices.conf takes the machine without a refused line (%d)", bad);
    printf("   set: %s\n", set);
    return m;
}

static void has_log(const char *what)
{
    check(strstr(logbuf, what) != 0, "log says: %s", what);
}

static void set_is(const char *want)
{
    check(!strcmp(set, want), "device set is\n   %s\n   got\n   %s", want, set);
}

/* How often `what` appears in the log. */
static unsigned log_count(const char *what)
{
    unsigned n = 0;
    for (const char *p = logbuf; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

#define HEAD "-xen-domid", "5", "-no-shutdown", "-nodefaults", "-no-user-config", "-name", "guest", "-display", "none"
#define XENFV "-machine", "xenfv,suppress-vmdesc=on"
#define HDA "-drive", "file=/dev/xvda,if=ide,index=0,media=disk,format=host_device,cache=writeback"
#define NIC(n, model, mac)                                                                                         \
    "-device", model ",id=nic" #n ",netdev=net" #n ",mac=" mac, "-netdev",                                         \
        "type=tap,id=net" #n ",ifname=vif5." #n "-emu,br=xenbr0,script=no,downscript=no"
#define BASE(cfg) "pci(pci)=pm=on cmos(cmos)=" cfg " uart(uart)=base=0x3f8 ps2(ps2)=- ide(ide)=hda=disk,hdb=none,hdc=none,hdd=none"
/* -machine xenfv: the Xen platform device at 00:02.0 (devices.conf's "if xenfv" line) */
#define PLATFORM " xenplatform(xenplatform)=bdf=00:02.0"

static void run(const char *name)
{
    if (!strcmp(name, "default")) {   /* xl's defaults: vga unset (cirrus, 8 MiB), boot cda, no vif */
        static const char *const a[] = { HEAD, "-device", "cirrus-vga,vgamem_mb=8", "-boot", "order=cda", "-net", "none",
                                         XENFV, "-m", "504", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        set_is(BASE("ram_mb=504,cpus=1,boot=cda") PLATFORM " vga(vga)=vram_mb=8,bdf=00:03.0");
        check(m->xenfv && !strcmp(m->platform_bdf, "00:02.0"), "xenfv: the platform device's slot 00:02.0 is left free");
        has_log("vga=\"cirrus\": there is no Cirrus model: std VGA (Bochs VBE) instead, with the 8 MiB libxl counted");
        check(!strstr(logbuf, "not served"), "nothing unserved");
        check(!strcmp(dm_argv_value("-m"), "504"), "the last entries are read too (001.. not 000..)");
    } else if (!strcmp(name, "stdvga-boot-d")) {   /* vga="stdvga", boot="d", hda + a CD on hdc */
        static const char *const a[] = { HEAD, "-device", "VGA,vgamem_mb=16", "-boot", "order=d", "-net", "none", XENFV, "-m",
                                         "496", HDA, "-drive", "if=none,readonly=on,id=ide-5632,file=/dev/xvdc,format=host_device",
                                         "-device", "ide-cd,id=ide-5632,drive=ide-5632,bus=ide.1,unit=0", 0 };
        machine_of(a);
        set_is(BASE("ram_mb=496,cpus=1,boot=d") PLATFORM " vga(vga)=vram_mb=16,bdf=00:03.0");
        check(!strstr(logbuf, "not served") && !strstr(logbuf, "refused"), "the CD is served, nothing refused");
    } else if (!strcmp(name, "vga-none-one-vif")) {   /* vga="none", one e1000 vif */
        static const char *const a[] = { HEAD, "-boot", "order=cda", NIC(0, "e1000", "00:16:3e:01:02:03"), XENFV, "-m", "512", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        set_is(BASE("ram_mb=512,cpus=1,boot=cda") PLATFORM " nic0(e1000)=bdf=00:03.0,mac=00:16:3e:01:02:03,link=up");
        check(m->vgamem_mb == 0 && m->nnics == 1 && m->nics[0].devid == 0, "no VGA, one NIC (vif 0)");
        check(!strstr(logbuf, "not served"), "the -netdev is the vif: served");
    } else if (!strcmp(name, "two-vifs")) {   /* stdvga + an e1000 and a default-model (rtl8139) vif */
        static const char *const a[] = { HEAD, "-device", "VGA,vgamem_mb=16", "-boot", "order=cda", NIC(0, "e1000", "52:54:00:12:34:56"),
                                         NIC(1, "rtl8139", "52:54:00:12:34:57"), XENFV, "-m", "1024", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        set_is(BASE("ram_mb=1024,cpus=1,boot=cda") PLATFORM " vga(vga)=vram_mb=16,bdf=00:03.0"
               " nic0(e1000)=bdf=00:04.0,mac=52:54:00:12:34:56,link=up nic1(e1000)=bdf=00:05.0,mac=52:54:00:12:34:57,link=up");
        check(m->nics[1].devid == 1, "the second NIC is vif 1");
        has_log("nic1: model rtl8139 is not served: an e1000 instead");
        check(log_count("is not served: an e1000") == 1, "only the rtl8139 gets the model line");
    } else if (!strcmp(name, "serial-list")) {   /* serial = [ "pty", "pty" ] */
        static const char *const a[] = { HEAD, "-serial", "/dev/hvc3", "-serial", "/dev/hvc4", "-device", "VGA,vgamem_mb=16",
                                         "-boot", "order=cda", "-net", "none", XENFV, "-m", "256", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        set_is("pci(pci)=pm=on cmos(cmos)=ram_mb=256,cpus=1,boot=cda uart(uart)=base=0x3f8 com2(uart)=base=0x2f8 ps2(ps2)=-"
               " ide(ide)=hda=disk,hdb=none,hdc=none,hdd=none" PLATFORM " vga(vga)=vram_mb=16,bdf=00:03.0");
        check(m->nserials == 2, "two serial ports");
    } else if (!strcmp(name, "serial-five")) {   /* serial = [5 entries]: COM1-COM4, the fifth refused */
        static const char *const a[] = { HEAD, "-serial", "/dev/hvc3", "-serial", "/dev/hvc4", "-serial", "/dev/hvc5", "-serial",
                                         "/dev/hvc6", "-serial", "/dev/hvc7", "-net", "none", XENFV, "-m", "256", HDA, 0 };
        machine_of(a);
        set_is("pci(pci)=pm=on cmos(cmos)=ram_mb=256,cpus=1,boot=cda uart(uart)=base=0x3f8 com2(uart)=base=0x2f8 com3(uart)=base=0x3e8"
               " com4(uart)=base=0x2e8 ps2(ps2)=- ide(ide)=hda=disk,hdb=none,hdc=none,hdd=none" PLATFORM);
        has_log("-serial /dev/hvc7 refused: a PC has four serial ports (COM1-COM4)");
    } else if (!strcmp(name, "no-platform")) {   /* xen_platform_pci=0: machine pc, VGA and the NIC one slot lower */
        static const char *const a[] = { HEAD, "-device", "VGA,vgamem_mb=16", "-boot", "order=cda", NIC(0, "e1000", "52:54:00:aa:bb:cc"),
                                         "-machine", "pc,accel=xen,suppress-vmdesc=on", "-m", "512", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        set_is(BASE("ram_mb=512,cpus=1,boot=cda") " vga(vga)=vram_mb=16,bdf=00:02.0 nic0(e1000)=bdf=00:03.0,mac=52:54:00:aa:bb:cc,link=up");
        check(!m->xenfv, "no platform device");
    } else if (!strcmp(name, "ahci")) {   /* hdtype="ahci": the disk refused, said so */
        static const char *const a[] = { HEAD, "-device", "VGA,vgamem_mb=16", "-boot", "order=cda", "-net", "none", XENFV, "-m", "512",
                                         "-device", "ahci,id=ahci0", "-drive",
                                         "file=/dev/xvda,if=none,id=ahcidisk-0,format=host_device,cache=writeback", "-device",
                                         "ide-hd,bus=ahci0.0,unit=0,drive=ahcidisk-0", 0 };
        const struct dm_machine *m = machine_of(a);
        check(m->ahci_disks == 1, "disk 0 is on AHCI");
        has_log("hdtype=\"ahci\": there is no AHCI model; its disks are refused (use hdtype=\"ide\")");
        has_log("disk 0 (hda) is on hdtype=\"ahci\": refused (no AHCI model)");
    } else if (!strcmp(name, "unknown-options")) {   /* usb, soundhw, keymap, acpi=0, vcpus=2: listed once */
        static const char *const a[] = { HEAD, "-k", "de", "-device", "VGA,vgamem_mb=16", "-boot", "order=cda", "-usb", "-usbdevice",
                                         "tablet", "-soundhw", "hda", "-no-acpi", "-smp", "2,maxcpus=2", "-net", "none", XENFV, "-m", "512",
                                         HDA, "-usb", "-device", "xen-pvdevice,device-id=0xc000", 0 };
        const struct dm_machine *m = machine_of(a);
        set_is("pci(pci)=pm=off cmos(cmos)=ram_mb=512,cpus=2,boot=cda uart(uart)=base=0x3f8 ps2(ps2)=-"
               " ide(ide)=hda=disk,hdb=none,hdc=none,hdd=none" PLATFORM " vga(vga)=vram_mb=16,bdf=00:03.0");
        check(!m->acpi, "-no-acpi: no PM function");
        has_log("dm-argv: not served (5): -k de; -usb; -usbdevice tablet; -soundhw hda; -device xen-pvdevice,device-id=0xc000\n");
        check(log_count("not served") == 1, "listed once, -usb once");
    } else if (!strcmp(name, "scsi")) {   /* an sd disk: libxl adds lsi53c895a first, which takes 00:03.0 as in QEMU */
        static const char *const a[] = { HEAD, "-device", "lsi53c895a", "-device", "VGA,vgamem_mb=16", "-boot", "order=c",
                                         NIC(0, "e1000", "52:54:00:12:34:56"), XENFV, "-m", "512", "-drive",
                                         "file=/dev/xvda,id=scsi0-hd0,format=host_device,if=none,readonly=off,cache=writeback",
                                         "-device", "scsi-hd,drive=scsi0-hd0,scsi-id=0", 0 };
        machine_of(a);
        set_is(BASE("ram_mb=512,cpus=1,boot=c") PLATFORM " vga(vga)=vram_mb=16,bdf=00:04.0 nic0(e1000)=bdf=00:05.0,mac=52:54:00:12:34:56,link=up");
        has_log("not served (2): -device lsi53c895a; -device scsi-hd,drive=scsi0-hd0,scsi-id=0");
    } else if (!strcmp(name, "odd-sizes")) {   /* videoram=20, boot="ndc", five vifs: 4 NICs, the fifth refused */
        static const char *const a[] = { HEAD, "-device", "VGA,vgamem_mb=20", "-boot", "order=ndc", NIC(0, "e1000", "52:54:00:00:00:00"),
                                         NIC(1, "e1000", "52:54:00:00:00:01"), NIC(2, "e1000", "52:54:00:00:00:02"),
                                         NIC(3, "e1000", "52:54:00:00:00:03"), NIC(7, "e1000", "52:54:00:00:00:07"), XENFV, "-m", "2048", HDA, 0 };
        const struct dm_machine *m = machine_of(a);
        check(m->vgamem_mb == 16, "20 MiB of video memory served as 16");
        has_log("video memory 20 MiB served as 16 MiB");
        check(!strcmp(m->boot, "ndc"), "boot order ndc");
        check(m->nnics == 4 && !strcmp(m->nics[3].bdf, "00:07.0"), "four NICs, 00:04.0-00:07.0");
        has_log("nic7 refused: at most 4 emulated NICs");
        check(strstr(set, "nic2(e1000)=bdf=00:06.0,mac=52:54:00:00:00:02,link=down") != 0, "the third NIC's link is its netfront's");
    } else if (!strcmp(name, "hostile")) {   /* not libxl's: garbage, repeats, overlong values — bounded and said */
        static char longv[6000];
        memset(longv, 'x', sizeof longv - 1);
        static const char *a[300];
        unsigned n = 0;
        const char *const head[] = { "-device", "VGA,vgamem_mb=4096", "-device", "VGA,vgamem_mb=16", "-boot", "order=zzqq",
                                     "-device", "e1000,id=nicX,netdev=net0,mac=52:54:00:12:34:56", "-device",
                                     "e1000,id=nic1,netdev=net1,mac=52:54:00:12:34", "-m", "-5", "-smp", "999", "-device", longv,
                                     "-frobnicate", "-frobnicate", "-device", "e1000,id=nic2,netdev=net2,mac=52:54:00:12:34:56,addr=0x1f",
                                     "-machine" };
        for (unsigned i = 0; i < sizeof head / sizeof head[0]; i++)
            a[n++] = head[i];
        while (n < 299)
            a[n++] = "-nodefaults";
        a[n] = 0;
        const struct dm_machine *m = machine_of(a);
        check(m->vgamem_mb == 256, "an absurd vgamem_mb is capped at 256");
        has_log("video memory 4096 MiB served as 256 MiB");
        has_log("dm-argv (/vm/1234/image/dm-argv): 128 arguments read; the rest is past what we take");
        has_log("a second display adapter VGA,vgamem_mb=16");
        check(!strcmp(m->boot, "cda"), "an unusable boot order keeps the default");
        check(m->nnics == 1 && !strcmp(m->nics[0].bdf, "00:06.0"), "NICs without a nic<N> id or a whole MAC refused (each took a slot)");
        check(!m->ram_mb[0] && !strcmp(m->cpus, "1"), "bad -m and -smp ignored");
        check(log_count("; -frobnicate") == 1, "a repeated unknown flag listed once");
        check(strstr(logbuf, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;") != 0, "a long value is cut at 48 characters");
    } else {
        check(0, "unknown case %s", name);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    FILE *f = fopen(argv[2], "rb");
    check(f != 0, "devices.conf opened");
    conf_len = (uint32_t)fread(conf, 1, sizeof conf, f);
    fclose(f);
    run(argv[1]);
    return 0;
}
