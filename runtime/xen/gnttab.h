/* runtime/xen/gnttab.h — granting our pages to other domains (grant table v1, one frame =
 * 512 entries, enough for vchan rings now and blkfront/netfront rings later). */
#ifndef XEN_GNTTAB_H
#define XEN_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include "xen_abi.h"

int gnttab_init(void);
/* Grants `domid` access to machine frame `mfn`; returns the grant reference or -1. */
int gnttab_grant(domid_t domid, uint64_t mfn, bool readonly);
void gnttab_end(grant_ref_t ref);

#endif
