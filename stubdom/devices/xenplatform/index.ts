// The Xen platform PCI device (5853:0001, as QEMU's xen-platform): the module's entry. What PV-on-
// HVM guests look for to find Xen: its PCI function (00:02.0, as qemu-xen's xenfv machine has it)
// with a 256-byte I/O BAR and a 16 MiB prefetchable memory BAR, and the fixed unplug ports
// 0x10–0x1F (ports.ts; docs/devices/xenplatform.md). The memory BAR is only decoded — sized and
// placed by firmware — and never claimed: the guest maps its grant table and shared-info page into
// it (XENMEM_add_to_physmap), so its accesses there are RAM, not ours to serve. INTA is the
// interrupt pin Linux and Windows name as Xen's event-channel callback (HVM_PARAM_CALLBACK_IRQ):
// Xen asserts it itself; the device never does. Configuration:
//   bdf=00:02.0   the PCI function (default 00:02.0)
// With libxl's xen_platform_pci=0 the machine simply has no instance of this module.
import { claim, SPACE_PORT } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { deviceConfig, parseBdf } from "../../lib/config";
import { logError, resetLogBudget } from "../../lib/log";
import { PciFunction, BAR_IO } from "../../lib/pci";
import { S } from "./state";
import {
  XEN_VENDOR, XEN_PLATFORM_DEVICE, PLATFORM_CLASS, PLATFORM_REVISION, DEFAULT_BDF, IO_BAR_SIZE, MMIO_BAR_SIZE, MMIO_BAR_REG,
  BAR_MEM_PREFETCH_BITS, REGION_FIXED, REGION_IO, FIXED_BASE, FIXED_LEN,
} from "./regs";
import { fixedRead, fixedWrite, ioReadByte, ioWriteByte } from "./ports";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

const CONFIG_KEYS: string[] = ["bdf"];

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("xenplatform", stagingString(ptr, len), CONFIG_KEYS);
  if (cfg === null) return 1;
  const text = cfg.str("bdf", DEFAULT_BDF);
  if (cfg.failed("xenplatform")) return 1;
  const bdf = parseBdf(text);
  if (bdf < 0) { logError("xenplatform: bad bdf '" + text + "' (want bus:dev.fn, e.g. 00:02.0)"); return 1; }
  const f = new PciFunction(bdf, XEN_VENDOR, XEN_PLATFORM_DEVICE, PLATFORM_CLASS, PLATFORM_REVISION);
  f.setSubsystem(XEN_VENDOR, XEN_PLATFORM_DEVICE);
  f.defineBar(0, BAR_IO, IO_BAR_SIZE, REGION_IO);
  // BAR1 by hand, not defineBar: its address bits are writable so firmware can size and place
  // it, but no region is ever claimed for it (see above).
  f.set32(MMIO_BAR_REG, BAR_MEM_PREFETCH_BITS);
  f.setWritable32(MMIO_BAR_REG, ~(MMIO_BAR_SIZE - 1));
  f.setInterruptPin(1, 0);
  f.register();
  S.pci = f;
  dev_reset();
  claim(REGION_FIXED, SPACE_PORT, FIXED_BASE, 0, FIXED_LEN);
  return 0;
}

function pci(): PciFunction { return S.pci!; }

// A reset keeps what was unplugged (those devices are gone until the device model restarts).
export function dev_reset(): void {
  resetLogBudget();
  S.product = -1;
  S.build = 0;
  S.logLen = 0;
  pci().reset();
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 { return pci().read(reg, size); }

export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void { pci().write(reg, size, value); }

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  if (region == REGION_FIXED) return offset >= 0 && offset + n <= FIXED_LEN ? fixedRead(offset, n) : -1;
  if (region != REGION_IO) return -1;
  let v: i32 = 0;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    v |= (off >= 0 && <u32>off < IO_BAR_SIZE ? <i32>ioReadByte(off) : 0xff) << (8 * i);
  }
  return v;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  if (region == REGION_FIXED) {
    if (offset >= 0 && offset + n <= FIXED_LEN) fixedWrite(offset, n, value);
    return;
  }
  if (region != REGION_IO) return;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    if (off >= 0 && <u32>off < IO_BAR_SIZE) ioWriteByte(off, <u8>(value >>> (8 * i)));
  }
}
