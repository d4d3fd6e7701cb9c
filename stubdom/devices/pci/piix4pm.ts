// The PIIX4 power-management function (82371AB function 3) at 00:01.3, as QEMU's xenfv machine
// has it (hw/acpi/piix4.c, `piix4-pm`): identity 8086:7113, class 0680, revision 03, INTA, and
// its reset values. Configuration space only: the PM I/O block its PMBA (0x40) and PMREGMISC
// (0x80) would enable is Xen's on Xen (PM1a_STS/EN, the PM timer; PM1a_CNT and GPE0 are acpi.ts),
// so a base written there (hvmloader writes 0xB001 and enables it) is kept and decodes nothing
// here; likewise the SMBus base (0x90) and its host configuration (0xD2): no SMBus is served.
// Present with `pm=on` (devices.conf: when dm-argv has no -no-acpi).
import { PCI_STATUS, PCI_INT_PIN, STATUS_FAST_B2B, STATUS_DEVSEL_MEDIUM, SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU } from "../../lib/pci";
import { S } from "./state";

const REG_PMBA: i32 = 0x40; // PM base address: bits 15:6, bit 0 reads 1 (I/O space)
const REG_DEVACTB: i32 = 0x58; // device activity B .. 0x5B
const REG_PMREGMISC: i32 = 0x80; // bit 0: PM I/O space enable
const REG_SMBBA: i32 = 0x90; // SMBus base address: bits 15:4, bit 0 reads 1
const REG_SMBHSTCFG: i32 = 0xd2; // SMBus host configuration
const SMB_IO_BASE: u16 = 0xb100; // QEMU's pc machine
const SMM_ALREADY_INITED: u8 = 0x02; // 0x5B: QEMU's mark when SMM is off (Xen: always)

export function setUpPmFunction(): void {
  const f = S.pm;
  f.setSubsystem(SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU);
  f.set16(PCI_STATUS, STATUS_FAST_B2B | STATUS_DEVSEL_MEDIUM);
  f.set8(PCI_INT_PIN, 1); // INTA; the SCI is Xen's, this function never raises it
  f.set8(REG_PMBA, 0x01);
  f.setWritable(REG_PMBA, 0xc0);
  f.setWritable(REG_PMBA + 1, 0xff);
  for (let i = 0; i < 4; i++) f.setWritable(REG_DEVACTB + i, 0xff);
  f.set8(REG_DEVACTB + 3, SMM_ALREADY_INITED);
  f.setWritable(REG_PMREGMISC, 0x01);
  f.set16(REG_SMBBA, SMB_IO_BASE | 1);
  f.setWritable(REG_SMBBA, 0xf0);
  f.setWritable(REG_SMBBA + 1, 0xff);
  f.set8(REG_SMBHSTCFG, 0x09);
  f.setWritable(REG_SMBHSTCFG, 0x0f);
  f.register();
}
