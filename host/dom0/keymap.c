/* host/dom0/keymap.c — see keymap.h. Key codes are linux/input-event-codes.h's KEY_*; keysyms
 * are X11's keysymdef.h (Latin-1 characters are their own code; function keys 0xFFxx). */
#include "keymap.h"

#include <stddef.h>

/* Printable ASCII 0x20..0x7E: the key that types it (shifted or not). */
static const uint8_t ascii[95] = {
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
};

static const struct { uint16_t keysym, code; } special[] = {
    { 0xff08, 14 },  /* BackSpace */     { 0xff09, 15 },  /* Tab */
    { 0xfe20, 15 },  /* ISO_Left_Tab */  { 0xff0d, 28 },  /* Return */
    { 0xff13, 119 }, /* Pause */         { 0xff14, 70 },  /* Scroll_Lock */
    { 0xff1b, 1 },   /* Escape */        { 0xff50, 102 }, /* Home */
    { 0xff51, 105 }, /* Left */          { 0xff52, 103 }, /* Up */
    { 0xff53, 106 }, /* Right */         { 0xff54, 108 }, /* Down */
    { 0xff55, 104 }, /* Page_Up */       { 0xff56, 109 }, /* Page_Down */
    { 0xff57, 107 }, /* End */           { 0xff61, 99 },  /* Print */
    { 0xff63, 110 }, /* Insert */        { 0xff67, 127 }, /* Menu (KEY_COMPOSE) */
    { 0xff7f, 69 },  /* Num_Lock */      { 0xff8d, 96 },  /* KP_Enter */
    { 0xffaa, 55 },  /* KP_Multiply */   { 0xffab, 78 },  /* KP_Add */
    { 0xffad, 74 },  /* KP_Subtract */   { 0xffae, 83 },  /* KP_Decimal */
    { 0xffaf, 98 },  /* KP_Divide */     { 0xffb0, 82 },  /* KP_0 */
    { 0xffb1, 79 },  /* KP_1 */          { 0xffb2, 80 },  /* KP_2 */
    { 0xffb3, 81 },  /* KP_3 */          { 0xffb4, 75 },  /* KP_4 */
    { 0xffb5, 76 },  /* KP_5 */          { 0xffb6, 77 },  /* KP_6 */
    { 0xffb7, 71 },  /* KP_7 */          { 0xffb8, 72 },  /* KP_8 */
    { 0xffb9, 73 },  /* KP_9 */          { 0xffbe, 59 },  /* F1 */
    { 0xffbf, 60 },  /* F2 */            { 0xffc0, 61 },  /* F3 */
    { 0xffc1, 62 },  /* F4 */            { 0xffc2, 63 },  /* F5 */
    { 0xffc3, 64 },  /* F6 */            { 0xffc4, 65 },  /* F7 */
    { 0xffc5, 66 },  /* F8 */            { 0xffc6, 67 },  /* F9 */
    { 0xffc7, 68 },  /* F10 */           { 0xffc8, 87 },  /* F11 */
    { 0xffc9, 88 },  /* F12 */           { 0xffe1, 42 },  /* Shift_L */
    { 0xffe2, 54 },  /* Shift_R */       { 0xffe3, 29 },  /* Control_L */
    { 0xffe4, 97 },  /* Control_R */     { 0xffe5, 58 },  /* Caps_Lock */
    { 0xffe7, 125 }, /* Meta_L */        { 0xffe8, 126 }, /* Meta_R */
    { 0xffe9, 56 },  /* Alt_L */         { 0xffea, 100 }, /* Alt_R */
    { 0xfe03, 100 }, /* ISO_Level3_Shift (AltGr) */
    { 0xffeb, 125 }, /* Super_L */       { 0xffec, 126 }, /* Super_R */
    { 0xffff, 111 }, /* Delete */
};

uint32_t keysym_to_keycode(uint32_t keysym)
{
    if (keysym >= 0x20 && keysym <= 0x7e)
        return ascii[keysym - 0x20];
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (special[i].keysym == keysym)
            return special[i].code;
    return 0;
}
