/* runtime/xen/gnttab.c — see gnttab.h. A PV domain asks Xen for its grant-table frames with
 * GNTTABOP_setup_table (they come back as machine frames) and maps them with map_frame.
 * An entry is published by writing frame and domid first, then flags after a write barrier. */
#include "gnttab.h"
#include "console.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"

#define NR_FRAMES 1
#define NR_ENTRIES (NR_FRAMES * PAGE_SIZE / sizeof(struct grant_entry_v1))

static struct grant_entry_v1 *table;
static uint8_t in_use[NR_ENTRIES];

int gnttab_init(void)
{
    uint64_t frames[NR_FRAMES];
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = NR_FRAMES, .frame_list = frames };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &op, 1);
    if (rc || op.status) {
        printk("gnttab: setup_table failed rc=%ld status=%d\n", rc, op.status);
        return -1;
    }
    table = map_frame(frames[0]);
    return table ? 0 : -1;
}

int gnttab_grant(domid_t domid, uint64_t mfn, bool readonly)
{
    for (unsigned ref = GNTTAB_NR_RESERVED_ENTRIES; ref < NR_ENTRIES; ref++) {
        if (in_use[ref])
            continue;
        in_use[ref] = 1;
        table[ref].frame = (uint32_t)mfn;
        table[ref].domid = domid;
        wmb();
        WRITE_ONCE(table[ref].flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)));
        return (int)ref;
    }
    return -1;
}

void gnttab_end(grant_ref_t ref)
{
    if (ref >= NR_ENTRIES)
        return;
    WRITE_ONCE(table[ref].flags, 0);
    wmb();
    in_use[ref] = 0;
}
