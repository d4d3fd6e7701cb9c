/* runtime/xen/screen.h — the guest's screen and input in the stub domain: the display device's
 * surface and damage go to the vfb when libxl gave us one (vnc=1: the dom0 helper's VNC server
 * shows it), the vkbd's keys and pointer go to the input device as EVENT_KEY / EVENT_MOUSE, and
 * the text screen (80x25 in VRAM, wherever the device's vram_map says VRAM is) is written to the
 * log when its characters change. */
#ifndef XEN_SCREEN_H
#define XEN_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include "core.h"

/* Connects the vfb (its framebuffer off the top of [arena, arena+len)) and the vkbd, when libxl
 * made them. Returns how much of the arena is left for the devices. */
size_t screen_connect(uint8_t *arena, size_t len);
/* The display backend (a device granted the display capability gets it). */
struct core_display_backend *screen_display(void);
/* The device that renders the screen; the device keys and pointer go to. */
void screen_attach_display(struct core *rt, struct core_device *dev);
void screen_attach_input(struct core *rt, struct core_device *dev);
/* vkbd input, vfb frames, and the text screen to the log (at most once a second). */
void screen_service(uint64_t now);
/* When screen_service next has something to do (UINT64_MAX: nothing). */
uint64_t screen_next_deadline(void);
uint64_t screen_damage_count(void);
void screen_report(void);

#endif
