/* host/dom0/vfb_backend.h — the dom0 helper's end of the stub domain's vfb and vkbd (libxl
 * creates them when the guest has `vnc=1`): maps the framebuffer the stub domain fills with the
 * VGA's picture (io/fbif.h, by machine frame), collects its UPDATE/RESIZE events, tells it how
 * often to send frames (REFRESH_PERIOD), and sends it keys and pointer motion (io/kbdif.h). The
 * VNC server (vnc.c) is its only user. */
#ifndef DOM0_VFB_BACKEND_H
#define DOM0_VFB_BACKEND_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

#define VFB_WATCH_TOKEN "vfb"
#define VFB_POLLFDS 1

/* What the framebuffer shows now: BGRX32 pixels (bytes B, G, R, x). */
struct vfb_view {
    const uint8_t *pixels;
    uint32_t width, height, stride;
};

/* Opens the foreign-memory and event-channel handles, restricted to stub domain `stub` (before
 * the helper drops its privileges); vfb_backend_start then sets the watches and connects. */
void vfb_backend_init(struct xs_handle *xs, unsigned stub);
void vfb_backend_start(void);
/* Connects the vfb and vkbd when their frontends are ready, releases them when gone; call when a
 * watch fired and once a second. */
void vfb_backend_scan(void);
unsigned vfb_backend_pollfds(struct pollfd *pfd);
void vfb_backend_handle(const struct pollfd *pfd, unsigned n);

/* The picture, or false while there is none (no vfb, or no surface yet). */
bool vfb_backend_view(struct vfb_view *v);
/* The rectangle the stub domain updated since the last call (false: none). */
bool vfb_backend_take_damage(int32_t *x, int32_t *y, int32_t *w, int32_t *h);
/* How often frames are wanted (ms; 0 = nobody is watching). */
void vfb_backend_set_period(uint32_t ms);
/* Input for the guest: a Linux key code (BTN_LEFT.. for mouse buttons), or relative motion. */
void vfb_backend_key(uint32_t keycode, bool pressed);
void vfb_backend_motion(int32_t dx, int32_t dy, int32_t dz);

#endif
