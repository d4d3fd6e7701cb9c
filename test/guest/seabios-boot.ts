// One SeaBIOS boot on the development host shared by the guest tests (it takes seconds): v86 as
// the CPU, our device modules behind the ioreq path, an IDE disk whose MBR prints a message, an
// empty ATAPI CD-ROM, a console on COM1 and a display backend on the VGA. The boot runs until the
// disk's interrupt message appears (or a deadline), then stops; tests read what happened.
import { SimMachine } from "../../host/sim/machine.ts";
import { defaultDevices, type DeviceName } from "../../host/sim/default-guest.ts";
import { bootSectorDisk, BOOT_MESSAGE, IRQ_MESSAGE } from "../../host/sim/boot-sector.ts";
import { ConsoleBackend } from "../../host/node/backends/console.ts";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import { SurfaceBackend } from "../../host/display/surface-backend.ts";
import { installVgaRom } from "../../host/display/vga-rom.ts";
import { readTextScreen } from "../../host/sim/text-screen.ts";

export const RAM = 128 << 20;
export const DISK_SECTORS = 8192; // 4 MiB

export interface SeabiosBoot {
  m: SimMachine;
  present: Set<DeviceName>;
  missing: string[];
  serial: ConsoleBackend;
  display: SurfaceBackend;
  /** ms from creation to the BIOS banner on the debug port, to the disk's message, to its IRQ. */
  bannerMs: number | null;
  bootedMs: number | null;
  irqMs: number | null;
  /** The VGA text screen read back through the ioreq path at the end of the run. */
  screen: string[];
  ioreqs: Record<string, number>;
}

let booting: Promise<SeabiosBoot> | null = null;

/** Boots once per process; the `pci` device is required (SeaBIOS cannot enumerate without it). */
export function seabiosBoot(): Promise<SeabiosBoot> {
  booting ??= boot();
  return booting;
}

async function boot(): Promise<SeabiosBoot> {
  const serial = new ConsoleBackend();
  const display = new SurfaceBackend();
  const disk = memoryImage(bootSectorDisk(DISK_SECTORS), { name: "boot disk" });
  const cd = memoryImage(null, { cdrom: true, name: "empty cd" });
  const { specs, missing } = defaultDevices({ serial, display, ide: { units: [disk, undefined, cd], kinds: ["disk", "none", "cdrom", "none"] } }, RAM);
  const present = new Set(specs.map((s) => s.name as DeviceName));
  if (!present.has("pci")) throw new Error(`SeaBIOS boot impossible: the pci device is required — ${missing.join("; ")}`);
  const m = await SimMachine.create({
    memoryBytes: RAM,
    // SeaBIOS takes the CPU count from CMOS 0x5F when it sees a local APIC: without our CMOS
    // device that byte reads 0xFF (256 CPUs) and it waits forever for the APs.
    acpi: present.has("cmos"),
    devices: specs,
    log: () => {},
    setup: (rt, sim) => {
      if (present.has("vga")) { installVgaRom(rt, "vga", undefined); display.attach({ rt, sim }, "vga"); }
    },
  });
  let bannerMs: number | null = null;
  let bootedMs: number | null = null;
  let irqMs: number | null = null;
  m.biosLog.onLine = (l) => {
    if (bannerMs === null && l.startsWith("SeaBIOS (version")) bannerMs = m.elapsedMs();
    if (bootedMs === null && l === BOOT_MESSAGE.trimEnd()) bootedMs = m.elapsedMs();
    if (irqMs === null && l === IRQ_MESSAGE.trimEnd()) irqMs = m.elapsedMs();
  };
  m.run();
  await m.waitFor(() => irqMs !== null || m.biosLog.find(/No bootable device/) >= 0, 60000);
  m.end("stopped");
  await new Promise((r) => setTimeout(r, 50));
  const screen = present.has("vga") ? readTextScreen(m.sim) : [];
  return { m, present, missing, serial, display, bannerMs, bootedMs, irqMs, screen, ioreqs: m.ioreqsByDevice() };
}
