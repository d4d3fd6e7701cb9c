/* test/xen/xen_fakes.h — in-memory stand-ins for the Xen libraries the dom0 helper links
 * (libxenstore, libxengnttab, libxenevtchn), so that its parts (host/dom0/qdisk.c,
 * serial_pty.c) run on the build host under test: a xenstore that is a table of paths, a grant
 * table in which grant ref N is page N of a "frontend" memory, and event channels that count
 * notifies. */
#ifndef TEST_XEN_FAKES_H
#define TEST_XEN_FAKES_H

#include <stdint.h>

#include "check.h"

#define FE_PAGES 48
extern uint8_t fe_mem[FE_PAGES][4096];
extern int live_maps;     /* grant mappings not yet unmapped */
extern int notifies;      /* xenevtchn_notify calls */
extern int bound;         /* bound event channels */
extern unsigned watches;  /* xenstore watches set and not removed */
extern int dummy_handle;  /* what the fake open calls return a pointer to */

void set(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *val(const char *path);
void rm_tree(const char *prefix);

#endif
