// The CMOS NVRAM device module. Ports 0x70 (index, write-only) / 0x71 (data) reach the lower 128
// bytes; with `nvram=256`, 0x72/0x73 the upper 128. On Xen the vRTC keeps indexes 0–13 (clock and
// status registers) and forwards only the others here; on a platform that forwards everything
// (host/node) those 14 bytes are plain storage. The NVRAM is battery-backed: a guest reset keeps
// it; only dev_init fills it, from the configuration:
//   ram_mb     RAM in MiB (default 16)           lowmem_mb  of it below 4 GiB (default min(ram, 3072))
//   cpus       1–255 (default 1)                 boot       up to 3 of a/c/d/n (default "cad")
//   century    0–99 (default 20)                 nvram      128 (default) or 256
import { claim, SPACE_PORT } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { deviceConfig } from "../../lib/config";
import { logError, resetLogBudget } from "../../lib/log";
import { S } from "./state";
import { MachineFacts, fillContents } from "./contents";
import { BANK_SIZE, INDEX_MASK, BOOT_NONE, BOOT_FLOPPY, BOOT_DISK, BOOT_CDROM, BOOT_NETWORK } from "./layout";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

const REGION_LOW: i32 = 0; // 0x70/0x71
const REGION_HIGH: i32 = 1; // 0x72/0x73
const PORT_LOW: i32 = 0x70;
const PORT_HIGH: i32 = 0x72;
const PORTS_PER_BANK: i32 = 2; // index, then data
const CONFIG_KEYS: string[] = ["ram_mb", "lowmem_mb", "cpus", "boot", "century", "nvram"];

function bootCode(c: i32): i32 {
  if (c == 0x61) return BOOT_FLOPPY; // a
  if (c == 0x63) return BOOT_DISK; // c
  if (c == 0x64) return BOOT_CDROM; // d
  if (c == 0x6e) return BOOT_NETWORK; // n
  return -1;
}

function fail(msg: string): i32 {
  logError("cmos: " + msg);
  return 1;
}

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("cmos", stagingString(ptr, len), CONFIG_KEYS);
  if (cfg === null) return 1;
  const ram = cfg.int("ram_mb", 16);
  const low = cfg.int("lowmem_mb", min<i64>(ram, 3072));
  const cpus = cfg.int("cpus", 1);
  const century = cfg.int("century", 20);
  const nvram = cfg.int("nvram", BANK_SIZE);
  const boot = cfg.str("boot", "cad");
  if (cfg.failed("cmos")) return 1;
  if (ram < 1 || ram > 0xffffff) return fail("ram_mb " + ram.toString() + " out of range 1..16777215");
  if (low < 1 || low > ram || low > 4096) return fail("lowmem_mb " + low.toString() + " must be 1..min(ram_mb, 4096)");
  if (cpus < 1 || cpus > 255) return fail("cpus " + cpus.toString() + " out of range 1..255");
  if (century < 0 || century > 99) return fail("century " + century.toString() + " out of range 0..99");
  if (nvram != BANK_SIZE && nvram != 2 * BANK_SIZE) return fail("nvram " + nvram.toString() + " must be 128 or 256");
  if (boot.length > 3) return fail("boot '" + boot + "' names more than 3 devices");
  const f = new MachineFacts();
  f.lowMiB = low;
  f.highMiB = ram - low;
  f.cpus = <i32>cpus;
  f.century = <i32>century;
  for (let i = 0; i < 3; i++) {
    const code = i < boot.length ? bootCode(boot.charCodeAt(i)) : BOOT_NONE;
    if (code < 0) return fail("boot '" + boot + "': '" + boot.charAt(i) + "' is not one of a (floppy), c (disk), d (CD-ROM), n (network)");
    f.boot[i] = <u8>code;
  }
  S.size = <i32>nvram;
  fillContents(f);
  dev_reset();
  claim(REGION_LOW, SPACE_PORT, PORT_LOW, 0, PORTS_PER_BANK);
  if (S.size > BANK_SIZE) claim(REGION_HIGH, SPACE_PORT, PORT_HIGH, 0, PORTS_PER_BANK);
  return 0;
}

// The contents survive; the index registers do not.
export function dev_reset(): void {
  resetLogBudget();
  S.index = 0;
  S.indexHigh = 0;
}

function readPort(region: i32, off: i32): u8 {
  if (off == 0) return 0xff; // index registers are write-only
  return region == REGION_LOW ? S.bytes[S.index] : S.bytes[BANK_SIZE + <i32>S.indexHigh];
}

function writePort(region: i32, off: i32, v: u8): void {
  if (off == 0) {
    if (region == REGION_LOW) S.index = v & INDEX_MASK;
    else S.indexHigh = v & INDEX_MASK;
    return;
  }
  if (region == REGION_LOW) S.bytes[S.index] = v;
  else S.bytes[BANK_SIZE + <i32>S.indexHigh] = v;
}

// Wide accesses split into bytes, low port first (`outw 0x70` = index, then data).
export function dev_read(region: i32, offset: i32, size: i32): i32 {
  if (region != REGION_LOW && region != REGION_HIGH) return -1;
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  let v: i32 = 0;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    v |= (off >= 0 && off < PORTS_PER_BANK ? <i32>readPort(region, off) : 0xff) << (8 * i);
  }
  return v;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  if (region != REGION_LOW && region != REGION_HIGH) return;
  const n = size == 2 ? 2 : size == 4 ? 4 : 1;
  for (let i = 0; i < n; i++) {
    const off = offset + i;
    if (off >= 0 && off < PORTS_PER_BANK) writePort(region, off, <u8>(value >>> (8 * i)));
  }
}
