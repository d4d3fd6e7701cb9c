/* runtime/xen/backends.c — see backends.h. */
#include "backends.h"
#include "abi.h"
#include "blkfront.h"
#include "console.h"
#include "dm_argv.h"
#include "lib.h"
#include "netfront.h"
#include "screen.h"
#include "serial.h"
#include "xenstore.h"

static struct blkfront disks[BLKFRONT_MAX];
static struct blkfront *ide_unit[4];
/* The guest's NICs in dm-argv's order: libxl gives us a vif for each (device/vif/<devid>, same
 * MAC). The K-th e1000 bound is the K-th NIC; its wire is netfront when the backend connected,
 * else its link is down. */
struct nic {
    struct netfront nf;
    bool ok;
    struct core_device *dev;
    struct core *rt;
};
static struct nic nics[DM_MAX_NICS];
static unsigned nnics, nics_bound, chr_bound;
static int pending_nic = -1, pending_chr = -1;   /* bound to the device being added */

/* The guest's vbds (ours, libxl made them from the guest's disks): connect, map to IDE units;
 * disks on hdtype=ahci's controller and disks past hdd are refused, said so. */
static void connect_disks(domid_t self, uint8_t ahci_disks, char *ide_cfg, size_t size)
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
            printk("blkfront %s: vdev %u is past the four IDE units (hda-hdd, xvda-xvdd, sda-sdd) or taken: not emulated "
                   "(the guest's PV drivers may still use it)\n", node, bf->vdev);
            continue;
        }
        if (!bf->cdrom && (ahci_disks >> unit) & 1) {
            printk("blkfront %s: disk %u is on hdtype=\"ahci\": refused, there is no AHCI model (use hdtype=\"ide\")\n",
                   node, (unsigned)unit);
            continue;
        }
        ide_unit[unit] = bf;
        kinds[unit] = bf->cdrom ? "cdrom" : "disk";
        nd++;
    }
    snprintf(ide_cfg, size, "hda=%s,hdb=%s,hdc=%s,hdd=%s", kinds[0], kinds[1], kinds[2], kinds[3]);
}

static void connect_nics(const struct dm_machine *m, struct backend_facts *facts)
{
    nnics = m->nnics < DM_MAX_NICS ? m->nnics : DM_MAX_NICS;
    for (unsigned k = 0; k < nnics; k++) {
        char node[32], path[48], mac[24];
        snprintf(node, sizeof node, "device/vif/%u", m->nics[k].devid);
        snprintf(path, sizeof path, "%s/mac", node);
        if (xs_read(path, mac, sizeof mac) < 0) {
            printk("nic%u: the stub domain has no %s: link down\n", m->nics[k].devid, node);
            continue;
        }
        if (strcmp(mac, m->nics[k].mac))
            printk("nic%u: %s's MAC %s is not dm-argv's %s: the e1000 has dm-argv's\n", m->nics[k].devid, node, mac,
                   m->nics[k].mac);
        nics[k].ok = !netfront_connect(&nics[k].nf, node);
        facts->link_up[k] = nics[k].ok;
    }
}

void backends_connect(domid_t self, const struct dm_machine *m, struct backend_facts *facts)
{
    connect_disks(self, m->ahci_disks, facts->ide, sizeof facts->ide);
    connect_nics(m, facts);
    serial_connect(m->nserials ? m->nserials : 1);
}

void backends_bind(struct core_device_spec *spec, uint32_t caps)
{
    pending_chr = pending_nic = -1;
    if ((caps & CORE_CAP_CHR) && chr_bound < SERIAL_PORTS) {   /* COM1, COM2, ... in order */
        pending_chr = (int)chr_bound++;
        spec->chr = serial_backend((unsigned)pending_chr);
    }
    if (caps & CORE_CAP_DISPLAY)
        spec->display = screen_display();
    if ((caps & CORE_CAP_NET) && nics_bound < nnics) {
        pending_nic = (int)nics_bound++;
        if (nics[pending_nic].ok)
            spec->net = &nics[pending_nic].nf.be;
    }
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
    if ((caps & CORE_CAP_NET) && pending_nic >= 0) {
        nics[pending_nic].dev = dev;
        nics[pending_nic].rt = rt;
    }
    if (!strcmp(dev->mod->name, "ps2"))
        screen_attach_input(rt, dev);
    if ((caps & CORE_CAP_CHR) && pending_chr >= 0)
        serial_attach(rt, (unsigned)pending_chr, dev);
    if (caps & CORE_CAP_DISPLAY)
        screen_attach_display(rt, dev);
}

static void nic_rx(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct nic *n = ctx;
    if (n->dev && !n->dev->failed)
        core_deliver_event(n->rt, n->dev, STUBDOM_EVENT_NET_RX, frame, len, 0, 0);
    else
        n->nf.rx_dropped++;
}

bool backends_poll_net(struct core *rt)
{
    (void)rt;
    bool more = false;
    for (unsigned k = 0; k < nnics; k++)
        if (nics[k].ok && netfront_poll(&nics[k].nf, nic_rx, &nics[k]))
            more = true;
    return more;
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
    for (unsigned k = 0; k < nnics; k++) {
        const struct netfront *nf = &nics[k].nf;
        if (nics[k].ok)
            printk("netfront %s: %lu frames sent, %lu dropped, %lu errors; %lu received, %lu dropped\n", nf->node,
                   nf->tx_frames, nf->tx_dropped, nf->tx_errors, nf->rx_frames, nf->rx_dropped);
    }
    for (unsigned i = 0; i < BLKFRONT_MAX; i++)
        if (disks[i].ring)
            printk("blkfront %s: %lu reads, %lu writes, %lu errors; %lu ring requests, %lu served from the read-ahead window\n",
                   disks[i].node, disks[i].reads, disks[i].writes, disks[i].errors, disks[i].ring_requests,
                   disks[i].window_hits);
}
