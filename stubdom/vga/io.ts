// Access-size plumbing for the I/O regions: the legacy port block (a 16/32-bit access is that
// many byte accesses to consecutive ports, low byte first: outw(0x3C4, idx | data << 8)), the
// DISPI ports (16-bit registers at 0x1CE/0x1CF, 0x1D0 as a second data port) and BAR2.
import { portRead, portWrite } from "./ports";
import { dispiReadIndex, dispiWriteIndex, dispiReadData, dispiWriteData } from "./dispi";
import { S } from "./state";
import {
  VGA_PORT_BASE, VGA_PORT_OFFSET_MASK, MMIO_EDID_END, MMIO_VGA_PORTS, MMIO_VGA_PORTS_END, MMIO_DISPI, MMIO_DISPI_END,
  MMIO_QEXT_SIZE, MMIO_QEXT_BYTE_ORDER, QEXT_REGION_SIZE, QEXT_LITTLE_ENDIAN, PORT_ATTR_INDEX,
} from "./regs";

export function vgaPortsRead(off: i32, size: i32): u32 {
  let v: u32 = 0;
  const n = size > 4 ? 4 : size;
  for (let i = 0; i < n; i++) v |= (portRead(VGA_PORT_BASE + ((off + i) & VGA_PORT_OFFSET_MASK)) & 0xff) << (<u32>i * 8);
  return v;
}

export function vgaPortsWrite(off: i32, size: i32, value: u32): void {
  const n = size > 4 ? 4 : size;
  for (let i = 0; i < n; i++) portWrite(VGA_PORT_BASE + ((off + i) & VGA_PORT_OFFSET_MASK), (value >> (<u32>i * 8)) & 0xff);
}

// Region 0x1CE..0x1D0: offset 0 index, 1 and 2 data.
export function dispiPortsRead(off: i32, size: i32): u32 {
  const v = off == 0 ? dispiReadIndex() : dispiReadData();
  return size == 1 ? v & 0xff : v & 0xffff;
}

export function dispiPortsWrite(off: i32, size: i32, value: u32): void {
  const v = size == 1 ? value & 0xff : value & 0xffff;
  if (off == 0) dispiWriteIndex(v);
  else dispiWriteData(v);
}

// BAR2. EDID: none is provided (reads 0, so no valid header; guests then use their defaults).
export function mmioRead(off: i32, size: i32): u32 {
  if (off < MMIO_EDID_END) return 0;
  if (off >= MMIO_VGA_PORTS && off < MMIO_VGA_PORTS_END) {
    return vgaPortsRead(PORT_ATTR_INDEX - VGA_PORT_BASE + (off - MMIO_VGA_PORTS), size > 2 ? 2 : size);
  }
  if (off >= MMIO_DISPI && off < MMIO_DISPI_END) {
    S.vbeIndex = <u16>((off - MMIO_DISPI) >> 1); // as QEMU: the access selects the register
    const v = dispiReadData();
    // A byte read is one lane of the 16-bit register: the odd address is its high byte. (QEMU
    // widens it to a 16-bit read at the odd address and keeps the low byte; a CPU that splits a
    // 16-bit load into two byte loads — v86 does — then reads the ID 0xB0C5 as 0xC5C5 and Linux's
    // bochs-drm refuses the device: "ID mismatch".)
    if (size == 1) return (off & 1) != 0 ? (v >> 8) & 0xff : v & 0xff;
    return v & 0xffff;
  }
  if (off == MMIO_QEXT_SIZE) return QEXT_REGION_SIZE;
  if (off == MMIO_QEXT_BYTE_ORDER) return QEXT_LITTLE_ENDIAN;
  return 0xffffffff >> (32 - <u32>size * 8);
}

export function mmioWrite(off: i32, size: i32, value: u32): void {
  if (off >= MMIO_VGA_PORTS && off < MMIO_VGA_PORTS_END) {
    vgaPortsWrite(PORT_ATTR_INDEX - VGA_PORT_BASE + (off - MMIO_VGA_PORTS), size > 2 ? 2 : size, value);
    return;
  }
  if (off >= MMIO_DISPI && off < MMIO_DISPI_END) {
    S.vbeIndex = <u16>((off - MMIO_DISPI) >> 1);
    dispiWriteData(value & 0xffff);
    return;
  }
  // 0x604 byte order: only little endian is implemented; other values are ignored.
}
