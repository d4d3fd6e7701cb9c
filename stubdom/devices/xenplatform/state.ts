// The Xen platform device's whole state, in one object `S`: its PCI function, what the guest's
// PV drivers told it (product and build number), the unplug mask already carried out (devices
// unplugged stay unplugged until the device model restarts, as QEMU's are unparented), and the
// driver log line being assembled (scratch: only whole lines mean anything).
import { PciFunction } from "../../lib/pci";
import { LOG_LINE_MAX } from "./regs";

export class PlatformState {
  pci: PciFunction | null = null; // made by dev_init
  product: i32 = -1;              // product number written at 0x12 (-1: none yet)
  build: u32 = 0;                 // build number written at 0x10
  unplugged: i32 = 0;             // UNPLUG_* bits carried out (survives a reset)
  logBuf: StaticArray<u8> = new StaticArray<u8>(LOG_LINE_MAX);
  logLen: i32 = 0;
}

export const S = new PlatformState();
