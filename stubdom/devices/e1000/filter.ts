// Receive address filtering, in the order the 82540 applies it: VLAN filter table (RCTL.VFE),
// broadcast (RCTL.BAM), promiscuous unicast/multicast (RCTL.UPE/MPE), the 16 exact receive
// addresses (RAL/RAH with AV), and the 4096-bit multicast hash table (MTA, RCTL.MO picks which
// 12 bits of the destination address index it).
import { reg } from "./state";
import {
  RCTL, RCTL_VFE, RCTL_BAM, RCTL_UPE, RCTL_MPE, RCTL_MO_SHIFT, RA, RA_ENTRIES, RAH_AV, RAH_ADDR_MASK, MTA, VFTA, VET,
} from "./regs";
import { load16be } from "./checksum";
import { isBroadcast } from "./stats";

export function isVlanTagged(base: usize, len: i32): bool {
  return len >= 18 && load16be(base, 12) == (reg(VET) & 0xffff);
}

function vlanAccept(base: usize, len: i32): bool {
  if ((reg(RCTL) & RCTL_VFE) == 0 || !isVlanTagged(base, len)) return true;
  const vid = <i32>(load16be(base, 14) & 0xfff);
  return ((reg(VFTA + ((vid >> 5) << 2)) >> <u32>(vid & 31)) & 1) != 0;
}

function exactMatch(base: usize): bool {
  const lo = <u32>load<u8>(base) | (<u32>load<u8>(base + 1) << 8) | (<u32>load<u8>(base + 2) << 16) | (<u32>load<u8>(base + 3) << 24);
  const hi = <u32>load<u8>(base + 4) | (<u32>load<u8>(base + 5) << 8);
  for (let i = 0; i < RA_ENTRIES; i++) {
    const rah = reg(RA + 8 * i + 4);
    if ((rah & RAH_AV) != 0 && reg(RA + 8 * i) == lo && (rah & RAH_ADDR_MASK) == hi) return true;
  }
  return false;
}

// The 12-bit hash: MO 0 takes address bits 47:36, 1 bits 46:35, 2 bits 45:34, 3 bits 43:32.
export function multicastHash(base: usize): u32 {
  const b4 = <u32>load<u8>(base + 4);
  const b5 = <u32>load<u8>(base + 5);
  const mo = (reg(RCTL) >> RCTL_MO_SHIFT) & 3;
  let h: u32 = 0;
  if (mo == 0) h = (b4 >> 4) | (b5 << 4);
  else if (mo == 1) h = (b4 >> 3) | (b5 << 5);
  else if (mo == 2) h = (b4 >> 2) | (b5 << 6);
  else h = b4 | (b5 << 8);
  return h & 0xfff;
}

function hashMatch(base: usize): bool {
  const h = multicastHash(base);
  return ((reg(MTA + <i32>((h >> 5) << 2)) >> (h & 31)) & 1) != 0;
}

// `base` points at a frame of at least 14 bytes.
export function filterAccept(base: usize, len: i32): bool {
  if (!vlanAccept(base, len)) return false;
  const rctl = reg(RCTL);
  const multicast = (load<u8>(base) & 1) != 0;
  if (multicast && isBroadcast(base) && (rctl & RCTL_BAM) != 0) return true;
  if (multicast ? (rctl & RCTL_MPE) != 0 : (rctl & RCTL_UPE) != 0) return true;
  if (exactMatch(base)) return true;
  return multicast && hashMatch(base);
}
