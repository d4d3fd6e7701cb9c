// The PCI function 00:02.0 (configurable): 1234:1111, class 0x0300, revision 2, subsystem
// 1af4:1100, BAR0 prefetchable 32-bit memory = VRAM (the LFB), BAR2 4 KiB MMIO (EDID, VGA port
// mirror, DISPI, QEMU extension registers), expansion ROM BAR of 64 KiB when a ROM is configured.
// The function (its header and BARs) is part of the device state: S.pci.
import { PciFunction, BAR_MEM, BAR_MEM_PREFETCH } from "../lib/pci";
import { OptionRom } from "../lib/rom";
import { S } from "./state";
import {
  VGA_VENDOR, VGA_DEVICE, VGA_CLASS, VGA_REVISION, VGA_SUBSYS_VENDOR, VGA_SUBSYS_ID,
  MMIO_BAR_SIZE, ROM_BAR_SIZE, REGION_LFB, REGION_MMIO, REGION_ROM,
} from "./regs";

const BAR_LFB: i32 = 0;
const BAR_MMIO: i32 = 2;

// From the configuration in S (bdf, VRAM size, whether a ROM is configured).
export function createPciFunction(): void {
  const f = new PciFunction(S.bdf, VGA_VENDOR, VGA_DEVICE, VGA_CLASS, VGA_REVISION);
  f.setSubsystem(VGA_SUBSYS_VENDOR, VGA_SUBSYS_ID);
  f.defineBar(BAR_LFB, BAR_MEM_PREFETCH, S.vramBytes, REGION_LFB);
  f.defineBar(BAR_MMIO, BAR_MEM, MMIO_BAR_SIZE, REGION_MMIO);
  if (S.romConfigured) S.rom = new OptionRom(f, REGION_ROM, ROM_BAR_SIZE, VGA_VENDOR, VGA_DEVICE, VGA_CLASS >> 8, true);
  f.register();
  S.pci = f;
}

export function pciRead(bdf: i32, reg: i32, size: i32): i32 {
  const f = S.pci;
  if (f === null || bdf != f.bdf) return -1;
  return f.read(reg, size);
}

export function pciWrite(bdf: i32, reg: i32, size: i32, value: i32): void {
  const f = S.pci;
  if (f === null || bdf != f.bdf) return;
  f.write(reg, size, value);
}

export function pciReset(): void {
  const f = S.pci;
  if (f !== null) f.reset();
}
