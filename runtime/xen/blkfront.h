/* runtime/xen/blkfront.h — a PV block frontend to the vbds libxl gives the stub domain (the
 * guest's disks: /local/domain/<us>/device/vbd/<id>, backend in dom0), behind runtime/core's
 * struct core_blk_backend. One ring page and 11 bounce pages per disk, granted once. Requests
 * are served synchronously (submit waits for the backend's answer, 30 s at most, and completes
 * at submit time, which the core supports); a request is split into ring requests of at most
 * 88 sectors. Reads fetch at least that much: the bounce pages are a read-ahead window that the
 * next small sequential reads are served from without a round trip to dom0 (SeaBIOS and
 * syslinux read one 512-byte PIO block per ATA command); a write empties the window. A backend
 * that breaks the ring protocol (inconsistent rsp_prod, an answer to no request in flight) gets
 * the disk disconnected, logged once. */
#ifndef XEN_BLKFRONT_H
#define XEN_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>
#include "core.h"
#include "ring_check.h"
#include "xen_abi.h"

#define BLKFRONT_MAX 4

struct blkfront {
    char node[64];          /* device/vbd/<id> */
    unsigned vdev;          /* virtual-device */
    domid_t backend_id;
    grant_ref_t ring_ref;
    evtchn_port_t port;
    void *ring;             /* struct blkif_sring */
    uint8_t *bounce;        /* 11 pages */
    grant_ref_t bounce_ref[11];
    uint32_t req_prod_pvt, rsp_cons;
    bool cdrom, read_only;
    uint64_t sectors512;    /* backend's size in 512-byte sectors */
    uint32_t sector_size;   /* backend's sector-size */
    uint64_t window_lba;    /* the read-ahead window: 512-byte sectors [lba, lba + n) in the bounce pages */
    uint32_t window_n;
    uint64_t inflight[32];  /* per ring slot: id + 1 of the request the backend owes an answer, 0 = none */
    uint64_t reads, writes, errors, ring_requests, window_hits, ring_full;
    struct core_blk_backend be;
    char who[80];           /* "blkfront device/vbd/<id>", for the guard's log line */
    struct ring_guard guard;
    bool disconnected;      /* the backend broke the ring protocol: every request fails */
};

/* Connects to the backend of `node` (e.g. "device/vbd/768"); 0 or -1 after logging why. */
int blkfront_connect(struct blkfront *bf, domid_t self, const char *node);
/* Which IDE unit (0-3) a virtual-device number names (hda..hdd, xvda..xvdd, sda..sdd), or -1. */
int blkfront_ide_unit(unsigned vdev);

#endif
