// SeaBIOS (Debian's 1.16.2) boots on the development host with our devices: v86 runs the CPU,
// every device access the BIOS makes reaches our Wasm modules as Xen ioreqs. Judged from the
// BIOS's own debug log (port 0x402), the VGA text screen read back through our VGA device, and
// the serial console of our UART. One boot, shared with ownership.test.ts (seabios-boot.ts).
import { strict as assert } from "node:assert";
import { seabiosBoot, RAM, DISK_SECTORS, type SeabiosBoot } from "./seabios-boot.ts";
import { BOOT_MESSAGE, IRQ_MESSAGE } from "../../host/sim/boot-sector.ts";
import { readPam } from "../../host/sim/firmware-setup.ts";

function need(b: SeabiosBoot, ...devices: Array<Parameters<SeabiosBoot["present"]["has"]>[0]>): void {
  const absent = devices.filter((d) => !b.present.has(d));
  if (absent.length) throw new Error(`device module(s) not built: ${absent.join(", ")} — ${b.missing.join("; ")}`);
}

describe("guest: SeaBIOS on our devices (host/sim)", function () {
  this.timeout(120000);
  let b: SeabiosBoot;
  before(async () => {
    b = await seabiosBoot();
    const t = (ms: number | null): string => (ms === null ? "never" : `${(ms / 1000).toFixed(2)} s`);
    console.log(`      banner after ${t(b.bannerMs)}, disk boot after ${t(b.bootedMs)}, its IRQ after ${t(b.irqMs)}; ioreqs by device: ${JSON.stringify(b.ioreqs)}; IRQ edges: ${JSON.stringify(b.m.irqRaised)}`);
  });

  it("prints its banner and recognises our i440FX as QEMU's (host bridge subsystem 1af4:1100)", () => {
    need(b, "pci");
    assert.ok(b.m.biosLog.find(/^SeaBIOS \(version 1\.16/) >= 0, b.m.biosLog.text());
    assert.ok(b.m.biosLog.find(/^Running on QEMU \(i440fx\)$/) >= 0, b.m.biosLog.text());
  });

  it("enumerates our PCI functions through PCI_CONFIG ioreqs", () => {
    need(b, "pci", "ide", "vga");
    const log = b.m.biosLog.lines;
    for (const id of ["00:00.0 id=8086:1237", "00:01.0 id=8086:7000", "00:01.1 id=8086:7010", "00:02.0 id=1234:1111"]) {
      assert.ok(log.includes(`PCI: init bdf=${id}`), `missing "PCI: init bdf=${id}" in\n${b.m.biosLog.text()}`);
    }
    assert.ok((b.ioreqs["pci"] ?? 0) > 50, `pci ioreqs: ${b.ioreqs["pci"]}`);
  });

  it("enumerates our e1000 at 00:03.0 and maps its BARs", () => {
    need(b, "pci", "e1000");
    const log = b.m.biosLog.text();
    assert.ok(b.m.biosLog.lines.includes("PCI: init bdf=00:03.0 id=8086:100e"), log);
    assert.match(log, /PCI: map device bdf=00:03\.0 {2}bar 0, addr [0-9a-f]+, size 00020000 \[mem\]/);
  });

  it("maps the VGA BARs where our claims follow them (LFB, MMIO, ROM)", () => {
    need(b, "vga");
    const m = /PCI: map device bdf=00:02\.0 {2}bar 0, addr ([0-9a-f]+), size 01000000 \[prefmem\]/.exec(b.m.biosLog.text());
    assert.ok(m, b.m.biosLog.text());
    assert.ok(b.m.biosLog.find(/^VBE DISPI: lfb_addr=[0-9a-f]+, size 16 MB$/) >= 0, b.m.biosLog.text());
  });

  it("runs our VGA's option ROM from its ROM BAR and shows the banner in VGA text memory", () => {
    need(b, "vga");
    assert.ok(b.m.biosLog.find(/^Running option rom at c000:0003$/) >= 0, b.m.biosLog.text());
    assert.ok(b.m.biosLog.find(/^Start SeaVGABIOS/) >= 0, b.m.biosLog.text());
    assert.match(b.screen[0] ?? "", /^SeaBIOS \(version 1\.16\.2/, `screen:\n${b.screen.join("\n")}`);
  });

  it("finds our ATA disk and our ATAPI CD-ROM on the IDE channels", () => {
    need(b, "ide");
    assert.ok(b.m.biosLog.find(/^ATA controller 1 at 1f0\/3f4\/0 \(irq 14 dev 9\)$/) >= 0, b.m.biosLog.text());
    const mib = Math.floor((DISK_SECTORS * 512) / (1 << 20));
    assert.ok(b.m.biosLog.find(new RegExp(`^ata0-0: .* ATA-\\d+ Hard-Disk \\(${mib} MiBytes\\)$`)) >= 0, b.m.biosLog.text());
    assert.ok(b.m.biosLog.find(/^DVD\/CD \[ata1-0: .* ATAPI-\d+ DVD\/CD\]$/) >= 0, b.m.biosLog.text());
  });

  it("boots from our IDE disk: the MBR's message arrives on the debug port and on our UART", () => {
    need(b, "ide", "uart");
    assert.notEqual(b.bootedMs, null, b.m.biosLog.text());
    assert.ok(b.serial.text().includes(BOOT_MESSAGE), `serial: ${JSON.stringify(b.serial.text())}`);
  });

  it("delivers our UART's interrupt to the guest: IRQ 4 through the runtime, XenSim and v86's PIC", () => {
    need(b, "ide", "uart");
    assert.notEqual(b.irqMs, null, b.m.biosLog.text());
    assert.ok(b.serial.text().includes(IRQ_MESSAGE), `serial: ${JSON.stringify(b.serial.text())}`);
    assert.ok(b.m.irqRaised[4]! >= 1);
  });

  it("sees the PS/2 keyboard and the COM port behind our modules", () => {
    need(b, "ps2", "uart");
    assert.ok(b.m.biosLog.find(/^PS2 keyboard initialized$/) >= 0, b.m.biosLog.text());
    assert.ok(b.m.biosLog.find(/^Found 1 serial ports$/) >= 0, b.m.biosLog.text());
    assert.ok((b.ioreqs["ps2"] ?? 0) > 0 && (b.ioreqs["uart"] ?? 0) > 0, JSON.stringify(b.ioreqs));
  });

  it("needed no PAM shadowing beyond the settled state: PAM reads RAM read-only after POST", () => {
    need(b, "pci");
    assert.ok(b.m.pamSettled);
    // SeaBIOS ends POST with make_bios_readonly: 0xF0000 read-only RAM (0x10), 0xC0000–0xEFFFF per
    // its own layout; v86 keeps the memory itself as RAM (documented in firmware-setup.ts).
    assert.equal(readPam(b.m.sim)[0], 0x10);
    assert.equal(b.m.rt.failures.length, 0, JSON.stringify(b.m.rt.failures));
    assert.ok(b.m.cpu.memory_size[0]! >= RAM);
  });
});
