// `stubdom boot` (host/sim/boot.ts): clear usage and set-up errors with exit code 2; a full boot
// from a disk image that ends as soon as the guest's serial output matches --until, with a
// screenshot of our VGA and the ioreq stream recorded; a guest reset request (PIIX3 RCR 0xCF9)
// ends the run cleanly.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot, type BootIo } from "../../host/sim/boot.ts";
import { bootSectorDisk, BOOT_MESSAGE, IRQ_MESSAGE } from "../../host/sim/boot-sector.ts";
import { decodePng } from "../../host/display/screenshot.ts";
import { SimMachine } from "../../host/sim/machine.ts";
import { defaultDevices } from "../../host/sim/default-guest.ts";

function captureIo(): BootIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (c: Uint8Array | string) => { out += typeof c === "string" ? c : Buffer.from(c).toString("latin1"); } },
    stderr: { write: (c: string) => { err += c; } },
    stdin: null,
    out: () => out,
    err: () => err,
  };
}

describe("guest: the stubdom boot command (host/sim/boot.ts)", function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), "stubdom-boot-"));

  it("rejects an unknown option and a bad value with usage text and exit code 2", async () => {
    let io = captureIo();
    assert.equal(await boot(["--frobnicate"], io), 2);
    assert.match(io.err(), /unknown option --frobnicate[\s\S]*usage: stubdom boot/);
    io = captureIo();
    assert.equal(await boot(["--timeout", "soon"], io), 2);
    assert.match(io.err(), /--timeout soon: want a number/);
    io = captureIo();
    assert.equal(await boot(["--screenshot", "shot.jpg"], io), 2);
    assert.match(io.err(), /must end in \.png/);
  });

  it("names a missing disk image and exits with code 2 before starting the guest", async () => {
    const io = captureIo();
    assert.equal(await boot(["--disk", join(dir, "nope.img")], io), 2);
    assert.match(io.err(), /nope\.img: no such image file/);
    assert.doesNotMatch(io.err(), /\[boot\] v86 CPU/);
  });

  it("refuses a kernel file that is not a Linux bzImage, with exit code 2", async () => {
    const bogus = join(dir, "bogus-kernel");
    writeFileSync(bogus, Buffer.alloc(4096, 0x5a));
    const io = captureIo();
    assert.equal(await boot(["--kernel", bogus, "--timeout", "5"], io), 2);
    assert.match(io.err(), /bogus-kernel is not a Linux bzImage/);
  });

  it("boots SeaBIOS from a disk image, stops on --until, writes a screenshot and the ioreq record", async () => {
    const disk = join(dir, "disk.img");
    writeFileSync(disk, bootSectorDisk(2048));
    const shot = join(dir, "screen.png");
    const rec = join(dir, "ioreqs.jsonl");
    const io = captureIo();
    const trace = join(dir, "boot.trace");
    const code = await boot(["--disk", disk, "--until", "IRQ 4 from our UART reached the CPU", "--timeout", "60", "--screenshot", shot, "--record", rec, "--trace", trace], io);
    assert.equal(code, 0, io.err());
    assert.ok(io.out().includes(BOOT_MESSAGE) && io.out().includes(IRQ_MESSAGE.trimEnd()), io.out());
    assert.match(io.err(), /\[boot\] BIOS banner after [\d.]+ s/);
    assert.match(io.err(), /\[boot\] Booting from Hard Disk\.\.\./);
    assert.match(io.err(), /\[boot\] --until matched after [\d.]+ s; ioreqs by device: \{/);
    const img = decodePng(readFileSync(shot));
    assert.deepEqual([img.width, img.height], [720, 400]);
    const lines = readFileSync(rec, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { k: string; type: number; sbdf?: number; addr: number; dir?: number; resp?: number });
    assert.ok(lines.length > 1000, `${lines.length} records`);
    const hostBridgeId = lines.find((r) => r.k === "io" && r.type === 2 && r.sbdf === 0 && r.addr === 0 && r.dir === 1);
    assert.equal(hostBridgeId?.resp, 0x12378086);
    assert.ok(lines.some((r) => r.k === "buf" && r.addr >= 0xa0000 && r.addr < 0xc0000), "buffered VGA-window writes recorded");
    const t = readFileSync(trace, "utf8").split("\n");
    assert.deepEqual(t.slice(0, 5), ["stubdom-trace 1", `ram ${128 << 20}`, "vcpus 1", "bufvga 1", "ramhole 0xa0000 0xc0000"]);
    assert.ok(t.some((l) => /^device pci pci wasm=0x[0-9a-f]+ /.test(l)) && t.some((l) => /^blk ide 0 0 0 1 0$/.test(l)), "devices and the MBR read in the trace");
    assert.match(io.err(), /\[boot\] trace written to .*boot\.trace/);
  });

  it("ends a run with --timeout and says so", async () => {
    const io = captureIo();
    const disk = join(dir, "timeout.img");
    writeFileSync(disk, new Uint8Array(2048 * 512)); // nothing bootable: SeaBIOS waits to retry
    assert.equal(await boot(["--disk", disk, "--timeout", "1"], io), 0, io.err());
    assert.match(io.err(), /\[boot\] timeout after \d+\.\d+ s/);
  });

  it("ends the run when the guest halts its CPU with interrupts off (the boot sector's cli; hlt)", async () => {
    const io = captureIo();
    const disk = join(dir, "halt.img");
    writeFileSync(disk, bootSectorDisk(2048));
    assert.equal(await boot(["--disk", disk, "--timeout", "60"], io), 0, io.err());
    assert.ok(io.out().includes(IRQ_MESSAGE.trimEnd()), io.out());
    assert.match(io.err(), /\[boot\] guest halted its CPU with interrupts off \(nothing can wake it\) after \d+\.\d+ s/);
  });

  it("ends the run cleanly when the guest asks for a reset (PIIX3 reset control at 0xCF9)", async () => {
    const { specs } = defaultDevices({}, 32 << 20, ["pci"]);
    const m = await SimMachine.create({ memoryBytes: 32 << 20, devices: specs, log: () => {} });
    const ended = new Promise((resolve) => { m.onEnd = resolve; });
    const port = m.cpu.io.ports[0xcf9]!;
    port.write8.call(port.device, 0x06); // SRST | RCPU, as Linux's reboot=pci writes
    assert.equal(await ended, "reboot");
    assert.deepEqual(m.sim.shutdowns, ["reboot"]);
    await m.destroy();
  });
});
