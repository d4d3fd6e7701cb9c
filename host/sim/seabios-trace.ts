// host/sim/seabios-trace.ts — records, as an ioreq trace (docs/trace-format.md), SeaBIOS booting
// on the development host from our IDE disk (host/sim's boot sector) with the default devices.
// The native replay test replays it; fuzz/from-trace.ts cuts it into seeds.
import { SimMachine } from "./machine.ts";
import { defaultDevices } from "./default-guest.ts";
import { bootSectorDisk, BOOT_MESSAGE } from "./boot-sector.ts";
import { ConsoleBackend } from "../node/backends/console.ts";
import { memoryImage } from "../node/backends/block-file.ts";
import { recordBuild } from "../node/trace.ts";
import { SurfaceBackend } from "../display/surface-backend.ts";
import { installVgaRom } from "../display/vga-rom.ts";

export interface SeabiosTrace {
  trace: string;
  /** the boot sector's message reached the BIOS log (false: it stopped, e.g. "No bootable device") */
  booted: boolean;
  biosLog: string;
}

/** Boots SeaBIOS (128 MiB, the default device set, the boot-sector disk and an empty CD) until the
 * boot sector has spoken or the BIOS gave up, 120 s of wall time at most. */
export async function recordSeabiosBoot(): Promise<SeabiosTrace> {
  const RAM = 128 << 20;
  const serial = new ConsoleBackend();
  const display = new SurfaceBackend();
  const disk = memoryImage(bootSectorDisk(8192), { name: "boot disk" });
  const cd = memoryImage(null, { cdrom: true, name: "empty cd" });
  const { specs } = defaultDevices({ serial, display, ide: { units: [disk, undefined, cd], kinds: ["disk", "none", "cdrom", "none"] } }, RAM);
  const { machine: m, finish } = await recordBuild(
    () => SimMachine.create({
      memoryBytes: RAM, acpi: specs.some((s) => s.name === "cmos"), devices: specs, log: () => {},
      setup: (rt, sim) => { if (specs.some((s) => s.name === "vga")) { installVgaRom(rt, "vga", undefined); display.attach({ rt, sim }, "vga"); } },
    }),
    { ram: "reads", ramHoles: [[0xa0000, 0xc0000]] },
  );
  m.run();
  const done = await m.waitFor(() => m.biosLog.lines.includes(BOOT_MESSAGE.trimEnd()) || m.biosLog.find(/No bootable device/) >= 0, 120_000);
  m.end("stopped");
  await new Promise((r) => setTimeout(r, 50));
  return { trace: finish(), booted: !!done && m.biosLog.lines.includes(BOOT_MESSAGE.trimEnd()), biosLog: m.biosLog.text() };
}
