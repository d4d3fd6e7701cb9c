/* runtime/xen/vfb.h — the VGA's picture for the guest's `vnc=1` (libxl's default for HVM): a
 * xenfb frontend (`device/vfb/0`, io/fbif.h) whose backend is the dom0 helper's VNC server.
 * The framebuffer is 8 MiB of the stub domain's own memory in BGRX32 (up to 1920x1080); on each
 * frame the VGA's surface (RGBA32 or BGRX32, wherever it lives) is copied into it for the
 * rectangles the VGA damaged, and an UPDATE event names them. Frames are asked of the VGA
 * (EVENT_DISPLAY_REFRESH) only at the period the backend requests: none while no VNC client
 * is connected. */
#ifndef XEN_VFB_H
#define XEN_VFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "backends.h"

#define VFB_BYTES (8u << 20)

/* Connects device/vfb/0 when libxl created it, using `fb` (VFB_BYTES, page aligned, mapped) as
 * the framebuffer. 0 on success; -1 (logged) otherwise, or quietly when there is no vfb. */
int vfb_connect(uint8_t *fb);
bool vfb_connected(void);
/* The display backend to give the VGA (set_surface / damage land here). */
struct core_display_backend *vfb_display(void);
/* Handles the backend's events, and when a frame is due asks `refresh()` for one (the VGA
 * renders and reports damage through the display backend), then copies and announces it. */
void vfb_service(uint64_t now, void (*refresh)(void));
/* When the next frame is due (UINT64_MAX: none). */
uint64_t vfb_next_deadline(void);
void vfb_report(void);

#endif
