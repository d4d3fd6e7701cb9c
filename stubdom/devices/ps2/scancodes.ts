// Scan-code tables, written from the documented key positions (IBM PC AT / MF2 keyboard):
//  * EVDEV_TO_SET2: Linux evdev KEY_* code → scan-code set 2 make code (bit 8 = E0-prefixed).
//    Two keys have multi-byte sequences of their own: KEY_SYSRQ (Print Screen) and KEY_PAUSE.
//  * set2ToSet1(): the i8042's set-2 → set-1 translation (CTR bit 6), also used by the keyboard
//    itself when the guest selects set 1. Built from the same key list: for every key, the
//    set-2 code maps to its set-1 code. Codes no key produces map to themselves, except the two
//    non-key bytes a keyboard sends below 0x80 (overrun 0x00 → 0xFF, the scan-set reply 0x02 →
//    0x41); everything from 0x80 up passes unchanged except 0x83 (F7 in set 2) → 0x41.
// Keys not listed (F13–F24, most multimedia keys) are dropped with one log line.

export const SEQ_PRINT_SCREEN: u16 = 0x200;
export const SEQ_PAUSE: u16 = 0x201;
export const E0_FLAG: u16 = 0x100;
export const EVDEV_MAX: i32 = 256;

// Triples: evdev code, set-2 code (| E0_FLAG), set-1 code. Set-1 is 0 for E0 keys whose base
// code is already listed for its unprefixed twin (the translation is by byte, not by key).
const KEYS: StaticArray<u16> = [
  1, 0x76, 0x01,      // ESC
  2, 0x16, 0x02, 3, 0x1e, 0x03, 4, 0x26, 0x04, 5, 0x25, 0x05, 6, 0x2e, 0x06,  // 1-5
  7, 0x36, 0x07, 8, 0x3d, 0x08, 9, 0x3e, 0x09, 10, 0x46, 0x0a, 11, 0x45, 0x0b, // 6-0
  12, 0x4e, 0x0c,     // MINUS
  13, 0x55, 0x0d,     // EQUAL
  14, 0x66, 0x0e,     // BACKSPACE
  15, 0x0d, 0x0f,     // TAB
  16, 0x15, 0x10, 17, 0x1d, 0x11, 18, 0x24, 0x12, 19, 0x2d, 0x13, 20, 0x2c, 0x14, // Q W E R T
  21, 0x35, 0x15, 22, 0x3c, 0x16, 23, 0x43, 0x17, 24, 0x44, 0x18, 25, 0x4d, 0x19, // Y U I O P
  26, 0x54, 0x1a,     // LEFTBRACE
  27, 0x5b, 0x1b,     // RIGHTBRACE
  28, 0x5a, 0x1c,     // ENTER
  29, 0x14, 0x1d,     // LEFTCTRL
  30, 0x1c, 0x1e, 31, 0x1b, 0x1f, 32, 0x23, 0x20, 33, 0x2b, 0x21, 34, 0x34, 0x22, // A S D F G
  35, 0x33, 0x23, 36, 0x3b, 0x24, 37, 0x42, 0x25, 38, 0x4b, 0x26,                // H J K L
  39, 0x4c, 0x27,     // SEMICOLON
  40, 0x52, 0x28,     // APOSTROPHE
  41, 0x0e, 0x29,     // GRAVE
  42, 0x12, 0x2a,     // LEFTSHIFT
  43, 0x5d, 0x2b,     // BACKSLASH
  44, 0x1a, 0x2c, 45, 0x22, 0x2d, 46, 0x21, 0x2e, 47, 0x2a, 0x2f, 48, 0x32, 0x30, // Z X C V B
  49, 0x31, 0x31, 50, 0x3a, 0x32,                                                 // N M
  51, 0x41, 0x33,     // COMMA
  52, 0x49, 0x34,     // DOT
  53, 0x4a, 0x35,     // SLASH
  54, 0x59, 0x36,     // RIGHTSHIFT
  55, 0x7c, 0x37,     // KPASTERISK
  56, 0x11, 0x38,     // LEFTALT
  57, 0x29, 0x39,     // SPACE
  58, 0x58, 0x3a,     // CAPSLOCK
  59, 0x05, 0x3b, 60, 0x06, 0x3c, 61, 0x04, 0x3d, 62, 0x0c, 0x3e, 63, 0x03, 0x3f, // F1-F5
  64, 0x0b, 0x40, 65, 0x83, 0x41, 66, 0x0a, 0x42, 67, 0x01, 0x43, 68, 0x09, 0x44, // F6-F10
  69, 0x77, 0x45,     // NUMLOCK
  70, 0x7e, 0x46,     // SCROLLLOCK
  71, 0x6c, 0x47, 72, 0x75, 0x48, 73, 0x7d, 0x49, // KP7 KP8 KP9
  74, 0x7b, 0x4a,     // KPMINUS
  75, 0x6b, 0x4b, 76, 0x73, 0x4c, 77, 0x74, 0x4d, // KP4 KP5 KP6
  78, 0x79, 0x4e,     // KPPLUS
  79, 0x69, 0x4f, 80, 0x72, 0x50, 81, 0x7a, 0x51, // KP1 KP2 KP3
  82, 0x70, 0x52,     // KP0
  83, 0x71, 0x53,     // KPDOT
  86, 0x61, 0x56,     // 102ND (the extra key left of Z on ISO keyboards)
  87, 0x78, 0x57,     // F11
  88, 0x07, 0x58,     // F12
  89, 0x51, 0x73,     // RO
  92, 0x64, 0x79,     // HENKAN
  93, 0x13, 0x70,     // KATAKANAHIRAGANA
  94, 0x67, 0x7b,     // MUHENKAN
  96, 0x15a, 0,       // KPENTER      E0 5A
  97, 0x114, 0,       // RIGHTCTRL    E0 14
  98, 0x14a, 0,       // KPSLASH      E0 4A
  100, 0x111, 0,      // RIGHTALT     E0 11
  102, 0x16c, 0,      // HOME         E0 6C
  103, 0x175, 0,      // UP           E0 75
  104, 0x17d, 0,      // PAGEUP       E0 7D
  105, 0x16b, 0,      // LEFT         E0 6B
  106, 0x174, 0,      // RIGHT        E0 74
  107, 0x169, 0,      // END          E0 69
  108, 0x172, 0,      // DOWN         E0 72
  109, 0x17a, 0,      // PAGEDOWN     E0 7A
  110, 0x170, 0,      // INSERT       E0 70
  111, 0x171, 0,      // DELETE       E0 71
  113, 0x123, 0,      // MUTE         E0 23
  114, 0x121, 0,      // VOLUMEDOWN   E0 21
  115, 0x132, 0,      // VOLUMEUP     E0 32
  116, 0x137, 0x5e,   // POWER        E0 37 (set 1 E0 5E)
  117, 0x0f, 0x59,    // KPEQUAL
  121, 0x6d, 0x7e,    // KPCOMMA
  124, 0x6a, 0x7d,    // YEN
  125, 0x11f, 0x5b,   // LEFTMETA     E0 1F (set 1 E0 5B)
  126, 0x127, 0x5c,   // RIGHTMETA    E0 27 (set 1 E0 5C)
  127, 0x12f, 0x5d,   // COMPOSE      E0 2F (set 1 E0 5D)
  142, 0x13f, 0x5f,   // SLEEP        E0 3F (set 1 E0 5F)
  143, 0x15e, 0x63,   // WAKEUP       E0 5E (set 1 E0 63)
  163, 0x14d, 0,      // NEXTSONG     E0 4D
  164, 0x134, 0,      // PLAYPAUSE    E0 34
  165, 0x115, 0,      // PREVIOUSSONG E0 15
  166, 0x13b, 0,      // STOPCD       E0 3B
];

const evdevToSet2 = new StaticArray<u16>(EVDEV_MAX);
const set2ToSet1Table = new StaticArray<u8>(256);

function buildTables(): void {
  for (let i: i32 = 0; i < 256; i++) unchecked(set2ToSet1Table[i] = <u8>i);
  unchecked(set2ToSet1Table[0x00] = 0xff); // overrun: set 2 0x00, set 1 0xFF
  unchecked(set2ToSet1Table[0x02] = 0x41); // the 8042 maps 0x02 like F7 (scan-set query reply 2 → 0x41)
  unchecked(set2ToSet1Table[0x12] = 0x2a); // PrintScreen's fake shift (E0 12) = left shift
  unchecked(set2ToSet1Table[0x7c] = 0x37); // PrintScreen's E0 7C = keypad * position
  unchecked(set2ToSet1Table[0x84] = 0x54); // Alt+SysRq
  for (let i: i32 = 0; i + 2 < KEYS.length; i += 3) {
    const ev = <i32>unchecked(KEYS[i]);
    const s2 = unchecked(KEYS[i + 1]);
    const s1 = unchecked(KEYS[i + 2]);
    unchecked(evdevToSet2[ev] = s2);
    if (s1 != 0) unchecked(set2ToSet1Table[s2 & 0xff] = <u8>s1);
  }
  unchecked(evdevToSet2[99] = SEQ_PRINT_SCREEN); // KEY_SYSRQ is the Print Screen key
  unchecked(evdevToSet2[119] = SEQ_PAUSE);       // KEY_PAUSE
}
buildTables();

// Set-2 make code for an evdev key: 0 = not mapped; E0_FLAG set for E0-prefixed keys;
// SEQ_PRINT_SCREEN / SEQ_PAUSE for the two keys with sequences of their own.
export function set2ForEvdev(code: i32): u16 {
  if (code < 0 || code >= EVDEV_MAX) return 0;
  return unchecked(evdevToSet2[code]);
}

// The i8042 translation of one set-2 byte (the F0 break prefix is handled by the caller).
export function set2ToSet1(b: u8): u8 {
  return unchecked(set2ToSet1Table[<i32>b]);
}
