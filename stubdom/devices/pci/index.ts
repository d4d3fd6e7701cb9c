// The PCI platform device module: i440FX host bridge at 00:00.0, PIIX3 ISA bridge at 00:01.0
// and the reset control register at port 0xCF9. 0xCF8/0xCFC themselves are Xen's: config cycles
// arrive here already decoded (pci_cfg_read/pci_cfg_write). Takes no configuration keys.
import { claim, SPACE_PORT } from "../../lib/abi";
import { stagingString } from "../../lib/device";
import { Config } from "../../lib/config";
import { logError, resetLogBudget } from "../../lib/log";
import { S, HOST_BRIDGE_BDF, ISA_BRIDGE_BDF } from "./state";
import { setUpHostBridge, hostBridgeWrite, hostBridgeReset } from "./i440fx";
import { setUpIsaBridge, isaBridgeWrite, isaBridgeReset } from "./piix3";
import { RCR_PORT, rcrRead, rcrWrite, rcrReset } from "./rcr";
export { abi_version, dev_alloc } from "../../lib/device";

const REGION_RCR: i32 = 0;

export function dev_init(ptr: i32, len: i32): i32 {
  const cfg = Config.parse(stagingString(ptr, len));
  if (cfg.error.length) { logError("pci: bad configuration: " + cfg.error); return 1; }
  const unknown = cfg.unknownKey([]);
  if (unknown.length) { logError("pci: unknown configuration key '" + unknown + "' (this device takes none)"); return 1; }
  setUpHostBridge();
  setUpIsaBridge();
  claim(REGION_RCR, SPACE_PORT, RCR_PORT, 0, 1);
  return 0;
}

export function dev_reset(): void {
  resetLogBudget();
  hostBridgeReset();
  isaBridgeReset();
  rcrReset();
}

export function pci_cfg_read(bdf: i32, reg: i32, size: i32): i32 {
  if (bdf == HOST_BRIDGE_BDF) return S.host.read(reg, size);
  if (bdf == ISA_BRIDGE_BDF) return S.isa.read(reg, size);
  return -1;
}

export function pci_cfg_write(bdf: i32, reg: i32, size: i32, value: i32): void {
  if (bdf == HOST_BRIDGE_BDF) hostBridgeWrite(reg, size, value);
  else if (bdf == ISA_BRIDGE_BDF) isaBridgeWrite(reg, size, value);
}

// Port 0xCF9 is one byte wide: wider reads see all-ones in the bytes above it, wider writes use
// only their low byte.
export function dev_read(region: i32, offset: i32, size: i32): i32 {
  if (region != REGION_RCR || offset != 0) return -1;
  return <i32>rcrRead() | (size == 1 ? 0 : size == 2 ? 0xff00 : <i32>0xffffff00);
}

export function dev_write(region: i32, offset: i32, size: i32, value: i32): void {
  if (region == REGION_RCR && offset == 0) rcrWrite(<u8>value);
}
