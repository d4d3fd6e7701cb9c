// Who answers an I/O port inside v86: names v86's own device objects (cpu.devices.*, the CPU's
// platform glue) and the markers the takeover installs, so the takeover and the ownership test
// speak about the same thing.
import type { V86Cpu } from "./v86-types.ts";

/** v86 devices that stay: what Xen emulates inside the hypervisor (PIT with port 0x61, the RTC's
 *  registers 0–13 — see cmos-split.ts — and the ACPI PM timer/event block). PIC, local APIC and
 *  I/O APIC live in v86's wasm core and never appear in the port table. */
export const HYPERVISOR_DEVICES: ReadonlySet<string> = new Set(["pit", "rtc", "acpi"]);

/** Whether Xen serves `port` of v86 device `owner` in the hypervisor. Of the ACPI block only
 *  PM1a_STS/PM1a_EN (0xB000–0xB003) and the PM timer (0xB008–0xB00B) are Xen's (pmtimer.c);
 *  PM1a_CNT (0xB004) and GPE0 (0xAFE0) belong to the device model. */
export function hypervisorPort(owner: string, port: number): boolean {
  if (owner === "acpi") return (port >= 0xb000 && port <= 0xb003) || (port >= 0xb008 && port <= 0xb00b);
  return HYPERVISOR_DEVICES.has(owner);
}

/** The CPU's own ports: QEMU fw_cfg (0x510/0x511, SeaBIOS's RAM/CPU-count source here), port 0x92
 *  (A20) and 0xB3 (APM status). A device of ours claiming one of them takes it over. */
export const CPU_GLUE = "cpu";

/** Markers set as the `device` of ports the takeover handles. */
export const ABSENT = { name: "absent" } as const;
export const FORWARDED = { name: "ioreq" } as const;
export const SPLIT = { name: "cmos-split" } as const;
export const DEBUG_PORT = { name: "bios-debug" } as const;

export function ownerNames(cpu: V86Cpu): Map<object, string> {
  const names = new Map<object, string>([[cpu, CPU_GLUE], [ABSENT, ABSENT.name], [FORWARDED, FORWARDED.name], [SPLIT, SPLIT.name], [DEBUG_PORT, DEBUG_PORT.name]]);
  for (const [k, v] of Object.entries(cpu.devices)) if (v && !names.has(v)) names.set(v, k);
  return names;
}

/** The name of the owner of `port` ("" = nobody registered it: v86 answers all-ones). */
export function portOwner(cpu: V86Cpu, names: Map<object, string>, port: number): string {
  const d = cpu.io.ports[port]!.device;
  if (d === undefined) return "";
  return names.get(d) ?? `unknown(${(d as { name?: string }).name ?? "?"})`;
}
