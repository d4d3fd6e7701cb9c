// Intel 82540EM (e1000) network controller: the module's entry. Exports the ABI functions and
// routes them to the units: mmio.ts (register dispatch by the table in regtable.ts), eeprom.ts,
// phy.ts, link.ts, irq.ts, tx.ts/offload.ts, rx.ts/filter.ts, stats.ts. Configuration:
//   bdf=00:03.0            PCI address (default 00:03.0)
//   mac=52:54:00:12:34:56  the EEPROM's MAC address (default as shown)
//   link=up|down           carrier at power-on (default up; later EVENT_NET_LINK)
import { EVENT_NET_RX, EVENT_NET_LINK, EVENT_ROM_IMAGE, EVENT_UNPLUG, UNPLUG_NICS, LOG_INFO } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { deviceConfig, parseBdf } from "../../lib/config";
import { logError, logCounted, resetLogBudget } from "../../lib/log";
import { S } from "./state";
import { eepromBuild, eepromResetShifter } from "./eeprom";
import { phyReset } from "./phy";
import { pciCreate, pci, REGION_MMIO, REGION_IO, REGION_ROM, romDeliver, romRead } from "./pcidev";
import { macReset, mmioRead, mmioWrite, ioRead, ioWrite } from "./mmio";
import { regTableBuild } from "./regtable";
import { crcTableBuild } from "./checksum";
import { itrExpired, rxDelayExpired, txDelayExpired, TIMER_ITR, TIMER_RDTR, TIMER_RADV, TIMER_TIDV, TIMER_TADV, TIMER_AUTONEG, TIMER_TX_RESUME } from "./irq";
import { autonegDone, carrierChange } from "./link";
import { txKick } from "./tx";
import { rxFrame } from "./rx";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

// "aa:bb:cc:dd:ee:ff" into S.macAddr; false when malformed or multicast.
function parseMac(s: string): bool {
  if (s.length != 17) return false;
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(s.charCodeAt(3 * i));
    const lo = hexDigit(s.charCodeAt(3 * i + 1));
    if (hi < 0 || lo < 0 || (i < 5 && s.charCodeAt(3 * i + 2) != 58)) return false;
    S.macAddr[i] = <u8>((hi << 4) | lo);
  }
  return (S.macAddr[0] & 1) == 0;
}

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("e1000", stagingString(ptr, len), ["bdf", "mac", "link"]);
  if (cfg === null) return 1;
  const bdf = parseBdf(cfg.str("bdf", "00:03.0"));
  if (bdf < 0) { logError("bad bdf '" + cfg.str("bdf", "") + "'"); return 1; }
  if (!parseMac(cfg.str("mac", "52:54:00:12:34:56"))) { logError("bad mac '" + cfg.str("mac", "") + "' (want aa:bb:cc:dd:ee:ff, unicast)"); return 1; }
  const link = cfg.str("link", "up");
  if (link != "up" && link != "down") { logError("bad link '" + link + "' (up or down)"); return 1; }
  S.carrier = link == "up";
  regTableBuild();
  crcTableBuild();
  eepromBuild();
  pciCreate(bdf);
  powerOn();
  return 0;
}

function powerOn(): void {
  eepromResetShifter();
  phyReset();
  S.ioaddr = 0;
  macReset();
}

export function dev_reset(): void {
  resetLogBudget();
  pci().reset();
  powerOn();
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 {
  return pci().read(reg, size);
}

export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void {
  pci().write(reg, size, value);
}

export function dev_read(region: i32, offset: i32, size: i32): i32 {
  if (region == REGION_MMIO) return mmioRead(offset, size);
  if (region == REGION_IO) return ioRead(offset, size);
  if (region == REGION_ROM) return <i32>romRead(<u32>offset, size);
  return -1;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  if (region == REGION_MMIO) mmioWrite(offset, size, value);
  else if (region == REGION_IO) ioWrite(offset, size, value);
}

export function dev_timer(id: i32): void {
  if (pci().removed) return;
  if (id == TIMER_ITR) itrExpired();
  else if (id == TIMER_RDTR || id == TIMER_RADV) rxDelayExpired();
  else if (id == TIMER_TIDV || id == TIMER_TADV) txDelayExpired();
  else if (id == TIMER_AUTONEG) autonegDone();
  else if (id == TIMER_TX_RESUME) txKick();
}

// Xen's emulated-device unplug (EVENT_UNPLUG with UNPLUG_NICS): the function leaves the bus for
// good, as QEMU unparents it: no register, no DMA, no interrupt, frames from the wire dropped.
function unplugged(kind: i32, mask: i32): bool {
  if (kind == EVENT_UNPLUG && (mask & UNPLUG_NICS) != 0 && !pci().removed) {
    pci().remove();
    logCounted(LOG_INFO, "e1000: unplugged (Xen platform device): the PCI function is gone");
  }
  return pci().removed;
}

export function dev_event(kind: i32, a: i32, b: i32): void {
  if (unplugged(kind, a)) return;
  if (kind == EVENT_NET_RX) {
    if (b > 0 && b <= 65536) rxFrame(<usize>a, b);
  } else if (kind == EVENT_NET_LINK) {
    carrierChange(a != 0);
  } else if (kind == EVENT_ROM_IMAGE) {
    romDeliver(<usize>a, b);
  }
}
