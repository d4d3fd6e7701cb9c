// The PIIX3 ISA bridge (82371SB function 0) at 00:01.0: identity (multi-function: header type
// bit 7, so OSes scan 00:01.1–7), the reset values of its documented registers, and the PIRQ
// route registers 0x60–0x63 that steer PCI INTA–D (links 0–3) to ISA IRQs. Each change of a
// link's effective route is reported with platform(PLATFORM_PCI_LINK_ROUTE, link, irq or 0)
// (Xen: set_pci_link_route).
import { platform, PLATFORM_PCI_LINK_ROUTE } from "../../lib/abi";
import {
  PCI_COMMAND, PCI_STATUS, CMD_IO, CMD_MEM, CMD_MASTER, STATUS_DEVSEL_MEDIUM, SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU,
} from "../../lib/pci";
import { guestError } from "../../lib/log";
import { S, LINK_COUNT } from "./state";

// Registers (82371SB datasheet names) with their reset values and writable bits. Reserved bits are
// masked where the layout is certain (PIRQ steering aside: see routeOf); elsewhere the whole byte
// is writable, as QEMU has it. Undocumented bytes read 0 and ignore writes.
const REG_IORT: i32 = 0x4c; // ISA I/O recovery timer
const REG_XBCS: i32 = 0x4e; // X-bus chip select (16-bit)
export const REG_PIRQRC: i32 = 0x60; // PIRQRC[A..D], 0x60–0x63
const REG_TOM: i32 = 0x69; // top of memory
const REG_MSTAT: i32 = 0x6a; // miscellaneous status (16-bit)
const REG_MBIRQ0: i32 = 0x70; // motherboard device IRQ route
const REG_MBDMA0: i32 = 0x76; // motherboard device DMA channels 0 and 1 (0x76, 0x77)
const REG_PCSC: i32 = 0x78; // programmable chip select control (16-bit)
const REG_APICBASE: i32 = 0x80;
const REG_DLC: i32 = 0x82; // deterministic latency control
const REG_SMICNTL: i32 = 0xa0;
const REG_SMIEN: i32 = 0xa2; // 16-bit
const REG_SEE: i32 = 0xa4; // system event enable, 32-bit
const REG_FTMR: i32 = 0xa8; // fast-off timer
const REG_SMIREQ: i32 = 0xaa; // 16-bit
const REG_CTLTMR: i32 = 0xac;
const REG_CTHTMR: i32 = 0xae;

const PIRQ_DISABLE: u8 = 0x80; // bit 7: routing disabled
const PIRQ_IRQ_MASK: u8 = 0x0f;
const PIRQ_RESERVED_BITS: u8 = 0x70; // a value ≥ 16 in the IRQ field
// ISA IRQs a PIRQ may not be steered to (timer, keyboard, cascade, RTC, FPU error).
const RESERVED_IRQS: u32 = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 8) | (1 << 13);

export function setUpIsaBridge(): void {
  const f = S.isa;
  f.setMultiFunction();
  f.setSubsystem(SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU);
  f.set16(PCI_COMMAND, CMD_IO | CMD_MEM | CMD_MASTER); // the bridge forwards I/O and memory from reset
  f.set16(PCI_STATUS, STATUS_DEVSEL_MEDIUM);
  reg(REG_IORT, 0x4d, 0xff);
  reg(REG_XBCS, 0x03, 0xff);
  reg(REG_XBCS + 1, 0x00, 0xff);
  for (let i = 0; i < LINK_COUNT; i++) reg(REG_PIRQRC + i, PIRQ_DISABLE, 0xff);
  reg(REG_TOM, 0x02, 0xfe);
  reg(REG_MSTAT, 0x00, 0xff);
  reg(REG_MSTAT + 1, 0x00, 0xff);
  reg(REG_MBIRQ0, 0x80, 0xcf);
  reg(REG_MBDMA0, 0x0c, 0xff);
  reg(REG_MBDMA0 + 1, 0x0c, 0xff);
  reg(REG_PCSC, 0x02, 0xff);
  reg(REG_PCSC + 1, 0x00, 0xff);
  reg(REG_APICBASE, 0x00, 0x7f);
  reg(REG_DLC, 0x00, 0x0f);
  reg(REG_SMICNTL, 0x08, 0x1f);
  reg(REG_SMIEN, 0x00, 0xff);
  reg(REG_SMIEN + 1, 0x00, 0xff);
  for (let i = 0; i < 4; i++) reg(REG_SEE + i, 0x00, 0xff);
  reg(REG_FTMR, 0x0f, 0xff);
  reg(REG_SMIREQ, 0x00, 0xff);
  reg(REG_SMIREQ + 1, 0x00, 0xff);
  reg(REG_CTLTMR, 0x00, 0xff);
  reg(REG_CTHTMR, 0x00, 0xff);
  f.register();
}

function reg(r: i32, resetValue: u8, writable: u8): void {
  S.isa.set8(r, resetValue);
  S.isa.setWritable(r, writable);
}

// The ISA IRQ a PIRQRC value steers its link to, 0 when disabled or unusable. The byte is never
// used as an index: values ≥ 16 and the reserved IRQs disable the link (as QEMU treats ≥ 16).
function routeOf(v: u8): i32 {
  if ((v & PIRQ_DISABLE) != 0) return 0;
  const irq = <i32>(v & PIRQ_IRQ_MASK);
  if ((v & PIRQ_RESERVED_BITS) != 0 || ((RESERVED_IRQS >> irq) & 1) != 0) {
    guestError("PIIX3 PIRQRC value 0x%x names no usable ISA IRQ: link disabled", <u32>v);
    return 0;
  }
  return irq;
}

function reportRoutes(): void {
  for (let link = 0; link < LINK_COUNT; link++) {
    const irq = routeOf(S.isa.get8(REG_PIRQRC + link));
    if (irq == unchecked(S.linkRoute[link])) continue;
    unchecked(S.linkRoute[link] = irq);
    platform(PLATFORM_PCI_LINK_ROUTE, link, irq);
  }
}

export function isaBridgeWrite(reg: i32, size: i32, value: i32): void {
  S.isa.write(reg, size, value);
  if (reg < REG_PIRQRC + LINK_COUNT && reg + size > REG_PIRQRC) reportRoutes();
}

export function isaBridgeReset(): void {
  S.isa.reset();
  reportRoutes();
}
