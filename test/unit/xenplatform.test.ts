// The Xen platform device (stubdom/devices/xenplatform) through the guest API: its PCI identity
// and BARs as QEMU's xen-platform has them, the unplug ports of Xen's hvm-emulated-unplug protocol
// (magic, protocol version, product and build numbers, the driver log), and the unplug reaching
// the other devices through the runtime (PLATFORM_UNPLUG → EVENT_UNPLUG): IDE disks report no
// device, CD-ROMs stay, the e1000's PCI function disappears.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { bdfOf } from "../../host/node/guest.ts";
import { SPACE_PORT, SPACE_MMIO } from "../../host/node/ranges.ts";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import { EVENT } from "../../host/node/abi.ts";
import type { BlockBackend, NetBackend } from "../../host/node/backends.ts";
import { units, patternDisk, enableController, identifyWords, ataString, atapiCommand, PRI, PRI_CTL, SEC, SEC_CTL } from "./ide-helpers.ts";

const XP = bdfOf(0, 2, 0);
const NIC = bdfOf(0, 3, 0);
const XP_IO = 0xc100;
const XP_MEM = 0xf0000000;
const NIC_BAR0 = 0xfebc0000;
const UNITS = ["hda", "hdb", "hdc", "hdd"];

interface Rig { m: Machine; sent: Uint8Array[] }

function machine(ide = "hda=disk,hdc=cdrom"): Rig {
  const sent: Uint8Array[] = [];
  const net: NetBackend = { send(f) { sent.push(f); } };
  const blk = units(ide.split(",").map((kv): [number, BlockBackend] => {
    const [unit, kind] = kv.split("=");
    return [UNITS.indexOf(unit!), kind === "cdrom" ? memoryImage(patternDisk(16, 2048), { cdrom: true }) : memoryImage(patternDisk(64))];
  }));
  const m = createMachine([
    { name: "xenplatform", config: "bdf=00:02.0" },
    { name: "ide", config: ide, irqs: [{ isa: 14 }, { isa: 15 }], blk },
    { name: "e1000", config: "bdf=00:03.0,mac=52:54:00:12:34:56", net },
  ]);
  enableController(m);
  const g = m.guest;
  g.pciWrite(NIC, 0x10, 4, NIC_BAR0);
  g.pciWrite(NIC, 0x04, 2, 0x0006);
  g.pciWrite(XP, 0x10, 4, XP_IO);
  g.pciWrite(XP, 0x14, 4, XP_MEM);
  g.pciWrite(XP, 0x04, 2, 0x0003);
  return { m, sent };
}

function noFailures(m: Machine): void {
  assert.deepEqual(m.rt.failures, []);
  assert.ok(!m.logs.some((l) => /allocation after dev_init/.test(l.text)), "no allocation after dev_init");
}

const logged = (m: Machine, re: RegExp): string[] => m.logs.filter((l) => re.test(l.text)).map((l) => `[${l.device}] ${l.text}`);

describe("xenplatform: PCI function", () => {
  it("is 5853:0001, class ff80, revision 1, subsystem 5853:0001, INTA, as QEMU's xen-platform", () => {
    const { m } = machine();
    const g = m.guest;
    assert.equal(g.pciRead(XP, 0x00, 4), 0x00015853);
    assert.equal(g.pciRead(XP, 0x08, 4), 0xff800001, "class ff (other) subclass 80, prog-if 0, revision 1");
    assert.equal(g.pciRead(XP, 0x0e, 1), 0, "single-function type-0 header");
    assert.equal(g.pciRead(XP, 0x2c, 4), 0x00015853, "subsystem");
    assert.equal(g.pciRead(XP, 0x3d, 1), 1, "INTA");
    noFailures(m);
  });

  it("sizes BAR0 as 256 bytes of I/O and BAR1 as 16 MiB prefetchable memory; no other BARs", () => {
    const { m } = machine();
    const g = m.guest;
    const size = (reg: number): number => { const old = g.pciRead(XP, reg, 4); g.pciWrite(XP, reg, 4, 0xffffffff); const v = g.pciRead(XP, reg, 4); g.pciWrite(XP, reg, 4, old); return v >>> 0; };
    assert.equal(size(0x10), 0xffffff01);
    assert.equal(size(0x14), 0xff000008);
    for (const reg of [0x18, 0x1c, 0x20, 0x24, 0x30]) assert.equal(size(reg), 0, `BAR at 0x${reg.toString(16)}`);
    assert.equal(g.pciRead(XP, 0x10, 4), XP_IO | 1);
    assert.equal(g.pciRead(XP, 0x14, 4), (XP_MEM | 8) >>> 0);
    noFailures(m);
  });

  it("serves its I/O BAR while I/O decode is on; decodes the memory BAR without claiming it", () => {
    const { m } = machine();
    const g = m.guest;
    const xp = m.rt.device("xenplatform");
    assert.equal(m.rt.ranges.lookup(SPACE_PORT, XP_IO)?.owner, xp);
    assert.equal(g.inb(XP_IO), 0, "platform flags");
    assert.equal(g.inb(XP_IO + 1), 0xff);
    assert.equal(g.inl(XP_IO + 4), 0xffffffff, "byte registers: reads of the others are all-ones");
    assert.equal(m.rt.ranges.lookup(SPACE_MMIO, XP_MEM), null, "the grant-table BAR is the guest's RAM to map, not ours");
    assert.equal(m.rt.ranges.lookup(SPACE_MMIO, XP_MEM + 0xfff000), null);
    g.pciWrite(XP, 0x04, 2, 0);
    assert.equal(m.rt.ranges.lookup(SPACE_PORT, XP_IO), null, "I/O decode off: BAR0 unclaimed");
    assert.equal(m.rt.ranges.lookup(SPACE_PORT, 0x10)?.owner, xp, "the fixed ports do not depend on the command register");
    noFailures(m);
  });
});

describe("xenplatform: the unplug ports 0x10/0x12", () => {
  it("magic 0x49d2 at 0x10, protocol version 1 at 0x12, all-ones elsewhere and at other sizes", () => {
    const { m } = machine();
    const g = m.guest;
    assert.equal(g.inw(0x10), 0x49d2);
    assert.equal(g.inb(0x12), 1);
    assert.equal(g.inb(0x10), 0, "platform flags");
    assert.equal(g.inw(0x12), 0xffff);
    assert.equal(g.inl(0x10), 0xffffffff);
    for (const p of [0x11, 0x13, 0x14, 0x1f]) assert.equal(g.inb(p), 0xff, `port 0x${p.toString(16)}`);
    noFailures(m);
  });

  it("takes the product number (0x12) and build number (0x10) and never blacklists", () => {
    const { m } = machine();
    const g = m.guest;
    assert.equal(g.inw(0x10), 0x49d2);
    assert.equal(g.inb(0x12), 1);
    g.outw(0x12, 1);
    g.outl(0x10, 0x12345);
    assert.equal(g.inw(0x10), 0x49d2, "not 0xd249: no driver is blacklisted");
    assert.equal(logged(m, /Citrix Windows PV drivers \(product 1\)/).length, 1);
    assert.equal(logged(m, /build number 74565/).length, 1);
    g.outw(0x12, 3);
    assert.equal(logged(m, /unknown product 3/).length, 1);
    noFailures(m);
  });

  it("logs the drivers' lines written a byte at a time to 0x12 (and BAR0 + 8)", () => {
    const { m } = machine();
    const g = m.guest;
    for (const c of "xen-platform-pci: hello\n") g.outb(0x12, c.charCodeAt(0));
    for (const c of "via\x07bar\n") g.outb(XP_IO + 8, c.charCodeAt(0));
    const lines = logged(m, /guest driver: /);
    assert.deepEqual(lines, ["[xenplatform] xenplatform: guest driver: xen-platform-pci: hello", "[xenplatform] xenplatform: guest driver: via?bar"]);
    for (let i = 0; i < 450; i++) g.outb(0x12, 0x61);
    assert.equal(logged(m, /guest driver: a{200}$/).length, 2, "a line without a newline is cut at 200 bytes");
    noFailures(m);
  });
});

describe("xenplatform: unplugging emulated devices", () => {
  it("IDE disks (bit 0): the disk reports no device, the CD-ROM stays, the e1000 stays", () => {
    const { m } = machine();
    const g = m.guest;
    assert.ok(ataString(identifyWords(m, PRI, PRI_CTL, 0, 0xec), 27, 20).length > 0, "the disk answers IDENTIFY before");
    g.outw(0x10, 0x0001);
    for (let reg = 1; reg < 8; reg++) assert.equal(g.inb(PRI + reg), 0, `primary register ${reg}: no drive on the channel`);
    g.outb(PRI + 6, 0xa0);
    g.outb(PRI + 7, 0xec);
    assert.equal(g.inb(PRI + 7), 0, "IDENTIFY to the unplugged disk: no device");
    const inquiry = atapiCommand(m, [0x12, 0, 0, 0, 36, 0], { base: SEC, ctl: SEC_CTL });
    assert.equal(inquiry[0]! & 0x1f, 5, "the CD-ROM still answers INQUIRY");
    assert.equal(g.pciRead(NIC, 0, 4), 0x100e8086, "the e1000 stays");
    assert.deepEqual(logged(m, /unplug/).map((l) => l.replace(/ \(repeats are counted\)/, "")), [
      "[xenplatform] xenplatform: the guest unplugs the emulated IDE disks (not the CD-ROMs)",
      "[xenplatform] unplug of emulated devices, mask 0x1: delivered to ide, e1000",
      "[ide] ide: unplugged (Xen platform device): the IDE disks report no device",
    ]);
    noFailures(m);
  });

  it("NICs (bit 1): the e1000's function disappears — config reads all-ones, BARs unclaimed, no DMA", () => {
    const { m, sent } = machine();
    const g = m.guest;
    const e = m.rt.device("e1000");
    // a receive ring of 8 descriptors at 0x10000, buffers at 0x20000
    for (let i = 0; i < 8; i++) { g.poke32(0x10000 + i * 16, 0x20000 + i * 0x800); g.poke32(0x10000 + i * 16 + 4, 0); }
    const w = (reg: number, v: number): void => g.writel(NIC_BAR0 + reg, v);
    w(0x2800, 0x10000); w(0x2804, 0); w(0x2808, 128); w(0x2810, 0); w(0x2818, 7); w(0x0100, 0x801a);
    const frame = Uint8Array.from({ length: 64 }, (_, i) => (i < 6 ? 0xff : i));
    m.rt.deliverEvent(e, EVENT.NET_RX, frame, 0);
    assert.deepEqual(g.peek(0x20000, 64), frame, "received before the unplug");
    g.outw(0x10, 0x0002);
    for (const reg of [0x00, 0x04, 0x08, 0x10, 0x14, 0x2c, 0x3c]) assert.equal(g.pciRead(NIC, reg, 4), 0xffffffff, `config 0x${reg.toString(16)}`);
    g.pciWrite(NIC, 0x04, 2, 0x0007);
    assert.equal(g.pciRead(NIC, 0x04, 2), 0xffff, "writes are dropped");
    assert.deepEqual(m.rt.ranges.ownedBy(e), [], "no range claimed");
    assert.equal(g.readl(NIC_BAR0 + 8), 0xffffffff, "registers gone");
    g.poke(0x20800, new Uint8Array(64));
    m.rt.deliverEvent(e, EVENT.NET_RX, frame, 0);
    g.wait(10_000_000);
    assert.deepEqual(g.peek(0x20800, 64), new Uint8Array(64), "no DMA after the unplug");
    assert.equal(sent.length, 0);
    m.rt.resetAll();
    assert.equal(g.pciRead(NIC, 0, 4), 0xffffffff, "a reset does not bring it back");
    noFailures(m);
  });

  it("all (7) at once: disks and NICs go, the CD-ROM stays; repeating it changes nothing (idempotent)", () => {
    const { m } = machine();
    const g = m.guest;
    g.outw(0x10, 0x0007);
    g.outw(0x10, 0x0007);
    g.outw(0x10, 0x0003);
    assert.equal(g.inb(PRI + 7), 0);
    assert.equal(g.pciRead(NIC, 0, 4), 0xffffffff);
    assert.equal(atapiCommand(m, [0x12, 0, 0, 0, 36, 0])[0]! & 0x1f, 5);
    assert.equal(logged(m, /delivered to/).length, 1, "one delivery for the three writes");
    assert.equal(g.inw(0x10), 0x49d2, "the magic still reads");
    noFailures(m);
  });

  it("auxiliary disks (bit 2): every IDE disk but the primary master; bit 0 later takes that one too", () => {
    const { m } = machine("hda=disk,hdb=disk,hdc=cdrom,hdd=disk");
    const g = m.guest;
    g.outw(0x10, 0x0004);
    assert.ok(identifyWords(m, PRI, PRI_CTL, 0, 0xec)[0]! !== undefined, "the primary master still answers IDENTIFY");
    g.outb(PRI + 6, 0xb0);
    assert.equal(g.inb(PRI + 7), 0, "the primary slave is gone");
    g.outb(SEC + 6, 0xb0);
    assert.equal(g.inb(SEC + 7), 0, "the secondary slave is gone");
    assert.equal(atapiCommand(m, [0x12, 0, 0, 0, 36, 0])[0]! & 0x1f, 5, "the CD-ROM (secondary master) stays");
    assert.equal(g.pciRead(NIC, 0, 4), 0x100e8086, "the e1000 stays");
    g.outw(0x10, 0x0001);
    for (let reg = 1; reg < 8; reg++) assert.equal(g.inb(PRI + reg), 0, "now the primary channel is empty");
    noFailures(m);
  });

  it("the old SUSE (BAR0 + 4 = 1) and VMDP (BAR0 + 8 = 1 / 2) unplugs", () => {
    const a = machine();
    a.m.guest.outl(XP_IO + 4, 1);
    assert.equal(a.m.guest.inb(PRI + 7), 0);
    assert.equal(a.m.guest.pciRead(NIC, 0, 4), 0xffffffff);
    const b = machine();
    b.m.guest.outb(XP_IO + 8, 2);
    assert.equal(b.m.guest.pciRead(NIC, 0, 4), 0xffffffff, "VMDP 2: NICs");
    assert.notEqual(b.m.guest.inb(PRI + 7), 0, "the disk stays");
    b.m.guest.outb(XP_IO + 8, 1);
    assert.equal(b.m.guest.inb(PRI + 7), 0, "VMDP 1: disks");
    noFailures(a.m);
    noFailures(b.m);
  });

  it("garbage: undefined mask bits, other sizes and offsets unplug nothing, trap nothing, allocate nothing", () => {
    const { m } = machine();
    const g = m.guest;
    const mem = m.rt.device("xenplatform").exports.memory.buffer.byteLength;
    g.outw(0x10, 0xfff0);
    g.outb(0x10, 0x03);
    g.outb(0x11, 0x03);
    g.outw(0x11, 0x0003);
    g.outw(0x14, 0x0003);
    g.outl(0x10, 0x0003);
    g.outl(0x1c, 0xffffffff);
    g.outb(XP_IO + 4, 2);
    g.outw(XP_IO + 4, 0x0100);
    for (let i = 0; i < 2000; i++) g.outb(XP_IO + 8, 0x20 + (i % 90));
    assert.equal(logged(m, /delivered to/).length, 0, "nothing unplugged");
    assert.equal(g.pciRead(NIC, 0, 4), 0x100e8086);
    assert.notEqual(g.inb(PRI + 7), 0);
    assert.equal(logged(m, /undefined bits/).length, 1);
    assert.equal(logged(m, /ROM lock/).length, 1, "platform flags: the ROM lock is refused, once logged");
    assert.equal(g.inb(0x10), 0);
    assert.equal(m.rt.device("xenplatform").exports.memory.buffer.byteLength, mem);
    noFailures(m);
  });

  it("a machine without the platform device (xen_platform_pci=0) has nothing at 0x10", () => {
    const m = createMachine([{ name: "e1000", config: "bdf=00:03.0", net: { send() {} } }]);
    assert.equal(m.guest.inw(0x10), 0xffff);
    m.guest.outw(0x10, 3);
    assert.equal(m.guest.pciRead(NIC, 0, 4), 0x100e8086);
    assert.equal(m.guest.pciRead(XP, 0, 4), 0xffffffff);
  });
});
