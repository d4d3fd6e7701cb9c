// All of the e1000's state in one place (so a snapshot is a copy of this object and the
// buffers it owns): the PCI function, the MAC register file, the EEPROM image and its Microwire
// shifter, the PHY registers, link and interrupt-moderation state, the two TX offload contexts,
// the TX assembly buffers and the descriptor staging buffers. Allocated once at module start;
// nothing here is allocated per access, and no unit file keeps state of its own. (The register
// table, regtable.ts, and the CRC table, checksum.ts, are constant after init: not state.)
import { PciFunction } from "../../lib/pci";
import { OptionRom } from "../../lib/rom";
import { BAR0_SIZE, DESC_SIZE, REG_OFFSET_MASK } from "./regs";

// Largest frame the TX path assembles (the 82540 accepts at most 16 KiB jumbo frames; TSO input is
// a 64 KiB super-frame) and the slack a received frame needs for the CRC and padding.
export const TX_BUF_SIZE: i32 = 65536 + 512;
export const SEG_BUF_SIZE: i32 = 65536 + 512;

// One offload context (context descriptor), kept twice: for TSO (TSE=1) and plain checksums.
export class TxContext {
  ipcss: i32 = 0;
  ipcso: i32 = 0;
  ipcse: i32 = 0;
  tucss: i32 = 0;
  tucso: i32 = 0;
  tucse: i32 = 0;
  paylen: i32 = 0;
  hdrlen: i32 = 0;
  mss: i32 = 0;
  tcp: bool = false; // TUCMD.TCP: TCP (else UDP)
  ipv4: bool = false; // TUCMD.IP: IPv4 (else IPv6)

  clear(): void {
    this.ipcss = 0; this.ipcso = 0; this.ipcse = 0; this.tucss = 0; this.tucso = 0; this.tucse = 0;
    this.paylen = 0; this.hdrlen = 0; this.mss = 0; this.tcp = false; this.ipv4 = false;
  }
}

export class E1000State {
  // The PCI function (configuration space, BARs, INTx); created by pcidev.ts at init.
  pciFn: PciFunction | null = null;
  rom: OptionRom | null = null; // the expansion ROM (iPXE) behind the ROM BAR, once delivered

  // MAC registers, one dword per 4 bytes of BAR0 (128 KiB).
  regs: StaticArray<u32> = new StaticArray<u32>(BAR0_SIZE >> 2);
  macAddr: StaticArray<u8> = new StaticArray<u8>(6);

  // EEPROM (64 words) and the bit-banged Microwire interface.
  eeprom: StaticArray<u16> = new StaticArray<u16>(64);
  eeOld: u32 = 0; // EECD pins at the previous write
  eeInBits: i32 = 0; // bits shifted in since CS rose
  eeInVal: u32 = 0;
  eeReading: bool = false;
  eeOutPos: i32 = 0; // word*16 + bit (MSB first) being presented on DO

  // PHY (M88E1011) registers 0..31.
  phy: StaticArray<u16> = new StaticArray<u16>(32);

  // Link: what the backend says, and whether auto-negotiation is under way.
  carrier: bool = true;
  autonegRunning: bool = false;
  autonegRequested: bool = false; // a PHY write asked for a restart (consumed by the MDIC write)

  // Interrupts: the line as driven, the ITR throttle window, pending delayed causes.
  irqLevel: bool = false;
  throttleActive: bool = false;
  rxDelayArmed: bool = false; // RDTR/RADV running
  txDelayArmed: bool = false; // TIDV/TADV running

  // I/O window.
  ioaddr: u32 = 0;

  // TX: contexts, the frame being assembled, and TSO progress.
  ctxTso: TxContext = new TxContext();
  ctxCsum: TxContext = new TxContext();
  txBuf: StaticArray<u8> = new StaticArray<u8>(TX_BUF_SIZE);
  txLen: i32 = 0;
  txOverflow: bool = false; // more data than fits: the frame is dropped at EOP
  txPopts: u32 = 0; // POPTS of the packet's first data descriptor
  txFirst: bool = true; // next data descriptor starts a packet
  txTse: bool = false; // the packet is a TSO packet
  txLegacyCso: i32 = -1; // legacy descriptor: CSO/CSS of the packet, -1 = no checksum
  txLegacyCss: i32 = 0;
  txVlan: bool = false; // VLE on the packet's last descriptor
  txSpecial: u32 = 0;
  tsoSent: i32 = 0; // payload bytes already emitted as segments
  tsoFrames: i32 = 0; // segments emitted
  segBuf: StaticArray<u8> = new StaticArray<u8>(SEG_BUF_SIZE);
  txDrops: i32 = 0; // frames dropped by the TX path (oversize/runt/bad context), for the log

  // Staging for descriptor DMA (their contents mean nothing between calls).
  txDesc: StaticArray<u8> = new StaticArray<u8>(DESC_SIZE);
  rxDesc: StaticArray<u8> = new StaticArray<u8>(DESC_SIZE);
  rxWriteBack: StaticArray<u8> = new StaticArray<u8>(DESC_SIZE / 2); // the descriptor's upper half
}

export const S = new E1000State();

export function reg(off: i32): u32 {
  return unchecked(S.regs[(off & REG_OFFSET_MASK) >> 2]);
}

export function setReg(off: i32, v: u32): void {
  unchecked(S.regs[(off & REG_OFFSET_MASK) >> 2] = v);
}
