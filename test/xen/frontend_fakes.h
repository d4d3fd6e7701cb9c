/* test/xen/frontend_fakes.h — stand-ins for the parts of runtime/xen that its PV frontends call
 * (pages and machine frames, grants, event channels, Xen time, the hypercall page, a xenstore
 * that is a table of paths), so that netfront.c, blkfront.c, pvcons.c, vchan.c, vfb.c, vkbd.c
 * and vram.c run on the build host under ASan/UBSan, with the test playing the backend in dom0.
 * (xen_fakes.h is the other direction: the dom0 helper's Xen libraries.) */
#ifndef TEST_XEN_FRONTEND_FAKES_H
#define TEST_XEN_FRONTEND_FAKES_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"

/* Xen system time as the frontends see it; SCHEDOP_poll and evtchn_wait jump it to their
 * deadline (nothing really waits). */
extern uint64_t fake_now;
/* Called on every evtchn_notify (the frontend kicked its backend) and every SCHEDOP_poll /
 * evtchn_wait (the frontend waits for its backend): where the test's backend acts. */
extern void (*fake_on_notify)(uint32_t port);
extern void (*fake_on_wait)(void);
extern unsigned long fake_polls;   /* SCHEDOP_poll + evtchn_wait calls */
extern uint32_t fake_unwatched;    /* last port passed to evtchn_unwatch (0: none) */

/* The table xenstore: absolute or relative paths, as the frontend names them. */
void fake_xs_set(const char *path, const char *value);
const char *fake_xs_get(const char *path);   /* NULL when absent */
void fake_xs_clear(void);

/* Frees every page page_alloc handed out (between fuzz iterations). */
void fake_pages_release(void);

/* A machine frame back to our address (frames are host addresses >> 12 here). */
void *fake_mfn(uint64_t mfn);

/* Fails the case ("FAIL <what>: did not terminate", exit 1) unless disarmed within `seconds`:
 * a walk of ~2^32 ring slots is what this catches. */
void watchdog_arm(unsigned seconds, const char *what);
void watchdog_disarm(void);

/* A small deterministic generator for the fuzz loops. */
uint32_t fuzz_rand(void);
void fuzz_seed(uint64_t seed);

#endif
