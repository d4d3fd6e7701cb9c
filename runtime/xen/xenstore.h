/* runtime/xen/xenstore.h — a synchronous xenstore client over the domain's xenstore ring:
 * read, write, directory, rm, watch. Paths without a leading '/' are relative to
 * /local/domain/<our domid>. Errors come back as negative numbers (-2 = ENOENT,
 * -13 = EACCES, -1 anything else). Watch events that arrive while a request is outstanding are
 * queued and handed out by xs_next_watch_event(). */
#ifndef XEN_XENSTORE_H
#define XEN_XENSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "xen_abi.h"

void xs_init(const struct start_info *si);
evtchn_port_t xs_port(void);

/* Value into buf (NUL-terminated); returns its length or a negative error. */
int xs_read(const char *path, char *buf, size_t size);
int xs_write(const char *path, const char *value);
/* DIR/KEY as a decimal number: 0, or -1 when missing or not a number. */
int xs_read_u64(const char *dir, const char *key, uint64_t *v);
/* Polls DIR/state (every 50 ms, `timeout_ns` at most) until it is >= want; returns the last
 * state read (0 if none). For a frontend waiting on its backend's xenbus state. */
uint64_t xs_wait_state(const char *dir, uint64_t want, uint64_t timeout_ns);
int xs_rm(const char *path);
/* Child names, NUL-separated, into buf; returns the number of children or a negative error. */
int xs_directory(const char *path, char *buf, size_t size);
int xs_watch(const char *path, const char *token);
/* Drains watch events that arrived while no request was outstanding (call on the store port's
 * event), then behaves like xs_next_watch_event. */
int xs_poll(char *path, size_t size);
/* Copies the next queued watch event's path; returns 1 if there was one, 0 if none. */
int xs_next_watch_event(char *path, size_t size);

#endif
