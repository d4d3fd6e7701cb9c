// IDE controller, ATA disk side: PCI function and legacy decode, task-file semantics (select, echo,
// HOB, nIEN, SRST and signature, alternate status), every ATA command of issue 4, PIO and DMA data
// paths against a patterned raw image checked sector by sector, and the error paths. Only the guest
// API is used (createMachine, port I/O, config cycles, guest RAM).
import { strict as assert } from "node:assert";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import {
  IDE, BM_BASE, PRI, PRI_CTL, SEC, SEC_CTL, ST, patternDisk, assertSectors, expectedSector, ideMachine, units,
  waitReady, ata28, ata48, pioIn, identifyWords, ataString, writePrd, bmSetup, bmStart, bmStatus, enableController,
} from "./ide-helpers.ts";

const SECTORS = 20000; // ~10 MB: CHS 19/16/63 plus a tail beyond the CHS-addressable part
function disk(n = SECTORS, readOnly = false) { return memoryImage(patternDisk(n), { readOnly }); }
function machine(n = SECTORS) {
  const img = disk(n);
  return { m: ideMachine({ config: "hda=disk", blk: units([[0, img]]) }), img };
}

describe("ide: PCI function and decode", () => {
  it("identifies as PIIX3 IDE with a 16-port I/O BAR4 and no INTx", () => {
    const m = ideMachine({ config: "hda=disk", blk: units([[0, disk()]]), enable: false });
    const g = m.guest;
    assert.equal(g.pciRead(IDE, 0, 4), 0x70108086);
    assert.equal(g.pciRead(IDE, 0x08, 4), 0x01018000, "class 01:01, prog-if 0x80, revision 0");
    assert.equal(g.pciRead(IDE, 0x06, 2), 0x0280, "DEVSEL medium, fast back-to-back");
    assert.equal(g.pciRead(IDE, 0x0e, 1), 0x00);
    assert.equal(g.pciRead(IDE, 0x3d, 1), 0x00, "legacy IRQs 14/15, no PCI interrupt pin");
    assert.equal(g.pciRead(IDE, 0x20, 4), 0x00000001, "BAR4 is I/O, unassigned");
    g.pciWrite(IDE, 0x20, 4, 0xffffffff);
    assert.equal(g.pciRead(IDE, 0x20, 4), 0xfffffff1, "16 bytes of I/O");
    for (const bar of [0x10, 0x14, 0x18, 0x1c, 0x24]) {
      g.pciWrite(IDE, bar, 4, 0xffffffff);
      assert.equal(g.pciRead(IDE, bar, 4), 0, `BAR at 0x${bar.toString(16)} unused in compatibility mode`);
    }
    assert.equal(g.pciRead(IDE, 0x40, 4), 0, "IDETIM reset value 0");
    g.pciWrite(IDE, 0x40, 4, 0xa3078000);
    assert.equal(g.pciRead(IDE, 0x40, 4), 0xa3078000, "IDETIM primary and secondary writable");
    g.pciWrite(IDE, 0x44, 1, 0x5a);
    assert.equal(g.pciRead(IDE, 0x44, 1), 0x5a, "SIDETIM writable");
  });

  it("decodes a channel's legacy ports only with PCICMD.IOSE and its IDETIM bit 15", () => {
    const m = ideMachine({ config: "hda=disk,hdc=disk", blk: units([[0, disk()], [2, disk()]]), enable: false });
    const g = m.guest;
    assert.equal(g.inb(PRI + 7), 0xff, "nothing answers before the BIOS enables decode");
    g.pciWrite(IDE, 0x40, 2, 0x8000);
    assert.equal(g.inb(PRI + 7), 0xff, "IDETIM alone is not enough");
    g.pciWrite(IDE, 0x04, 2, 0x0001);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC, "primary decodes");
    assert.equal(g.inb(PRI_CTL), ST.DRDY | ST.DSC);
    assert.equal(g.inb(SEC + 7), 0xff, "secondary still off");
    g.pciWrite(IDE, 0x42, 2, 0x8000);
    assert.equal(g.inb(SEC + 7), ST.DRDY | ST.DSC);
    g.pciWrite(IDE, 0x40, 2, 0x0000);
    assert.equal(g.inb(PRI + 7), 0xff, "primary off again");
    g.pciWrite(IDE, 0x20, 4, 0xd000);
    g.outb(0xd002, 0x60);
    assert.equal(g.inb(0xd002), 0x60, "BAR4 decodes with I/O enabled");
    g.pciWrite(IDE, 0x04, 2, 0);
    assert.equal(g.inb(0xd002), 0xff);
    assert.equal(g.inb(SEC + 7), 0xff);
  });

  it("config decode=on presets the firmware's enables; bad configs are refused with a reason", () => {
    const m = createWith("hda=disk,decode=on");
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.throws(() => createWith("hda=floppy"), /configuration rejected/);
    assert.throws(() => createWith("hdb=disk"), /configuration rejected/);
    assert.throws(() => createWith("hde=disk"), /configuration rejected/);
    const bad = (() => { try { createWith("hdb=disk"); } catch { /* logged */ } return null; })();
    assert.equal(bad, null);
  });
});

import { createMachine } from "../../host/node/machine.ts";
function createWith(config: string) {
  return createMachine([{ name: "ide", config, irqs: [{ isa: 14 }, { isa: 15 }], blk: units([[0, disk()]]) }]);
}

describe("ide: task file", () => {
  it("after reset: ATA signature, status DRDY|DSC, error 01; absent slave: status/error 0", () => {
    const { m } = machine();
    const g = m.guest;
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((r) => g.inb(PRI + r)), [0x01, 0x01, 0x01, 0x00, 0x00, 0xa0, 0x50]);
    g.outb(PRI + 6, 0xb0);
    assert.equal(g.inb(PRI + 7), 0, "absent slave: status 0");
    assert.equal(g.inb(PRI_CTL), 0, "absent slave: alternate status 0");
    assert.equal(g.inb(PRI + 1), 0, "absent slave: error 0");
    assert.deepEqual([2, 3, 4, 5].map((r) => g.inb(PRI + r)), [1, 1, 0xff, 0xff], "the no-device signature, as QEMU shows");
    assert.equal(g.inb(PRI + 6), 0xb0, "device register echoes the selection");
    assert.equal(g.inb(SEC + 7), 0, "channel with no drive reads 0");
  });

  it("echoes nsect/sector on both drives (SeaBIOS/libata device check) and keeps HOB bytes", () => {
    const { m } = machine();
    const g = m.guest;
    g.outb(PRI + 2, 0x55); g.outb(PRI + 3, 0xaa);
    assert.equal(g.inb(PRI + 2), 0x55); assert.equal(g.inb(PRI + 3), 0xaa);
    g.outb(PRI + 2, 0xaa); g.outb(PRI + 3, 0x55);
    g.outb(PRI_CTL, 0x80);
    assert.equal(g.inb(PRI + 2), 0x55, "HOB reads the previous byte");
    assert.equal(g.inb(PRI + 3), 0xaa);
    g.outb(PRI + 4, 0x12); // any command-block write clears HOB
    assert.equal(g.inb(PRI + 2), 0xaa);
    g.outb(PRI_CTL, 0x00);
    g.outb(PRI + 6, 0xef);
    assert.equal(g.inb(PRI + 6), 0xef);
  });

  it("status read clears the interrupt, alternate status does not; nIEN masks the line", () => {
    const { m } = machine();
    const g = m.guest;
    ata28(m, PRI, 0, 0xe5); // CHECK POWER MODE
    assert.equal(g.irq(14), true);
    assert.equal(g.inb(PRI_CTL), ST.DRDY | ST.DSC);
    assert.equal(g.irq(14), true, "alternate status leaves it");
    assert.equal(g.inb(PRI + 2), 0xff, "active/idle");
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.equal(g.irq(14), false, "status read cleared it");
    g.outb(PRI_CTL, 0x02);
    ata28(m, PRI, 0, 0xe5);
    assert.equal(g.irq(14), false, "nIEN masks INTRQ");
    g.outb(PRI_CTL, 0x00);
    assert.equal(g.irq(14), true, "pending interrupt shows once nIEN clears");
    g.inb(PRI + 7);
    assert.equal(g.irq(14), false);
    assert.equal(g.irq(15), false, "secondary untouched");
  });

  it("SRST: BSY while asserted, signature and DRDY after, pending transfer abandoned", () => {
    const { m } = machine();
    const g = m.guest;
    ata28(m, PRI, 0, 0x20, 5, 2);
    waitReady(m);
    g.outb(PRI + 2, 0x33); // ignored: DRQ set
    g.outb(PRI_CTL, 0x04);
    assert.equal(g.inb(PRI_CTL) & ST.BSY, ST.BSY);
    g.outb(PRI_CTL, 0x00);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => g.inb(PRI + r)), [1, 1, 1, 0, 0]);
    assert.equal(g.inw(PRI), 0, "no data after the reset");
  });

  it("ignores commands to an absent drive and command-block writes while busy", () => {
    const { m } = machine();
    const g = m.guest;
    g.outb(PRI + 6, 0xb0);
    g.outb(PRI + 7, 0xec);
    assert.equal(g.irq(14), false);
    assert.equal(g.inb(PRI + 7), 0);
    g.outb(PRI + 6, 0xa0);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
  });
});

describe("ide: IDENTIFY DEVICE", () => {
  it("answers truthful words with a valid integrity word", () => {
    const { m } = machine();
    const w = identifyWords(m, PRI, PRI_CTL, 0, 0xec);
    assert.equal(m.guest.irq(14), true, "IDENTIFY raises the interrupt with DRQ");
    assert.equal(w[0], 0x0040);
    assert.deepEqual([w[1], w[3], w[6]], [19, 16, 63], "CHS 19/16/63 for 20000 sectors");
    assert.equal(ataString(w, 27, 20), "WASM-STUBDOM ATA DISK");
    assert.equal(ataString(w, 10, 10), "WSD00000000");
    assert.equal(ataString(w, 23, 4), "1.0");
    assert.equal(w[47], 0x8010);
    assert.equal(w[49]! & 0x0300, 0x0300, "LBA and DMA");
    assert.equal(w[53], 7);
    assert.equal(w[54]! * w[55]! * w[56]!, w[57]! | (w[58]! << 16));
    assert.equal(w[60]! | (w[61]! << 16), SECTORS);
    assert.equal(w[63], 0x0007);
    assert.equal(w[83]! & 0x0400, 0x0400, "LBA48");
    assert.equal(w[85]! & 0x0020, 0x0020, "write cache enabled");
    assert.equal(w[88], 0x003f);
    assert.equal(w[93], 0x6001);
    assert.equal(w[100]! + w[101]! * 65536, SECTORS);
    assert.equal(w[255]! & 0xff, 0xa5);
    const bytes = new Uint8Array(w.buffer);
    assert.equal(bytes.reduce((a, b) => (a + b) & 0xff, 0), 0, "checksum");
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.DSC, "no DRQ after 512 bytes");
  });

  it("an ATA disk aborts IDENTIFY PACKET and PACKET", () => {
    const { m } = machine();
    ata28(m, PRI, 0, 0xa1);
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.ERR);
    assert.equal(m.guest.inb(PRI + 1), 0x04);
    ata28(m, PRI, 0, 0xa0);
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.ERR);
  });

  it("SET FEATURES transfer mode shows in words 63/88; write cache in 85; bad modes abort", () => {
    const { m } = machine();
    ata28(m, PRI, 0, 0xef, 0, 0x22, 0x03);
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.DSC);
    let w = identifyWords(m, PRI, PRI_CTL, 0, 0xec);
    assert.equal(w[63], 0x0407, "MWDMA2 selected");
    ata28(m, PRI, 0, 0xef, 0, 0x45, 0x03);
    ata28(m, PRI, 0, 0xef, 0, 0, 0x82);
    w = identifyWords(m, PRI, PRI_CTL, 0, 0xec);
    assert.equal(w[63], 0x0007);
    assert.equal(w[88], 0x203f, "UDMA5 selected");
    assert.equal(w[85]! & 0x20, 0, "write cache disabled");
    ata28(m, PRI, 0, 0xef, 0, 0x0c, 0x03);  // PIO 4
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.DSC);
    ata28(m, PRI, 0, 0xef, 0, 0x23, 0x03);  // MWDMA3 does not exist
    assert.equal(m.guest.inb(PRI + 7), ST.DRDY | ST.ERR);
    ata28(m, PRI, 0, 0xef, 0, 0, 0x99);     // unknown subcommand
    assert.equal(m.guest.inb(PRI + 1), 0x04);
  });
});

describe("ide: PIO data paths", () => {
  it("READ SECTORS (LBA28): one DRQ block and one interrupt per sector, BSY until the backend answers", () => {
    const { m, img } = machine();
    const g = m.guest;
    ata28(m, PRI, 0, 0x20, 100, 8);
    assert.equal(g.inb(PRI_CTL) & (ST.BSY | ST.DRQ), ST.BSY, "busy until the completion arrives");
    const irqs: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      waitReady(m);
      irqs.push(g.irq(14));
      assert.equal(g.inb(PRI + 7) & (ST.DRQ | ST.ERR), ST.DRQ);
      g.repIns(PRI, 2, 0x10000 + i * 512, 256);
    }
    assert.deepEqual(irqs, new Array(8).fill(true));
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.equal(g.irq(14), false, "no interrupt after the last block of a read");
    assertSectors(g.peek(0x10000, 8 * 512), 100, 8);
    assert.equal(img.stats.sectorsRead, 8);
  });

  it("READ SECTORS EXT (LBA48) with a count above 256, 32-bit data-port reads", () => {
    const { m } = machine();
    const g = m.guest;
    ata48(m, PRI, 0, 0x24, 19000, 300);
    for (let i = 0; i < 300; i++) {
      waitReady(m);
      g.repIns(PRI, 4, 0x20000 + i * 512, 128);
    }
    assertSectors(g.peek(0x20000, 300 * 512), 19000, 300);
  });

  it("READ SECTORS in CHS mode after INITIALIZE DEVICE PARAMETERS", () => {
    const { m } = machine();
    const g = m.guest;
    // default translation 16 heads / 63 sectors: C/H/S 2/3/4 = (2*16+3)*63+3
    g.outb(PRI + 6, 0xa3); g.outb(PRI + 2, 1); g.outb(PRI + 3, 4); g.outb(PRI + 4, 2); g.outb(PRI + 5, 0);
    g.outb(PRI + 7, 0x20);
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x10000, 1, 512), (2 * 16 + 3) * 63 + 3, 1);
    // INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors per track
    g.outb(PRI + 6, 0xa3); g.outb(PRI + 2, 17); g.outb(PRI + 7, 0x91);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    const w = identifyWords(m, PRI, PRI_CTL, 0, 0xec);
    assert.deepEqual([w[55], w[56]], [4, 17]);
    g.outb(PRI + 6, 0xa2); g.outb(PRI + 2, 2); g.outb(PRI + 3, 17); g.outb(PRI + 4, 5); g.outb(PRI + 5, 0);
    g.outb(PRI + 7, 0x20);
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x10000, 2, 512), (5 * 4 + 2) * 17 + 16, 2);
    g.outb(PRI + 6, 0xa0); g.outb(PRI + 2, 1); g.outb(PRI + 3, 0); g.outb(PRI + 7, 0x20); // sector 0 is invalid in CHS
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    assert.equal(g.inb(PRI + 1), 0x10, "IDNF");
  });

  it("WRITE SECTORS: first block without interrupt, then one per block; data lands in the image", () => {
    const img = memoryImage(patternDisk(SECTORS));
    const m = ideMachine({ config: "hda=disk", blk: units([[0, img]]) });
    const g = m.guest;
    const data = new Uint8Array(3 * 512);
    for (let i = 0; i < 3; i++) data.set(expectedSector(5000 + i), i * 512);
    g.poke(0x30000, data);
    ata28(m, PRI, 0, 0x30, 7, 3);
    assert.equal(g.inb(PRI_CTL) & ST.DRQ, ST.DRQ);
    assert.equal(g.irq(14), false, "no interrupt before the first block");
    for (let i = 0; i < 3; i++) {
      const s = waitReady(m);
      assert.equal(s & ST.DRQ, ST.DRQ, `block ${i}`);
      if (i > 0) assert.equal(g.irq(14), true);
      g.inb(PRI + 7);
      g.repOuts(PRI, 2, 0x30000 + i * 512, 256);
    }
    waitReady(m);
    assert.equal(g.irq(14), true, "interrupt after the last block was written");
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    ata28(m, PRI, 0, 0x20, 7, 3);
    const back = pioIn(m, PRI, PRI_CTL, 0x40000, 3, 512);
    assert.deepEqual(back, data);
    ata28(m, PRI, 0, 0x20, 10, 1);
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x40000, 1, 512), 10, 1);
  });

  it("SET MULTIPLE, READ/WRITE MULTIPLE (EXT): DRQ blocks of N sectors, short last block", () => {
    const { m } = machine();
    const g = m.guest;
    ata28(m, PRI, 0, 0xc4, 0, 4);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR, "READ MULTIPLE aborts before SET MULTIPLE");
    ata28(m, PRI, 0, 0xc6, 0, 3);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR, "3 is not a power of two");
    ata28(m, PRI, 0, 0xc6, 0, 32);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR, "more than word 47 allows");
    ata28(m, PRI, 0, 0xc6, 0, 4);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.equal(identifyWords(m, PRI, PRI_CTL, 0, 0xec)[59], 0x0104);
    ata28(m, PRI, 0, 0xc4, 300, 10);
    const got = new Uint8Array(10 * 512);
    let off = 0;
    for (const n of [4, 4, 2]) {
      waitReady(m);
      g.repIns(PRI, 2, 0x10000, n * 256);
      got.set(g.peek(0x10000, n * 512), off);
      off += n * 512;
      if (n === 2) break;
      assert.equal(g.inb(PRI_CTL) & ST.DRQ, 0, "block finished");
    }
    assertSectors(got, 300, 10);
    const data = patternDisk(6).map((x) => x ^ 0x5a);
    g.poke(0x50000, data);
    ata48(m, PRI, 0, 0x39, 1234, 6);
    for (const [i, n] of [[0, 4], [4, 2]] as const) { waitReady(m); g.repOuts(PRI, 2, 0x50000 + i * 512, n * 256); }
    waitReady(m);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    ata28(m, PRI, 0, 0xc5, 1234 + 6, 1);
    waitReady(m); g.repOuts(PRI, 2, 0x50000, 256); waitReady(m);
    ata28(m, PRI, 0, 0xc4, 1234, 7); // READ MULTIPLE (LBA28)
    const back = new Uint8Array(7 * 512);
    for (const [i, n] of [[0, 4], [4, 3]] as const) { waitReady(m); g.repIns(PRI, 2, 0x60000, n * 256); back.set(g.peek(0x60000, n * 512), i * 512); }
    assert.deepEqual(back.subarray(0, 6 * 512), data);
    assert.deepEqual(back.subarray(6 * 512), data.subarray(0, 512));
    ata48(m, PRI, 0, 0x29, 1234, 4);
    assert.deepEqual(pioIn(m, PRI, PRI_CTL, 0x60000, 1, 2048), data.subarray(0, 2048));
  });

  it("READ VERIFY (EXT), SEEK, RECALIBRATE, FLUSH CACHE (EXT): BSY, then an interrupt", () => {
    const { m, img } = machine();
    const g = m.guest;
    for (const [cmd, ext] of [[0x40, false], [0x42, true]] as const) {
      if (ext) ata48(m, PRI, 0, cmd, 19990, 10); else ata28(m, PRI, 0, cmd, 0, 0);
      assert.equal(g.inb(PRI_CTL) & ST.BSY, ST.BSY);
      assert.equal(waitReady(m), ST.DRDY | ST.DSC);
      assert.equal(g.irq(14), true);
      g.inb(PRI + 7);
    }
    assert.equal(img.stats.sectorsRead, 256 + 10, "verify read the sectors but transferred nothing");
    for (const cmd of [0xe7, 0xea]) {
      ata28(m, PRI, 0, cmd);
      assert.equal(g.inb(PRI_CTL) & ST.BSY, ST.BSY);
      assert.equal(waitReady(m), ST.DRDY | ST.DSC);
    }
    assert.equal(img.stats.flushes, 2);
    ata28(m, PRI, 0, 0x70, 19999);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    ata28(m, PRI, 0, 0x70, 20000);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    ata28(m, PRI, 0, 0x10);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
  });

  it("power management: STANDBY, IDLE, CHECK POWER MODE; SECURITY FREEZE LOCK is accepted", () => {
    const { m } = machine();
    const g = m.guest;
    const power = () => { ata28(m, PRI, 0, 0xe5); g.inb(PRI + 7); return g.inb(PRI + 2); };
    assert.equal(power(), 0xff);
    ata28(m, PRI, 0, 0xe0); assert.equal(power(), 0x00);
    ata28(m, PRI, 0, 0xe1); assert.equal(power(), 0xff);
    ata28(m, PRI, 0, 0xe2); assert.equal(power(), 0x00);
    ata28(m, PRI, 0, 0xe3); assert.equal(power(), 0xff);
    ata28(m, PRI, 0, 0xf5); assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
  });

  it("READ NATIVE MAX ADDRESS (EXT) reports the last sector", () => {
    const { m } = machine();
    const g = m.guest;
    ata28(m, PRI, 0, 0xf8);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.equal(g.inb(PRI + 3) | (g.inb(PRI + 4) << 8) | (g.inb(PRI + 5) << 16) | ((g.inb(PRI + 6) & 15) << 24), SECTORS - 1);
    ata48(m, PRI, 0, 0x27, 0, 0);
    assert.equal(g.inb(PRI + 3) | (g.inb(PRI + 4) << 8) | (g.inb(PRI + 5) << 16), SECTORS - 1);
    g.outb(PRI_CTL, 0x80);
    assert.equal(g.inb(PRI + 3), 0, "HOB bytes of a small disk are 0");
  });

  it("error paths: out-of-range LBA → IDNF, unknown/NOP → ABRT, write to a read-only image → ABRT", () => {
    const ro = memoryImage(patternDisk(100), { readOnly: true });
    const m = ideMachine({ config: "hda=disk", blk: units([[0, ro]]) });
    const g = m.guest;
    ata28(m, PRI, 0, 0x20, 99, 2);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    assert.equal(g.inb(PRI + 1), 0x10);
    ata48(m, PRI, 0, 0x25, 0x10000000, 1);
    assert.equal(g.inb(PRI + 1), 0x10);
    for (const cmd of [0x00, 0x06, 0xb0, 0xff, 0x08]) {
      ata28(m, PRI, 0, cmd);
      assert.equal(g.irq(14), true, `0x${cmd.toString(16)} interrupts`);
      assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR, `0x${cmd.toString(16)}`);
      assert.equal(g.inb(PRI + 1), 0x04);
    }
    ata28(m, PRI, 0, 0x30, 1, 1);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    ata28(m, PRI, 0, 0xca, 1, 1);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    ata28(m, PRI, 0, 0x20, 0, 1);
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x1000, 1, 512), 0, 1);
  });

  it("a failing backend read ends with UNC and an interrupt", () => {
    const failing = memoryImage(patternDisk(64));
    failing.submit = (_req, done) => done(1 /* EIO */);
    const m = ideMachine({ config: "hda=disk", blk: units([[0, failing]]) });
    ata28(m, PRI, 0, 0x20, 0, 1);
    assert.equal(waitReady(m), ST.DRDY | ST.ERR);
    assert.equal(m.guest.inb(PRI + 1), 0x40);
    assert.equal(m.guest.irq(14), true);
  });

  it("with backend latency on the virtual clock the drive stays BSY until it completes", () => {
    const img = memoryImage(patternDisk(64));
    const m = ideMachine({ config: "hda=disk", blk: units([[0, img]]) });
    img.attachClock(m.sim.clock, 2_000_000);
    ata28(m, PRI, 0, 0x20, 3, 1);
    m.guest.wait(1_000_000);
    assert.equal(m.guest.inb(PRI_CTL) & ST.BSY, ST.BSY, "still busy after 1 ms");
    m.guest.wait(1_000_000);
    assert.equal(m.guest.inb(PRI_CTL), ST.DRDY | ST.DSC | ST.DRQ, "data after 2 ms");
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x1000, 1, 512), 3, 1);
  });

  it("secondary channel, slave drive: IRQ 15 and independent state", () => {
    const m = ideMachine({ config: "hdd=disk", blk: units([[3, memoryImage(patternDisk(500))]]) });
    const g = m.guest;
    assert.equal(g.inb(SEC + 7), 0, "master absent");
    ata28(m, SEC, 1, 0x20, 499, 1);
    waitReady(m, SEC_CTL);
    assert.equal(g.irq(15), true);
    assert.equal(g.irq(14), false);
    assertSectors(pioIn(m, SEC, SEC_CTL, 0x1000, 1, 512), 499, 1);
  });
});

describe("ide: bus-master DMA", () => {
  it("READ DMA through a 3-entry PRD table: data sector by sector, INT set, ACTIVE clear, IRQ", () => {
    const { m } = machine();
    const g = m.guest;
    writePrd(m, 0x1000, [[0x100000, 4096], [0x200000, 2048], [0x300000, 2048]]);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 1000, 16);
    bmStart(m, 0, true);
    assert.equal(bmStatus(m, 0) & 1, 1, "ACTIVE");
    waitReady(m);
    assert.equal(g.irq(14), true);
    assert.equal(bmStatus(m, 0), 0x04, "INTERRUPT, not ACTIVE: PRDs exactly as long");
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assertSectors(g.peek(0x100000, 4096), 1000, 8);
    assertSectors(g.peek(0x200000, 2048), 1008, 4);
    assertSectors(g.peek(0x300000, 2048), 1012, 4);
    g.outb(BM_BASE, 0x08);
    g.outb(BM_BASE + 2, 0x04);
    assert.equal(bmStatus(m, 0), 0, "INT is write-1-to-clear");
  });

  it("READ DMA EXT of 600 sectors (several backend chunks) into 64 KiB PRD entries (count 0)", () => {
    const { m } = machine();
    const g = m.guest;
    const regions: Array<[number, number]> = [];
    for (let i = 0; i < 5; i++) regions.push([0x400000 + i * 0x10000, 0x10000]);
    writePrd(m, 0x2000, regions);
    bmSetup(m, 0, 0x2000, true);
    ata48(m, PRI, 0, 0x25, 18000, 600);
    bmStart(m, 0, true);
    waitReady(m);
    assert.equal(bmStatus(m, 0) & 0x07, 0x05, "INT and ACTIVE: PRDs longer than the transfer");
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assertSectors(g.peek(0x400000, 600 * 512), 18000, 600);
  });

  it("WRITE DMA (EXT) gathers from the PRDs; the image holds exactly the data", () => {
    const img = memoryImage(patternDisk(SECTORS));
    const m = ideMachine({ config: "hda=disk", blk: units([[0, img]]) });
    const g = m.guest;
    const data = new Uint8Array(300 * 512);
    for (let i = 0; i < 300; i++) data.set(expectedSector(9000 + i), i * 512);
    g.poke(0x500000, data.subarray(0, 0x10000));
    g.poke(0x700000, data.subarray(0x10000, 0x20000));
    g.poke(0x800000, data.subarray(0x20000));
    writePrd(m, 0x3000, [[0x500000, 0x10000], [0x700000, 0x10000], [0x800000, data.length - 0x20000]]);
    bmSetup(m, 0, 0x3000, false);
    ata48(m, PRI, 0, 0x35, 100, 300);
    bmStart(m, 0, false);
    waitReady(m);
    assert.equal(bmStatus(m, 0), 0x04);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assert.equal(img.stats.sectorsWritten, 300);
    // read back through READ DMA (LBA28)
    writePrd(m, 0x3000, [[0x900000, 0x10000], [0x910000, 0x10000], [0x920000, 0x10000]]);
    bmSetup(m, 0, 0x3000, true);
    ata28(m, PRI, 0, 0xc8, 100, 256);
    bmStart(m, 0, true);
    waitReady(m);
    const back = g.peek(0x900000, 0x30000);
    assert.deepEqual(back.subarray(0, 256 * 512), data.subarray(0, 256 * 512));
    assert.equal(bmStatus(m, 0) & 0x05, 0x05, "256 sectors left PRD bytes over");
    ata28(m, PRI, 0, 0x20, 99, 1);
    assertSectors(pioIn(m, PRI, PRI_CTL, 0x1000, 1, 512), 99, 1);
  });

  it("a PRD table shorter than the transfer: ACTIVE and INT clear, no interrupt", () => {
    const { m } = machine();
    const g = m.guest;
    writePrd(m, 0x1000, [[0x100000, 1024]]);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 0, 4);
    bmStart(m, 0, true);
    m.guest.wait(100_000);
    assert.equal(bmStatus(m, 0) & 0x07, 0, "error condition: both clear");
    assert.equal(g.irq(14), false);
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.DSC);
    assertSectors(g.peek(0x100000, 1024), 0, 2);
    assert.deepEqual(g.peek(0x100000 + 1024, 512), new Uint8Array(512), "nothing past the PRD");
  });

  it("a PRD outside guest RAM is a master abort: ERROR, PCI status bit 13, ABRT", () => {
    const { m } = machine();
    const g = m.guest;
    writePrd(m, 0x1000, [[0xf0000000, 512]]);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 0, 1);
    bmStart(m, 0, true);
    waitReady(m);
    assert.equal(bmStatus(m, 0) & 0x07, 0x06, "ERROR + INT, not ACTIVE");
    assert.equal(g.inb(PRI + 7), ST.DRDY | ST.ERR);
    assert.equal(g.pciRead(IDE, 0x06, 2) & 0x2000, 0x2000, "received master abort");
    assert.equal(m.rt.failures.length, 0);
    // the table itself outside RAM
    bmSetup(m, 0, 0xfffffff0, true);
    ata28(m, PRI, 0, 0xc8, 0, 1);
    bmStart(m, 0, true);
    waitReady(m);
    assert.equal(bmStatus(m, 0) & 0x02, 0x02);
  });

  it("a table without EOT stops at its 64 KiB boundary; nothing is written past the entries", () => {
    const { m } = machine();
    const g = m.guest;
    const table = 0x8fff0; // 2 entries fit before 0x90000
    g.poke32(table, 0x100000); g.poke32(table + 4, 512);
    g.poke32(table + 8, 0x100200); g.poke32(table + 12, 512);
    g.poke32(0x90000, 0x200000); g.poke32(0x90004, 0x80000000 | 512); // past the boundary: never read
    bmSetup(m, 0, table, true);
    ata28(m, PRI, 0, 0xc8, 50, 4);
    bmStart(m, 0, true);
    g.wait(100_000);
    assert.equal(bmStatus(m, 0) & 0x07, 0, "short table");
    assertSectors(g.peek(0x100000, 1024), 50, 2);
    assert.deepEqual(g.peek(0x200000, 512), new Uint8Array(512));
  });

  it("DMA waits for PCI bus mastering; clearing START cancels", () => {
    const { m } = machine();
    const g = m.guest;
    g.pciWrite(IDE, 0x04, 2, 0x0001); // I/O only
    writePrd(m, 0x1000, [[0x100000, 512]]);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 7, 1);
    bmStart(m, 0, true);
    g.wait(100_000);
    assert.equal(g.irq(14), false, "no bus master, no transfer");
    assert.deepEqual(g.peek(0x100000, 4), new Uint8Array(4));
    g.pciWrite(IDE, 0x04, 2, 0x0005);
    g.wait(10_000);
    assert.equal(g.irq(14), true, "enabling bus mastering lets it run");
    assertSectors(g.peek(0x100000, 512), 7, 1);
    g.inb(PRI + 7);
    // START cleared before the data moved: nothing moves
    bmSetup(m, 0, 0x1000, true);
    g.poke(0x100000, new Uint8Array(512));
    ata28(m, PRI, 0, 0xc8, 8, 1);
    bmStart(m, 0, true);
    g.outb(BM_BASE, 0x08);
    g.wait(100_000);
    assert.deepEqual(g.peek(0x100000, 512), new Uint8Array(512));
    assert.equal(bmStatus(m, 0) & 1, 0);
    g.outb(PRI_CTL, 4); g.outb(PRI_CTL, 0); // the guest's way out: SRST
    assert.equal(waitReady(m), ST.DRDY | ST.DSC);
  });

  it("bus-master registers: command keeps bits 0 and 3, status bits 5-6 scratch, PRD dword aligned", () => {
    const { m } = machine();
    const g = m.guest;
    g.outb(BM_BASE + 8, 0xff);
    assert.equal(g.inb(BM_BASE + 8), 0x09);
    g.outb(BM_BASE + 8, 0x00);
    g.outb(BM_BASE + 10, 0xff);
    assert.equal(g.inb(BM_BASE + 10), 0x60);
    g.outl(BM_BASE + 12, 0x12345677);
    assert.equal(g.inl(BM_BASE + 12), 0x12345674);
    g.outw(BM_BASE + 12, 0xabcd);
    assert.equal(g.inl(BM_BASE + 12), 0x1234abcc);
    assert.equal(g.inl(BM_BASE + 8), 0x00600000, "command, 0, status, 0 as one dword");
    assert.equal(g.inb(BM_BASE + 1), 0);
  });

  it("allocates nothing per access: module memory does not grow over thousands of commands", () => {
    const img = memoryImage(patternDisk(SECTORS));
    const cd = memoryImage(patternDisk(64, 2048), { cdrom: true });
    const m = ideMachine({ config: "hda=disk,hdc=cdrom", blk: units([[0, img], [2, cd]]), latencyNs: 0 });
    const g = m.guest;
    const mem = () => m.rt.device("ide").memory().length;
    const cycle = () => {
      identifyWords(m, PRI, PRI_CTL, 0, 0xec);
      identifyWords(m, SEC, SEC_CTL, 0, 0xa1);
      ata28(m, PRI, 0, 0x20, 5, 1); pioIn(m, PRI, PRI_CTL, 0x1000, 1, 512);
      writePrd(m, 0x2000, [[0x100000, 4096]]); bmSetup(m, 0, 0x2000, true); ata28(m, PRI, 0, 0xc8, 0, 8); bmStart(m, 0, true); waitReady(m); g.inb(PRI + 7);
      ata28(m, PRI, 0, 0x99); g.inb(PRI + 7);
      g.outb(SEC + 6, 0xa0); g.outb(SEC + 4, 0xfe); g.outb(SEC + 5, 0xff); g.outb(SEC + 7, 0xa0);
      for (const w of [0x12, 0, 0, 0, 36, 0]) g.outw(SEC, w); // INQUIRY, 12 bytes as 6 words
      for (let i = 0; i < 18; i++) g.inw(SEC);
      g.inb(SEC + 7);
    };
    cycle();
    const before = mem();
    for (let i = 0; i < 2000; i++) cycle();
    assert.equal(mem(), before, "no growth");
    assert.equal(m.rt.failures.length, 0);
  });

  it("garbage into every register, on both channels, a disk and a CD, never traps the module", () => {
    const img = memoryImage(patternDisk(SECTORS));
    const cd = memoryImage(patternDisk(64, 2048), { cdrom: true });
    const m = ideMachine({ config: "hda=disk,hdc=cdrom", blk: units([[0, img], [2, cd]]) });
    const g = m.guest;
    let x = 12345;
    const rnd = () => (x = (x * 1103515245 + 12345) >>> 0) >>> 8;
    const sizes = [1, 2, 4] as const;
    // PRD tables and buffers anywhere, some of them outside RAM (16 MiB)
    for (let i = 0; i < 64; i++) g.poke32(0x1000 + i * 4, rnd() % 3 === 0 ? 0x100000 + (rnd() & 0xfffff) : rnd() << 8);
    for (let i = 0; i < 60000; i++) {
      const r = rnd() % 12;
      const v = rnd() & 0xff;
      const base = rnd() & 1 ? PRI : SEC, ctl = base === PRI ? PRI_CTL : SEC_CTL;
      if (r === 0 || r === 1) g.outb(base + 1 + (rnd() % 6), v);
      else if (r === 2) g.outb(base + 7, [0x20, 0x24, 0x25, 0x29, 0x30, 0x35, 0x39, 0xa0, 0xa1, 0xc4, 0xc5, 0xc6, 0xc8, 0xca, 0xec, 0xef, 0x91, 0x08, 0x40, 0xe7][rnd() % 20]!);
      else if (r === 3) g.inb(base + (rnd() & 7));
      else if (r === 4) { const sz = sizes[rnd() % 3]!; if (sz === 1) g.outb(BM_BASE + (rnd() & 15), v); else if (sz === 2) g.outw(BM_BASE + (rnd() & 14), rnd()); else g.outl(BM_BASE + (rnd() & 12), rnd() % 2 ? 0x1000 + (rnd() & 0xfc) : rnd() << 8); }
      else if (r === 5) g.outb(ctl, v & 0x86);
      else if (r === 6) { const sz = sizes[rnd() % 3]!; if (sz === 1) g.inb(base); else if (sz === 2) g.inw(base); else g.inl(base); }
      else if (r === 7) { const sz = sizes[rnd() % 3]!; if (sz === 1) g.outb(base, v); else if (sz === 2) g.outw(base, rnd()); else g.outl(base, rnd()); }
      else if (r === 8) g.repIns(base, 2, 0x200000, rnd() & 0x3ff);
      else if (r === 9 && rnd() % 50 === 0) g.pciWrite(IDE, 0x04, 2, rnd() & 0x7);
      else if (r === 10 && rnd() % 200 === 0) { if (cd.present) cd.eject(); else cd.insert(patternDisk(1 + (rnd() & 63), 2048)); }
      else g.wait(rnd() % 40_000);
      if (i % 5000 === 0) enableController(m);
    }
    assert.equal(m.rt.failures.length, 0, JSON.stringify(m.rt.failures));
    assert.ok(img.stats.reads > 0, "the fuzzer reached the backend");
  });
});
