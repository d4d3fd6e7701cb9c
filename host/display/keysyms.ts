// X11 keysyms (what an RFB client sends in a KeyEvent) to Linux input key codes (evdev KEY_*,
// what our PS/2 device takes as EVENT_KEY and turns into scan codes). The same table as the Xen
// helper's host/dom0/keymap.c: a US layout, shifted characters map to the key that types them
// (the client sends Shift itself), Latin-1 letters of both cases to one key. 0 = no key.

/** Printable ASCII 0x20..0x7E: the key that types it (shifted or not). */
const ASCII: readonly number[] = [
  /* ' ' */ 57, /* ! */ 2, /* " */ 40, /* # */ 4, /* $ */ 5, /* % */ 6, /* & */ 8, /* ' */ 40,
  /* ( */ 10, /* ) */ 11, /* * */ 9, /* + */ 13, /* , */ 51, /* - */ 12, /* . */ 52, /* / */ 53,
  /* 0 */ 11, /* 1 */ 2, /* 2 */ 3, /* 3 */ 4, /* 4 */ 5, /* 5 */ 6, /* 6 */ 7, /* 7 */ 8,
  /* 8 */ 9, /* 9 */ 10, /* : */ 39, /* ; */ 39, /* < */ 51, /* = */ 13, /* > */ 52, /* ? */ 53,
  /* @ */ 3, /* A */ 30, /* B */ 48, /* C */ 46, /* D */ 32, /* E */ 18, /* F */ 33, /* G */ 34,
  /* H */ 35, /* I */ 23, /* J */ 36, /* K */ 37, /* L */ 38, /* M */ 50, /* N */ 49, /* O */ 24,
  /* P */ 25, /* Q */ 16, /* R */ 19, /* S */ 31, /* T */ 20, /* U */ 22, /* V */ 47, /* W */ 17,
  /* X */ 45, /* Y */ 21, /* Z */ 44, /* [ */ 26, /* \ */ 43, /* ] */ 27, /* ^ */ 7, /* _ */ 12,
  /* ` */ 41, /* a */ 30, /* b */ 48, /* c */ 46, /* d */ 32, /* e */ 18, /* f */ 33, /* g */ 34,
  /* h */ 35, /* i */ 23, /* j */ 36, /* k */ 37, /* l */ 38, /* m */ 50, /* n */ 49, /* o */ 24,
  /* p */ 25, /* q */ 16, /* r */ 19, /* s */ 31, /* t */ 20, /* u */ 22, /* v */ 47, /* w */ 17,
  /* x */ 45, /* y */ 21, /* z */ 44, /* { */ 26, /* | */ 43, /* } */ 27, /* ~ */ 41,
];

/** Function, cursor, keypad and modifier keysyms (keysymdef.h 0xFExx/0xFFxx). */
const SPECIAL = new Map<number, number>([
  [0xff08, 14] /* BackSpace */, [0xff09, 15] /* Tab */, [0xfe20, 15] /* ISO_Left_Tab */,
  [0xff0d, 28] /* Return */, [0xff13, 119] /* Pause */, [0xff14, 70] /* Scroll_Lock */,
  [0xff15, 99] /* Sys_Req */, [0xff1b, 1] /* Escape */, [0xff50, 102] /* Home */,
  [0xff51, 105] /* Left */, [0xff52, 103] /* Up */, [0xff53, 106] /* Right */, [0xff54, 108] /* Down */,
  [0xff55, 104] /* Page_Up */, [0xff56, 109] /* Page_Down */, [0xff57, 107] /* End */,
  [0xff61, 99] /* Print */, [0xff63, 110] /* Insert */, [0xff67, 127] /* Menu (KEY_COMPOSE) */,
  [0xff7f, 69] /* Num_Lock */, [0xff8d, 96] /* KP_Enter */, [0xffaa, 55] /* KP_Multiply */,
  [0xffab, 78] /* KP_Add */, [0xffad, 74] /* KP_Subtract */, [0xffae, 83] /* KP_Decimal */,
  [0xffaf, 98] /* KP_Divide */, [0xffb0, 82] /* KP_0 */, [0xffb1, 79] /* KP_1 */, [0xffb2, 80] /* KP_2 */,
  [0xffb3, 81] /* KP_3 */, [0xffb4, 75] /* KP_4 */, [0xffb5, 76] /* KP_5 */, [0xffb6, 77] /* KP_6 */,
  [0xffb7, 71] /* KP_7 */, [0xffb8, 72] /* KP_8 */, [0xffb9, 73] /* KP_9 */,
  [0xff95, 71] /* KP_Home */, [0xff96, 75] /* KP_Left */, [0xff97, 72] /* KP_Up */, [0xff98, 77] /* KP_Right */,
  [0xff99, 80] /* KP_Down */, [0xff9a, 73] /* KP_Prior */, [0xff9b, 81] /* KP_Next */, [0xff9c, 79] /* KP_End */,
  [0xff9e, 82] /* KP_Insert */, [0xff9f, 83] /* KP_Delete */,
  [0xffbe, 59] /* F1 */, [0xffbf, 60] /* F2 */, [0xffc0, 61] /* F3 */, [0xffc1, 62] /* F4 */,
  [0xffc2, 63] /* F5 */, [0xffc3, 64] /* F6 */, [0xffc4, 65] /* F7 */, [0xffc5, 66] /* F8 */,
  [0xffc6, 67] /* F9 */, [0xffc7, 68] /* F10 */, [0xffc8, 87] /* F11 */, [0xffc9, 88] /* F12 */,
  [0xffe1, 42] /* Shift_L */, [0xffe2, 54] /* Shift_R */, [0xffe3, 29] /* Control_L */,
  [0xffe4, 97] /* Control_R */, [0xffe5, 58] /* Caps_Lock */, [0xffe7, 125] /* Meta_L */,
  [0xffe8, 126] /* Meta_R */, [0xffe9, 56] /* Alt_L */, [0xffea, 100] /* Alt_R */,
  [0xfe03, 100] /* ISO_Level3_Shift (AltGr) */, [0xffeb, 125] /* Super_L */, [0xffec, 126] /* Super_R */,
  [0xffff, 111] /* Delete */,
]);

/** The Linux key code for an X11 keysym, or 0 when this layout has no key for it. */
export function keysymToKeycode(keysym: number): number {
  if (keysym >= 0x20 && keysym <= 0x7e) return ASCII[keysym - 0x20]!;
  return SPECIAL.get(keysym) ?? 0;
}
