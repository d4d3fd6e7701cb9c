// IDE controller, ATAPI CD-ROM side: signature and IDENTIFY PACKET, the PACKET protocol with the
// byte-count limit and with DMA, every MMC command of issue 4 (good answers and the ILLEGAL REQUEST /
// NOT READY / UNIT ATTENTION paths with their sense data), media change, eject and lock, and an
// ISO 9660 image made here with genisoimage whose files are read back through the drive.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryImage, openIsoImage, type ImageBlockBackend } from "../../host/node/backends/block-file.ts";
import {
  SEC, SEC_CTL, PRI, ST, ideMachine, units, waitReady, ata28, identifyWords, ataString, sendPacket, atapiPioIn,
  atapiCommand, atapiFails, writePrd, bmSetup, bmStart, bmStatus, be16, be32, patternDisk, assertSectors,
} from "./ide-helpers.ts";
import type { Machine } from "../../host/node/machine.ts";

const CD_SECTORS = 300;
function cdImage(): ImageBlockBackend { return memoryImage(patternDisk(CD_SECTORS, 2048), { cdrom: true }); }
function cdMachine(cd: ImageBlockBackend | null = cdImage(), config = "hdc=cdrom"): Machine {
  return ideMachine({ config, blk: cd ? units([[2, cd]]) : [] });
}
const tur = [0x00];
const read10 = (lba: number, n: number) => [0x28, 0, lba >>> 24, (lba >> 16) & 255, (lba >> 8) & 255, lba & 255, 0, n >> 8, n & 255];
const SK = { NOT_READY: 2, ILLEGAL: 5, UNIT_ATTENTION: 6 };

describe("ide: ATAPI identification", () => {
  it("packet signature after reset, status without DRDY", () => {
    const m = cdMachine();
    const g = m.guest;
    assert.deepEqual([1, 2, 3, 4, 5, 7].map((r) => g.inb(SEC + r)), [0x01, 0x01, 0x01, 0x14, 0xeb, 0x00]);
  });

  it("IDENTIFY DEVICE aborts after setting the signature; IDENTIFY PACKET answers", () => {
    const m = cdMachine();
    const g = m.guest;
    g.outb(SEC + 4, 0); g.outb(SEC + 5, 0);
    ata28(m, SEC, 0, 0xec);
    assert.equal(g.irq(15), true);
    assert.equal(g.inb(SEC + 7), ST.DRDY | ST.ERR);
    assert.equal(g.inb(SEC + 1), 0x04);
    assert.deepEqual([g.inb(SEC + 4), g.inb(SEC + 5)], [0x14, 0xeb], "signature written before the abort");
    const w = identifyWords(m, SEC, SEC_CTL, 0, 0xa1);
    assert.equal(w[0], 0x85c0);
    assert.equal(ataString(w, 27, 20), "WASM-STUBDOM ATAPI CD-ROM");
    assert.equal(w[49]! & 0x0300, 0x0300);
    assert.equal(w[63], 0x0007);
    assert.equal(new Uint8Array(w.buffer).reduce((a, b) => (a + b) & 0xff, 0), 0, "integrity word");
    ata28(m, SEC, 0, 0xef, 0, 0x22, 0x03);
    assert.equal(identifyWords(m, SEC, SEC_CTL, 0, 0xa1)[63], 0x0407);
  });

  it("DEVICE RESET: signature, status 0, no interrupt, accepted even with DRQ set", () => {
    const m = cdMachine();
    const g = m.guest;
    sendPacket(m, SEC, SEC_CTL, 0, [0x12, 0, 0, 0, 36], 2);  // INQUIRY, 2-byte blocks: leaves DRQ up
    waitReady(m, SEC_CTL);
    g.inb(SEC + 7);
    assert.equal(g.inb(SEC_CTL) & ST.DRQ, ST.DRQ);
    g.outb(SEC + 7, 0x08);
    assert.equal(g.irq(15), false);
    assert.deepEqual([2, 3, 4, 5, 7].map((r) => g.inb(SEC + r)), [1, 1, 0x14, 0xeb, 0]);
    assert.equal(atapiCommand(m, [0x12, 0, 0, 0, 8]).length, 8, "drive usable again");
  });

  it("PACKET with the overlap bit aborts; a data command with byte-count limit 0 aborts", () => {
    const m = cdMachine();
    const g = m.guest;
    g.outb(SEC + 6, 0xa0); g.outb(SEC + 1, 0x02); g.outb(SEC + 7, 0xa0);
    assert.equal(g.inb(SEC + 7), ST.DRDY | ST.ERR);
    assert.equal(g.inb(SEC + 1), 0x04);
    sendPacket(m, SEC, SEC_CTL, 0, [0x12, 0, 0, 0, 36], 0);
    waitReady(m, SEC_CTL);
    assert.equal(g.inb(SEC + 7), ST.DRDY | ST.ERR);
    assert.equal(g.inb(SEC + 1), 0x04);
    sendPacket(m, SEC, SEC_CTL, 0, tur, 0);
    assert.equal(atapiPioIn(m, SEC, SEC_CTL).status, ST.DRDY | ST.DSC, "no-data commands don't care");
  });
});

describe("ide: ATAPI commands", () => {
  it("TEST UNIT READY, REQUEST SENSE, INQUIRY (with allocation length), SET CD SPEED", () => {
    const m = cdMachine();
    assert.equal(atapiCommand(m, tur).length, 0);
    const s = atapiCommand(m, [0x03, 0, 0, 0, 18]);
    assert.deepEqual([s[0], s[2], s[7], s[12], s[13]], [0xf0, 0, 10, 0, 0]);
    const inq = atapiCommand(m, [0x12, 0, 0, 0, 36]);
    assert.equal(inq[0], 0x05);
    assert.equal(inq[1], 0x80);
    assert.equal(Buffer.from(inq.subarray(8, 36)).toString("latin1"), "WASMSTUBATAPI CD-ROM    1.0 ");
    assert.equal(atapiCommand(m, [0x12, 0, 0, 0, 5]).length, 5);
    assert.deepEqual(atapiFails(m, [0x12, 1, 0x80, 0, 36]), [SK.ILLEGAL, 0x24, 0], "no VPD pages");
    assert.equal(atapiCommand(m, [0xbb, 0, 0xff, 0xff, 0xff, 0xff]).length, 0);
  });

  it("READ CAPACITY answers the last LBA and 2048", () => {
    const m = cdMachine();
    const c = atapiCommand(m, [0x25]);
    assert.deepEqual([be32(c, 0), be32(c, 4)], [CD_SECTORS - 1, 2048]);
  });

  it("READ(10)/READ(12) by PIO: DRQ blocks follow the byte-count limit (odd limits rounded down)", () => {
    const m = cdMachine();
    sendPacket(m, SEC, SEC_CTL, 0, read10(10, 3), 0x800);
    let r = atapiPioIn(m, SEC, SEC_CTL);
    assert.deepEqual(r.blocks, [2048, 2048, 2048]);
    assertSectors(r.data, 10, 3, 2048);
    sendPacket(m, SEC, SEC_CTL, 0, read10(299, 1), 1001);
    r = atapiPioIn(m, SEC, SEC_CTL);
    assert.deepEqual(r.blocks, [1000, 1000, 48]);
    assertSectors(r.data, 299, 1, 2048);
    sendPacket(m, SEC, SEC_CTL, 0, [0xa8, 0, 0, 0, 0, 100, 0, 0, 0, 70], 0xffff);
    r = atapiPioIn(m, SEC, SEC_CTL);
    assert.equal(r.blocks[0], 0xfffe, "0xFFFF is treated as 0xFFFE");
    assertSectors(r.data, 100, 70, 2048);
    assert.equal(atapiCommand(m, read10(5, 0)).length, 0, "zero sectors: good status, no data");
  });

  it("READ beyond the capacity: ILLEGAL REQUEST / LBA OUT OF RANGE", () => {
    const m = cdMachine();
    assert.deepEqual(atapiFails(m, read10(299, 2)), [SK.ILLEGAL, 0x21, 0]);
    assert.deepEqual(atapiFails(m, read10(0xffffffff, 1)), [SK.ILLEGAL, 0x21, 0]);
    assert.deepEqual(atapiFails(m, [0xa8, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]), [SK.ILLEGAL, 0x21, 0]);
  });

  it("READ(10) by DMA through PRDs; an INQUIRY by DMA", () => {
    const m = cdMachine();
    const g = m.guest;
    writePrd(m, 0x1000, [[0x100000, 0x10000], [0x200000, 0x10000], [0x300000, 0x8000]]);
    bmSetup(m, 1, 0x1000, true);
    sendPacket(m, SEC, SEC_CTL, 0, read10(20, 80), 0, true);
    bmStart(m, 1, true);
    waitReady(m, SEC_CTL);
    assert.equal(g.irq(15), true);
    assert.equal(bmStatus(m, 1), 0x04);
    assert.equal(g.inb(SEC + 7), ST.DRDY | ST.DSC);
    assert.equal(g.inb(SEC + 2), 3);
    assertSectors(new Uint8Array([...g.peek(0x100000, 0x10000), ...g.peek(0x200000, 0x10000), ...g.peek(0x300000, 0x8000)]), 20, 80, 2048);
    writePrd(m, 0x1000, [[0x400000, 36]]);
    bmSetup(m, 1, 0x1000, true);
    sendPacket(m, SEC, SEC_CTL, 0, [0x12, 0, 0, 0, 36], 0, true);
    bmStart(m, 1, true);
    waitReady(m, SEC_CTL);
    assert.equal(bmStatus(m, 1), 0x04);
    assert.equal(g.peek(0x400000, 1)[0], 0x05);
  });

  it("READ TOC formats 0/1/2 in LBA and MSF, the old format field, bad start track", () => {
    const m = cdMachine();
    const toc = (msf: boolean, format: number, start = 0, old = false) =>
      atapiCommand(m, [0x43, msf ? 2 : 0, old ? 0 : format, 0, 0, 0, start, 0, 100, old ? format << 6 : 0]);
    let t = toc(false, 0);
    assert.deepEqual([be16(t, 0), t[2], t[3]], [18, 1, 1]);
    assert.deepEqual([t[5], t[6], be32(t, 8)], [0x14, 1, 0]);
    assert.deepEqual([t[14], be32(t, 16)], [0xaa, CD_SECTORS]);
    t = toc(true, 0);
    assert.deepEqual([...t.subarray(8, 12)], [0, 0, 2, 0], "track 1 at 00:02:00");
    assert.deepEqual([...t.subarray(16, 20)], [0, 0, 6, 0], "lead-out at 300+150 frames = 00:06:00");
    t = toc(false, 0, 0xaa);
    assert.deepEqual([be16(t, 0), t[6]], [10, 0xaa], "from the lead-out only");
    t = toc(false, 1);
    assert.deepEqual([be16(t, 0), t[2], t[3], t[6], be32(t, 8)], [10, 1, 1, 1, 0]);
    t = toc(true, 2);
    assert.equal(be16(t, 0), 46);
    assert.deepEqual([t[7], t[12]], [0xa0, 1]);
    assert.deepEqual([t[29], ...t.subarray(34, 37)], [0xa2, 0, 6, 0]);
    assert.deepEqual([t[40], ...t.subarray(45, 48)], [1, 0, 2, 0]);
    t = toc(false, 1, 0, true);
    assert.equal(be16(t, 0), 10, "format in byte 9 bits 7:6 (SFF-8020)");
    assert.deepEqual(atapiFails(m, [0x43, 0, 0, 0, 0, 0, 2, 0, 100]), [SK.ILLEGAL, 0x24, 0]);
    assert.deepEqual(atapiFails(m, [0x43, 0, 5, 0, 0, 0, 0, 0, 100]), [SK.ILLEGAL, 0x24, 0]);
    assert.equal(atapiCommand(m, [0x43, 0, 0, 0, 0, 0, 0, 0, 4]).length, 4, "allocation length");
  });

  it("MODE SENSE(10): pages 0x01, 0x0E, 0x2A, 0x3F; saved values and unknown pages refused", () => {
    const m = cdMachine();
    const ms = (page: number) => atapiCommand(m, [0x5a, 0, page, 0, 0, 0, 0, 0x01, 0x00]);
    let r = ms(0x01);
    assert.deepEqual([be16(r, 0), r[2], r[8], r[9]], [14, 0x01, 0x01, 6]);
    r = ms(0x0e);
    assert.deepEqual([be16(r, 0), r[8], r[9]], [22, 0x0e, 14]);
    r = ms(0x2a);
    assert.deepEqual([r.length, r[8], r[9]], [36, 0x2a, 26]);
    assert.equal(r[14]! & 0x08, 0x08, "eject supported");
    assert.equal(r[14]! & 0x02, 0, "not locked");
    r = ms(0x3f);
    assert.deepEqual([r.length, r[8], r[16], r[32]], [60, 0x01, 0x0e, 0x2a]);
    assert.deepEqual(atapiFails(m, [0x5a, 0, 0xea, 0, 0, 0, 0, 0, 100]), [SK.ILLEGAL, 0x39, 0]);
    assert.deepEqual(atapiFails(m, [0x5a, 0, 0x05, 0, 0, 0, 0, 0, 100]), [SK.ILLEGAL, 0x24, 0]);
    atapiCommand(m, [0x1e, 0, 0, 0, 1]);
    assert.equal(ms(0x2a)[14]! & 0x02, 0x02, "lock state shows");
  });

  it("GET CONFIGURATION: CD-ROM profile current, feature list, RT=2 single feature", () => {
    const m = cdMachine();
    const r = atapiCommand(m, [0x46, 0, 0, 0, 0, 0, 0, 0x01, 0x00]);
    assert.equal(be32(r, 0), r.length - 4);
    assert.equal(be16(r, 6), 0x0008);
    const codes: number[] = [];
    for (let at = 8; at < r.length; at += 4 + r[at + 3]!) codes.push(be16(r, at));
    assert.deepEqual(codes, [0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001e]);
    assert.deepEqual([be16(r, 12), r[14]! & 1], [0x0008, 1], "profile list: CD-ROM, current");
    const one = atapiCommand(m, [0x46, 2, 0, 0x1e, 0, 0, 0, 0, 100]);
    assert.deepEqual([one.length, be16(one, 8)], [16, 0x1e]);
    assert.equal(atapiCommand(m, [0x46, 0, 0, 0, 0, 0, 0, 0, 8]).length, 8);
  });

  it("GET EVENT STATUS NOTIFICATION: polled only, media class, NEA otherwise", () => {
    const m = cdMachine();
    let r = atapiCommand(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]);
    assert.deepEqual([...r], [0, 4, 0x04, 0x10, 0, 0x02, 0, 0], "no event, medium present");
    r = atapiCommand(m, [0x4a, 1, 0, 0, 0x02, 0, 0, 0, 8]);
    assert.deepEqual([...r], [0, 0, 0x80, 0x10]);
    assert.deepEqual(atapiFails(m, [0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8]), [SK.ILLEGAL, 0x24, 0]);
  });

  it("READ DISC INFORMATION and MECHANISM STATUS", () => {
    const m = cdMachine();
    const r = atapiCommand(m, [0x51, 0, 0, 0, 0, 0, 0, 0, 34]);
    assert.deepEqual([be16(r, 0), r[2], r[3], r[4], r[5], r[6], r[7]], [32, 0x0e, 1, 1, 1, 1, 0x20]);
    assert.deepEqual(atapiFails(m, [0x51, 1, 0, 0, 0, 0, 0, 0, 34]), [SK.ILLEGAL, 0x24, 0]);
    const s = atapiCommand(m, [0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8]);
    assert.deepEqual([...s], [0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("START STOP UNIT ejects and loads; PREVENT ALLOW MEDIUM REMOVAL blocks the eject", () => {
    const m = cdMachine();
    atapiCommand(m, [0x1e, 0, 0, 0, 1]);
    assert.deepEqual(atapiFails(m, [0x1b, 0, 0, 0, 0x02]), [SK.ILLEGAL, 0x53, 0x02], "removal prevented");
    atapiCommand(m, [0x1e, 0, 0, 0, 0]);
    atapiCommand(m, [0x1b, 0, 0, 0, 0x02]);
    assert.deepEqual(atapiFails(m, tur), [SK.NOT_READY, 0x3a, 0], "tray open: no medium");
    assert.equal(atapiCommand(m, [0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8])[1], 0x10, "door open");
    let e = atapiCommand(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]);
    assert.deepEqual([e[4], e[5]], [3, 0x01], "media removal, door open");
    atapiCommand(m, [0x1b, 0, 0, 0, 0x03]);
    e = atapiCommand(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]);
    assert.deepEqual([e[4], e[5]], [2, 0x02], "new media, present");
    assert.equal(atapiCommand(m, tur).length, 0);
  });

  it("media change: NOT READY, then UNIT ATTENTION, then good; INQUIRY and GESN pass meanwhile", () => {
    const cd = cdImage();
    const m = cdMachine(cd);
    cd.eject();
    assert.deepEqual(atapiFails(m, tur), [SK.NOT_READY, 0x3a, 0]);
    assert.deepEqual(atapiFails(m, [0x25]), [SK.NOT_READY, 0x3a, 0]);
    assert.deepEqual(atapiFails(m, read10(0, 1)), [SK.NOT_READY, 0x3a, 0]);
    assert.deepEqual(atapiFails(m, [0x43, 0, 0, 0, 0, 0, 0, 0, 100]), [SK.NOT_READY, 0x3a, 0]);
    cd.insert(patternDisk(50, 2048));
    atapiCommand(m, [0x12, 0, 0, 0, 36]);
    const e = atapiCommand(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]);
    assert.deepEqual([e[4], e[5]], [2, 0x02]);
    assert.deepEqual(atapiFails(m, tur), [SK.NOT_READY, 0x3a, 0]);
    assert.deepEqual(atapiFails(m, read10(0, 1)), [SK.UNIT_ATTENTION, 0x28, 0]);
    assert.equal(atapiCommand(m, tur).length, 0);
    assert.equal(be32(atapiCommand(m, [0x25]), 0), 49, "the new medium's capacity");
  });

  it("an empty drive (no backend medium) answers NOT READY and reports no medium", () => {
    const m = cdMachine(null);
    assert.deepEqual(atapiFails(m, tur), [SK.NOT_READY, 0x3a, 0]);
    const e = atapiCommand(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]);
    assert.equal(e[5], 0);
    assert.equal(atapiCommand(m, [0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 100])[2], 0x70, "medium type: no disc");
    assert.equal(be16(atapiCommand(m, [0x46, 0, 0, 0, 0, 0, 0, 0, 100]), 6), 0, "no current profile");
  });

  it("every unknown opcode answers ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE", () => {
    const m = cdMachine();
    const known = new Set([0x00, 0x03, 0x12, 0x1b, 0x1e, 0x25, 0x28, 0x2b, 0x43, 0x46, 0x4a, 0x51, 0x5a, 0xa8, 0xbb, 0xbd]);
    for (let op = 0; op < 256; op++) {
      if (known.has(op)) continue;
      assert.deepEqual(atapiFails(m, [op]), [SK.ILLEGAL, 0x20, 0], `opcode 0x${op.toString(16)}`);
    }
    assert.equal(atapiCommand(m, [0x2b, 0, 0, 0, 0, 10]).length, 0, "SEEK(10)");
  });
});

describe("ide: ISO 9660 image from genisoimage", function () {
  this.timeout(60_000);
  let dir = "";
  let iso = "";
  const big = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 255);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ide-iso-"));
    mkdirSync(join(dir, "root/sub"), { recursive: true });
    writeFileSync(join(dir, "root/hello.txt"), "hello from the iso\n");
    writeFileSync(join(dir, "root/sub/big.bin"), big);
    iso = join(dir, "t.iso");
    try {
      execFileSync("genisoimage", ["-quiet", "-o", iso, "-V", "TESTVOL", join(dir, "root")]);
    } catch (e) {
      throw new Error(`genisoimage failed (apt-get install genisoimage, see test/unit/apt-packages-ide.txt): ${(e as Error).message}`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Reads `n` sectors at `lba` through the drive (PIO or DMA) — the guest's own ISO 9660 reader.
  function readSectors(m: Machine, lba: number, n: number, dma: boolean): Uint8Array {
    if (!dma) { const r = atapiPioIn((sendPacket(m, SEC, SEC_CTL, 0, read10(lba, n), 0xf800), m), SEC, SEC_CTL); assert.equal(r.status & ST.ERR, 0); return r.data; }
    const regions: Array<[number, number]> = [];
    for (let left = n * 2048, at = 0x200000; left > 0; left -= 0x10000, at += 0x10000) regions.push([at, Math.min(left, 0x10000)]);
    writePrd(m, 0x1000, regions);
    bmSetup(m, 1, 0x1000, true);
    sendPacket(m, SEC, SEC_CTL, 0, read10(lba, n), 0, true);
    bmStart(m, 1, true);
    waitReady(m, SEC_CTL);
    assert.equal(m.guest.inb(SEC + 7) & ST.ERR, 0);
    return m.guest.peek(0x200000, n * 2048);
  }

  function findFile(m: Machine, path: string[], dma: boolean): Uint8Array {
    const pvd = readSectors(m, 16, 1, dma);
    assert.equal(Buffer.from(pvd.subarray(1, 6)).toString("latin1"), "CD001");
    assert.equal(Buffer.from(pvd.subarray(40, 47)).toString("latin1"), "TESTVOL");
    const dv = new DataView(pvd.buffer, pvd.byteOffset);
    let extent = dv.getUint32(156 + 2, true), size = dv.getUint32(156 + 10, true);
    for (let p = 0; p < path.length; p++) {
      const d = readSectors(m, extent, Math.ceil(size / 2048), dma);
      let found = false;
      for (let at = 0; at < size && d[at]! > 0;) {
        const len = d[at]!, nameLen = d[at + 32]!;
        const name = Buffer.from(d.subarray(at + 33, at + 33 + nameLen)).toString("latin1").replace(/;1$/, "");
        if (name === path[p]) {
          const v = new DataView(d.buffer, d.byteOffset + at);
          extent = v.getUint32(2, true); size = v.getUint32(10, true); found = true; break;
        }
        at += len;
      }
      assert.ok(found, `${path[p]} in the directory`);
    }
    return readSectors(m, extent, Math.ceil(size / 2048), dma).subarray(0, size);
  }

  it("the backend refuses nothing about it and reads it read-only", () => {
    const cd = openIsoImage(iso);
    assert.equal(cd.readOnly, true);
    assert.equal(cd.sectorSize, 2048);
    assert.equal(cd.sectors * 2048, readFileSync(iso).length);
    cd.close();
  });

  it("a guest reads the PVD, walks the directories and reads both files by PIO and by DMA", () => {
    for (const dma of [false, true]) {
      const cd = openIsoImage(iso);
      const m = ideMachine({ config: "hdc=cdrom", blk: units([[2, cd]]) });
      assert.equal(be32(atapiCommand(m, [0x25]), 0), cd.sectors - 1);
      assert.equal(Buffer.from(findFile(m, ["HELLO.TXT"], dma)).toString(), "hello from the iso\n");
      assert.deepEqual(findFile(m, ["SUB", "BIG.BIN"], dma), big);
      cd.close();
    }
  });

  it("with a disk on the primary channel and the CD on the secondary, both work side by side", () => {
    const cd = openIsoImage(iso);
    const disk = memoryImage(patternDisk(1000));
    const m = ideMachine({ config: "hda=disk,hdc=cdrom", blk: units([[0, disk], [2, cd]]) });
    ata28(m, PRI, 0, 0x20, 999, 1);
    waitReady(m);
    m.guest.repIns(PRI, 2, 0x1000, 256);
    assertSectors(m.guest.peek(0x1000, 512), 999, 1);
    assert.equal(Buffer.from(findFile(m, ["HELLO.TXT"], true)).toString(), "hello from the iso\n");
    cd.close();
  });
});
