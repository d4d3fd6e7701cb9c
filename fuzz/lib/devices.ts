// The fuzzed machines, one device each: configuration, IRQ routes, backends, and what its
// oracles allow. Keep in step with fuzz/harness/fuzz_devices.c's `devices[]`.
import { EVENT } from "../../host/node/abi.ts";

export interface FuzzBlkUnit { sectors: number; sectorSize: number; present: boolean; readOnly: boolean; removable: boolean }

export interface FuzzDevice {
  config: string;
  isaIrqs: number[];
  chr?: boolean;
  net?: boolean;
  display?: boolean;
  blk?: FuzzBlkUnit[];
  /** How far past an address the guest named a device may DMA; 0 = it does no DMA at all. */
  dmaSpan: number;
  /** Backend events the fuzzer may deliver (an event op picks one by index). */
  events: number[];
}

export const DEVICES: Record<string, FuzzDevice> = {
  pci: { config: "", isaIrqs: [], dmaSpan: 0, events: [] },
  cmos: { config: "ram_mb=16,nvram=256", isaIrqs: [], dmaSpan: 0, events: [] },
  uart: { config: "base=0x3f8", isaIrqs: [4], chr: true, dmaSpan: 0, events: [EVENT.CHR_RX] },
  ps2: { config: "", isaIrqs: [1, 12], dmaSpan: 0, events: [EVENT.KEY, EVENT.MOUSE] },
  vga: { config: "vram_mb=2,rom=none", isaIrqs: [], display: true, dmaSpan: 0, events: [EVENT.DISPLAY_REFRESH] },
  ide: {
    config: "hda=disk,hdb=cdrom,hdc=cdrom,hdd=disk,decode=on", isaIrqs: [14, 15], dmaSpan: 0x10000, events: [EVENT.BLK_MEDIA],
    blk: [
      { sectors: 128, sectorSize: 512, present: true, readOnly: false, removable: false },
      { sectors: 64, sectorSize: 2048, present: true, readOnly: true, removable: true },
      { sectors: 64, sectorSize: 2048, present: false, readOnly: true, removable: true },
      { sectors: 16, sectorSize: 512, present: true, readOnly: true, removable: false },
    ],
  },
  e1000: { config: "bdf=00:03.0,mac=52:54:00:12:34:56", isaIrqs: [], net: true, dmaSpan: 0x110000, events: [EVENT.NET_RX, EVENT.NET_LINK] },
  xenplatform: { config: "bdf=00:02.0", isaIrqs: [], dmaSpan: 0, events: [] },
};

/** Fuzzing priority (docs/fuzzing.md). */
export const ORDER = ["e1000", "ide", "vga", "ps2", "uart", "pci", "cmos", "xenplatform"];
