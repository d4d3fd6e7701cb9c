// The 82540EM's internal copper PHY (Marvell 88E1011 core, MDIO address 1) behind MDIC: its ID
// registers (Linux requires 0x01410C20), BMCR/BMSR/ANAR/ANLPAR/1000BASE-T registers reporting
// 1000 Mb/s full duplex with auto-negotiation complete, and the M88 specific registers. A BMCR
// write with restart-autoneg (or reset) takes the link down; it comes back AUTONEG_NS later.
import { S, reg, setReg } from "./state";
import {
  MDIC, MDIC_DATA_MASK, MDIC_REG_SHIFT, MDIC_PHY_SHIFT, MDIC_OP_READ, MDIC_OP_WRITE,
  MDIC_READY, MDIC_IE, MDIC_ERROR, ICR_MDAC,
} from "./regs";

export const PHY_ADDR: u32 = 1;

// MII registers
export const MII_BMCR: i32 = 0x00;
export const MII_BMSR: i32 = 0x01;
export const MII_PHYID1: i32 = 0x02;
export const MII_PHYID2: i32 = 0x03;
export const MII_ANAR: i32 = 0x04;
export const MII_ANLPAR: i32 = 0x05;
export const MII_ANER: i32 = 0x06;
export const MII_ANNP: i32 = 0x07;
export const MII_ANLPNP: i32 = 0x08;
export const MII_CTRL1000: i32 = 0x09;
export const MII_STAT1000: i32 = 0x0a;
export const MII_EXTSTAT: i32 = 0x0f;
// Marvell specific
export const M88_PSCR: i32 = 0x10; // PHY specific control
export const M88_PSSR: i32 = 0x11; // PHY specific status
export const M88_IER: i32 = 0x12;
export const M88_ISR: i32 = 0x13;
export const M88_EPSCR: i32 = 0x14; // extended PHY specific control
export const M88_RXERR: i32 = 0x15;

export const BMCR_SPEED1000: u16 = 0x0040;
export const BMCR_FD: u16 = 0x0100;
export const BMCR_ANRESTART: u16 = 0x0200;
export const BMCR_ANENABLE: u16 = 0x1000;
export const BMCR_LOOPBACK: u16 = 0x4000;
export const BMCR_RESET: u16 = 0x8000;

export const BMSR_LINK: u16 = 0x0004;
export const BMSR_ANCOMPLETE: u16 = 0x0020;
// extended capabilities, autoneg able, preamble suppression, extended status, 10/100 HD/FD
const BMSR_CAPS: u16 = 0x7949;

export const ANLPAR_ACK: u16 = 0x4000;
const ANLPAR_ABILITIES: u16 = 0x01e0; // 10/100 half and full duplex
const PSSR_LINK: u16 = 0x0400;
const PSSR_RESOLVED_1000FD: u16 = 0xa800; // 1000 Mb/s, full duplex, speed/duplex resolved

// Power-on values of the registers that are not 0 and not link status.
const BMCR_DEFAULT: u16 = BMCR_SPEED1000 | BMCR_FD | BMCR_ANENABLE;
const ANAR_DEFAULT: u16 = 0x0de1; // 10/100 half and full duplex, pause and asymmetric pause, 802.3
const CTRL1000_DEFAULT: u16 = 0x0e00; // advertise 1000 full duplex; port type and master bits (11:10)
const EXTSTAT_DEFAULT: u16 = 0x3000; // 1000BASE-T full and half duplex able
const PSCR_DEFAULT: u16 = 0x0360;
const EPSCR_DEFAULT: u16 = 0x0d60;
const STAT1000_PARTNER_1000: u16 = 0x3c00; // local/remote receiver OK, partner 1000 HD/FD
const PHY_REGS: i32 = 32;
const MDIO_FIELD_MASK: u32 = 0x1f; // MDIC's PHY address and register number fields

export const PHY_ID1: u16 = 0x0141;
export const PHY_ID2: u16 = 0x0c20;

// Which registers exist; bit n = register n: 0-6, 9, 10, 15, 0x10, 0x11, 0x14, 0x15 (the set QEMU
// answers too). Others (next-page, M88 interrupt and page/debug registers, which the Linux driver
// touches only on other PHYs) answer MDIC.ERROR.
const PHY_READABLE: u32 = 0x0033867f;

// How long auto-negotiation takes after a restart (QEMU: 500 ms; the real PHY needs ~2-3 s).
export const AUTONEG_NS: i64 = 500_000_000;

export function phyReset(): void {
  const p = S.phy;
  for (let i = 0; i < PHY_REGS; i++) p[i] = 0;
  p[MII_BMCR] = BMCR_DEFAULT;
  p[MII_PHYID1] = PHY_ID1;
  p[MII_PHYID2] = PHY_ID2;
  p[MII_ANAR] = ANAR_DEFAULT;
  p[MII_CTRL1000] = CTRL1000_DEFAULT;
  p[MII_EXTSTAT] = EXTSTAT_DEFAULT;
  p[M88_PSCR] = PSCR_DEFAULT;
  p[M88_EPSCR] = EPSCR_DEFAULT;
  phySetLink(S.carrier, true);
}

// Reflects the link state in BMSR/ANLPAR/1000T status/PSSR. `negotiated`: autoneg finished.
export function phySetLink(up: bool, negotiated: bool): void {
  const p = S.phy;
  let bmsr = BMSR_CAPS;
  if (up) bmsr |= BMSR_LINK;
  if (up && negotiated) bmsr |= BMSR_ANCOMPLETE;
  p[MII_BMSR] = bmsr;
  p[MII_ANLPAR] = up && negotiated ? ANLPAR_ABILITIES | ANLPAR_ACK : 0;
  p[MII_STAT1000] = up && negotiated ? STAT1000_PARTNER_1000 : 0;
  p[M88_PSSR] = up ? PSSR_RESOLVED_1000FD | PSSR_LINK : 0;
}

export function phyLoopback(): bool {
  return (S.phy[MII_BMCR] & BMCR_LOOPBACK) != 0;
}

function readable(r: i32): bool { return ((PHY_READABLE >> r) & 1) != 0; }

// Returns true when the write asks for auto-negotiation to restart.
function phyWrite(r: i32, v: u16): bool {
  switch (r) {
    case MII_BMCR: {
      const restart = (v & (BMCR_ANRESTART | BMCR_RESET)) != 0;
      // reset and restart bits self-clear; a reset returns the other bits to their defaults
      S.phy[MII_BMCR] = (v & BMCR_RESET) != 0 ? BMCR_DEFAULT : v & ~(BMCR_ANRESTART | BMCR_RESET);
      return restart && (S.phy[MII_BMCR] & BMCR_ANENABLE) != 0;
    }
    case MII_ANAR: case MII_CTRL1000: case M88_PSCR: case M88_EPSCR:
      S.phy[r] = v;
      return false;
  }
  return false; // read-only or status registers: writes are ignored
}

// MDIC write: one MDIO transaction, completed at once. A PHY address other than 1 or a register
// the PHY does not have answers ERROR. IE raises the MDAC cause. Returns the causes to raise and
// reports through `wantAutoneg()` whether the link must renegotiate.
export function wantAutoneg(): bool {
  const r = S.autonegRequested;
  S.autonegRequested = false;
  return r;
}

export function mdicWrite(v: u32): u32 {
  const phyAddr = (v >> MDIC_PHY_SHIFT) & MDIO_FIELD_MASK;
  const r = <i32>((v >> MDIC_REG_SHIFT) & MDIO_FIELD_MASK);
  let out = v & ~(MDIC_READY | MDIC_ERROR);
  if (phyAddr != PHY_ADDR) {
    out |= MDIC_ERROR;
  } else if ((v & MDIC_OP_READ) != 0) {
    if (!readable(r)) out |= MDIC_ERROR;
    else out = (out & ~MDIC_DATA_MASK) | <u32>S.phy[r];
  } else if ((v & MDIC_OP_WRITE) != 0) {
    if (!readable(r)) out |= MDIC_ERROR;
    else if (phyWrite(r, <u16>(v & MDIC_DATA_MASK))) S.autonegRequested = true;
  }
  out |= MDIC_READY;
  setReg(MDIC, out);
  return (v & MDIC_IE) != 0 ? ICR_MDAC : 0;
}
