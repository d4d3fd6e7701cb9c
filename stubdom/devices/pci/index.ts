// The PCI platform device module: i440FX host bridge at 00:00.0, PIIX3 ISA bridge at 00:01.0,
// the reset control register at port 0xCF9, and the ACPI registers Xen leaves to the device
// model (PM1a_CNT at 0xB004: guest power-off; GPE0 at 0xAFE0). 0xCF8/0xCFC themselves are Xen's:
// config cycles arrive here already decoded (pci_cfg_read/pci_cfg_write). Configuration:
// `pm=on` adds the PIIX4 power-management function at 00:01.3 (piix4pm.ts; default off).
import { claim, SPACE_PORT } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { deviceConfig } from "../../lib/config";
import { resetLogBudget } from "../../lib/log";
import { S, HOST_BRIDGE_BDF, ISA_BRIDGE_BDF, PM_BDF } from "./state";
import { setUpPmFunction } from "./piix4pm";
import { setUpHostBridge, hostBridgeWrite, hostBridgeReset } from "./i440fx";
import { setUpIsaBridge, isaBridgeWrite, isaBridgeReset } from "./piix3";
import { RCR_PORT, rcrRead, rcrWrite, rcrReset } from "./rcr";
import { PM1A_CNT_PORT, PM1A_CNT_LEN, GPE0_PORT, GPE0_LEN, pm1aCntRead, pm1aCntWrite, gpe0Read, gpe0Write, acpiReset } from "./acpi";
export { abi_version, dev_alloc } from "../../lib/device";
import { sealAfter } from "../../lib/heap";

const REGION_RCR: i32 = 0;
const REGION_PM1A_CNT: i32 = 1;
const REGION_GPE0: i32 = 2;

// Everything the device allocates, it allocates in init: the heap is sealed afterwards (heap.ts).
export function dev_init(ptr: i32, len: i32): i32 { return sealAfter(init(ptr, len)); }

function init(ptr: i32, len: i32): i32 {
  const cfg = deviceConfig("pci", stagingString(ptr, len), ["pm"]);
  if (cfg === null) return 1;
  S.pmPresent = cfg.bool("pm", false);
  if (cfg.failed("pci")) return 1;
  setUpHostBridge();
  setUpIsaBridge();
  if (S.pmPresent) setUpPmFunction();
  claim(REGION_RCR, SPACE_PORT, RCR_PORT, 0, 1);
  claim(REGION_PM1A_CNT, SPACE_PORT, PM1A_CNT_PORT, 0, PM1A_CNT_LEN);
  claim(REGION_GPE0, SPACE_PORT, GPE0_PORT, 0, GPE0_LEN);
  return 0;
}

export function dev_reset(): void {
  resetLogBudget();
  hostBridgeReset();
  isaBridgeReset();
  if (S.pmPresent) S.pm.reset();
  rcrReset();
  acpiReset();
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 {
  if (bdf == HOST_BRIDGE_BDF) return S.host.read(reg, size);
  if (bdf == ISA_BRIDGE_BDF) return S.isa.read(reg, size);
  if (bdf == PM_BDF && S.pmPresent) return S.pm.read(reg, size);
  return -1;
}

export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void {
  if (bdf == HOST_BRIDGE_BDF) hostBridgeWrite(reg, size, value);
  else if (bdf == ISA_BRIDGE_BDF) isaBridgeWrite(reg, size, value);
  else if (bdf == PM_BDF && S.pmPresent) S.pm.write(reg, size, value);
}

// Each register answers for its own bytes only: the bytes of a wider access that fall past a
// region's end read all-ones and their writes are dropped (port 0xCF9 is one byte wide, PM1a_CNT
// two, GPE0 four).
export function dev_read(region: i32, offset: i32, size: i32): i32 {
  const n = min(size, 4); // port I/O is at most 4 bytes; an i32 holds no more
  let v: i32 = 0;
  for (let i: i32 = 0; i < n; i++) v |= <i32>byteRead(region, offset + i) << (8 * i);
  return v;
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  const n = min(size, 4);
  for (let i: i32 = 0; i < n; i++) byteWrite(region, offset + i, <u8>(value >>> (8 * i)));
}

function byteRead(region: i32, at: i32): u8 {
  if (region == REGION_RCR && at == 0) return rcrRead();
  if (region == REGION_PM1A_CNT && at < PM1A_CNT_LEN) return <u8>(pm1aCntRead() >> <u16>(8 * at));
  if (region == REGION_GPE0 && at < GPE0_LEN) return gpe0Read(at);
  return 0xff;
}

// A byte write to half of PM1a_CNT keeps the other half. A word write is its low byte, then its
// high byte, which holds SLP_TYP and SLP_EN: the sleep happens once, with the whole value.
function byteWrite(region: i32, at: i32, v: u8): void {
  if (region == REGION_RCR && at == 0) rcrWrite(v);
  else if (region == REGION_PM1A_CNT && at < PM1A_CNT_LEN) {
    const cur = pm1aCntRead();
    pm1aCntWrite(at == 0 ? (cur & 0xff00) | <u16>v : (cur & 0x00ff) | (<u16>v << 8));
  } else if (region == REGION_GPE0 && at < GPE0_LEN) gpe0Write(at, v);
}
