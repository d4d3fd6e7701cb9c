/* runtime/xen/nvram_probe.c — a stand-in ioreq consumer used only when the stub domain's command
 * line says "ioreq-probe": it claims ports 0x70-0x71 and keeps the CMOS bytes Xen's vRTC forwards
 * (indexes >= 14) in a 128-byte array, so the ioreq path (dm_op, acquire_resource, per-vCPU event
 * channels) is exercised end to end before runtime/core and the cmos.wasm device are linked in.
 * It is replaced by runtime/core's range table, not extended. */
#include "nvram_probe.h"
#include "console.h"
#include "guest_mem.h"
#include "ioreq.h"
#include "lib.h"

static uint8_t nvram[128];
static uint8_t index;
static unsigned reads, writes;

static uint64_t probe_read(void *opaque, uint8_t type, uint64_t addr, uint32_t size)
{
    (void)opaque;
    if (type == IOREQ_TYPE_PIO && size == 1) {
        reads++;
        if (addr == 0x71)
            return nvram[index & 0x7f];
        if (addr == 0x70)
            return index;
    }
    return size >= 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
}

static void probe_write(void *opaque, uint8_t type, uint64_t addr, uint32_t size, uint64_t value)
{
    (void)opaque;
    if (type != IOREQ_TYPE_PIO || size != 1)
        return;
    writes++;
    if (addr == 0x70)
        index = (uint8_t)(value & 0x7f);
    else if (addr == 0x71)
        nvram[index & 0x7f] = (uint8_t)value;
}

static const struct ioreq_handler probe = { .read = probe_read, .write = probe_write };

int nvram_probe_init(void)
{
    int rc = ioreq_map_range(IORANGE_PORT, 0x70, 0x71);
    if (rc)
        return rc;
    ioreq_set_handler(&probe);
    return 0;
}

/* Guest-memory check: the SMBIOS entry point ("_SM_", 16-byte aligned) SeaBIOS places in
 * 0xF0000-0xFFFFF, found through the foreign-mapping cache. */
static void find_smbios(void)
{
    static uint8_t bios[0x10000];
    if (!guest_mem_read(0xF0000, bios, sizeof bios)) {
        printk("ioreq-probe: cannot read guest memory at 0xf0000\n");
        return;
    }
    for (uint32_t off = 0; off + 16 <= sizeof bios; off += 16) {
        if (!memcmp(bios + off, "_SM_", 4)) {
            printk("ioreq-probe: guest memory: SMBIOS entry point at 0x%x\n", 0xF0000 + off);
            return;
        }
    }
    printk("ioreq-probe: guest memory: no SMBIOS entry point in 0xf0000-0xfffff yet\n");
}

void nvram_probe_report(void)
{
    find_smbios();
    printk("ioreq-probe: %u CMOS reads, %u writes; memory bytes 0x30-0x35: %x %x %x %x %x %x\n", reads,
           writes, nvram[0x30], nvram[0x31], nvram[0x32], nvram[0x33], nvram[0x34], nvram[0x35]);
}
