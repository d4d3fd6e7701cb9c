/* host/dom0/vnc.h — the dom0 helper's VNC server (RFB 3.3/3.7/3.8, Raw and DesktopSize
 * encodings, any true-colour pixel format of 8, 16 or 32 bits): shows the guest's VGA picture
 * that the stub domain's vfb delivers and sends the viewer's keys and pointer back through the
 * vkbd. Where it listens comes from libxl's `-vnc HOST:DISPLAY[,password=on][,to=N]` (port
 * 5900 + display, the next free one up to `to`); libxl learns it through QMP query-vnc and `xl
 * vncviewer` connects there. Security: "None" without `password`; with `password=on` only VNC
 * Authentication (vnc_auth.h), and nobody is served until libxl has set the password
 * (change-vnc-password); setting or changing it disconnects every client. Failed logins are
 * throttled per address and overall; a handshake has a deadline and an idle limit; one address
 * may hold only a few connections. Everything a client sends is length-checked; a client that
 * sends garbage or does not read is disconnected. */
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

/* What a client may cost before it is in (defaults: vnc_default_limits; tests shorten them). */
struct vnc_limits {
    uint32_t handshake_ms;        /* connect .. ServerInit, whatever the client does: 60 s */
    uint32_t idle_ms;             /* no byte from a client still in the handshake: 30 s */
    uint32_t per_address;         /* connections at once from one IPv4 address: 2 */
    uint32_t fail_delay_ms;       /* an address's first failed login locks it out 1 s, doubling */
    uint32_t fail_delay_max_ms;   /* ... up to 60 s */
    uint32_t global_fails;        /* failed logins of all addresses per window: 10 */
    uint32_t global_window_ms;    /* window: 60 s */
};
extern const struct vnc_limits vnc_default_limits;
/* Call before vnc_init (or not at all). */
void vnc_set_limits(const struct vnc_limits *l);

/* Starts listening as `spec` says ("none" or absent: no VNC). 0 when listening. */
int vnc_init(const char *spec, const char *name, const struct vnc_source *src);
/* The address listened on (query-vnc); false when there is no VNC server. */
bool vnc_address(char *host, size_t hlen, char *service, size_t slen);
/* libxl's change-vnc-password: "" = none (with password=on, everyone is refused). A password
 * also turns VNC Authentication on without `password=on`. Drops every client. Never logged. */
void vnc_set_password(const char *password);
unsigned vnc_pollfds(struct pollfd *pfd);
/* Accepts, reads and answers clients, and sends them what changed. Call after every poll. */
void vnc_handle(const struct pollfd *pfd, unsigned n);

#endif
