// The 82540EM's serial EEPROM: a 64-word 93C46 Microwire part. The image carries the MAC address
// (words 0-2), the PCI identity words, the init-control words and a checksum word (0x3F) making
// the 16-bit sum of all 64 words 0xBABA. Two read paths: EERD (start bit, address, done + data)
// and the bit-banged EECD pins (CS, SK, DI in, DO out) that Linux's e1000 driver uses on 82540.
import { S } from "./state";
import {
  EECD_SK, EECD_CS, EECD_DI, EECD_DO, EECD_GNT, EECD_PRES, EECD_WRITABLE,
  EERD_START, EERD_DONE, EERD_ADDR_MASK, EERD_ADDR_SHIFT, EERD_DATA_SHIFT,
} from "./regs";

export const EEPROM_WORDS: i32 = 64;
export const EEPROM_SUM: u16 = 0xbaba;
export const EE_CHECKSUM_WORD: i32 = 0x3f;
export const EE_INIT_CONTROL1: i32 = 0x0a;
export const EE_SUBSYSTEM_ID: i32 = 0x0b;
export const EE_SUBSYSTEM_VENDOR: i32 = 0x0c;
export const EE_DEVICE_ID: i32 = 0x0d;
export const EE_VENDOR_ID: i32 = 0x0e;
export const EE_INIT_CONTROL2: i32 = 0x0f;

export const VENDOR_INTEL: u16 = 0x8086;
export const DEVICE_82540EM: u16 = 0x100e;
// Intel PRO/1000 MT Desktop Adapter, the board an 82540EM ships on.
export const SUBSYSTEM_ID: u16 = 0x001e;

const OPCODE_READ: u32 = 6; // start bit 1 + opcode 10
const ADDR_BITS: i32 = 6;
const CMD_BITS: i32 = 3 + ADDR_BITS;

// Builds the image for `mac` (S.macAddr). The other words are the values a factory 82540EM board
// carries (the same ones QEMU uses, measured through its EERD): compatibility word 3, PBA number
// 8-9, LED/PHY configuration 0x10-0x22, PXE words 0x30-0x32; unused words erased (0xFFFF).
export function eepromBuild(): void {
  const e = S.eeprom;
  for (let i = 0; i < EEPROM_WORDS; i++) e[i] = 0xffff;
  for (let i = 0; i < 3; i++) e[i] = <u16>S.macAddr[2 * i] | (<u16>S.macAddr[2 * i + 1] << 8);
  e[3] = 0x0000; e[4] = 0xffff; e[5] = 0x0000; e[6] = 0x0000; e[7] = 0x0000;
  e[8] = 0x3000; e[9] = 0x1000;
  e[EE_INIT_CONTROL1] = 0x6403;
  e[EE_SUBSYSTEM_ID] = SUBSYSTEM_ID;
  e[EE_SUBSYSTEM_VENDOR] = VENDOR_INTEL;
  e[EE_DEVICE_ID] = DEVICE_82540EM;
  e[EE_VENDOR_ID] = VENDOR_INTEL;
  e[EE_INIT_CONTROL2] = 0x3040;
  e[0x10] = 0x0008; e[0x11] = 0x2000; e[0x12] = 0x7e14; e[0x13] = 0x0048;
  e[0x14] = 0x1000; e[0x15] = 0x00d8; e[0x16] = 0x0000; e[0x17] = 0x2700;
  e[0x18] = 0x6cc9; e[0x19] = 0x3150; e[0x1a] = 0x0722; e[0x1b] = 0x040b;
  e[0x1c] = 0x0984; e[0x1d] = 0x0000; e[0x1e] = 0xc000; e[0x1f] = 0x0706;
  e[0x20] = 0x1008; e[0x21] = 0x0000; e[0x22] = 0x0f04; e[0x23] = 0x7fff;
  e[0x24] = 0x4d01;
  e[0x30] = 0x0100; e[0x31] = 0x4000; e[0x32] = 0x121c;
  let sum: u16 = 0;
  for (let i = 0; i < EE_CHECKSUM_WORD; i++) sum += e[i];
  e[EE_CHECKSUM_WORD] = <u16>(EEPROM_SUM - sum);
}

export function eepromWord(index: i32): u16 {
  return S.eeprom[index & (EEPROM_WORDS - 1)];
}

// Power-on state of the Microwire shifter (kept across a software reset: Windows 2003's driver
// relies on it, QEMU 356c7ff4b6).
export function eepromResetShifter(): void {
  S.eeOld = 0;
  S.eeInBits = 0;
  S.eeInVal = 0;
  S.eeReading = false;
  S.eeOutPos = 0;
}

// EECD read: the pins the guest drives, GNT and PRES always (no arbitration with firmware), and DO.
// DO idles high (pull-up) and presents the addressed bit, MSB first, while a READ is under way.
export function eecdRead(): u32 {
  let v = (S.eeOld & EECD_WRITABLE) | EECD_GNT | EECD_PRES;
  if (!S.eeReading) return v | EECD_DO;
  const word = eepromWord(S.eeOutPos >> 4);
  const bit = 15 - (S.eeOutPos & 15);
  if (((<u32>word >> bit) & 1) != 0) v |= EECD_DO;
  return v;
}

// EECD write: CS rising resets the shifter; SK rising shifts DI in (9 bits: start, opcode,
// address) until a READ is recognised; SK falling advances the output bit (sequential reads
// continue into the next word as on the real part).
export function eecdWrite(v: u32): void {
  const old = S.eeOld;
  S.eeOld = v & EECD_WRITABLE;
  if ((v & EECD_CS) == 0) return; // deselected: pins are latched, nothing shifts
  if ((old & EECD_CS) == 0) {
    S.eeInBits = 0;
    S.eeInVal = 0;
    S.eeReading = false;
    S.eeOutPos = 0;
    return;
  }
  if (((v ^ old) & EECD_SK) == 0) return; // no clock edge
  if ((v & EECD_SK) == 0) { // falling edge
    if (S.eeReading) S.eeOutPos = (S.eeOutPos + 1) & (EEPROM_WORDS * 16 - 1);
    return;
  }
  if (S.eeReading || S.eeInBits >= CMD_BITS) return; // rising edge while shifting out
  S.eeInVal = (S.eeInVal << 1) | ((v & EECD_DI) != 0 ? 1 : 0);
  S.eeInBits++;
  if (S.eeInBits == CMD_BITS) {
    if ((S.eeInVal >> ADDR_BITS) == OPCODE_READ) {
      S.eeReading = true;
      // the dummy 0 bit is presented during the last address clock; data starts at its falling edge
      S.eeOutPos = (<i32>(S.eeInVal & 0x3f) << 4) - 1;
    }
  }
}

// EERD: a write with START reads the word at address 15:8 at once; the register then holds DONE,
// the address and the data in 31:16 (START self-clears). Addresses past the part read 0 (as QEMU).
export function eerdWrite(v: u32): u32 {
  if ((v & EERD_START) == 0) return v & EERD_ADDR_MASK;
  const addr = (v >> EERD_ADDR_SHIFT) & 0xff;
  const data: u32 = addr < <u32>EEPROM_WORDS ? <u32>eepromWord(<i32>addr) : 0;
  return (v & EERD_ADDR_MASK) | EERD_DONE | (data << EERD_DATA_SHIFT);
}
