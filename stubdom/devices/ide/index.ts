// PIIX3 IDE controller (PCI 00:01.1, 8086:7010) with up to four drives: the module's entry point.
//
// Configuration (dev_init): comma-separated key=value
//   hda=disk|cdrom|none   unit 0, primary master      (default none)
//   hdb=…                 unit 1, primary slave
//   hdc=…                 unit 2, secondary master
//   hdd=…                 unit 3, secondary slave
//   bdf=00:01.1           the PCI function (default 00:01.1)
//   decode=on|off         legacy ports decoding from reset (IOSE + IDETIM bit 15 preset, as if
//                         firmware had run; default off = the datasheet's reset state)
// Block backend unit n serves drive n (blk_info/blk_submit unit numbers = the same 0–3). A disk
// needs a present medium with 512-byte sectors; a cdrom takes 2048-byte sectors and may be empty.
// IRQ pins: 0 = primary channel (route to ISA 14), 1 = secondary channel (route to ISA 15).
import { EVENT_BLK_DONE, EVENT_BLK_MEDIA, EVENT_UNPLUG } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { Config, parseBdf } from "../../lib/config";
import { logError, resetLogBudget } from "../../lib/log";
export { abi_version, dev_alloc } from "../../lib/device";
import { channelAt, driveAt, KIND_NONE, KIND_DISK, KIND_CDROM } from "./state";
import { REGION_CMD0, REGION_CTRL0, REGION_CMD1, REGION_CTRL1, REGION_BM } from "./regs";
import { cmdRead, cmdWrite, altStatusRead, devctlWrite, channelReset } from "./taskfile";
import { bmRead, bmWrite, bmReset, kickDma } from "./busmaster";
import { pciInit, pciRead, pciWrite, pciReset } from "./pcifn";
import { blkDone } from "./transfer";
import { driveInit, drivePowerOn, mediaChanged } from "./drives";
import { resetIrq } from "./irq";
import { unplugDisks } from "./unplug";
import { sealHeap } from "../../lib/heap";

const UNIT_KEYS: string[] = ["hda", "hdb", "hdc", "hdd"];

function kindOf(v: string): i32 {
  if (v == "disk") return KIND_DISK;
  if (v == "cdrom") return KIND_CDROM;
  if (v == "none") return KIND_NONE;
  return -1;
}

// Everything the device allocates, it allocates here: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 {
  const rc = init(ptr, len);
  sealHeap();
  return rc;
}

function init(ptr: i32, len: i32): i32 {
  const cfg = Config.parse(stagingString(ptr, len));
  if (cfg.error.length) { logError(cfg.error); return 1; }
  const unknown = cfg.unknownKey(["hda", "hdb", "hdc", "hdd", "bdf", "decode"]);
  if (unknown.length) { logError("unknown config key '" + unknown + "' (known: hda, hdb, hdc, hdd, bdf, decode)"); return 1; }
  const bdf = parseBdf(cfg.str("bdf", "00:01.1"));
  if (bdf < 0) { logError("bad bdf '" + cfg.str("bdf", "") + "'"); return 1; }
  const decode = cfg.bool("decode", false);
  if (cfg.error.length) { logError(cfg.error); return 1; }
  for (let u = 0; u < 4; u++) {
    const v = cfg.str(UNIT_KEYS[u], "none");
    const kind = kindOf(v);
    if (kind < 0) { logError(UNIT_KEYS[u] + "='" + v + "': want disk, cdrom or none"); return 1; }
    const why = driveInit(u, kind);
    if (why.length) { logError(UNIT_KEYS[u] + "=" + v + ": " + why); return 1; }
  }
  for (let i = 0; i < 2; i++) channelAt(i).index = i;
  pciInit(bdf, decode);
  dev_reset();
  return 0;
}

export function dev_reset(): void {
  resetLogBudget();
  for (let u = 0; u < 4; u++) drivePowerOn(driveAt(u));
  for (let i = 0; i < 2; i++) {
    const ch = channelAt(i);
    bmReset(ch);
    channelReset(ch);
    resetIrq(ch);
  }
  pciReset();
}

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  switch (region) {
    case REGION_CMD0: return cmdRead(channelAt(0), offset & 7, size);
    case REGION_CMD1: return cmdRead(channelAt(1), offset & 7, size);
    case REGION_CTRL0: return altStatusRead(channelAt(0));
    case REGION_CTRL1: return altStatusRead(channelAt(1));
    case REGION_BM: return bmRead(offset & 15, size);
  }
  return -1;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  switch (region) {
    case REGION_CMD0: cmdWrite(channelAt(0), offset & 7, size, value); break;
    case REGION_CMD1: cmdWrite(channelAt(1), offset & 7, size, value); break;
    case REGION_CTRL0: devctlWrite(channelAt(0), <u8>value); break;
    case REGION_CTRL1: devctlWrite(channelAt(1), <u8>value); break;
    case REGION_BM: bmWrite(offset & 15, size, value); break;
  }
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 { return pciRead(reg, size); }

export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void {
  pciWrite(reg, size, value);
  // Bus mastering may just have been enabled for a transfer that was waiting for it.
  kickDma(channelAt(0));
  kickDma(channelAt(1));
}

export function dev_event(kind: i32, a: i32, b: i32): void {
  if (kind == EVENT_BLK_DONE) blkDone(a, b);
  else if (kind == EVENT_BLK_MEDIA) mediaChanged(a);
  else if (kind == EVENT_UNPLUG) unplugDisks(a);
}
