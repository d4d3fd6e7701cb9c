// `stubdom boot --boot ORDER` (issue 24: xl's boot=): the CMOS boot-order bytes SeaBIOS reads
// (0x3D, 0x38's high nibble). Debian's GRUB rescue CD (grub-rescue-pc, an El Torito image) is
// chosen over the bootable Linux test disk (build/out/guest/disk.img) with --boot d, and the disk
// over the CD with --boot c; a bad order is refused with usage.
import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot, type BootIo } from "../../host/sim/boot.ts";
import type { SimMachine } from "../../host/sim/machine.ts";
import { readTextScreen } from "../../host/sim/text-screen.ts";
import { DIR_READ, DIR_WRITE } from "../../host/node/ioreq.ts";

const GRUB_ISO = "/usr/lib/grub-rescue/grub-rescue-cdrom.iso";
const GUEST_DISK = "build/out/guest/disk.img";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `stubdom boot ARGV` until `done(machine)` holds (polled) or `ms` pass; returns what it saw. */
async function bootUntil(argv: string[], done: (m: SimMachine) => boolean, ms: number): Promise<{ ok: boolean; bios: string; screen: string; cmos: number[]; err: string }> {
  let err = "";
  let machine: SimMachine | null = null;
  const io: BootIo = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => { err += s; return true; } },
    stdin: null,
    onStarted: (r) => { machine = r.machine; },
  };
  const exit = boot([...argv, "--timeout", String(Math.ceil(ms / 1000) + 5), "--quiet"], io);
  const t0 = performance.now();
  let ok = false;
  while (performance.now() - t0 < ms) {
    await sleep(200);
    if (machine && done(machine)) { ok = true; break; }
  }
  const m = machine as SimMachine | null;
  const cmos = m ? [0x3d, 0x38].map((r) => { m.sim.pio(0, 0x70, 1, DIR_WRITE, r); return m.sim.pio(0, 0x71, 1, DIR_READ); }) : [];
  const bios = m ? m.biosLog.lines.join("\n") : "";
  const screen = m ? readTextScreen(m.sim).join("\n") : "";
  m?.end("stopped");
  await exit;
  return { ok, bios, screen, cmos, err };
}

describe("guest: --boot sets the CMOS boot order SeaBIOS follows (xl's boot=)", function () {
  this.timeout(180_000);
  let dir = "";
  let disk = "";

  before(function () {
    if (!existsSync(GRUB_ISO)) throw new Error(`${GRUB_ISO} is missing: apt-get install -y grub-rescue-pc (test/browser/apt-packages.txt)`);
    if (!existsSync(GUEST_DISK)) throw new Error(`${GUEST_DISK} is missing: npm run build:guest`);
    dir = mkdtempSync(join(tmpdir(), "stubdom-bootorder-"));
    disk = join(dir, "disk.img");
    copyFileSync(GUEST_DISK, disk);   // the guest may write to its disk
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("refuses an order that is not up to three of a/c/d/n", async () => {
    let err = "";
    const io: BootIo = { stdout: { write: () => true }, stderr: { write: (s: string) => { err += s; return true; } }, stdin: null };
    assert.equal(await boot(["--boot", "dx"], io), 2);
    assert.match(err, /--boot dx: want up to three different letters/);
  });

  it("--boot d: GRUB's rescue CD over a bootable disk (CMOS 0x3D=0x03, 0x38=0x00)", async () => {
    const r = await bootUntil(["--disk", disk, "--cdrom", GRUB_ISO, "--boot", "d"],
      (m) => readTextScreen(m.sim).some((l) => l.includes("GNU GRUB")), 90_000);
    assert.ok(r.ok, `no GRUB on the screen:\n${r.screen}\n--- BIOS:\n${r.bios}\n--- boot:\n${r.err}`);
    assert.deepEqual(r.cmos, [0x03, 0x00]);
    assert.match(r.bios, /Booting from DVD\/CD/);
    assert.doesNotMatch(r.bios, /Booting from Hard Disk/);
  });

  it("--boot c: the disk over the CD (CMOS 0x3D=0x02)", async () => {
    const r = await bootUntil(["--disk", disk, "--cdrom", GRUB_ISO, "--boot", "c"],
      (m) => m.biosLog.lines.some((l) => l.startsWith("Booting from")), 90_000);
    assert.ok(r.ok, `SeaBIOS did not boot:\n${r.bios}\n--- boot:\n${r.err}`);
    assert.deepEqual(r.cmos, [0x02, 0x00]);
    assert.match(r.bios, /Booting from Hard Disk/);
    assert.doesNotMatch(r.bios, /Booting from DVD\/CD/);
  });
});
