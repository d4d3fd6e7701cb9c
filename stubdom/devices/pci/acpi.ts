// The ACPI registers Xen's FADT gives the device model (hvmloader's tables, qemu-xen layout):
// PM1a_CNT at port 0xB004 (2 bytes) and the GPE0 block at 0xAFE0 (2 status bytes, then 2 enable
// bytes). Xen serves PM1a_STS/PM1a_EN (0xB000) and the PM timer (0xB008) itself. The FADT names
// no SMI command port, so the platform is always in ACPI mode: SCI_EN reads 1 and cannot change.
// Writing SLP_EN with SLP_TYP 0 — the value of Xen's \_S5 (and \_S4) packages — powers the guest
// off: platform(PLATFORM_POWEROFF). Other sleep types (SLP_TYP 1 is \_S3, present with libxl's
// acpi_s3) are refused with a log line (once, then counted: lib/log.ts): suspend to RAM is not served. Nothing here raises a GPE,
// so the status bytes stay 0 (write-1-to-clear); the enable bytes keep what the guest writes.
import { platform, PLATFORM_POWEROFF } from "../../lib/abi";
import { guestError } from "../../lib/log";
import { S, GPE0_STS_LEN } from "./state";

export const PM1A_CNT_PORT: i32 = 0xb004;
export const PM1A_CNT_LEN: i32 = 2;
export const GPE0_PORT: i32 = 0xafe0;
export const GPE0_LEN: i32 = 2 * GPE0_STS_LEN; // GPE0_STS, then GPE0_EN

const CNT_SCI_EN: u16 = 0x0001;
const CNT_BM_RLD: u16 = 0x0002;
const CNT_SLP_TYP_SHIFT: u16 = 10;
const CNT_SLP_TYP: u16 = 0x1c00;
const CNT_SLP_EN: u16 = 0x2000;
const SLP_TYP_SOFT_OFF: u16 = 0; // Xen's \_S5 and \_S4: { 0, 0, 0, 0 }

export function pm1aCntRead(): u16 {
  return CNT_SCI_EN | S.pm1aCnt;
}

// GBL_RLS (bit 2) would signal an SMI handler; there is none, so it is dropped like the
// reserved bits. SLP_EN is write-only: it acts and is not kept.
export function pm1aCntWrite(v: u16): void {
  S.pm1aCnt = v & (CNT_BM_RLD | CNT_SLP_TYP);
  if ((v & CNT_SLP_EN) == 0) return;
  const typ = (v & CNT_SLP_TYP) >> CNT_SLP_TYP_SHIFT;
  if (typ == SLP_TYP_SOFT_OFF) platform(PLATFORM_POWEROFF, 0, 0);
  else guestError("ACPI sleep type %d asked for; only soft-off (SLP_TYP 0, S5) is served (use acpi_s3=0)", <u32>typ);
}

export function gpe0Read(byte: i32): u8 {
  return byte < GPE0_STS_LEN ? S.gpe0Sts[byte] : S.gpe0En[byte - GPE0_STS_LEN];
}

export function gpe0Write(byte: i32, v: u8): void {
  if (byte < GPE0_STS_LEN) S.gpe0Sts[byte] &= ~v;
  else S.gpe0En[byte - GPE0_STS_LEN] = v;
}

export function acpiReset(): void {
  S.pm1aCnt = 0;
  for (let i = 0; i < GPE0_STS_LEN; i++) { S.gpe0Sts[i] = 0; S.gpe0En[i] = 0; }
}
