// e1000 register-level behaviour: PCI header and BARs, reset values, EEPROM through EERD and
// through bit-banged EECD (and its 0xBABA checksum), the PHY through MDIC, CTRL.RST through the
// I/O window, register write masks and narrow accesses.
import { strict as assert } from "node:assert";
import {
  nic, noFailures, BDF, BAR0, IOBASE, R, MAC, eepromReadBitBang, eepromReadEerd, mdic, phyRead,
  ICR_MDAC, ICR_LSC, IRQ,
} from "./e1000-harness.test.ts";

describe("e1000: PCI function", () => {
  it("identifies as an 82540EM on a PRO/1000 MT Desktop board", () => {
    const n = nic({ enable: false });
    const g = n.g;
    assert.equal(g.pciRead(BDF, 0x00, 4), 0x100e8086);
    assert.equal(g.pciRead(BDF, 0x08, 4), 0x02000003, "class 020000, revision 3");
    assert.equal(g.pciRead(BDF, 0x2c, 4), 0x001e8086, "subsystem 8086:001E");
    assert.equal(g.pciRead(BDF, 0x3d, 1), 1, "INTA");
    assert.equal(g.pciRead(BDF, 0x06, 2) & 0x10, 0, "no capability list");
    assert.equal(g.pciRead(BDF, 0x04, 2), 0);
    noFailures(n);
  });

  it("sizes BAR0 as 128 KiB memory and BAR1 as a 64-byte I/O window; decoding follows COMMAND", () => {
    const n = nic({ enable: false });
    const g = n.g;
    g.pciWrite(BDF, 0x10, 4, 0xffffffff);
    assert.equal(g.pciRead(BDF, 0x10, 4), 0xfffe0000);
    g.pciWrite(BDF, 0x14, 4, 0xffffffff);
    assert.equal(g.pciRead(BDF, 0x14, 4), 0xffffffc1);
    g.pciWrite(BDF, 0x18, 4, 0xffffffff);
    assert.equal(g.pciRead(BDF, 0x18, 4), 0, "no BAR2");
    g.pciWrite(BDF, 0x10, 4, BAR0);
    g.pciWrite(BDF, 0x14, 4, IOBASE);
    assert.equal(g.readl(BAR0 + R.STATUS), 0xffffffff, "memory decoding off");
    g.pciWrite(BDF, 0x04, 2, 0x0002);
    assert.equal(g.readl(BAR0 + R.STATUS), 0x80080783);
    assert.equal(g.inl(IOBASE), 0xffffffff, "I/O decoding off");
    g.pciWrite(BDF, 0x04, 2, 0x0003);
    g.outl(IOBASE, R.STATUS);
    assert.equal(g.inl(IOBASE + 4), 0x80080783, "STATUS through IOADDR/IODATA");
    // moving BAR0 moves the registers
    g.pciWrite(BDF, 0x10, 4, 0xfe000000);
    assert.equal(g.readl(0xfe000000 + R.STATUS), 0x80080783);
    assert.equal(g.readl(BAR0 + R.STATUS), 0xffffffff);
    noFailures(n);
  });
});

describe("e1000: reset values", () => {
  it("CTRL, STATUS, EECD, receive address 0 and the rest", () => {
    const n = nic();
    assert.equal(n.r(R.CTRL), 0x00140240, "SLU | SPD_1000 | SWDPIN0 | SWDPIN2");
    assert.equal(n.r(R.STATUS), 0x80080783, "FD | LU | 1000 Mb/s");
    assert.equal(n.r(R.EECD), 0x188, "PRES | GNT | DO idle high");
    assert.equal(n.r(R.VET), 0x8100);
    assert.equal(n.r(R.LEDCTL), 0x602);
    assert.equal(n.r(R.PBA), 0x00100030);
    assert.equal(n.r(R.RAL0), 0x12005452);
    assert.equal(n.r(R.RAH0), 0x80005634, "MAC with AV");
    for (const off of [R.ICR, R.IMS, R.RCTL, R.TCTL, R.RDLEN, R.TDLEN, R.RDH, R.TDH, R.ITR, R.RXCSUM, R.CTRL_EXT])
      assert.equal(n.r(off), 0, `0x${off.toString(16)}`);
    assert.equal(n.r(0x1fffc), 0, "unimplemented offsets read 0");
    noFailures(n);
  });

  it("rejects a bad configuration", () => {
    assert.throws(() => nic({ config: "mac=01:00:00:00:00:01" }), /configuration rejected/);
    assert.throws(() => nic({ config: "speed=10" }), /configuration rejected/);
    assert.throws(() => nic({ config: "bdf=00:40.0" }), /configuration rejected/);
  });
});

describe("e1000: EEPROM", () => {
  it("EERD reads the 64 words: MAC, IDs, init control words; the sum is 0xBABA", () => {
    const n = nic();
    const words = Array.from({ length: 64 }, (_, i) => eepromReadEerd(n, i));
    assert.deepEqual(words.slice(0, 3), [0x5452, 0x1200, 0x5634]);
    assert.equal(words[0x0a], 0x6403, "init control 1");
    assert.equal(words[0x0b], 0x001e, "subsystem ID");
    assert.equal(words[0x0c], 0x8086, "subsystem vendor");
    assert.equal(words[0x0d], 0x100e, "device ID");
    assert.equal(words[0x0e], 0x8086, "vendor ID");
    assert.equal(words[0x0f], 0x3040, "init control 2");
    assert.equal(words.reduce((a, b) => (a + b) & 0xffff, 0), 0xbaba);
    const raw = (n.w(R.EERD, (5 << 8) | 1), n.r(R.EERD));
    assert.equal(raw & 0xffff, 0x0510, "address echoed with DONE; START self-cleared");
    noFailures(n);
  });

  it("checksum stays 0xBABA for another MAC address", () => {
    const n = nic({ config: "mac=02:00:de:ad:be:ef" });
    const words = Array.from({ length: 64 }, (_, i) => eepromReadEerd(n, i));
    assert.deepEqual(words.slice(0, 3), [0x0002, 0xadde, 0xefbe]);
    assert.equal(words.reduce((a, b) => (a + b) & 0xffff, 0), 0xbaba);
    assert.equal(n.r(R.RAL0), 0xadde0002);
    assert.equal(n.r(R.RAH0), 0x8000efbe);
  });

  it("bit-banged EECD (Linux's Microwire routine) reads the same words", () => {
    const n = nic();
    const viaEerd = Array.from({ length: 64 }, (_, i) => eepromReadEerd(n, i));
    assert.deepEqual(eepromReadBitBang(n, 0, 64), viaEerd);
    assert.deepEqual(eepromReadBitBang(n, 0x0d, 2), [0x100e, 0x8086]);
    assert.equal(n.r(0x10) & 0x3, 0, "CS and SK released");
    noFailures(n);
  });

  it("a write opcode or a clock without chip select shifts nothing out", () => {
    const n = nic();
    // CS high, then clock in 101 (WRITE) + address: DO stays idle-high, nothing is driven out
    n.w(R.EECD, 0x2);
    for (const bit of [1, 0, 1, 0, 0, 0, 0, 0, 0]) { n.w(R.EECD, 0x2 | (bit << 2)); n.w(R.EECD, 0x3 | (bit << 2)); n.w(R.EECD, 0x2 | (bit << 2)); }
    for (let i = 0; i < 16; i++) { n.w(R.EECD, 0x3); assert.equal(n.r(R.EECD) & 0x8, 0x8); n.w(R.EECD, 0x2); }
    noFailures(n);
  });
});

describe("e1000: PHY through MDIC", () => {
  it("answers the 82540's PHY identifiers and a negotiated 1000/full link", () => {
    const n = nic();
    const id = (phyRead(n, 2) << 16) | (phyRead(n, 3) & 0xfff0);
    assert.equal(id >>> 0, 0x01410c20, "M88E1011_I_PHY_ID as Linux's e1000_detect_gig_phy wants");
    assert.equal(phyRead(n, 0), 0x1140, "BMCR: autoneg on, 1000, full duplex");
    const bmsr = phyRead(n, 1);
    assert.equal(bmsr & 0x24, 0x24, "link up and autoneg complete");
    assert.equal(phyRead(n, 4), 0x0de1, "ANAR");
    assert.equal(phyRead(n, 5) & 0x4000, 0x4000, "ANLPAR acknowledged");
    assert.equal(phyRead(n, 9), 0x0e00);
    assert.equal(phyRead(n, 10), 0x3c00, "1000BASE-T status: receivers OK, partner 1000 FD/HD");
    assert.equal(phyRead(n, 0x10), 0x0360);
    assert.equal(phyRead(n, 0x11), 0xac00, "PSSR: 1000, full duplex, resolved, link");
    assert.equal(phyRead(n, 0x14), 0x0d60);
    noFailures(n);
  });

  it("reports ERROR for another PHY address or a register the PHY lacks; IE raises MDAC", () => {
    const n = nic();
    assert.equal(mdic(n, 2, { phy: 2 }) & 0x50000000, 0x50000000, "READY | ERROR");
    assert.equal(mdic(n, 0x1d) & 0x40000000, 0x40000000);
    assert.equal(mdic(n, 2) & 0x4000ffff, 0x0141, "no error, data");
    n.w(R.IMS, ICR_MDAC);
    mdic(n, 2, { ie: true });
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(R.ICR), ICR_MDAC);
    noFailures(n);
  });

  it("keeps written ANAR/1000T control; BMCR restart takes the link down for 500 ms, then LSC", () => {
    const n = nic();
    mdic(n, 4, { write: 0x01e1 });
    assert.equal(phyRead(n, 4), 0x01e1);
    n.w(R.IMS, ICR_LSC);
    mdic(n, 0, { write: 0x1340 }); // autoneg enable + restart
    assert.equal(phyRead(n, 0), 0x1140, "restart self-clears");
    assert.equal(n.r(R.STATUS) & 2, 0, "link down while negotiating");
    assert.equal(phyRead(n, 1) & 0x24, 0);
    assert.equal(n.r(R.ICR) & ICR_LSC, ICR_LSC, "LSC on going down");
    n.g.wait(499_000_000);
    assert.equal(n.r(R.STATUS) & 2, 0);
    assert.equal(n.g.irq(IRQ), false);
    n.g.wait(2_000_000);
    assert.equal(n.r(R.STATUS) & 2, 2, "link back");
    assert.equal(phyRead(n, 1) & 0x24, 0x24);
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(R.ICR), ICR_LSC);
    noFailures(n);
  });
});

describe("e1000: guest reset", () => {
  it("the runtime's reset returns the PCI header and the registers to power-on state", () => {
    const n = nic();
    n.w(R.IMS, 0xff); n.w(R.RCTL, 0x8002); n.w(R.ICS, 0x4);
    assert.equal(n.g.irq(11), true);
    n.m.rt.resetAll();
    assert.equal(n.g.irq(11), false);
    assert.equal(n.g.pciRead(BDF, 0x04, 2), 0, "decoding off");
    assert.equal(n.g.pciRead(BDF, 0x10, 4), 0, "BAR0 cleared");
    n.g.pciWrite(BDF, 0x10, 4, BAR0); n.g.pciWrite(BDF, 0x04, 2, 0x0006);
    assert.equal(n.r(R.IMS), 0);
    assert.equal(n.r(R.RCTL), 0);
    assert.equal(n.r(R.ICR), 0);
    assert.equal(n.r(R.CTRL), 0x00140240);
    noFailures(n);
  });
});

describe("e1000: CTRL, the I/O window and register masks", () => {
  it("CTRL.RST through IOADDR/IODATA resets the MAC and self-clears (Linux's 82540 reset path)", () => {
    const n = nic();
    n.w(R.IMS, 0xff); n.w(R.RCTL, 0x8002); n.w(R.RAL0, 0x11111111); n.w(R.FCAL, 0xdead); n.w(R.TIPG, 0x60200a);
    n.g.outl(IOBASE, R.CTRL);
    n.g.outl(IOBASE + 4, (n.g.inl(IOBASE + 4) | 0x04000000) >>> 0);
    assert.equal(n.r(R.CTRL), 0x00140240, "RST self-clears, CTRL at reset value");
    assert.equal(n.r(R.IMS), 0);
    assert.equal(n.r(R.RCTL), 0);
    assert.equal(n.r(R.FCAL), 0);
    assert.equal(n.r(R.TIPG), 0);
    assert.equal(n.r(R.RAL0), 0x12005452, "RA[0] reloaded from the EEPROM");
    assert.equal(n.g.inl(IOBASE), R.CTRL, "IOADDR reads back");
    noFailures(n);
  });

  it("plain registers keep the bits Linux's register test expects; STATUS is read-only", () => {
    const n = nic();
    const cases: Array<[number, number]> = [
      [R.FCAL, 0xffffffff], [R.FCAH, 0x0000ffff], [R.FCT, 0x0000ffff], [R.VET, 0x0000ffff],
      [R.RDTR, 0x0000ffff], [R.RDBAH, 0xffffffff], [R.RDLEN, 0x000fff80], [R.RDH, 0x0000ffff],
      [R.RDT, 0x0000ffff], [R.TIPG, 0x3fffffff], [R.TDBAH, 0xffffffff], [R.TDLEN, 0x000fff80],
      [R.RDBAL, 0xfffffff0], [R.TDBAL, 0xfffffff0], [R.RAH0 + 8, 0x8003ffff], [R.MTA + 4 * 77, 0xffffffff],
      [R.VFTA + 4 * 3, 0xffffffff],
    ];
    for (const [off, mask] of cases) {
      for (const pat of [0x5a5a5a5a, 0xa5a5a5a5, 0xffffffff, 0]) {
        n.w(off, pat);
        assert.equal(n.r(off), (pat & mask) >>> 0, `0x${off.toString(16)} <- 0x${pat.toString(16)}`);
      }
    }
    const before = n.r(R.STATUS);
    n.w(R.STATUS, 0xffffffff);
    assert.equal(n.r(R.STATUS), before);
    noFailures(n);
  });

  it("byte and word accesses read parts of the dword and merge on write", () => {
    const n = nic();
    assert.equal(n.g.readw(BAR0 + R.STATUS), 0x0783);
    assert.equal(n.g.readb(BAR0 + R.STATUS + 3), 0x80);
    n.w(R.FCAL, 0x11223344);
    n.g.writeb(BAR0 + R.FCAL + 1, 0xaa);
    assert.equal(n.r(R.FCAL), 0x1122aa44);
    n.g.writew(BAR0 + R.IMS + 2, 0x0001); // bit 16 only
    assert.equal(n.r(R.IMS), 0x10000);
    noFailures(n);
  });
});
