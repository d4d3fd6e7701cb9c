// The std-vga device module (QEMU-compatible VGA + Bochs VBE, PCI 1234:1111): the ABI exports.
// Each region's accesses go to the file that owns that concern: ports.ts (legacy registers),
// planar.ts (the A0000 window), dispi.ts (VBE), io.ts (access sizes, BAR2), rom.ts (option
// ROM), display.ts (frames and damage); pci-header.ts is the PCI function, state.ts all state
// (one object), layout.ts where VRAM and the surface sit in this module's memory.
export { abi_version, dev_alloc } from "../lib/device";
import { claim, vram_map, SPACE_PORT, SPACE_MMIO, EVENT_DISPLAY_REFRESH } from "../lib/abi";
import { stagingString } from "../lib/device";
import { logError, resetLogBudget } from "../lib/log";
import { VRAM_BASE, setupMemory, heapBelowVram } from "./layout";
import { S, vramSize } from "./state";
import { parseConfig } from "./config";
import { createPciFunction, pciRead, pciWrite, pciReset } from "./pci-header";
import { vgaPortsRead, vgaPortsWrite, dispiPortsRead, dispiPortsWrite, mmioRead, mmioWrite } from "./io";
import { windowRead, windowWrite } from "./planar";
import { installRom, romRead, EVENT_VGA_ROM_IMAGE } from "./rom";
import { refresh, displayReset } from "./display";
import { markByte } from "./dirty";
import {
  REGION_VGA_PORTS, REGION_DISPI_PORTS, REGION_VGA_WINDOW, REGION_LFB, REGION_MMIO, REGION_ROM,
  VGA_PORT_BASE, VGA_PORT_COUNT, VGA_PORT_OFFSET_MASK, DISPI_INDEX_PORT, DISPI_PORT_COUNT,
  VGA_WINDOW_BASE, VGA_WINDOW_SIZE, MMIO_BAR_SIZE,
} from "./regs";
import { sealAfter } from "../lib/heap";

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  if (!heapBelowVram()) { logError("vga: static data reaches the VRAM offset (layout.ts)"); return 1; }
  if (!parseConfig(stagingString(ptr, len))) return 1;
  if (!setupMemory(S.vramBytes)) { logError("vga: cannot grow module memory for VRAM and the surface"); return 1; }
  S.resetRegisters();
  vram_map(REGION_LFB, VRAM_BASE, <i32>vramSize());
  claim(REGION_VGA_PORTS, SPACE_PORT, VGA_PORT_BASE, 0, VGA_PORT_COUNT);
  claim(REGION_DISPI_PORTS, SPACE_PORT, DISPI_INDEX_PORT, 0, DISPI_PORT_COUNT);
  claim(REGION_VGA_WINDOW, SPACE_MMIO, <i32>VGA_WINDOW_BASE, 0, <i32>VGA_WINDOW_SIZE);
  createPciFunction();
  displayReset();
  return 0;
}

export function dev_reset(): void {
  resetLogBudget();
  S.resetRegisters();
  pciReset();
  displayReset();
}

// The LFB normally never reaches here (vram_map: guest accesses go straight to VRAM); when a
// runtime delivers it as ioreqs anyway, it is plain memory with dirty tracking.
function lfbRead(off: u32, size: i32): u32 {
  if (off >= vramSize() || <u64>off + <u64>size > <u64>vramSize()) return 0xffffffff;
  if (size == 1) return <u32>load<u8>(VRAM_BASE + <usize>off);
  if (size == 2) return <u32>load<u16>(VRAM_BASE + <usize>off);
  return load<u32>(VRAM_BASE + <usize>off);
}

function lfbWrite(off: u32, size: i32, v: u32): void {
  if (off >= vramSize() || <u64>off + <u64>size > <u64>vramSize()) return;
  if (size == 1) store<u8>(VRAM_BASE + <usize>off, <u8>v);
  else if (size == 2) store<u16>(VRAM_BASE + <usize>off, <u16>v);
  else store<u32>(VRAM_BASE + <usize>off, v);
  markByte(off);
  markByte(off + <u32>size - 1);
}

function windowReadN(off: u32, size: i32): u32 {
  let v: u32 = 0;
  for (let i = 0; i < size && i < 4; i++) v |= windowRead(off + <u32>i) << (<u32>i * 8);
  return v;
}

function windowWriteN(off: u32, size: i32, value: u32): void {
  for (let i = 0; i < size && i < 4; i++) windowWrite(off + <u32>i, (value >> (<u32>i * 8)) & 0xff);
}

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  const off = <u32>offset;
  switch (region) {
    case REGION_VGA_PORTS: return <i32>vgaPortsRead(offset & VGA_PORT_OFFSET_MASK, size);
    case REGION_DISPI_PORTS: return <i32>dispiPortsRead(offset, size);
    case REGION_VGA_WINDOW: return <i32>windowReadN(off, size);
    case REGION_LFB: return <i32>lfbRead(off, size);
    case REGION_MMIO: return <i32>mmioRead(offset & <i32>(MMIO_BAR_SIZE - 1), size);
    case REGION_ROM: return <i32>romRead(off, size);
    default: return -1;
  }
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  const off = <u32>offset;
  const v = <u32>value;
  switch (region) {
    case REGION_VGA_PORTS: vgaPortsWrite(offset & VGA_PORT_OFFSET_MASK, size, v); break;
    case REGION_DISPI_PORTS: dispiPortsWrite(offset, size, v); break;
    case REGION_VGA_WINDOW: windowWriteN(off, size, v); break;
    case REGION_LFB: lfbWrite(off, size, v); break;
    case REGION_MMIO: mmioWrite(offset & <i32>(MMIO_BAR_SIZE - 1), size, v); break;
    default: break; // the ROM is read-only
  }
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 { return pciRead(bdf, reg, size); }
export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void { pciWrite(bdf, reg, size, value); }

export function dev_event(kind: i32, a: i32, b: i32): void {
  if (kind == EVENT_DISPLAY_REFRESH) refresh();
  else if (kind == EVENT_VGA_ROM_IMAGE) installRom(<usize>a, b);
}
