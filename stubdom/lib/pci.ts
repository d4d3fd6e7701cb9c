// A PCI function's type-0 configuration header: identity, per-byte write and write-1-to-clear
// masks, BAR sizing (write all-ones, read back the size mask), the expansion-ROM BAR, command-
// register decode that claims and unclaims BARs through the runtime, and INTx with the status
// bit and the INTx-disable bit. Device-specific registers above 0x40 are made writable with
// setWritable() and read back by the device from `cfg`.
import { claim, unclaim, pci_register, irq_set, SPACE_PORT, SPACE_MMIO } from "./abi";

export const PCI_VENDOR_ID: i32 = 0x00;
export const PCI_DEVICE_ID: i32 = 0x02;
export const PCI_COMMAND: i32 = 0x04;
export const PCI_STATUS: i32 = 0x06;
export const PCI_REVISION: i32 = 0x08;
export const PCI_PROG_IF: i32 = 0x09;
export const PCI_CLASS: i32 = 0x0a; // subclass at 0x0a, base class at 0x0b
export const PCI_CACHE_LINE: i32 = 0x0c;
export const PCI_LATENCY: i32 = 0x0d;
export const PCI_HEADER_TYPE: i32 = 0x0e;
export const PCI_BAR0: i32 = 0x10;
export const PCI_SUBSYS_VENDOR: i32 = 0x2c;
export const PCI_SUBSYS_ID: i32 = 0x2e;
export const PCI_ROM: i32 = 0x30;
export const PCI_CAP_PTR: i32 = 0x34;
export const PCI_INT_LINE: i32 = 0x3c;
export const PCI_INT_PIN: i32 = 0x3d;

export const CMD_IO: u16 = 0x0001;
export const CMD_MEM: u16 = 0x0002;
export const CMD_MASTER: u16 = 0x0004;
export const CMD_PARITY: u16 = 0x0040;
export const CMD_SERR: u16 = 0x0100;
export const CMD_INTX_DISABLE: u16 = 0x0400;
const CMD_WRITABLE: u16 = CMD_IO | CMD_MEM | CMD_MASTER | CMD_PARITY | CMD_SERR | CMD_INTX_DISABLE;

export const STATUS_INTX: u16 = 0x0008;
export const STATUS_CAP_LIST: u16 = 0x0010;
export const STATUS_FAST_B2B: u16 = 0x0080;
export const STATUS_DEVSEL_MEDIUM: u16 = 0x0200;
// Master/target abort, SERR and parity bits: write 1 to clear.
const STATUS_W1C: u16 = 0xf900;

// The subsystem IDs every function of QEMU's pc machine carries (SeaBIOS's qemu_detect looks for
// them on 00:00.0 to treat the platform as QEMU-compatible).
export const SUBSYS_VENDOR_QEMU: u16 = 0x1af4;
export const SUBSYS_ID_QEMU: u16 = 0x1100;

export const BAR_IO: i32 = 1;
export const BAR_MEM: i32 = 2;
export const BAR_MEM_PREFETCH: i32 = 3;

const NO_BAR: i32 = 0;

export class PciFunction {
  cfg: StaticArray<u8> = new StaticArray<u8>(256);
  wmask: StaticArray<u8> = new StaticArray<u8>(256);
  w1cmask: StaticArray<u8> = new StaticArray<u8>(256);
  resetImage: StaticArray<u8> = new StaticArray<u8>(256);
  barKind: StaticArray<i32> = new StaticArray<i32>(7); // index 6 = expansion ROM
  barSize: StaticArray<u32> = new StaticArray<u32>(7);
  barRegion: StaticArray<i32> = new StaticArray<i32>(7);
  mappedAddr: StaticArray<u32> = new StaticArray<u32>(7);
  mapped: StaticArray<bool> = new StaticArray<bool>(7);
  irqLevel: bool = false;
  irqPin: i32 = 0; // the device's irq_set pin this function's INTx drives
  removed: bool = false; // unplugged (remove()): gone from the bus for good

  constructor(public bdf: i32, vendor: u16, device: u16, classCode: u32, revision: u8) {
    this.set16(PCI_VENDOR_ID, vendor);
    this.set16(PCI_DEVICE_ID, device);
    this.cfg[PCI_REVISION] = revision;
    this.cfg[PCI_PROG_IF] = <u8>(classCode & 0xff);
    this.cfg[PCI_CLASS] = <u8>((classCode >> 8) & 0xff);
    this.cfg[PCI_CLASS + 1] = <u8>((classCode >> 16) & 0xff);
    this.setWritable16(PCI_COMMAND, CMD_WRITABLE);
    this.w1cmask[PCI_STATUS + 1] = <u8>(STATUS_W1C >> 8);
    this.wmask[PCI_CACHE_LINE] = 0xff;
    this.wmask[PCI_LATENCY] = 0xff;
    this.wmask[PCI_INT_LINE] = 0xff;
    for (let i = 0; i < 7; i++) this.barKind[i] = NO_BAR;
  }

  // --- set-up (before register()) ---------------------------------------------------------

  set8(reg: i32, v: u8): void { this.cfg[reg & 0xff] = v; }
  set16(reg: i32, v: u16): void { this.set8(reg, <u8>v); this.set8(reg + 1, <u8>(v >> 8)); }
  set32(reg: i32, v: u32): void { this.set16(reg, <u16>v); this.set16(reg + 2, <u16>(v >> 16)); }
  get8(reg: i32): u8 { return <u32>reg > 0xff ? 0 : this.cfg[reg]; } // no extended (PCIe) space: reads 0
  get16(reg: i32): u16 { return <u16>this.get8(reg) | (<u16>this.get8(reg + 1) << 8); }
  get32(reg: i32): u32 { return <u32>this.get16(reg) | (<u32>this.get16(reg + 2) << 16); }

  setWritable(reg: i32, mask: u8): void { this.wmask[reg & 0xff] = mask; }
  setWritable16(reg: i32, mask: u16): void { this.setWritable(reg, <u8>mask); this.setWritable(reg + 1, <u8>(mask >> 8)); }
  setWritable32(reg: i32, mask: u32): void { this.setWritable16(reg, <u16>mask); this.setWritable16(reg + 2, <u16>(mask >> 16)); }

  setSubsystem(vendor: u16, id: u16): void { this.set16(PCI_SUBSYS_VENDOR, vendor); this.set16(PCI_SUBSYS_ID, id); }
  setMultiFunction(): void { this.cfg[PCI_HEADER_TYPE] |= 0x80; }
  setStatus(bits: u16): void { this.set16(PCI_STATUS, this.get16(PCI_STATUS) | bits); }

  // INTx pin 1..4 (INTA..INTD); `devicePin` is the irq_set pin the device uses for it.
  setInterruptPin(pin: u8, devicePin: i32): void { this.cfg[PCI_INT_PIN] = pin; this.irqPin = devicePin; }

  // A 32-bit BAR of `size` bytes (a power of two: ≥ 4 for I/O, ≥ 16 for memory), served as
  // runtime region `region` while decoding is enabled.
  defineBar(index: i32, kind: i32, size: u32, region: i32): void {
    this.barKind[index] = kind;
    this.barSize[index] = size;
    this.barRegion[index] = region;
    const reg = PCI_BAR0 + index * 4;
    const flags: u32 = kind == BAR_IO ? 1 : kind == BAR_MEM_PREFETCH ? 8 : 0;
    this.set32(reg, flags);
    this.setWritable32(reg, ~(size - 1) & (kind == BAR_IO ? 0xfffffffc : 0xfffffff0));
  }

  // Expansion ROM BAR at 0x30 (address bits + enable bit 0).
  defineRom(size: u32, region: i32): void {
    this.barKind[6] = BAR_MEM;
    this.barSize[6] = size;
    this.barRegion[6] = region;
    this.setWritable32(PCI_ROM, (~(size - 1) & 0xfffff800) | 1);
  }

  // Registers with the runtime and snapshots the reset image. Call once, after set-up.
  register(): void {
    for (let i = 0; i < 256; i++) this.resetImage[i] = this.cfg[i];
    pci_register(this.bdf);
  }

  // The function leaves the bus for good (Xen's emulated-device unplug: QEMU unparents the
  // device): config cycles read all-ones, writes are dropped, its BARs are unclaimed, INTx is
  // lowered. reset() does not bring it back.
  remove(): void {
    this.removed = true;
    this.irqLevel = false;
    this.updateIrq();
    this.updateMappings();
  }

  reset(): void {
    if (this.removed) return;
    for (let i = 0; i < 256; i++) this.cfg[i] = this.resetImage[i];
    this.irqLevel = false;
    this.updateIrq();
    this.updateMappings();
  }

  // --- config cycles from the guest ------------------------------------------------------

  read(reg: i32, size: i32): i32 {
    if (this.removed) return -1;
    if (size == 1) return <i32>this.get8(reg);
    if (size == 2) return <i32>this.get16(reg);
    return <i32>this.get32(reg);
  }

  write(reg: i32, size: i32, value: i32): void {
    if (this.removed) return;
    const n = size == 1 ? 1 : size == 2 ? 2 : 4;
    let touched = false;
    for (let i = 0; i < n; i++) {
      const r = reg + i;
      if (<u32>r > 0xff) break; // beyond the 256-byte header (PCIe extended space): dropped
      const v = <u8>(value >>> (8 * i));
      const w = this.wmask[r];
      const c = this.w1cmask[r];
      this.cfg[r] = ((this.cfg[r] & ~w) | (v & w)) & ~(v & c);
      if (r == PCI_COMMAND || r == PCI_COMMAND + 1 || (r >= PCI_BAR0 && r < PCI_BAR0 + 24) || (r >= PCI_ROM && r < PCI_ROM + 4)) touched = true;
    }
    if (touched) {
      this.updateMappings();
      this.updateIrq();
    }
  }

  // --- state the device asks about -------------------------------------------------------

  command(): u16 { return this.get16(PCI_COMMAND); }
  busMaster(): bool { return !this.removed && (this.command() & CMD_MASTER) != 0; }
  barAddress(index: i32): u32 {
    const v = this.get32(index == 6 ? PCI_ROM : PCI_BAR0 + index * 4);
    return this.barKind[index] == BAR_IO ? v & 0xfffffffc : v & 0xfffffff0 & ~(this.barSize[index] - 1);
  }
  isMapped(index: i32): bool { return this.mapped[index]; }

  // Drives INTx: the level is remembered and reaches the runtime unless INTx is disabled.
  setIrq(level: bool): void {
    this.irqLevel = level;
    this.updateIrq();
  }

  private updateIrq(): void {
    const st = this.get16(PCI_STATUS);
    this.set16(PCI_STATUS, this.irqLevel ? st | STATUS_INTX : st & ~STATUS_INTX);
    if (this.cfg[PCI_INT_PIN] == 0) return;
    const out = this.irqLevel && !this.removed && (this.command() & CMD_INTX_DISABLE) == 0;
    irq_set(this.irqPin, out ? 1 : 0);
  }

  // Claims every BAR whose decode is enabled at a valid address, moves moved ones, drops the rest.
  updateMappings(): void {
    const cmd = this.command();
    for (let i = 0; i < 7; i++) {
      const kind = this.barKind[i];
      if (kind == NO_BAR) continue;
      const size = this.barSize[i];
      const addr = this.barAddress(i);
      let on = !this.removed && (kind == BAR_IO ? (cmd & CMD_IO) != 0 : (cmd & CMD_MEM) != 0);
      if (i == 6) on = on && (this.get32(PCI_ROM) & 1) != 0;
      const last = <u64>addr + <u64>size - 1;
      if (addr == 0 || last >= (kind == BAR_IO ? <u64>0x10000 : <u64>0xffffffff)) on = false;
      if (on && (!this.mapped[i] || this.mappedAddr[i] != addr)) {
        claim(this.barRegion[i], kind == BAR_IO ? SPACE_PORT : SPACE_MMIO, <i32>addr, 0, <i32>size);
        this.mapped[i] = true;
        this.mappedAddr[i] = addr;
      } else if (!on && this.mapped[i]) {
        unclaim(this.barRegion[i]);
        this.mapped[i] = false;
      }
    }
  }
}
