// The register file behind BAR0 (and the BAR1 I/O window): reset values, the write mask of each
// plain register, and one function per register with behaviour. Unimplemented offsets read 0
// and ignore writes, as on QEMU. Accesses narrower than 32 bits are served from the dword.
import { S, reg, setReg } from "./state";
import * as R from "./regs";
import { eecdRead, eecdWrite, eerdWrite } from "./eeprom";
import { mdicWrite, wantAutoneg, phyReset } from "./phy";
import { icrRead, icrWrite, icsWrite, imsWrite, imcWrite, itrWrite, rdtrWrite, raise, irqReset } from "./irq";
import { linkUpdate, linkReset, autonegStart } from "./link";
import { isStat, statRead } from "./stats";
import { txKick, txReset } from "./tx";
import { rxReset } from "./rx";

const RAH_AV: u32 = 0x80000000;
const LEDCTL_RESET: u32 = 0x00000602;
const PBA_RESET: u32 = 0x00100030;
const MANC_RESET: u32 = 0x00222300; // as QEMU (ARP_EN among them; Linux clears it at reset)
const VET_RESET: u32 = 0x8100;

// MAC reset (power-on and CTRL.RST): registers to their reset values, RA[0] loaded from the
// EEPROM's MAC address with AV, TX/RX state and interrupt timers cleared. The PHY and the
// EEPROM shifter are outside the MAC and keep their state.
export function macReset(): void {
  for (let i = 0; i < 0x8000; i++) unchecked(S.regs[i] = 0);
  setReg(R.CTRL, R.CTRL_RESET_VALUE);
  setReg(R.STATUS, R.STATUS_RESET_VALUE);
  setReg(R.VET, VET_RESET);
  setReg(R.LEDCTL, LEDCTL_RESET);
  setReg(R.PBA, PBA_RESET);
  setReg(R.MANC, MANC_RESET);
  const m = S.macAddr;
  setReg(R.RA, <u32>m[0] | (<u32>m[1] << 8) | (<u32>m[2] << 16) | (<u32>m[3] << 24));
  setReg(R.RA + 4, <u32>m[4] | (<u32>m[5] << 8) | RAH_AV);
  txReset();
  rxReset();
  irqReset();
  linkReset();
}

// Plain registers: the bits the guest can write (0 = not a plain register).
function writeMask(off: i32): u32 {
  switch (off) {
    case R.CTRL_EXT: case R.FCAL: case R.TXCW: case R.LEDCTL: case R.RDBAH: case R.TDBAH:
    case R.TXDCTL: case R.WUC: case R.WUFC: case R.MANC: case R.IPAV: case R.PBA:
      return 0xffffffff;
    case R.FCAH: case R.FCT: case R.VET: case R.FCTTV: case R.RDH: case R.RADV: case R.TDH:
    case R.TIDV: case R.TADV:
      return 0xffff;
    case R.FCRTL: return 0x8000fff8;
    case R.FCRTH: return 0xfff8;
    case R.TIPG: return 0x3fffffff;
    case R.RDBAL: case R.TDBAL: return 0xfffffff0;
    case R.RDLEN: case R.TDLEN: return 0xfff80;
    case R.RSRPD: return 0xfff;
    case R.RXCSUM: return 0x3ff;
  }
  if (off >= R.MTA && off < R.MTA_END) return 0xffffffff;
  if (off >= R.RA && off < R.RA_END) return (off & 4) != 0 ? 0x8003ffff : 0xffffffff;
  if (off >= R.VFTA && off < R.VFTA_END) return 0xffffffff;
  if (off >= R.IP4AT && off < R.IP4AT_END && (off & 4) == 0) return 0xffffffff;
  if (off >= R.WUPM && off < R.WUPM_END) return 0xffffffff;
  if (off >= R.FFLT && off < R.FFLT_END && (off & 4) == 0) return 0x7ff;
  if (off >= R.FFMT && off < R.FFMT_END && (off & 4) == 0) return 0xf;
  if (off >= R.FFVT && off < R.FFVT_END && (off & 4) == 0) return 0xff;
  return 0;
}

// --- registers with behaviour --------------------------------------------------------------------

function ctrlWrite(v: u32): void {
  if ((v & R.CTRL_RST) != 0) { macReset(); return; } // RST self-clears
  const old = reg(R.CTRL);
  setReg(R.CTRL, v);
  if ((v & R.CTRL_PHY_RST) != 0 && (old & R.CTRL_PHY_RST) == 0) phyReset();
  if (((v ^ old) & R.CTRL_SLU) != 0) linkUpdate();
}

function mdicWriteReg(v: u32): void {
  const causes = mdicWrite(v);
  if (wantAutoneg()) autonegStart();
  raise(causes);
}

function rctlWrite(v: u32): void { setReg(R.RCTL, v); }
function tctlWrite(v: u32): void { setReg(R.TCTL, v); txKick(); }
function tdtWrite(v: u32): void { setReg(R.TDT, v & 0xffff); txKick(); }
function rdtWrite(v: u32): void { setReg(R.RDT, v & 0xffff); }
function wusWrite(v: u32): void { setReg(R.WUS, reg(R.WUS) & ~v); }

// --- dispatch ------------------------------------------------------------------------------------

export function regRead(off: i32): u32 {
  off &= 0x1fffc;
  switch (off) {
    case R.CTRL: case R.STATUS: case R.EERD: case R.MDIC: case R.IMS: case R.ITR: case R.RCTL:
    case R.TCTL: case R.TDT: case R.RDT: case R.RDTR: case R.WUS: case R.RXCW:
      return reg(off);
    case R.EECD: return eecdRead();
    case R.ICR: return icrRead();
    case R.ICS: return reg(R.ICR); // write-only on the chip; QEMU mirrors ICR (VxWorks reads it)
  }
  if (isStat(off)) return statRead(off);
  if (writeMask(off) != 0) return reg(off);
  return 0;
}

export function regWrite(off: i32, v: u32): void {
  off &= 0x1fffc;
  switch (off) {
    case R.CTRL: ctrlWrite(v); return;
    case R.EECD: eecdWrite(v); return;
    case R.EERD: setReg(R.EERD, eerdWrite(v)); return;
    case R.MDIC: mdicWriteReg(v); return;
    case R.ICR: icrWrite(v); return;
    case R.ICS: icsWrite(v); return;
    case R.IMS: imsWrite(v); return;
    case R.IMC: imcWrite(v); return;
    case R.ITR: itrWrite(v); return;
    case R.RCTL: rctlWrite(v); return;
    case R.TCTL: tctlWrite(v); return;
    case R.TDT: tdtWrite(v); return;
    case R.RDT: rdtWrite(v); return;
    case R.RDTR: rdtrWrite(v); return;
    case R.WUS: wusWrite(v); return;
  }
  const mask = writeMask(off);
  if (mask != 0) setReg(off, v & mask);
}

// Registers where a narrow write must not re-apply the other bytes' current value.
function isCommandRegister(off: i32): bool {
  return off == R.ICR || off == R.ICS || off == R.IMS || off == R.IMC || off == R.WUS || off == R.MDIC || off == R.EERD;
}

export function mmioRead(offset: i32, size: i32): i32 {
  const v = regRead(offset & ~3);
  if (size >= 4) return <i32>v;
  const shifted = v >> <u32>((offset & 3) * 8);
  return <i32>(size == 2 ? shifted & 0xffff : shifted & 0xff);
}

export function mmioWrite(offset: i32, size: i32, value: i32): void {
  const off = offset & ~3;
  if (size >= 4) { regWrite(off, <u32>value); return; }
  const shift = <u32>((offset & 3) * 8);
  const mask: u32 = (size == 2 ? 0xffff : 0xff) << shift;
  const cur: u32 = isCommandRegister(off) ? 0 : off == R.EECD ? S.eeOld : reg(off);
  regWrite(off, (cur & ~mask) | ((<u32>value << shift) & mask));
}

// --- the I/O window (BAR1): IOADDR selects a register, IODATA accesses it --------------------------

export function ioRead(offset: i32, size: i32): i32 {
  const o = offset & 0x3f;
  if (o >= 0 && o < 4) return <i32>(S.ioaddr >> <u32>(o * 8));
  if (o >= 4 && o < 8) {
    const v = regRead(<i32>(S.ioaddr & 0x1fffc));
    const shifted = v >> <u32>((o - 4) * 8);
    return <i32>(size >= 4 ? shifted : size == 2 ? shifted & 0xffff : shifted & 0xff);
  }
  return 0;
}

export function ioWrite(offset: i32, size: i32, value: i32): void {
  const o = offset & 0x3f;
  if (o == 0 && size == 4) { S.ioaddr = <u32>value & 0x1fffc; return; }
  if (o == 4 && size == 4) regWrite(<i32>S.ioaddr, <u32>value);
}
