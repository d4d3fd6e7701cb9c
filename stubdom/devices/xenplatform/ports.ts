// The unplug protocol's registers: the fixed ports 0x10–0x1F (accesses keep their size: the
// protocol tells a 2-byte write at 0x10 from a 4-byte one) and BAR0's byte registers, with the
// three things they do — unplug emulated devices (PLATFORM_UNPLUG: the runtime tells the devices
// holding blk or net), take the PV drivers' product and build numbers, and log the drivers' lines.
// No blacklist: the doc's /mh/driver-blacklist lives in xenstore, which a device module cannot
// read, and QEMU no longer consults it either, so the magic always reads 0x49d2 (never 0xd249).
import {
  platform, PLATFORM_UNPLUG, LOG_INFO, LOG_DEBUG, UNPLUG_IDE_DISKS, UNPLUG_NICS, UNPLUG_AUX_IDE_DISKS, UNPLUG_NVME_DISKS,
} from "../../lib/abi";
import { guestError, logCounted, logGuestText } from "../../lib/log";
import { S } from "./state";
import {
  FIXED_UNPLUG, FIXED_PRODUCT, MAGIC, PROTOCOL_VERSION, IO_FLAGS, IO_SUSE_UNPLUG, IO_VMDP, PRODUCT_CITRIX_WINDOWS,
  LOG_LINE_MAX, LOG_SHOWN,
} from "./regs";

const UNPLUG_DEFINED: i32 = UNPLUG_IDE_DISKS | UNPLUG_NICS | UNPLUG_AUX_IDE_DISKS | UNPLUG_NVME_DISKS;
const NEWLINE: u8 = 0x0a;

// --- unplug ------------------------------------------------------------------------------------

// Carries out the mask's bits not carried out before (the rest were: unplugging is idempotent).
export function unplug(mask: i32): void {
  if ((mask & ~UNPLUG_DEFINED) != 0) guestError("xenplatform: unplug mask 0x%x has undefined bits (ignored)", <u32>mask);
  const fresh = mask & UNPLUG_DEFINED & ~S.unplugged;
  if (fresh == 0) {
    logCounted(LOG_DEBUG, "xenplatform: unplug mask 0x%x: nothing left to unplug", <u32>mask);
    return;
  }
  if ((fresh & UNPLUG_IDE_DISKS) != 0) logCounted(LOG_INFO, "xenplatform: the guest unplugs the emulated IDE disks (not the CD-ROMs)");
  if ((fresh & UNPLUG_AUX_IDE_DISKS) != 0) logCounted(LOG_INFO, "xenplatform: the guest unplugs the auxiliary IDE disks (all but the primary master)");
  if ((fresh & UNPLUG_NICS) != 0) logCounted(LOG_INFO, "xenplatform: the guest unplugs the emulated NICs");
  if ((fresh & UNPLUG_NVME_DISKS) != 0) logCounted(LOG_INFO, "xenplatform: the guest unplugs the emulated NVMe disks (there are none)");
  S.unplugged |= fresh;
  platform(PLATFORM_UNPLUG, fresh, 0);
}

// --- product and build numbers -------------------------------------------------------------------

function product(v: i32): void {
  S.product = v;
  if (v == PRODUCT_CITRIX_WINDOWS) logCounted(LOG_INFO, "xenplatform: Citrix Windows PV drivers (product %d) loaded in the guest", <u32>v);
  else if (v == 0) logCounted(LOG_INFO, "xenplatform: the guest claims PV drivers of product 0");
  else logCounted(LOG_INFO, "xenplatform: PV drivers of unknown product %d loaded in the guest", <u32>v);
}

function build(v: i32): void {
  S.build = <u32>v;
  logCounted(LOG_INFO, "xenplatform: PV driver build number %d", <u32>v);
}

// --- the driver log ------------------------------------------------------------------------------

function flushLog(): void {
  logGuestText(LOG_INFO, "xenplatform: guest driver: ", changetype<usize>(S.logBuf), S.logLen, LOG_SHOWN);
  S.logLen = 0;
}

export function logByte(b: u8): void {
  if (b == NEWLINE) { flushLog(); return; }
  S.logBuf[S.logLen] = b;
  S.logLen++;
  if (S.logLen >= LOG_LINE_MAX) flushLog();
}

// --- platform flags ------------------------------------------------------------------------------

// Bit 0 asks to lock the 0xC0000–0xFFFFF ROM area read-only (QEMU on Xen: HVMOP_set_mem_type).
// There is no ABI call for it: the area stays writable and the flags read 0, as QEMU's do when
// that call fails.
function flagsWrite(v: u8): void {
  if ((v & 1) != 0) guestError("xenplatform: ROM lock (platform flags 0x%x) not supported: 0xC0000-0xFFFFF stays writable", <u32>v);
}

// --- the fixed ports 0x10–0x1F -------------------------------------------------------------------

export function fixedRead(off: i32, size: i32): i32 {
  if (size == 1) {
    if (off == FIXED_UNPLUG) return 0; // platform flags (see flagsWrite)
    if (off == FIXED_PRODUCT) return PROTOCOL_VERSION;
    return 0xff;
  }
  if (size == 2) return off == FIXED_UNPLUG ? MAGIC : 0xffff;
  return -1;
}

export function fixedWrite(off: i32, size: i32, value: i32): void {
  if (size == 1) {
    if (off == FIXED_UNPLUG) flagsWrite(<u8>value);
    else if (off == FIXED_PRODUCT) logByte(<u8>value);
  } else if (size == 2) {
    if (off == FIXED_UNPLUG) unplug(value & 0xffff);
    else if (off == FIXED_PRODUCT) product(value & 0xffff);
  } else if (off == FIXED_UNPLUG) {
    build(value);
  }
}

// --- BAR0: byte registers ------------------------------------------------------------------------

export function ioReadByte(off: i32): u8 {
  return off == IO_FLAGS ? 0 : 0xff;
}

export function ioWriteByte(off: i32, v: u8): void {
  if (off == IO_FLAGS) flagsWrite(v);
  else if (off == IO_SUSE_UNPLUG) { if (v == 1) unplug(UNPLUG_IDE_DISKS | UNPLUG_NICS); }
  else if (off == IO_VMDP) {
    if (v == 1) unplug(UNPLUG_IDE_DISKS);
    else if (v == 2) unplug(UNPLUG_NICS);
    else logByte(v);
  }
}
