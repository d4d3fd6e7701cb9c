// The expansion-ROM BAR: sizing, enabling, and a valid option-ROM header read back from the
// configured image (SeaBIOS's vgabios-stdvga.bin); missing and malformed images are config errors.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMachine } from "../../host/node/machine.ts";
import { DEFAULT_VGA_ROM, VgaRomError, readVgaRom, EVENT_VGA_ROM_IMAGE } from "../../host/display/vga-rom.ts";
import { makeVga, VGA_BDF, ROM } from "./vga-guest.ts";

describe("vga expansion ROM", () => {
  it("sizes to 64 KiB, enables, and serves the VGA BIOS with a PCI data structure for 1234:1111 class 0300", () => {
    const { g, m } = makeVga();
    assert.equal(g.pciRead(VGA_BDF, 0x30, 4), 0, "ROM BAR reads 0 before it is assigned");
    g.pciWrite(VGA_BDF, 0x30, 4, 0xfffff800);
    assert.equal(g.pciRead(VGA_BDF, 0x30, 4) >>> 0, 0xffff0000, "64 KiB, enable bit clear");
    g.pciWrite(VGA_BDF, 0x30, 4, ROM);
    g.pciWrite(VGA_BDF, 0x04, 2, 0x0002);
    assert.equal(g.readb(ROM), 0xff, "not decoded while the enable bit is clear");
    g.pciWrite(VGA_BDF, 0x30, 4, ROM | 1);
    assert.equal(g.pciRead(VGA_BDF, 0x30, 4) >>> 0, (ROM | 1) >>> 0);
    assert.equal(g.readb(ROM), 0x55);
    assert.equal(g.readb(ROM + 1), 0xaa);
    const file = readFileSync(DEFAULT_VGA_ROM);
    assert.equal(g.readb(ROM + 2) * 512, file.length, "length byte covers the image");
    const pcir = g.readw(ROM + 0x18);
    assert.equal(g.readl(ROM + pcir), 0x52494350, "'PCIR'");
    assert.equal(g.readw(ROM + pcir + 4), 0x1234);
    assert.equal(g.readw(ROM + pcir + 6), 0x1111);
    assert.equal(g.readb(ROM + pcir + 0x0d) | (g.readb(ROM + pcir + 0x0e) << 8) | (g.readb(ROM + pcir + 0x0f) << 16), 0x030000);
    let sum = 0;
    for (let i = 0; i < file.length; i += 4) { const v = g.readl(ROM + i); sum += (v & 0xff) + ((v >> 8) & 0xff) + ((v >> 16) & 0xff) + (v >>> 24); }
    assert.equal(sum & 0xff, 0, "checksum over the whole image read through the BAR");
    assert.equal(g.readb(ROM + 0xffff), 0, "padding up to the BAR size");
    g.writeb(ROM, 0);
    assert.equal(g.readb(ROM), 0x55, "read-only");
    g.pciWrite(VGA_BDF, 0x30, 4, ROM);
    assert.equal(g.readb(ROM), 0xff, "disabled again");
    assert.equal(m.rt.failures.length, 0);
  });

  it("rom=none: no ROM BAR (reads 0, not writable)", () => {
    const { g } = makeVga("rom=none");
    g.pciWrite(VGA_BDF, 0x30, 4, 0xfffff800);
    assert.equal(g.pciRead(VGA_BDF, 0x30, 4), 0);
  });

  it("a missing or malformed image is a clear configuration error", () => {
    assert.throws(() => makeVga("rom=/nonexistent/vgabios.bin"), (e: unknown) => e instanceof VgaRomError && /not found/.test(e.message));
    const dir = mkdtempSync(join(tmpdir(), "vgarom-"));
    const bad = new Uint8Array(readFileSync(DEFAULT_VGA_ROM));
    bad[0] = 0;
    writeFileSync(join(dir, "nosig.bin"), bad);
    assert.throws(() => readVgaRom(join(dir, "nosig.bin")), /0x55 0xAA/);
    const other = new Uint8Array(readFileSync(DEFAULT_VGA_ROM));
    const p = other[0x18]! | (other[0x19]! << 8);
    other[p + 6] = 0xb8; other[p + 7] = 0x00; // device 00b8: a Cirrus ROM
    const last = other[2]! * 512 - 1;
    other[last] = (other[last]! - other.subarray(0, last + 1).reduce((a, b) => a + b, 0)) & 0xff; // checksum fixed up
    writeFileSync(join(dir, "cirrus.bin"), other);
    assert.throws(() => readVgaRom(join(dir, "cirrus.bin")), /not 1234:1111/);
  });

  it("the device itself refuses a bad image delivered anyway (logged, no ROM)", () => {
    const m = createMachine([{ name: "vga", module: "vga" }]);
    const bad = new Uint8Array(readFileSync(DEFAULT_VGA_ROM));
    bad[5] ^= 0xff; // breaks the checksum
    m.rt.deliverEvent(m.rt.device("vga"), EVENT_VGA_ROM_IMAGE, bad, 0);
    assert.ok(m.logs.some((l) => l.level === 0 && /checksum/.test(l.text)), JSON.stringify(m.logs));
    m.guest.pciWrite(VGA_BDF, 0x30, 4, ROM | 1);
    m.guest.pciWrite(VGA_BDF, 0x04, 2, 0x0002);
    assert.equal(m.guest.readb(ROM), 0xff);
    m.rt.deliverEvent(m.rt.device("vga"), EVENT_VGA_ROM_IMAGE, new Uint8Array(70000), 0);
    assert.equal(m.rt.failures.length, 0);
  });
});
