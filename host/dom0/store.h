/* host/dom0/store.h — xenstore as the dom0 helper's backends use it: a node named by its
 * directory and key, values written printf-style, numbers read as decimal. */
#ifndef DOM0_STORE_H
#define DOM0_STORE_H

#include <xenstore.h>

/* The node's value (malloc'd; the caller frees it), or NULL when it does not exist. */
char *store_get(struct xs_handle *xs, const char *dir, const char *key);
/* 0 and the value when the node holds a decimal number, else -1. */
int store_get_ulong(struct xs_handle *xs, const char *dir, const char *key, unsigned long *v);
void store_put(struct xs_handle *xs, const char *dir, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
