// Proves the QEMU register oracle itself, with no device of ours: the firmware compiler's layout,
// runOnGuest and diffAnswers on fakes, and then real answers from QEMU's own chip models (i440FX,
// PIIX3, 16550, i8042, e1000 BAR sizing, std-vga MMIO BAR). QEMU missing = loud failure.

import { strict as assert } from "node:assert";
import { buildFirmware, parseOutput, HEADER, TRAILER } from "./firmware.ts";
import { runOnQemu, requireQemu, qemuBinary } from "./qemu.ts";
import { diffAnswers } from "./diff.ts";
import {
  bdf, cfgrd, cfgwr, delay, inb, inw, outb, outw, readl, readw, runOnGuest, sizeBar, writel,
  type GuestIo, type Op,
} from "./script.ts";

const HOST = bdf(0, 0, 0);
const PIIX3 = bdf(0, 1, 0);
const VGA = bdf(0, 2, 0);
const E1000 = bdf(0, 3, 0);
const VGA_BAR2 = 0xfeb00000; // has address bit 20 set: also proves A20 is open

describe("oracle: firmware compiler", () => {
  it("lays out a 64 KiB image with the reset vector jumping to the stub", () => {
    const { image, reads } = buildFirmware([inb(0x60)]);
    assert.equal(image.length, 0x10000);
    assert.equal(reads, 1);
    assert.equal(image[image.length - 16], 0xe9, "jmp rel16 at the reset vector");
    const rel = image[image.length - 15]! | (image[image.length - 14]! << 8);
    assert.equal((0xfff3 + rel) & 0xffff, 0xffff - 0x1c0 + 1, "lands on the real-mode stub");
  });

  it("grows the image in 64 KiB steps for thousands of ops", () => {
    const script: Op[] = [];
    for (let i = 0; i < 8000; i++) script.push(cfgrd(HOST, 0, 4));
    const { image, reads } = buildFirmware(script);
    assert.equal(reads, 8000);
    assert.equal(image.length % 0x10000, 0);
    assert.ok(image.length > 0x10000);
  });

  it("rejects malformed ops with the op's index", () => {
    assert.throws(() => buildFirmware([inb(0x60), cfgrd(HOST, 0x3, 2)]), /op 1 .*crosses a dword/);
    assert.throws(() => buildFirmware([outb(0x10000, 0)]), /port must be a u16/);
  });

  it("refuses truncated output", () => {
    const ok = Buffer.concat([HEADER, Buffer.from([1, 0, 0, 0]), TRAILER]);
    assert.deepEqual(parseOutput(ok, 1), [1]);
    assert.throws(() => parseOutput(ok.subarray(0, ok.length - 1), 1), /did not finish/);
    assert.throws(() => parseOutput(Buffer.alloc(0), 1), /no output/);
  });
});

describe("oracle: runOnGuest and diffAnswers", () => {
  it("drives a GuestIo in order and returns one masked answer per read", () => {
    const log: string[] = [];
    const io: GuestIo = {
      inb: (p) => { log.push(`inb ${p}`); return 0x1ff; }, inw: () => 0x12345, inl: () => -1,
      outb: (p, v) => { log.push(`outb ${p} ${v}`); }, outw: () => {}, outl: () => {},
      readb: () => 0, readw: (a) => { log.push(`readw ${a}`); return 0xb0c5; }, readl: () => 0,
      writeb: () => {}, writew: () => {}, writel: (a, v) => { log.push(`writel ${a} ${v}`); },
      pciRead: (d, r, s) => { log.push(`pciRead ${d} ${r} ${s}`); return 0x80; },
      pciWrite: (d, r, s, v) => { log.push(`pciWrite ${d} ${r} ${s} ${v}`); },
    };
    const ans = runOnGuest(io, [outb(0x64, 0xaa), delay(10), inb(0x60), inw(1), writel(0x1000, -1), readw(0x2000), cfgrd(PIIX3, 0xe, 1), cfgwr(E1000, 4, 2, 2)]);
    assert.deepEqual(ans, [0xff, 0x2345, 0xb0c5, 0x80]);
    assert.deepEqual(log, ["outb 100 170", "inb 96", "writel 4096 4294967295", "readw 8192", "pciRead 8 14 1", "pciWrite 24 4 2 2"]);
  });

  it("reports only the mismatches that are not intended, and stale intended entries", () => {
    const script = [inb(0x3fc, "MCR"), inb(0x3fd, "LSR"), cfgrd(HOST, 0x2c, 4, "subsystem")];
    const r = diffAnswers(script, [0x00, 0x61, 0x11001af4], [0x08, 0x60, 0x11001af4], [
      { index: 0, reason: "QEMU's reset sets OUT2" },
      { match: (c) => c.op.op === "cfgrd" && c.op.reg === 0x2c, reason: "subsystem" },
    ]);
    assert.equal(r.ok, false);
    assert.equal(r.unexpected.length, 1);
    assert.equal(r.unexpected[0]!.opIndex, 1);
    assert.equal(r.intended.length, 1);
    assert.equal(r.unused.length, 1);
    assert.match(r.report, /#1 \[op 1\] in  0x03fd\/1  \(LSR\)\n\s+ours 0x00000061  qemu 0x00000060/);
    assert.match(r.report, /did not occur/);
    assert.equal(diffAnswers(script, [1], [1, 2, 3]).ok, false, "answer count mismatch fails");
  });
});

describe("oracle: QEMU answers (no device of ours)", function () {
  this.timeout(60_000);
  before(() => requireQemu());

  it("i440FX host bridge and PIIX3 through 0xCF8/0xCFC, incl. sub-dword offsets", async () => {
    const a = await runOnQemu([
      cfgrd(HOST, 0x00, 4), cfgrd(HOST, 0x02, 2), cfgrd(HOST, 0x0a, 2), cfgrd(HOST, 0x0e, 1),
      cfgrd(PIIX3, 0x00, 4), cfgrd(PIIX3, 0x0e, 1), cfgrd(PIIX3, 0x0a, 2), cfgrd(PIIX3, 0x03, 1),
      cfgrd(bdf(0, 0x1f), 0x00, 4), // nothing there
    ], { machineArgs: [] });
    assert.deepEqual(a.map((x) => x.toString(16)), [
      "12378086", "1237", "600", "0",
      "70008086", "80", "601", "70",
      "ffffffff",
    ]);
  });

  it("16550 at 0x3F8: scratch readback and reset values", async () => {
    const a = await runOnQemu([outb(0x3ff, 0x5a), inb(0x3ff), outb(0x3ff, 0xa5), inb(0x3ff), inb(0x3fd), inb(0x3fa), inb(0x3fc)], { machineArgs: ["-serial", "null"] });
    assert.deepEqual(a, [0x5a, 0xa5, 0x60, 0x01, 0x08 /* QEMU's OUT2 quirk */]);
  });

  it("i8042 self test answers 0x55", async () => {
    const a = await runOnQemu([inb(0x64), outb(0x64, 0xaa), delay(1000), inb(0x64), inb(0x60), inb(0x64)], { machineArgs: [] });
    assert.equal(a[2], 0x55);
    assert.equal(a[1]! & 1, 1, "output buffer full after the self test");
    assert.equal(a[3]! & 1, 0, "and empty after reading it");
  });

  it("e1000 ids and BAR sizing", async () => {
    const a = await runOnQemu([cfgrd(E1000, 0, 4), ...sizeBar(E1000, 0), ...sizeBar(E1000, 1), cfgrd(E1000, 0x3d, 1)], {
      machineArgs: ["-netdev", "user,id=n0", "-device", "e1000,netdev=n0,addr=03.0"],
    });
    assert.deepEqual(a.map((x) => x.toString(16)), ["100e8086", "fffe0000", "ffffffc1", "1"]);
  });

  it("std-vga: BAR sizing, then an MMIO read of DISPI ID through BAR2", async () => {
    const a = await runOnQemu([
      cfgrd(VGA, 0, 4), ...sizeBar(VGA, 0), ...sizeBar(VGA, 2),
      cfgwr(VGA, 0x18, 4, VGA_BAR2), cfgwr(VGA, 0x04, 2, 0x0002), cfgrd(VGA, 0x18, 4),
      readw(VGA_BAR2 + 0x500), outw(0x1ce, 0), inw(0x1cf),
    ], { machineArgs: ["-device", "VGA,addr=02.0"] });
    assert.deepEqual(a.map((x) => x.toString(16)), ["11111234", "ff000008", "fffff000", VGA_BAR2.toString(16), "b0c5", "b0c5"]);
  });

  it("runs a script of several thousand ops in one QEMU run", async () => {
    const script: Op[] = [];
    const want: number[] = [];
    for (let i = 0; i < 3000; i++) { script.push(outb(0x3ff, i & 0xff), inb(0x3ff)); want.push(i & 0xff); }
    const t = Date.now();
    const a = await runOnQemu(script, { machineArgs: ["-serial", "null"] });
    const ms = Date.now() - t;
    assert.deepEqual(a, want);
    console.log(`      (${script.length} ops, image ${buildFirmware(script).image.length / 1024} KiB, ${ms} ms)`);
  });

  it("end to end: diff a fake 'ours' against QEMU with an intended difference", async () => {
    const script = [inb(0x3fd, "LSR"), inb(0x3fc, "MCR")];
    const theirs = await runOnQemu(script, { machineArgs: ["-serial", "null"] });
    const r = diffAnswers(script, [0x60, 0x00], theirs, [{ index: 1, reason: "QEMU's reset leaves OUT2 set; the chip resets MCR to 0" }]);
    assert.ok(r.ok, r.report);
  });

  it("fails with clear errors: timeout, bad machine arguments, missing binary", async () => {
    await assert.rejects(runOnQemu([delay(0xffffffff), delay(0xffffffff)], { machineArgs: [], timeoutMs: 500 }), /timed out after 500 ms/);
    await assert.rejects(runOnQemu([inb(0x60)], { machineArgs: ["-device", "no-such-device"] }), /not through isa-debug-exit[\s\S]*no-such-device/);
    const saved = process.env.QEMU_SYSTEM_X86_64;
    process.env.QEMU_SYSTEM_X86_64 = "/nonexistent/qemu-system-x86_64";
    try {
      await assert.rejects(runOnQemu([inb(0x60)], { machineArgs: [] }), /not found; install it/);
    } finally {
      if (saved === undefined) delete process.env.QEMU_SYSTEM_X86_64; else process.env.QEMU_SYSTEM_X86_64 = saved;
    }
    assert.ok(qemuBinary());
  });

  it("MMIO to unassigned space and RAM round trip", async () => {
    const a = await runOnQemu([writel(0x200000, 0xdeadbeef), readl(0x200000), readw(0x200002), readl(0xfe000000)], { machineArgs: [] });
    assert.equal(a[0], 0xdeadbeef);
    assert.equal(a[1], 0xdead);
    console.log(`      (unassigned MMIO read answers 0x${a[2]!.toString(16)})`);
  });
});
