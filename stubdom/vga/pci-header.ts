// The PCI function 00:02.0 (configurable): 1234:1111, class 0x0300, revision 2, subsystem
// 1af4:1100, BAR0 prefetchable 32-bit memory = VRAM (the LFB), BAR2 4 KiB MMIO (EDID, VGA port
// mirror, DISPI, QEMU extension registers), expansion ROM BAR of 64 KiB when a ROM is configured.
import { PciFunction, BAR_MEM, BAR_MEM_PREFETCH } from "../lib/pci";
import {
  VGA_VENDOR, VGA_DEVICE, VGA_CLASS, VGA_REVISION, VGA_SUBSYS_VENDOR, VGA_SUBSYS_ID,
  MMIO_BAR_SIZE, ROM_BAR_SIZE, REGION_LFB, REGION_MMIO, REGION_ROM,
} from "./regs";

export let pci: PciFunction | null = null;

export function createPciFunction(bdf: i32, vram: u32, withRom: bool): void {
  const f = new PciFunction(bdf, VGA_VENDOR, VGA_DEVICE, VGA_CLASS, VGA_REVISION);
  f.setSubsystem(VGA_SUBSYS_VENDOR, VGA_SUBSYS_ID);
  f.defineBar(0, BAR_MEM_PREFETCH, vram, REGION_LFB);
  f.defineBar(2, BAR_MEM, MMIO_BAR_SIZE, REGION_MMIO);
  if (withRom) f.defineRom(ROM_BAR_SIZE, REGION_ROM);
  f.register();
  pci = f;
}

export function pciRead(bdf: i32, reg: i32, size: i32): i32 {
  const f = pci;
  if (f === null || bdf != f.bdf) return -1;
  return f.read(reg, size);
}

export function pciWrite(bdf: i32, reg: i32, size: i32, value: i32): void {
  const f = pci;
  if (f === null || bdf != f.bdf) return;
  f.write(reg, size, value);
}

export function pciReset(): void {
  const f = pci;
  if (f !== null) f.reset();
}
