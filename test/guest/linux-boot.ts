// Linux boots of the development host shared by test/guest/linux.test.ts and
// test/native/replay.test.ts: Debian's i386 kernel and our busybox initramfs (build/guest/images.ts,
// built here when build/out/guest/ lacks them), on every device of ours behind the ioreq path,
// either started directly (v86 loads the bzImage; SeaBIOS runs it from the fw_cfg option ROM, as
// QEMU's -kernel) or booted by SeaBIOS from our IDE disk through syslinux. Each boot runs until the
// guest's init has printed its checks, types one command into the shell on the serial console,
// reads the framebuffer console off our VGA, then stops. One boot per mode per process; the direct
// boot is recorded as a trace (docs/trace-format.md, RAM as "reads") for the native replay.
import { SimMachine } from "../../host/sim/machine.ts";
import { defaultDevices, type DeviceName } from "../../host/sim/default-guest.ts";
import { ConsoleBackend } from "../../host/node/backends/console.ts";
import type { NetPeer } from "../../host/node/backends/net-peer.ts";
import { SurfaceBackend } from "../../host/display/surface-backend.ts";
import { installVgaRom } from "../../host/display/vga-rom.ts";
import { captureImage } from "../../host/display/screenshot.ts";
import { framebufferText } from "../../host/sim/fb-text.ts";
import { linuxGuestImages, linuxGuestMedia, wirePeer, typePaced } from "../../host/sim/linux-guest.ts";
import { recordBuild } from "../../host/node/trace.ts";
import type { GuestImages } from "../../build/guest/images.ts";
import { readFileSync } from "node:fs";

export const LINUX_RAM = 128 << 20;
/** Wall-time limit of one boot to the end of the init's checks. */
export const LINUX_BOOT_LIMIT_MS = 240_000;
export type LinuxMode = "direct" | "disk";

export interface LinuxBoot {
  mode: LinuxMode;
  images: GuestImages;
  present: Set<DeviceName>;
  serial: string;
  biosLog: string[];
  peer: NetPeer;
  /** The init's `CHECK <name> OK|FAIL <detail>` lines by name. */
  checks: Map<string, { ok: boolean; detail: string }>;
  done: { pass: number; fail: number } | null;
  /** Wall ms from machine creation: SeaBIOS banner, the kernel's "Run /init", the init's last check. */
  bannerMs: number | null;
  initMs: number | null;
  doneMs: number | null;
  /** The shell on ttyS0 answered a command typed into our UART. */
  shellAnswered: boolean;
  /** `poweroff -f` typed into the shell ended the run with the CPU halted for good. */
  halted: boolean;
  ioreqs: Record<string, number>;
  fbSize: [number, number];
  fbText: string[];
  trace: string | null;
  failures: string[];
  fault: string | null;
}

// Kept on globalThis: a boot takes a minute or two, and the two test files that share it must
// see one cache even if the loader hands them separate instances of this module.
const CACHE = Symbol.for("wasm-stubdom.test.linuxBoots");
const boots: Map<LinuxMode, Promise<LinuxBoot>> = ((globalThis as Record<symbol, unknown>)[CACHE] ??= new Map()) as Map<LinuxMode, Promise<LinuxBoot>>;

export function linuxBoot(mode: LinuxMode): Promise<LinuxBoot> {
  let b = boots.get(mode);
  if (!b) { b = run(mode); boots.set(mode, b); }
  return b;
}

async function run(mode: LinuxMode): Promise<LinuxBoot> {
  const images = linuxGuestImages((s) => console.log(`      ${s}`));
  const media = linuxGuestMedia(images);
  let live = true;
  const peer = wirePeer(() => live);
  const console_ = new ConsoleBackend();
  const display = new SurfaceBackend();
  const { specs, missing } = defaultDevices({ serial: console_, display, net: peer, ide: { units: [media.disk, undefined, media.cd], kinds: ["disk", "none", "cdrom", "none"] } }, LINUX_RAM);
  if (missing.length) throw new Error(`the Linux guest needs every device module: ${missing.join("; ")}`);
  const present = new Set(specs.map((s) => s.name as DeviceName));
  const failures: string[] = [];
  const create = (): Promise<SimMachine> => SimMachine.create({
    memoryBytes: LINUX_RAM,
    acpi: true,
    devices: specs,
    kernelPath: mode === "direct" ? images.kernel : undefined,
    initrdPath: mode === "direct" ? images.initrd : undefined,
    cmdline: mode === "direct" ? images.cmdline : undefined,
    log: () => {},
    onFailure: (f) => failures.push(`${f.device}: ${f.error} (during ${f.during})`),
    setup: (rt, sim) => { installVgaRom(rt, "vga", undefined); display.attach({ rt, sim }, "vga"); },
  });
  let m: SimMachine;
  let finish: (() => string) | null = null;
  if (mode === "direct") {
    const r = await recordBuild(create, { ram: "reads", ramHoles: [[0xa0000, 0xc0000]] });
    m = r.machine;
    finish = r.finish;
  } else {
    m = await create();
  }
  let bannerMs: number | null = null;
  m.biosLog.onLine = (l) => { if (bannerMs === null && l.startsWith("SeaBIOS (version")) bannerMs = m.elapsedMs(); };
  let initMs: number | null = null;
  let doneMs: number | null = null;
  let shellAnswered = false;
  let text = "";
  const poll = (): void => {
    text = console_.text();
    if (initMs === null && text.includes("Run /init as init process")) initMs = m.elapsedMs();
    if (doneMs === null && /GUEST-CHECKS-DONE pass=\d+ fail=\d+/.test(text)) doneMs = m.elapsedMs();
  };
  m.run();
  await m.waitFor(() => { poll(); return doneMs !== null || /Kernel panic/.test(text); }, LINUX_BOOT_LIMIT_MS, 50);
  if (doneMs !== null && !m.ended) {
    // the shell: a command typed into our UART, its answer computed by the guest
    await m.waitFor(() => console_.text().includes("poweroff -f to end"), 5000);
    await new Promise((r) => setTimeout(r, 300));
    await typePaced(console_, "echo SHELL-$((6*7))-OK\n", () => !m.ended);
    shellAnswered = await m.waitFor(() => console_.text().includes("SHELL-42-OK"), 20_000);
  }
  text = console_.text();
  let fbSize: [number, number] = [0, 0];
  let fbText: string[] = [];
  if (!m.ended) {
    display.refresh();
    fbSize = [display.width, display.height];
    if (display.width >= 640) fbText = framebufferText(captureImage(display), new Uint8Array(readFileSync(images.font)));
  }
  // `poweroff -f` ends the run: with no ACPI tables Linux halts its CPU with interrupts off
  let halted = false;
  if (shellAnswered && !m.ended) {
    await typePaced(console_, "poweroff -f\n", () => !m.ended);
    halted = await m.waitFor(() => m.ended === "halted", 30_000);
    text = console_.text();
  }
  const fault = m.fault ? (m.fault.stack ?? m.fault.message) : null;
  m.end("stopped");
  live = false;
  await new Promise((r) => setTimeout(r, 50));
  const ioreqs = m.ioreqsByDevice();
  const trace = finish ? finish() : null;
  const biosLog = [...m.biosLog.lines];
  await m.destroy();
  media.disk.close();
  media.cd.close();
  const checks = new Map<string, { ok: boolean; detail: string }>();
  for (const x of text.matchAll(/^CHECK (\S+) (OK|FAIL) ?(.*?)\r?$/gm)) checks.set(x[1]!, { ok: x[2] === "OK", detail: x[3]! });
  const d = /GUEST-CHECKS-DONE pass=(\d+) fail=(\d+)/.exec(text);
  return {
    mode, images, present, serial: text, biosLog, peer, checks, done: d ? { pass: Number(d[1]), fail: Number(d[2]) } : null,
    bannerMs, initMs, doneMs, shellAnswered, halted, ioreqs, fbSize, fbText, trace, failures, fault,
  };
}

/** One summary line for the test output: times and ioreqs by device. */
export function describeBoot(b: LinuxBoot): string {
  const t = (ms: number | null): string => (ms === null ? "never" : `${(ms / 1000).toFixed(2)} s`);
  const total = Object.values(b.ioreqs).reduce((a, n) => a + n, 0);
  return `${b.mode === "direct" ? "direct boot" : "SeaBIOS → syslinux → Linux from the IDE disk"}: SeaBIOS banner ${t(b.bannerMs)}, Linux init ${t(b.initMs)}, init's checks done ${t(b.doneMs)}; ${total} ioreqs: ${JSON.stringify(b.ioreqs)}`;
}
