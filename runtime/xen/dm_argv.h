/* runtime/xen/dm_argv.h — the device-model arguments libxl wrote for the guest, in xenstore
 * under /vm/<uuid>/image/dm-argv/001, 002, ... (the QEMU command line of
 * libxl__build_device_model_args_new, argv[0] dropped), and the machine they describe: RAM, boot
 * order, VGA, NICs, serial ports, the disk controller, xenfv or pc, ACPI — with the PCI slots
 * qemu-xen's xenfv machine would give the same command line (docs/xen.md, "The xl config a user
 * writes"). The text is libxl's but is treated as untrusted: every count and length is bounded,
 * and what is not served is listed once in the log. Read once at start. */
#ifndef XEN_DM_ARGV_H
#define XEN_DM_ARGV_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

#define DM_MAX_ARGS 128
#define DM_MAX_NICS 4
#define DM_MAX_SERIALS 4

struct dm_nic {
    unsigned devid;      /* libxl's nic devid: id=nic<N>, the stub domain's device/vif/<N> */
    char mac[18];        /* aa:bb:cc:dd:ee:ff */
    char bdf[8];         /* 00:04.0, the slot qemu-xen gives it */
};

struct dm_machine {
    char ram_mb[12];     /* -m, "" when absent */
    char cpus[4];        /* -smp N (the boot CPUs), "1" without it */
    char boot[4];        /* -boot order=: up to 3 of a/c/d/n (the CMOS boot bytes), default "cda" */
    unsigned vgamem_mb;  /* VGA video memory (a power of two); 0: no VGA */
    char vga_bdf[8];
    bool xenfv;          /* -machine xenfv: the Xen platform device, at platform_bdf */
    char platform_bdf[8];
    bool acpi;           /* no -no-acpi: the PIIX4 power-management function 00:01.3 */
    unsigned nserials;   /* -serial entries: COM1.. on consoles 3.. */
    unsigned nnics;
    struct dm_nic nics[DM_MAX_NICS];
    uint8_t ahci_disks;  /* bit N: disk N (hda = 0) is on hdtype=ahci's controller: refused */
};

/* Reads the guest's dm-argv (logs it) and parses it into dm_machine(). */
void dm_argv_read(domid_t guest);
/* The argument after `flag` ("-m"), or NULL when there is none. */
const char *dm_argv_value(const char *flag);
/* The machine dm_argv_read found (the defaults of an empty command line before it). */
const struct dm_machine *dm_machine(void);

/* Parses `argc` arguments into `m`, logging every choice made for the guest and one line listing
 * what is not served. Returns the number of arguments not served. (dm_argv_read's second half;
 * the unit tests call it with libxl's lists.) */
unsigned dm_argv_parse(unsigned argc, const char *const *argv, struct dm_machine *m);

#endif
