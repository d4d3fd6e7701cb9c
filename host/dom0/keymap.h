/* host/dom0/keymap.h — X11 keysyms (what a VNC client sends, RFB KeyEvent) to Linux input key
 * codes (what the vkbd carries and the PS/2 device turns into scancodes), for a US layout: a
 * shifted character maps to its unshifted key, since the client sends Shift itself. */
#ifndef DOM0_KEYMAP_H
#define DOM0_KEYMAP_H

#include <stdint.h>

/* The key code, or 0 for a keysym with no key on a US keyboard. */
uint32_t keysym_to_keycode(uint32_t keysym);

#endif
