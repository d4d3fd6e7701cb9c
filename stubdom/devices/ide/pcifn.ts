// The PCI side of the PIIX3 IDE function (00:01.1, 8086:7010, class 01:01, prog-if 0x80): BAR4 =
// the 16-port bus-master block (claimed by the shared PciFunction while I/O decode is on), IDETIM
// at 0x40 (primary) and 0x42 (secondary) and SIDETIM at 0x44 writable. The legacy ports of a
// channel (0x1F0–0x1F7 + 0x3F6, 0x170–0x177 + 0x376) decode only while PCICMD.IOSE and that
// channel's IDETIM bit 15 (IDE decode enable) are both set, as in the PIIX3 datasheet; the reset
// value of both is 0 (SeaBIOS and hvmloader set them). Config `decode=on` presets them, for a
// guest started without firmware.
import { claim, unclaim, SPACE_PORT } from "../../lib/abi";
import { PciFunction, BAR_IO, CMD_IO, PCI_COMMAND, STATUS_DEVSEL_MEDIUM, STATUS_FAST_B2B } from "../../lib/pci";
import { S, channelAt } from "./state";
import { REGION_CMD0, REGION_CTRL0, REGION_CMD1, REGION_CTRL1, REGION_BM, CMD_BASE0, CTRL_PORT0, CMD_BASE1, CTRL_PORT1 } from "./regs";

export const PIIX_VENDOR: u16 = 0x8086;
export const PIIX3_IDE_DEVICE: u16 = 0x7010;
export const PIIX_IDE_CLASS: u32 = 0x010180;
export const IDETIM_PRIMARY: i32 = 0x40;
export const IDETIM_SECONDARY: i32 = 0x42;
export const SIDETIM: i32 = 0x44;
export const IDETIM_DECODE: u16 = 0x8000;
const STATUS_RECEIVED_MASTER_ABORT: u16 = 0x2000;

export function pciInit(bdf: i32, decodeOn: bool): void {
  const f = new PciFunction(bdf, PIIX_VENDOR, PIIX3_IDE_DEVICE, PIIX_IDE_CLASS, 0);
  f.setStatus(STATUS_DEVSEL_MEDIUM | STATUS_FAST_B2B);
  f.defineBar(4, BAR_IO, 16, REGION_BM);
  f.setWritable16(IDETIM_PRIMARY, 0xffff);
  f.setWritable16(IDETIM_SECONDARY, 0xffff);
  f.setWritable(SIDETIM, 0xff);
  if (decodeOn) {
    f.set16(IDETIM_PRIMARY, IDETIM_DECODE);
    f.set16(IDETIM_SECONDARY, IDETIM_DECODE);
    f.set16(PCI_COMMAND, CMD_IO);
  }
  f.register();
  S.pci = f;
}

function pci(): PciFunction { return S.pci!; }

export function pciRead(reg: i32, size: i32): i32 { return pci().read(reg, size); }

export function pciWrite(reg: i32, size: i32, value: i32): void {
  pci().write(reg, size, value);
  updateDecode();
}

export function pciReset(): void {
  pci().reset();
  updateDecode();
}

export function busMasterEnabled(): bool { return pci().busMaster(); }

// A DMA cycle hit memory outside guest RAM: PCISTS "received master abort".
export function noteMasterAbort(): void { pci().setStatus(STATUS_RECEIVED_MASTER_ABORT); }

// Claims or drops each channel's legacy ports to match IOSE and IDETIM.
export function updateDecode(): void {
  const f = pci();
  const io = (f.command() & CMD_IO) != 0;
  for (let i = 0; i < 2; i++) {
    const ch = channelAt(i);
    const on = io && (f.get16(i == 0 ? IDETIM_PRIMARY : IDETIM_SECONDARY) & IDETIM_DECODE) != 0;
    if (on == ch.decoding) continue;
    ch.decoding = on;
    const cmdRegion = i == 0 ? REGION_CMD0 : REGION_CMD1;
    const ctrlRegion = i == 0 ? REGION_CTRL0 : REGION_CTRL1;
    if (on) {
      claim(cmdRegion, SPACE_PORT, i == 0 ? CMD_BASE0 : CMD_BASE1, 0, 8);
      claim(ctrlRegion, SPACE_PORT, i == 0 ? CTRL_PORT0 : CTRL_PORT1, 0, 1);
    } else {
      unclaim(cmdRegion);
      unclaim(ctrlRegion);
    }
  }
}
