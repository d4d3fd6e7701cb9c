/* runtime/xen/vchan.h — a libxenvchan-compatible server: one shared page granted to the peer,
 * client->server ring of 1 KiB at offset 1024 (order 10), server->client ring of 2 KiB at offset
 * 2048 (order 11), an unbound event channel for the peer, and `ring-ref` / `event-channel`
 * nodes under a xenstore path. It serves successive client sessions on the same page and port
 * (dom0's vchan-socket-proxy connects once per QMP connection libxl opens). */
#ifndef XEN_VCHAN_H
#define XEN_VCHAN_H

#include <stddef.h>
#include "ring_check.h"
#include "xen_abi.h"

struct vchan {
    struct vchan_interface *page;
    evtchn_port_t port;
    int ref;
    int active;            /* a client session is live */
    int ended;             /* a session ended for inconsistent indexes: reported by the next poll */
    struct ring_guard guard;
};

enum vchan_event { VCHAN_NONE = 0, VCHAN_CONNECTED = 1, VCHAN_DISCONNECTED = 2 };

int vchan_server_init(struct vchan *v, domid_t peer, const char *xs_base);
/* Looks at the session state; call after every wake-up. */
enum vchan_event vchan_poll(struct vchan *v);
/* Non-blocking: bytes read/written (0 if none fit or none available). A client whose indexes are
 * inconsistent has its session ended (logged; the next vchan_poll says VCHAN_DISCONNECTED). */
size_t vchan_read(struct vchan *v, void *buf, size_t max);
size_t vchan_write(struct vchan *v, const void *buf, size_t len);

#endif
