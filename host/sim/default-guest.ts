// The default development guest: which of our devices it has, their configuration and IRQ
// routing (ISA lines as on a PC: keyboard 1, mouse 12, COM1 4, IDE 14/15; PCI functions on their
// INTx through the PIIX3 links), with the backends the caller supplies. A device whose module
// is not built is reported, never silently dropped: `missing` names it and why.
import { existsSync } from "node:fs";
import { modulePath } from "../node/machine.ts";
import type { CharBackend, BlockBackend, DisplayBackend, NetBackend } from "../node/backends.ts";
import type { SimDeviceSpec } from "./machine.ts";

export interface GuestBackends {
  serial?: CharBackend;
  /** IDE units 0–3 (hda..hdd); `kinds` says disk or cdrom for each present one. */
  ide?: { units: Array<BlockBackend | undefined>; kinds: Array<"disk" | "cdrom" | "none"> };
  display?: DisplayBackend;
  /** The e1000's wire (frames the guest sends; none arrive without one). */
  net?: NetBackend;
}

/** Every device of the default guest, in the order they are added (pci first: it owns 00:00.0). */
export const DEFAULT_DEVICES = ["pci", "cmos", "uart", "ps2", "vga", "ide", "e1000"] as const;
export type DeviceName = (typeof DEFAULT_DEVICES)[number];

/** RAM of the default guest (the CMOS device is configured to report the same). */
export const DEFAULT_RAM = 128 << 20;

export function deviceSpec(name: DeviceName, b: GuestBackends, ramBytes: number): SimDeviceSpec {
  switch (name) {
    case "pci": return { name };
    case "cmos": return { name, config: `ram_mb=${Math.floor(ramBytes / (1 << 20))}` };
    case "uart": return { name, config: "base=0x3f8", irqs: [{ isa: 4 }], chr: b.serial };
    case "ps2": return { name, irqs: [{ isa: 1 }, { isa: 12 }] };
    case "vga": return { name, display: b.display };
    case "e1000": return { name, config: "bdf=00:03.0,mac=52:54:00:12:34:56", net: b.net };
    case "ide": {
      const kinds = b.ide?.kinds ?? [];
      const cfg = ["hda", "hdb", "hdc", "hdd"].map((k, i) => `${k}=${kinds[i] ?? "none"}`).join(",");
      // A sparse array: units without a backend are holes (the runtime's forEach skips them).
      const blk: BlockBackend[] = [];
      (b.ide?.units ?? []).forEach((u, i) => { if (u) blk[i] = u; });
      return { name, config: cfg, irqs: [{ isa: 14 }, { isa: 15 }], blk };
    }
  }
}

/** The default guest's devices that are built, and those that are not (with the reason). */
export function defaultDevices(b: GuestBackends, ramBytes = DEFAULT_RAM, only: readonly DeviceName[] = DEFAULT_DEVICES): { specs: SimDeviceSpec[]; missing: string[] } {
  const specs: SimDeviceSpec[] = [];
  const missing: string[] = [];
  for (const name of only) {
    const wasm = modulePath(name);
    if (!existsSync(wasm)) { missing.push(`${name}: ${wasm} not built (node --import tsx build/build.ts ${name})`); continue; }
    specs.push(deviceSpec(name, b, ramBytes));
  }
  return { specs, missing };
}
