// The e1000's PCI function: 8086:100E revision 3, class 0x020000 (Ethernet), subsystem
// 8086:001E (PRO/1000 MT Desktop, as in the EEPROM), BAR0 128 KiB MMIO register file, BAR1 a
// 64-byte I/O window (IOADDR/IODATA), INTA on the device's irq pin 0, and an expansion ROM BAR
// sized to the option ROM the host delivers (iPXE's pxe-e1000.rom: 128 KiB; none delivered: no
// ROM BAR, it reads 0), as QEMU's e1000 with its romfile.
import { PciFunction, BAR_IO, BAR_MEM } from "../../lib/pci";
import { OptionRom } from "../../lib/rom";
import { VENDOR_INTEL, DEVICE_82540EM, SUBSYSTEM_ID } from "./eeprom";
import { BAR0_SIZE, BAR1_SIZE } from "./regs";
import { S } from "./state";

export const REGION_MMIO: i32 = 0;
export const REGION_IO: i32 = 1;
export const REGION_ROM: i32 = 2;
// The largest option ROM accepted: QEMU's efi-e1000.rom sizes its BAR to 256 KiB.
export const ROM_CAPACITY: u32 = 0x40000;
export const REVISION: u8 = 3;
export const CLASS_ETHERNET: u32 = 0x020000;
// Master-abort status bit (PCI status 13), set when a DMA of ours hits nothing.
export const STATUS_RECEIVED_MASTER_ABORT: u16 = 0x2000;

export function pciCreate(bdf: i32): void {
  const f = new PciFunction(bdf, VENDOR_INTEL, DEVICE_82540EM, CLASS_ETHERNET, REVISION);
  f.setSubsystem(VENDOR_INTEL, SUBSYSTEM_ID);
  f.defineBar(0, BAR_MEM, BAR0_SIZE, REGION_MMIO);
  f.defineBar(1, BAR_IO, BAR1_SIZE, REGION_IO);
  f.setInterruptPin(1, 0);
  f.register();
  S.pciFn = f;
  S.rom = new OptionRom(f, REGION_ROM, ROM_CAPACITY, VENDOR_INTEL, DEVICE_82540EM, <i32>(CLASS_ETHERNET >> 8), false);
}

// EVENT_ROM_IMAGE: the option ROM (or its next piece); reads through the ROM BAR.
export function romDeliver(ptr: usize, len: i32): void {
  if (S.rom !== null) changetype<OptionRom>(S.rom).deliver(ptr, len);
}

export function romRead(off: u32, size: i32): u32 {
  return S.rom === null ? 0xffffffff : changetype<OptionRom>(S.rom).read(off, size);
}

export function pci(): PciFunction {
  return changetype<PciFunction>(S.pciFn);
}

export function busMaster(): bool {
  return S.pciFn !== null && pci().busMaster();
}

// A DMA that hit no memory: the bus reports a master abort; the device drops that transfer.
export function noteMasterAbort(): void {
  if (S.pciFn !== null) pci().setStatus(STATUS_RECEIVED_MASTER_ABORT);
}
