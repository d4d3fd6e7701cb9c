/* host/dom0/qdisk.h — a small qdisk backend in the dom0 helper: libxl 4.17 insists on the qdisk
 * backend type for an HVM guest's CD (and a dom0 QEMU would serve it), so the helper serves the
 * stub domain's qdisk vbds itself: raw images only, the blkif ring of io/blkif.h (x86_64 ABI),
 * grant-mapped segments, synchronous pread/pwrite. */
#ifndef DOM0_QDISK_H
#define DOM0_QDISK_H

#include <stdbool.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

/* The token of the xenstore watches qdisk sets (the backend directory of stub domain `stub`,
 * each frontend's state): when one fires, call qdisk_scan. */
#define QDISK_WATCH_TOKEN "qdisk"
/* Opens the grant and event-channel handles for stub domain `stub` (before the helper drops its
 * privileges); qdisk_start then sets the watches and serves what is there. */
void qdisk_init(struct xs_handle *xs, unsigned stub);
void qdisk_start(void);
/* Opens new vbds, connects those whose frontend is ready, releases those gone or closing; call
 * when a watch fired and about once a second. */
void qdisk_scan(void);
/* The event-channel handle to poll (NULL when it could not be opened). */
xenevtchn_handle *qdisk_evtchn(void);
/* Serves every ring with pending requests: `kicked` when the handle's fd polled readable (its
 * pending port is then consumed and unmasked), false on the periodic tick. */
void qdisk_serve(bool kicked);

#endif
