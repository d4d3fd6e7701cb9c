/* host/dom0/vnc.h — the dom0 helper's VNC server (RFB 3.3/3.7/3.8, security "None", Raw and
 * DesktopSize encodings, any true-colour pixel format of 8, 16 or 32 bits): shows the guest's
 * VGA picture that the stub domain's vfb delivers and sends the viewer's keys and pointer back
 * through the vkbd. Where it listens comes from libxl's `-vnc HOST:DISPLAY[,to=N]` (port
 * 5900 + display, the next free one up to `to`); libxl learns it through QMP query-vnc and `xl
 * vncviewer` connects there. A VNC password (vncpasswd) is not supported: with one set, every
 * connection is refused with that reason rather than shown without it. Everything a client
 * sends is length-checked; a client that sends garbage or does not read is disconnected. */
#ifndef DOM0_VNC_H
#define DOM0_VNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNC_MAX_CLIENTS 4
#define VNC_POLLFDS (1 + VNC_MAX_CLIENTS)

struct vnc_view {
    const uint8_t *pixels;   /* BGRX32: bytes B, G, R, x */
    uint32_t width, height, stride;
};

struct vnc_source {
    bool (*view)(struct vnc_view *v);
    bool (*take_damage)(int32_t *x, int32_t *y, int32_t *w, int32_t *h);
    void (*set_period)(uint32_t ms);            /* frames wanted every `ms` (0: nobody watches) */
    void (*key)(uint32_t keycode, bool pressed); /* Linux key codes; BTN_LEFT.. for buttons */
    void (*motion)(int32_t dx, int32_t dy, int32_t dz);
};

/* Starts listening as `spec` says ("none" or absent: no VNC). 0 when listening. */
int vnc_init(const char *spec, const char *name, const struct vnc_source *src);
/* The address listened on (query-vnc); false when there is no VNC server. */
bool vnc_address(char *host, size_t hlen, char *service, size_t slen);
void vnc_set_password(const char *password);
unsigned vnc_pollfds(struct pollfd *pfd);
/* Accepts, reads and answers clients, and sends them what changed. Call after every poll. */
void vnc_handle(const struct pollfd *pfd, unsigned n);

#endif
