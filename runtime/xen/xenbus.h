/* runtime/xen/xenbus.h — the xenbus conventions every frontend here follows, over the xenstore
 * client (xenstore.h): the device states of Xen's io/xenbus.h by name, and a node written
 * printf-style (Mini-OS's xenbus_printf as the model). */
#ifndef XEN_XENBUS_H
#define XEN_XENBUS_H

/* io/xenbus.h's enum xenbus_state: what a frontend and its backend write in their `state` nodes. */
enum xenbus_state {
    XenbusStateUnknown = 0,
    XenbusStateInitialising = 1,
    XenbusStateInitWait = 2,      /* the backend waits for the frontend's details */
    XenbusStateInitialised = 3,   /* the frontend's details (ring, event channel) are written */
    XenbusStateConnected = 4,
    XenbusStateClosing = 5,       /* the frontend gives the device up */
    XenbusStateClosed = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured = 8,
};

/* Writes DIR/NODE = the formatted value. Returns xs_write's result, or -1 (nothing written) when
 * the path or the value does not fit (paths here are short: device/vbd/768/ring-ref). */
int xs_printf(const char *dir, const char *node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* DIR/state = `state`, as the decimal number the other end reads. */
int xs_set_state(const char *dir, enum xenbus_state state);

#endif
