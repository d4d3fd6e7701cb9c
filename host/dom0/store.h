/* host/dom0/store.h — xenstore as the dom0 helper's backends use it: a node named by its
 * directory and key, values written printf-style, numbers read as decimal.
 *
 * Two kinds of read, and every read the helper acts on is one of them:
 *   - trusted (store_trusted*): the node must be owned by dom0 (the first entry of its
 *     permissions, xs_get_permissions), as libxl's backend nodes and the read-only frontend nodes
 *     it writes for a device (`output`, console 0's `ring-ref`/`port`) are. A stub domain can
 *     delete a node in a directory it owns and create it again, but the new node is then its own:
 *     such a value is refused (and logged once per node), never acted on. Value and owner are read
 *     in one transaction, so the node cannot be swapped between the two.
 *   - untrusted (store_untrusted_ulong, store_untrusted_word): what a frontend writes (ring-ref,
 *     event-channel, port, protocol, state): only a strict decimal number within a bound, or a
 *     short word, is accepted.
 * Values longer than STORE_MAX_VALUE bytes are refused in both. */
#ifndef DOM0_STORE_H
#define DOM0_STORE_H

#include <stdbool.h>
#include <xenstore.h>

#define STORE_MAX_VALUE 1024

/* The value (malloc'd; the caller frees it) of a dom0-owned node, else NULL: absent, not owned
 * by dom0 (logged once), longer than STORE_MAX_VALUE, or holding a NUL. */
char *store_trusted(struct xs_handle *xs, const char *dir, const char *key);
/* 0 and the value when the dom0-owned node holds a decimal number <= max, else -1. */
int store_trusted_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long max,
                        unsigned long *v);
/* 0 and the value when the node (anyone's) holds 1 to 10 decimal digits, nothing else, and the
 * number is <= max; else -1. */
int store_untrusted_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long max,
                          unsigned long *v);
/* Whether the node (anyone's) exists and holds exactly `word`. */
bool store_untrusted_is(struct xs_handle *xs, const char *dir, const char *key, const char *word);
/* Whether the node exists (its value is not looked at). */
bool store_exists(struct xs_handle *xs, const char *dir, const char *key);
void store_put(struct xs_handle *xs, const char *dir, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The one way a backend (qdisk.c, serial_pty.c, vfb_backend.c) gives up on a device: logs
 * "<kind> <devid>: <why>" ("<kind>: <why>" when devid < 0), sets *failed, and when `be` is not
 * NULL says XenbusStateClosed in be/state, so that the frontend stops waiting at once. */
void backend_fail(struct xs_handle *xs, const char *be, bool *failed, const char *kind, int devid,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
