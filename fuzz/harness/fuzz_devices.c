/* fuzz/harness/fuzz_devices.c — the devices the fuzz executor runs, each with its configuration,
 * IRQ routes, backends, DMA reach and the events a fuzz input may deliver. Keep in step with
 * fuzz/lib/devices.ts. */
#include <string.h>
#include "fuzz_machine.h"
#include "../../runtime/core/abi.h"

#define ISA(n) {.kind = CORE_ROUTE_ISA, .line = (n), .bdf = -1}

static const struct fz_device devices[] = {
    {.name = "pci", .config = ""},
    {.name = "cmos", .config = "ram_mb=16,nvram=256"},
    {.name = "uart", .config = "base=0x3f8", .irqs = {ISA(4)}, .nirqs = 1, .chr = 1, .events = {STUBDOM_EVENT_CHR_RX}, .nevents = 1},
    {.name = "ps2", .config = "", .irqs = {ISA(1), ISA(12)}, .nirqs = 2, .events = {STUBDOM_EVENT_KEY, STUBDOM_EVENT_MOUSE}, .nevents = 2},
    {.name = "vga", .config = "vram_mb=2,rom=none", .display = 1, .events = {STUBDOM_EVENT_DISPLAY_REFRESH}, .nevents = 1},
    {.name = "ide", .config = "hda=disk,hdb=cdrom,hdc=cdrom,hdd=disk,decode=on", .irqs = {ISA(14), ISA(15)}, .nirqs = 2,
     .blk = {{128, 512, 1, 0, 0}, {64, 2048, 1, 1, 1}, {64, 2048, 0, 1, 1}, {16, 512, 1, 1, 0}}, .nblk = 4,
     .dma_span = 0x10000, .events = {STUBDOM_EVENT_BLK_MEDIA}, .nevents = 1},
    {.name = "e1000", .config = "bdf=00:03.0,mac=52:54:00:12:34:56", .net = 1, .dma_span = 0x110000,
     .events = {STUBDOM_EVENT_NET_RX, STUBDOM_EVENT_NET_LINK}, .nevents = 2},
    {.name = "xenplatform", .config = "bdf=00:02.0"},
};

const struct fz_device *fz_find_device(const char *name)
{
    const struct fz_device *d = 0;
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (!strcmp(devices[i].name, name)) d = &devices[i];
    return d;
}
