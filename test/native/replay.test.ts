// Differential replay: the same guest operations run on V8 (host/node, recorded by
// host/node/trace.ts) and on the native runtime (runtime/core + wasm2c, replayed by
// build/out/native/stubdom-replay) must give identical read results, identical effects (ranges
// mapped, IRQ levels and lines, DMA into guest RAM, failures, backend output) in the same order,
// and identical device memory and guest RAM at the end. Scenarios: the testdev fixture through
// every runtime path, the containment case (trapdev traps on 0xDEAD, testdev keeps serving), and
// a seeded random register/config-space/event workout of every device module in build/out.
import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listNativeModules } from "../../build/native.ts";
import { createTracedMachine } from "../../host/node/trace.ts";
import { modulePath } from "../../host/node/machine.ts";
import { Guest, bdfOf } from "../../host/node/guest.ts";
import { workout } from "./workout.ts";
import { ensureBuilt, assertIdentical } from "./replay-run.ts";

const trapdev = modulePath("trapdev", { fixture: true });
const testdev = modulePath("testdev", { fixture: true });
describe("native runtime: differential replay against V8", () => {
  before(ensureBuilt);
  it("testdev: PIO, MMIO of every size, 8-byte split, string I/O with df, DMA, timers, IRQs, unclaimed", () => {
    const m = createTracedMachine([{ name: "t", wasm: testdev, config: "base=0x600,mmio=0xfe000000", irqs: [{ isa: 5 }] }]);
    const g = m.guest;
    g.outl(0x600, 0x12345678);
    assert.equal(g.inl(0x600), 0x12345678);
    g.inb(0x601); g.inw(0x602); g.outb(0x600, 0xab); g.outw(0x602, 0xcdef); g.inl(0x600);
    for (let i = 0; i < 8; i++) g.outb(0x604, 0x30 + i);
    for (let i = 0; i < 10; i++) g.inb(0x604); // FIFO drained past empty: 0xFF
    g.writeb(0xfe000001, 0x11); g.writew(0xfe000002, 0x2233); g.writel(0xfe000004, 0x44556677);
    g.readb(0xfe000001); g.readw(0xfe000002); g.readl(0xfe000000);
    g.writeq(0xfe000ff8, 0x0011223344556677n); g.readq(0xfe000ff8); g.readl(0xfe000ffc);
    g.poke(0x10000, Array.from({ length: 64 }, (_, i) => (i * 7) & 0xff));
    g.repOuts(0x604, 1, 0x10000, 16); g.repIns(0x604, 1, 0x20000, 20);
    g.repOuts(0x600, 4, 0x10010, 4, true); g.repIns(0x600, 2, 0x20100, 6, true);
    g.movsToMmio(0xfe000100, 4, 0x10000, 16); g.movsFromMmio(0xfe000100, 8, 0x30000, 8);
    g.movsFromMmio(0xfe000140, 2, 0x30100, 8, true);
    g.repIns(0x604, 1, 16 * 1024 * 1024 - 4, 8); // runs off the end of guest RAM: stops
    g.outl(0x608, 0x10000); g.outl(0x60c, 64); g.outl(0x610, 1); // DMA guest → window
    g.outl(0x608, 0x40000); g.outl(0x610, 2); // window → guest
    g.outl(0x608, 0xfffff0); g.outl(0x610, 2); // partly outside RAM: fault, nothing copied
    g.inl(0x614);
    g.outl(0x600, 5000); g.outl(0x610, 3); g.wait(4999); g.inl(0x614); g.wait(1); g.inl(0x614);
    g.outl(0x610, 4); g.outl(0x600, 10); g.outl(0x610, 3); g.outl(0x610, 3); g.wait(100);
    g.inl(0x900); g.outl(0x900, 1); g.readl(0xfd000000); g.writeq(0xfd000000, 1n);
    m.trace.reset(m.rt); g.inl(0x600);
    const want = assertIdentical(m.finish());
    for (const needed of [/^dma 0x40000 /, /^isa 5 1$/, /^line 5 0$/, /^str 0 mmio r 8 /, /^fill 0x1000[0-9a-f] /, /^memhash t /]) {
      assert.ok(want.some((l) => needed.test(l)), `trace lacks ${needed}`);
    }
  });

  it("testdev as a PCI function: config cycles, BARs claimed on decode enable and moved, INTx", () => {
    const m = createTracedMachine([{ name: "p", wasm: testdev, config: "bdf=00:05.0" }]);
    const g = m.guest;
    const bdf = bdfOf(0, 5);
    for (let r = 0; r < 0x40; r += 4) g.pciRead(bdf, r, 4);
    g.pciRead(bdf, 2, 2); g.pciRead(bdf, 0x3d, 1);
    g.pciWrite(bdf, 0x10, 4, 0xffffffff); g.pciRead(bdf, 0x10, 4);
    g.pciWrite(bdf, 0x10, 4, 0xfebf0000); g.pciWrite(bdf, 0x14, 4, 0xc001);
    g.pciWrite(bdf, 0x04, 2, 0x0007);
    g.outl(0xc000, 0x77); g.inl(0xc000); g.writel(0xfebf0010, 0x99); g.readl(0xfebf0010);
    g.pciWrite(bdf, 0x10, 4, 0xfebe0000); g.readl(0xfebe0010); g.readl(0xfebf0010); // moved
    g.outl(0xc000, 100); g.outl(0xc010, 3); g.wait(100); // timer → INTA
    g.outl(0xc010, 4);
    g.pciWrite(bdf, 0x04, 2, 0); g.inl(0xc000); // decode off: unclaimed
    g.pciRead(bdfOf(0, 6), 0, 4); // nobody's function
    const want = assertIdentical(m.finish());
    assert.ok(want.includes("map pci 0x28 0x28"));
    assert.ok(want.some((l) => /^unmap mmio 0xfebf0000 /.test(l)) && want.some((l) => /^intx 0x28 0 1$/.test(l)));
  });

  it("two vCPUs and the buffered ring (VGA-window writes Xen does not wait for)", () => {
    const m = createTracedMachine([{ name: "t", wasm: testdev, config: "base=0x600,mmio=0xa0000", irqs: [{ isa: 5 }] }], { sim: { vcpus: 2, ramBytes: 4 << 20 } });
    const g1 = new Guest(m.sim, 1);
    for (let i = 0; i < 40; i++) m.guest.writeb(0xa0000 + i, i);
    m.guest.writeq(0xa0100, 0x0000123456789abcn);
    g1.readl(0xa0000); g1.outl(0x600, 1); m.guest.inl(0x600); g1.inl(0x618);
    for (let i = 0; i < 600; i++) g1.writew(0xa0200 + 2 * i, i); // more than the ring holds
    m.sim.flushBuffered();
    m.guest.readl(0xa0200 + 1196);
    const want = assertIdentical(m.finish());
    assert.ok(want.some((l) => /^mmio 1 r 4 0xa0000 0x3020100 0x0$/.test(l)), "buffered writes reached the device before the read");
  });

  it("containment: trapdev traps on 0xDEAD, its IRQ drops, it answers all-ones, testdev keeps serving", () => {
    const m = createTracedMachine([
      { name: "bad", wasm: trapdev, config: "base=0x500", irqs: [{ isa: 7 }] },
      { name: "good", wasm: testdev, config: "base=0x600", irqs: [{ isa: 5 }] },
    ]);
    const g = m.guest;
    g.outl(0x500, 1); g.inl(0x500);
    g.outl(0x600, 1000); g.outl(0x610, 3);
    g.outw(0x502, 0xdead);
    g.outl(0x500, 0x42); g.inl(0x500); g.inb(0x501); g.inw(0x502);
    g.wait(1000); g.inl(0x600); g.inl(0x614); g.outb(0x604, 9); g.inb(0x604);
    const want = assertIdentical(m.finish());
    const i = want.indexOf("fail bad | trap: unreachable | ioreq write port 0x502 size 2 data 0xdead");
    assert.ok(i > 0, "the trap is reported with device and ioreq");
    assert.deepEqual(want.slice(i - 2, i), ["isa 7 0", "line 7 0"]);
    assert.ok(want.includes("pio 0 r 4 0x500 0xffffffff") && want.includes("pio 0 r 4 0x614 0x100"));
  });

  it("8-byte MMIO writes above 2^53 reach the device exactly, on V8 and natively", () => {
    const m = createTracedMachine([{ name: "t", wasm: testdev, config: "base=0x600,mmio=0xfe000000" }]);
    m.guest.writeq(0xfe000020, 0x1122334455667788n);
    m.guest.readq(0xfe000020);
    const got = assertIdentical(m.finish());
    assert.ok(got.includes("mmio 0 r 8 0xfe000020 0x55667788 0x11223344"), got.filter((l) => l.startsWith("mmio")).join("\n"));
  });

  it("a module importing a capability its manifest does not grant is refused before it is compiled", () => {
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    copyFileSync(trapdev, join(dir, "sneaky.wasm"));
    writeFileSync(join(dir, "sneaky.manifest.json"), JSON.stringify({ name: "sneaky", capabilities: ["log", "claim"] }));
    assert.throws(() => listNativeModules([dir]), /sneaky: imports host\.irq_set, capability 'irq' not granted by its manifest: refused/);
    writeFileSync(join(dir, "sneaky.manifest.json"), JSON.stringify({ name: "sneaky", capabilities: ["log", "claim", "irq"] }));
    assert.equal(listNativeModules([dir])[0]!.imports, 0b1011); // log, claim, irq bits (runtime/core/module.h)
  });

  describe("every device module in build/out: seeded random register, config-space and event workout", () => {
    const devices = listNativeModules().filter((x) => !x.wasm.includes("/fixtures/"));
    if (!devices.length) it("finds the device modules (none built: run npm run build)", () => { assert.fail("no device modules in build/out: run npm run build first"); });
    for (const mod of devices) {
      it(`${mod.name}: 1500 random operations`, function () {
        this.timeout(120_000);
        assertIdentical(workout(mod.name, 0x5eed + mod.name.length));
      });
    }
  });
});

// --- a firmware boot -------------------------------------------------------------------------

describe("native runtime: a SeaBIOS boot on the development host (host/sim), replayed", function () {
  this.timeout(300_000);
  before(ensureBuilt);
  it("every ioreq of a boot from our IDE disk (PCI enumeration, VGA BIOS and text, CMOS, PS/2, IDE reads, UART output) answers the same", async function () {
    const { existsSync } = await import("node:fs");
    if (!existsSync("/usr/share/seabios/bios.bin")) {
      console.warn("      SKIPPED: /usr/share/seabios/bios.bin is missing (Debian package seabios; .ci/install installs it)");
      this.skip();
    }
    const { recordSeabiosBoot } = await import("../../host/sim/seabios-trace.ts");
    const { trace, booted, biosLog } = await recordSeabiosBoot();
    assert.ok(booted, `the guest did not boot from the disk:\n${biosLog}`);
    const want = assertIdentical(trace);
    const count = (re: RegExp): number => want.filter((l) => re.test(l)).length;
    console.log(`      boot trace: ${want.length} records, ${count(/^pio /)} port and ${count(/^mmio /)} MMIO operations, ${count(/^blk /)} block requests, ${count(/^dma /)} DMA writes, ${count(/^event /)} events`);
    assert.ok(count(/^blk ide 0 0 0 1 0$/) >= 1, "the MBR was read from the disk");
    assert.ok(want.some((l) => l.startsWith("chr uart ")), "the boot sector's message went out of our UART");
    assert.ok(count(/^pio 0 [rw] . 0xcfc /) > 50, "PCI configuration cycles");
    assert.ok(count(/^mmio /) > 100, "VGA memory");
  });
});

// --- a full Linux boot -----------------------------------------------------------------------

describe("native runtime: a full Linux boot on the development host (host/sim), replayed", function () {
  this.timeout(600_000);
  before(ensureBuilt);
  it("every ioreq of Debian's Linux booting to its init's checks (ata_piix, sr, e1000 + ping, bochs-drm, psmouse) answers the same", async function () {
    // The boot is test/guest/linux-boot.ts's direct boot, recorded while it ran (shared with
    // test/guest/linux.test.ts when both run in one process; the images are built if missing).
    const tBoot = performance.now();
    const { linuxBoot } = await import("../guest/linux-boot.ts");
    const b = await linuxBoot("direct");
    const bootMs = performance.now() - tBoot;
    const bootNote = bootMs > 5000 ? `booted and recorded here in ${(bootMs / 1000).toFixed(1)} s` : "the boot test/guest/linux.test.ts ran, recorded";
    assert.ok(b.trace, "the direct boot was not recorded");
    assert.ok(b.done && b.done.fail === 0, `the recorded boot did not pass its checks:\n${b.serial.slice(-3000)}`);
    const t0 = performance.now();
    const want = assertIdentical(b.trace);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const count = (re: RegExp): number => want.filter((l) => re.test(l)).length;
    console.log(`      Linux boot (${bootNote}): trace replayed natively and compared in ${secs} s: ${want.length} records (${(b.trace.length / 1048576).toFixed(0)} MiB), ${count(/^pio /)} port and ${count(/^mmio /)} MMIO operations, ${count(/^str /)} string I/O, ${count(/^blk /)} block requests, ${count(/^dma /)} DMA writes, ${count(/^net /)} frames sent, ${count(/^event /)} events`);
    assert.ok(count(/^blk ide 0 0 /) >= 8, "disk reads (partition table, the data partition's md5)");
    assert.ok(count(/^blk ide 2 0 /) >= 4, "CD-ROM reads (the ISO mounted, data.bin read)");
    assert.ok(count(/^net e1000 /) >= 4 && count(/^event e1000 /) >= 2, "ARP + ping frames out, replies in");
    assert.ok(count(/^event uart /) >= 1, "a command typed into the shell");
    assert.ok(want.some((l) => /^vram /.test(l)), "the LFB mapped for bochs-drm");
  });
});
