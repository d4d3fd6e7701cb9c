/* runtime/xen/backends.c — see backends.h. */
#include "backends.h"
#include "abi.h"
#include "blkfront.h"
#include "console.h"
#include "lib.h"
#include "netfront.h"
#include "screen.h"
#include "serial.h"
#include "xenstore.h"

static struct blkfront disks[BLKFRONT_MAX];
static struct blkfront *ide_unit[4];
/* The guest's first nic: libxl gives us a vif for it, with its MAC (device/vif/N/mac). The
 * e1000 takes the MAC; its wire is netfront when the backend connects, else its link is down. */
static struct netfront nic;
static bool nic_ok;
static struct core_device *net_dev;
static bool chr_attached;

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

void backends_connect(domid_t self, struct backend_facts *facts)
{
    connect_disks(self, facts->ide, sizeof facts->ide);
    connect_nic(facts->mac, sizeof facts->mac);
    facts->link_up = nic_ok;
    serial_connect();
}

void backends_bind(struct core_device_spec *spec, uint32_t caps)
{
    if (caps & CORE_CAP_CHR)
        spec->chr = serial_backend();
    if (caps & CORE_CAP_DISPLAY)
        spec->display = screen_display();
    if ((caps & CORE_CAP_NET) && nic_ok)
        spec->net = &nic.be;
    if (caps & CORE_CAP_BLK) {
        for (unsigned u = 0; u < 4; u++) {
            if (ide_unit[u]) {
                spec->blk[u] = &ide_unit[u]->be;
                spec->nblk = u + 1;
            }
        }
    }
}

void backends_attach(struct core *rt, struct core_device *dev)
{
    uint32_t caps = dev->mod->caps;
    if (caps & CORE_CAP_NET)
        net_dev = dev;
    if (!strcmp(dev->mod->name, "ps2"))
        screen_attach_input(rt, dev);
    if ((caps & CORE_CAP_CHR) && !chr_attached) {   /* console 3 is COM1 */
        serial_attach(rt, dev);
        chr_attached = true;
    }
    if (caps & CORE_CAP_DISPLAY)
        screen_attach_display(rt, dev);
}

static void nic_rx(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct core *rt = ctx;
    if (net_dev && !net_dev->failed)
        core_deliver_event(rt, net_dev, STUBDOM_EVENT_NET_RX, frame, len, 0, 0);
    else
        nic.rx_dropped++;
}

bool backends_poll_net(struct core *rt)
{
    return nic_ok && netfront_poll(&nic, nic_rx, rt);
}

void backends_service(uint64_t now)
{
    serial_service(now);
    screen_service(now);
}

uint64_t backends_next_deadline(void)
{
    uint64_t s = serial_next_deadline(), f = screen_next_deadline();
    return s < f ? s : f;
}

void backends_report(void)
{
    serial_report();
    screen_report();
    if (nic_ok)
        printk("netfront %s: %lu frames sent, %lu dropped, %lu errors; %lu received, %lu dropped\n", nic.node,
               nic.tx_frames, nic.tx_dropped, nic.tx_errors, nic.rx_frames, nic.rx_dropped);
    for (unsigned i = 0; i < BLKFRONT_MAX; i++)
        if (disks[i].ring)
            printk("blkfront %s: %lu reads, %lu writes, %lu errors; %lu ring requests, %lu served from the read-ahead window\n",
                   disks[i].node, disks[i].reads, disks[i].writes, disks[i].errors, disks[i].ring_requests,
                   disks[i].window_hits);
}
