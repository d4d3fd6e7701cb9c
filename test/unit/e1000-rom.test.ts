// The e1000's expansion ROM (stubdom/lib/rom.ts behind the ROM BAR, host/node/option-rom.ts and
// e1000-rom.ts on the host): no ROM delivered → no ROM BAR; iPXE's pxe-e1000.rom delivered in
// 64 KiB pieces → a BAR sized to it (128 KiB), decoded only with the enable bit and memory decode,
// the image read back byte for byte, read-only; bad images refused by the loader and the device.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { nic, BDF, noFailures } from "./e1000-harness.test.ts";
import { checkOptionRom, deliverOptionRom, readOptionRom, OptionRomError, EVENT_ROM_IMAGE } from "../../host/node/option-rom.ts";
import { installE1000Rom, DEFAULT_E1000_ROM, E1000_ROM } from "../../host/node/e1000-rom.ts";

const ROM = 0xfeb00000;

// A minimal valid option ROM for 8086:100e class 0x0200 of `blocks` × 512 bytes.
function fakeRom(blocks = 1, vendor = 0x8086, device = 0x100e, cls = 0x0200): Uint8Array {
  const b = new Uint8Array(blocks * 512);
  b[0] = 0x55; b[1] = 0xaa; b[2] = blocks; b[0x18] = 0x20;
  b.set([0x50, 0x43, 0x49, 0x52, vendor & 0xff, vendor >> 8, device & 0xff, device >> 8], 0x20);
  b[0x20 + 0x0e] = cls & 0xff; b[0x20 + 0x0f] = cls >> 8;
  for (let i = 0x40; i < b.length - 1; i++) b[i] = (i * 7) & 0xff;
  b[b.length - 1] = (0x100 - (b.reduce((a, x) => a + x, 0) & 0xff)) & 0xff;
  return b;
}

function fixSum(b: Uint8Array): Uint8Array {
  b[b.length - 1] = 0;
  b[b.length - 1] = (0x100 - (b.reduce((a, x) => a + x, 0) & 0xff)) & 0xff;
  return b;
}

function sizeRomBar(n: ReturnType<typeof nic>): number {
  n.g.pciWrite(BDF, 0x30, 4, 0xfffff800);
  const v = n.g.pciRead(BDF, 0x30, 4) >>> 0;
  n.g.pciWrite(BDF, 0x30, 4, 0);
  return v;
}

describe("e1000 expansion ROM", () => {
  it("without a delivered image there is no ROM BAR: it reads 0 and is not writable", () => {
    const n = nic();
    assert.equal(sizeRomBar(n), 0);
    noFailures(n);
  });

  it("a host without the ROM file: a log line, no ROM, no failure", () => {
    const n = nic();
    const said: string[] = [];
    assert.equal(installE1000Rom(n.m.rt, "e1000", (l) => said.push(l), "/nonexistent/pxe-e1000.rom"), false);
    assert.match(said.join("\n"), /not found .*ipxe-qemu.*no option ROM/);
    assert.equal(sizeRomBar(n), 0);
    noFailures(n);
  });

  it("a small image: BAR sized to it (2 KiB granule), enable bit, decode, read-only, reset keeps it", () => {
    const n = nic();
    const img = fakeRom(3); // 1.5 KiB → 2 KiB BAR
    deliverOptionRom(n.m.rt, n.m.rt.device("e1000"), img);
    assert.equal(sizeRomBar(n), 0xfffff800);
    n.g.pciWrite(BDF, 0x30, 4, ROM);
    assert.equal(n.g.readb(ROM), 0xff, "enable bit clear: not decoded");
    n.g.pciWrite(BDF, 0x30, 4, ROM | 1);
    assert.equal(n.g.pciRead(BDF, 0x30, 4) >>> 0, (ROM | 1) >>> 0);
    for (let i = 0; i < img.length; i++) assert.equal(n.g.readb(ROM + i), img[i], `byte ${i}`);
    assert.equal(n.g.readl(ROM), (img[0]! | (img[1]! << 8) | (img[2]! << 16) | (img[3]! << 24)) >>> 0);
    assert.equal(n.g.readb(ROM + 0x7ff), 0, "zero padding up to the BAR size");
    n.g.writeb(ROM, 0);
    assert.equal(n.g.readb(ROM), 0x55, "read-only");
    n.g.pciWrite(BDF, 0x04, 2, 0);
    assert.equal(n.g.readb(ROM), 0xff, "memory decode off");
    n.m.rt.resetAll();
    assert.equal(sizeRomBar(n), 0xfffff800, "the ROM survives a guest reset");
    noFailures(n);
  });

  it("refuses bad images in the device too (logged; the BAR stays absent), and recovers with a good one", () => {
    const n = nic();
    const dev = n.m.rt.device("e1000");
    const bad = fakeRom(2); bad[5] ^= 1;
    n.m.rt.deliverEvent(dev, EVENT_ROM_IMAGE, bad, 0);
    assert.ok(n.m.logs.some((l) => l.level === 0 && /checksum/.test(l.text)), JSON.stringify(n.m.logs));
    n.m.rt.deliverEvent(dev, EVENT_ROM_IMAGE, fakeRom(2, 0x1234, 0x1111), 0);
    assert.ok(n.m.logs.some((l) => /another device.*0x12341111/.test(l.text)), JSON.stringify(n.m.logs));
    n.m.rt.deliverEvent(dev, EVENT_ROM_IMAGE, fakeRom(2, 0x8086, 0x100e, 0x0300), 0);
    n.m.rt.deliverEvent(dev, EVENT_ROM_IMAGE, new Uint8Array([0x55, 0xaa, 0xff]), 0);
    const huge = fakeRom(1); huge[2] = 0xff; // 127.5 KiB claimed, 512 bytes delivered: truncated
    n.m.rt.deliverEvent(dev, EVENT_ROM_IMAGE, huge, 0);
    assert.ok(n.m.logs.some((l) => /truncated \(512 bytes\)/.test(l.text)), JSON.stringify(n.m.logs));
    assert.equal(sizeRomBar(n), 0);
    deliverOptionRom(n.m.rt, dev, fakeRom(4));
    assert.equal(sizeRomBar(n), 0xfffff800, "a good image after the bad ones");
    noFailures(n);
  });

  it("the loader's validation: signature, length, size limit, checksum, PCIR, vendor/device, class", () => {
    assert.equal(checkOptionRom(fakeRom(2), E1000_ROM), null);
    const cases: Array<[string, (b: Uint8Array) => Uint8Array, RegExp]> = [
      ["short", (b) => b.subarray(0, 0x10), /too short/],
      ["signature", (b) => { b[1] = 0; return b; }, /0x55 0xAA/],
      ["length", (b) => { b[2] = 9; return b; }, /length byte says 4608/],
      ["too big", () => new Uint8Array(0x40001), /256 KiB ROM BAR/],
      ["checksum", (b) => { b[0x41] ^= 1; return b; }, /checksum/],
      ["pcir pointer", (b) => { b[0x18] = 0xf0; b[0x19] = 0x03; return fixSum(b); }, /PCIR/],
      ["pcir signature", (b) => { b[0x20] = 0x51; return fixSum(b); }, /PCIR/],
    ];
    for (const [name, f, re] of cases) assert.match(checkOptionRom(f(fakeRom(2)), E1000_ROM) ?? "", re, name);
    assert.match(checkOptionRom(fakeRom(2, 0x8086, 0x100f), E1000_ROM) ?? "", /8086:100f, not 8086:100e/);
    assert.match(checkOptionRom(fakeRom(2, 0x8086, 0x100e, 0x0300), E1000_ROM) ?? "", /class/);
    assert.throws(() => readOptionRom("/nonexistent.rom", E1000_ROM), (e: unknown) => e instanceof OptionRomError && /not found/.test((e as Error).message));
  });

  it("iPXE's pxe-e1000.rom (ipxe-qemu): valid, delivered in pieces, BAR 128 KiB (QEMU's efi-e1000.rom: 256 KiB), read back intact", () => {
    // host/sim/apt-packages.txt installs ipxe-qemu: a missing file fails here, loudly, never skips
    assert.ok(existsSync(DEFAULT_E1000_ROM), `${DEFAULT_E1000_ROM} is missing: apt-get install ipxe-qemu (host/sim/apt-packages.txt)`);
    const file = new Uint8Array(readFileSync(DEFAULT_E1000_ROM));
    assert.ok(file.length > 65536, "larger than one staging buffer: delivered in pieces");
    const n = nic();
    assert.equal(installE1000Rom(n.m.rt, "e1000", (l) => assert.fail(l)), true);
    assert.equal(sizeRomBar(n), 0xfffe0000, `${file.length} bytes → 128 KiB`);
    n.g.pciWrite(BDF, 0x30, 4, ROM | 1);
    for (let i = 0; i < file.length; i += 4) {
      const v = n.g.readl(ROM + i);
      const want = (file[i]! | ((file[i + 1] ?? 0) << 8) | ((file[i + 2] ?? 0) << 16) | ((file[i + 3] ?? 0) << 24)) >>> 0;
      if (v !== want) assert.fail(`ROM dword at 0x${i.toString(16)}: 0x${v.toString(16)}, want 0x${want.toString(16)}`);
    }
    assert.ok(n.m.logs.some((l) => /option ROM installed/.test(l.text)));
    noFailures(n);
  });
});
