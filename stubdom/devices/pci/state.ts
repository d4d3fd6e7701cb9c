// All of the platform device's state in one object `S`: the configuration headers (two, three with
// the PIIX4 PM function) (each a
// PciFunction holding its 256 bytes and masks), the reset control register, the ACPI control
// and GPE registers — the true state — and, host-facing, what was last reported to the
// hypervisor (PCI link routes, PAM bytes) so only changes are reported; a restore must report
// them again. There are no caches.
import { PciFunction } from "../../lib/pci";

export const HOST_BRIDGE_BDF: i32 = 0x00; // 00:00.0
export const ISA_BRIDGE_BDF: i32 = 0x08; // 00:01.0
export const PM_BDF: i32 = 0x0b; // 00:01.3 (with pm=on)

const VENDOR_INTEL: u16 = 0x8086;
const DEVICE_82441FX: u16 = 0x1237;
const DEVICE_82371SB_ISA: u16 = 0x7000;
const DEVICE_82371AB_PM: u16 = 0x7113;
const CLASS_OTHER_BRIDGE: u32 = 0x068000;
const REVISION_82371AB_PM: u8 = 0x03;
const CLASS_HOST_BRIDGE: u32 = 0x060000;
const CLASS_ISA_BRIDGE: u32 = 0x060100;
const REVISION_82441FX: u8 = 0x02;
const REVISION_82371SB: u8 = 0x00;
export const GPE0_STS_LEN: i32 = 2; // GPE0_STS, then GPE0_EN of the same length

export const PAM_COUNT: i32 = 7;
export const LINK_COUNT: i32 = 4;

export class PlatformState {
  host: PciFunction = new PciFunction(HOST_BRIDGE_BDF, VENDOR_INTEL, DEVICE_82441FX, CLASS_HOST_BRIDGE, REVISION_82441FX);
  isa: PciFunction = new PciFunction(ISA_BRIDGE_BDF, VENDOR_INTEL, DEVICE_82371SB_ISA, CLASS_ISA_BRIDGE, REVISION_82371SB);
  pm: PciFunction = new PciFunction(PM_BDF, VENDOR_INTEL, DEVICE_82371AB_PM, CLASS_OTHER_BRIDGE, REVISION_82371AB_PM);
  pmPresent: bool = false; // configuration: pm=on
  rcr: u8 = 0; // 0xCF9: SRST and the last written RCPU (for its 0→1 transition)
  pm1aCnt: u16 = 0; // 0xB004: BM_RLD and SLP_TYP as last written (SCI_EN is fixed, SLP_EN acts)
  gpe0Sts: StaticArray<u8> = new StaticArray<u8>(GPE0_STS_LEN); // 0xAFE0
  gpe0En: StaticArray<u8> = new StaticArray<u8>(GPE0_STS_LEN); // 0xAFE2
  linkRoute: StaticArray<i32> = new StaticArray<i32>(LINK_COUNT); // host-facing: ISA IRQ reported per link, 0 = none
  pamReported: StaticArray<u8> = new StaticArray<u8>(PAM_COUNT); // host-facing: PAM bytes reported
}

export const S = new PlatformState();
