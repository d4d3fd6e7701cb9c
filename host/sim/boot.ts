// `stubdom boot`: boots the default development guest (SeaBIOS on v86, every device ours behind
// the ioreq path) with progress lines on stderr, our UART's console on stdout (and the terminal's
// keys into it), and ends cleanly on guest power-off or reset, --timeout, --until, or Ctrl-C.
// Returns the process exit code: 0 = ended as asked, 1 = --until never matched or a device
// failed, 2 = usage or set-up error (missing image, missing device module, bad option).
import { SimMachine, MissingDeviceError, type EndReason } from "./machine.ts";
import { defaultDevices, type DeviceName } from "./default-guest.ts";
import { parseBootArgs, BootUsageError, type BootOptions } from "./boot-args.ts";
import { ConsoleBackend } from "../node/backends/console.ts";
import { openDiskImage, openIsoImage, memoryImage, BlockImageError, type ImageBlockBackend } from "../node/backends/block-file.ts";
import { SurfaceBackend } from "../display/surface-backend.ts";
import { installVgaRom, VgaRomError } from "../display/vga-rom.ts";
import { installE1000Rom } from "../node/e1000-rom.ts";
import { screenshot } from "../display/screenshot.ts";
import { V86StartError } from "./v86-start.ts";
import { DeviceLoadError } from "../node/device.ts";
import { LineFile } from "./recorder.ts";
import { recordBuild } from "../node/trace.ts";
import { writeFileSync } from "node:fs";
import { preferOptimizedWasm } from "./v8-tuning.ts";
import { linuxGuestImages, linuxGuestMedia, wirePeer } from "./linux-guest.ts";
import { Consoles, ConsoleSetupError } from "./consoles.ts";
import { GuestBuildError } from "../../build/guest/images.ts";

export interface BootIo {
  stdout: { write(chunk: Uint8Array | string): unknown };
  stderr: { write(chunk: string): unknown };
  /** The terminal: keys go to the guest's serial port; raw mode so Ctrl-C arrives as 0x03. A
   *  stream that is not a TTY (a pipe) is read into the serial port too, paced the same way. */
  stdin?: NodeJS.ReadStream | null;
  /** Called once the CPU runs (tests drive the consoles of a live run through this). */
  onStarted?: (run: { machine: SimMachine; display: SurfaceBackend; serial: ConsoleBackend; consoles: Consoles }) => void;
}

const SETUP_ERRORS = [BootUsageError, BlockImageError, MissingDeviceError, V86StartError, VgaRomError, DeviceLoadError, GuestBuildError, ConsoleSetupError];

export async function boot(argv: readonly string[], io: BootIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  preferOptimizedWasm();
  try {
    return await run(parseBootArgs(argv), io);
  } catch (e) {
    if (SETUP_ERRORS.some((k) => e instanceof k)) {
      io.stderr.write(`stubdom boot: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(o: BootOptions, io: BootIo): Promise<number> {
  const say = (s: string): void => { if (!o.quiet) io.stderr.write(`[boot] ${s}\n`); };
  let serialText = "";
  let matched = false;
  let m: SimMachine | null = null;
  const check = (text: string): void => {
    if (o.until && !matched && o.until.test(text)) { matched = true; m?.end("stopped"); }
  };
  let consoles: Consoles | null = null;
  const serial = new ConsoleBackend({ echo: { write: (c: Uint8Array) => { io.stdout.write(c); consoles?.serialOut(c); serialText = (serialText + Buffer.from(c).toString("latin1")).slice(-65536); check(serialText); } } });
  const display = new SurfaceBackend();
  const images: ImageBlockBackend[] = [];
  // The default guest (no --disk, no --kernel): the Linux test guest, booted by SeaBIOS from our
  // IDE disk (build/guest/images.ts; built on first use), its ISO in the CD-ROM drive.
  const guest = !o.disk && !o.kernel ? linuxGuestMedia(linuxGuestImages(say)) : null;
  if (guest) say(`default guest: Debian's Linux ${guest.images.kernelVersion} + busybox, booted by SeaBIOS from ${guest.images.disk} (an in-memory copy) via syslinux; the shell is on this terminal (serial console)`);
  const disk = guest ? guest.disk : o.disk ? openDiskImage(o.disk) : undefined;
  const cd = o.cdrom ? openIsoImage(o.cdrom) : guest ? guest.cd : memoryImage(null, { cdrom: true, name: "empty CD-ROM drive" });
  if (guest && cd !== guest.cd) guest.cd.close();
  let live = true;
  const peer = wirePeer(() => live, guest?.images); // DHCP + TFTP for --boot n (net-boot.ts)
  if (disk) images.push(disk);
  images.push(cd);
  const ram = o.ramMb << 20;
  const { specs, missing } = defaultDevices({ serial, display, net: peer, ide: { units: [disk, undefined, cd], kinds: [disk ? "disk" : "none", "none", "cdrom", "none"] } }, ram);
  const present = new Set(specs.map((s) => s.name as DeviceName));
  const cmos = specs.find((s) => s.name === "cmos");
  if (o.boot && cmos) cmos.config = `${cmos.config ? `${cmos.config},` : ""}boot=${o.boot}`;
  for (const why of missing) say(`device missing: ${why}`);
  if (!present.has("pci")) throw new MissingDeviceError("cannot boot without the pci device (i440FX/PIIX3): build it first");
  if (o.screenshot && !present.has("vga")) throw new MissingDeviceError("--screenshot needs the vga device, which is not built");
  if (o.disk && !present.has("ide")) throw new MissingDeviceError("--disk needs the ide device, which is not built");
  consoles = new Consoles({ options: o, display, serial, present, say, announce: (l) => io.stderr.write(`[boot] ${l}\n`), stdin: io.stdin });
  try {
    await consoles.listen();
  } catch (e) {
    await consoles.close();
    for (const img of images) img.close();
    throw e;
  }
  let failures = 0;
  const record = o.record ? new LineFile(o.record) : null;
  say(`v86 CPU, ${o.bios ?? "SeaBIOS"}, ${o.ramMb} MiB RAM, devices: ${[...present].join(" ")}`);
  let finishTrace: (() => string) | null = null;
  const create = (): Promise<SimMachine> => SimMachine.create({
    memoryBytes: ram,
    biosPath: o.bios ?? undefined,
    kernelPath: o.kernel ?? undefined,
    initrdPath: o.initrd ?? undefined,
    cmdline: o.kernel ? o.append : undefined,
    acpi: present.has("cmos"),
    devices: specs,
    record: record?.line,
    log: (dev, level, text) => { if (level <= 1) say(`${dev}: ${level === 0 ? "error" : "warning"}: ${text}`); },
    onFailure: (f) => { failures++; say(`device ${f.device} FAILED: ${f.error} (during ${f.during}); it now reads all-ones, the others keep running`); },
    setup: (rt, sim) => {
      if (present.has("vga")) { installVgaRom(rt, "vga", undefined); display.attach({ rt, sim }, "vga"); }
      if (present.has("e1000")) installE1000Rom(rt, "e1000", say);
    },
  });
  try {
    if (o.trace) {
      const r = await recordBuild(create, { ram: "reads", ramHoles: [[0xa0000, 0xc0000]] });
      m = r.machine;
      finishTrace = r.finish;
    } else {
      m = await create();
    }
  } catch (e) {
    await consoles.close(); // the servers must not keep the process alive after a set-up error
    throw e;
  }
  const machine = m;
  say(`v86 loaded in ${(machine.v86StartMs / 1000).toFixed(2)} s; devices taken over, starting the CPU`);
  machine.biosLog.onLine = (line) => {
    if (o.biosLog) io.stderr.write(`[bios] ${line}\n`);
    if (line.startsWith("SeaBIOS (version") && !machine.biosLog.lines.slice(0, -1).some((l) => l.startsWith("SeaBIOS (version"))) say(`BIOS banner after ${(machine.elapsedMs() / 1000).toFixed(2)} s`);
    if (/^(Running option rom|Booting from|No bootable device|ata\d-\d: |DVD\/CD \[)/.test(line)) say(line);
    check(line);
  };
  const ended = new Promise<EndReason>((resolve) => { machine.onEnd = resolve; });
  const timer = o.timeoutS > 0 ? setTimeout(() => machine.end("timeout"), o.timeoutS * 1000) : null;
  const onSigint = (): void => machine.end("stopped");
  process.on("SIGINT", onSigint);
  // terminal keys, piped input and the web page's typing reach the UART paced by its receive room
  consoles.start(machine, () => machine.end("stopped"));
  machine.run();
  io.onStarted?.({ machine, display, serial, consoles });
  const why = await ended;
  live = false;
  if (timer) clearTimeout(timer);
  process.off("SIGINT", onSigint);
  await consoles.close();
  const secs = (machine.elapsedMs() / 1000).toFixed(2);
  if (machine.fault) { say(`simulator fault: ${machine.fault.stack ?? machine.fault.message}`); failures++; }
  say(`${describeEnd(why, matched)} after ${secs} s; ioreqs by device: ${JSON.stringify(machine.ioreqsByDevice())}`);
  if (o.screenshot) {
    display.refresh();
    try {
      screenshot(display, o.screenshot);
      say(`screenshot written to ${o.screenshot} (${display.width}x${display.height})`);
    } catch (e) {
      say(`screenshot failed: ${(e as Error).message}`);
      failures++;
    }
  }
  await machine.destroy();
  if (record) { record.close(); say(`ioreq stream written to ${record.path}`); }
  if (o.trace && finishTrace) {
    const text = finishTrace();
    writeFileSync(o.trace, text);
    say(`trace written to ${o.trace} (${(text.length / 1048576).toFixed(1)} MiB; replay: build/out/native/stubdom-replay --check ${o.trace})`);
  }
  for (const img of images) img.close();
  if (o.until && !matched) { say(`--until ${o.until.source} never matched`); return 1; }
  return failures ? 1 : 0;
}

function describeEnd(why: EndReason, matched: boolean): string {
  switch (why) {
    case "poweroff": return "guest powered off";
    case "reboot": return "guest asked for a reset (the run ends here)";
    case "halted": return "guest halted its CPU with interrupts off (nothing can wake it)";
    case "timeout": return "timeout";
    case "stopped": return matched ? "--until matched" : "stopped";
    case "fault": return "INTERNAL ERROR in the simulator (see above)";
  }
}
