// The i440FX host bridge (82441FX PMC) at 00:00.0: identity, the PAM shadow-RAM registers and
// SMRAM. What PAM switches is the hypervisor's business: every change of a PAM byte is reported
// with platform(PLATFORM_PAM, register, value) (Xen: hvmloader settled it already, ignored; the
// Node simulator logs it). Other device-specific registers are not modelled and read as zero.
import { platform, PLATFORM_PAM } from "../../lib/abi";
import { SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU } from "../../lib/pci";
import { S, PAM_COUNT } from "./state";

// PAM0 (0x59) holds only F0000–FFFFF in its high nibble; PAM1–6 (0x5A–0x5F) two 16 KiB segments
// each. Per nibble, bit 0 = reads go to RAM, bit 1 = writes go to RAM; the other bits are reserved.
export const REG_PAM0: i32 = 0x59;
const PAM0_WRITABLE: u8 = 0x30;
const PAM_WRITABLE: u8 = 0x33;

// SMRAM control (0x72). C_BASE_SEG (2:0) is fixed at 010 (A0000–BFFFF); G_SMRAME, D_LCK, D_CLS,
// D_OPEN are read/write. Setting D_LCK clears D_OPEN and makes D_LCK, D_OPEN and G_SMRAME read-only
// until reset. Xen HVM guests have no SMM, so nothing is reported: the register only holds state.
export const REG_SMRAM: i32 = 0x72;
const SMRAM_C_BASE_SEG: u8 = 0x02;
export const SMRAM_G_SMRAME: u8 = 0x08;
export const SMRAM_D_LCK: u8 = 0x10;
export const SMRAM_D_CLS: u8 = 0x20;
export const SMRAM_D_OPEN: u8 = 0x40;
const SMRAM_WRITABLE: u8 = SMRAM_G_SMRAME | SMRAM_D_LCK | SMRAM_D_CLS | SMRAM_D_OPEN;
const SMRAM_LOCKED_BITS: u8 = SMRAM_G_SMRAME | SMRAM_D_LCK | SMRAM_D_OPEN;

export function setUpHostBridge(): void {
  const f = S.host;
  f.setSubsystem(SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU);
  f.setWritable(REG_PAM0, PAM0_WRITABLE);
  for (let i = 1; i < PAM_COUNT; i++) f.setWritable(REG_PAM0 + i, PAM_WRITABLE);
  f.set8(REG_SMRAM, SMRAM_C_BASE_SEG);
  f.setWritable(REG_SMRAM, SMRAM_WRITABLE);
  f.register();
}

// Reports each PAM byte that differs from what the hypervisor was last told.
function reportPam(): void {
  for (let i = 0; i < PAM_COUNT; i++) {
    const v = S.host.get8(REG_PAM0 + i);
    if (v == unchecked(S.pamReported[i])) continue;
    unchecked(S.pamReported[i] = v);
    platform(PLATFORM_PAM, REG_PAM0 + i, <i32>v);
  }
}

// Applies the D_LCK rules to the SMRAM byte the generic masked write produced.
function lockSmram(before: u8): void {
  let v = S.host.get8(REG_SMRAM);
  if ((before & SMRAM_D_LCK) != 0) v = (v & ~SMRAM_LOCKED_BITS) | (before & SMRAM_LOCKED_BITS);
  else if ((v & SMRAM_D_LCK) != 0) v &= ~SMRAM_D_OPEN;
  S.host.set8(REG_SMRAM, v);
}

export function hostBridgeWrite(reg: i32, size: i32, value: i32): void {
  const smram = S.host.get8(REG_SMRAM);
  S.host.write(reg, size, value);
  if (reg <= REG_SMRAM && reg + size > REG_SMRAM) lockSmram(smram);
  if (reg < REG_PAM0 + PAM_COUNT && reg + size > REG_PAM0) reportPam();
}

export function hostBridgeReset(): void {
  S.host.reset();
  reportPam();
}
