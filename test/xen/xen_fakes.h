/* test/xen/xen_fakes.h — in-memory stand-ins for the Xen libraries the dom0 helper links
 * (libxenstore, libxengnttab, libxenevtchn, libxenforeignmemory), so that its parts
 * (host/dom0/qdisk.c, serial_pty.c, vfb_backend.c) run on the build host under test: a xenstore
 * that is a table of paths, each node with an owner (xs_get_permissions) and transactions that
 * can be told to conflict, a grant table in which grant ref N is page N of a "frontend" memory
 * (and so is machine frame N for foreign mappings), and event channels that count notifies. */
#ifndef TEST_XEN_FAKES_H
#define TEST_XEN_FAKES_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"

#define FE_PAGES 48
extern uint8_t fe_mem[FE_PAGES][4096];
extern int live_maps;     /* grant mappings not yet unmapped */
extern int notifies;      /* xenevtchn_notify calls */
extern int bound;         /* bound event channels */
extern unsigned watches;  /* xenstore watches set and not removed */
extern int dummy_handle;  /* what the fake open calls return a pointer to */
extern int foreign_maps;  /* foreign mappings not yet unmapped */
extern int txn_conflicts; /* the next N transaction commits fail with EAGAIN */

/* A node written by dom0 (created owned by dom0; an existing node keeps its owner). */
void set(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A node (re)created by domain `domid`: it owns it, as xenstored makes a domain own what it
 * creates. */
void set_by(unsigned domid, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *val(const char *path);
void rm_tree(const char *prefix);

#endif
