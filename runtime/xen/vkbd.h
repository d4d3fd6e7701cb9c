/* runtime/xen/vkbd.h — the keyboard and mouse of the guest's `vnc=1` viewer: a xenkbd frontend
 * (`device/vkbd/0`, io/kbdif.h) whose backend is the dom0 helper's VNC server. Keys arrive as
 * Linux input key codes, pointer motion as relative moves with the buttons as BTN_* keys; both go
 * to the PS/2 device as EVENT_KEY / EVENT_MOUSE (the device ABI's own units). */
#ifndef XEN_VKBD_H
#define XEN_VKBD_H

#include <stdbool.h>
#include <stdint.h>

struct vkbd_sink {
    void (*key)(uint32_t linux_keycode, bool pressed);
    /* dx, dy (down positive), wheel dz (up positive), buttons: bit 0 left, 1 right, 2 middle */
    void (*mouse)(int32_t dx, int32_t dy, int32_t dz, uint32_t buttons);
};

/* Connects device/vkbd/0 when libxl created it. 0 on success; -1 (logged) otherwise, or
 * quietly when there is none. */
int vkbd_connect(void);
/* Delivers what the backend sent (at most one ring's worth a call). */
void vkbd_service(const struct vkbd_sink *sink);
void vkbd_report(void);

#endif
