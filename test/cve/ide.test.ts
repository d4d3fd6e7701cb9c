// CVE regression suite, IDE (PIIX3 IDE + bus master, ATA disk, ATAPI CD-ROM): the guest-side
// triggers of public IDE/ATAPI/BMDMA emulator vulnerabilities (QEMU, Xen qemu-traditional),
// replayed against our controller through the guest API. Each test names the CVE (or the class)
// and ends with: no trap, bounded work (PRD entries and bytes counted, wall time), DMA only inside
// the PRD table and the regions its entries name, and the guest-visible result (ERR/ABRT, sense
// data, bus-master status).
import { strict as assert } from "node:assert";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import type { Machine } from "../../host/node/machine.ts";
import {
  BM_BASE, PRI, PRI_CTL, SEC, SEC_CTL, ST, patternDisk, assertSectors, ideMachine, units, waitReady, ata28, ata48,
  writePrd, bmSetup, bmStart, bmStatus, sendPacket, atapiPioIn, atapiFails, atapiCommand,
} from "../unit/ide-helpers.ts";
import { DmaLog, assertDmaInside, assertServing, bounded } from "./cve-helpers.ts";

const SECTORS = 2048;      // 1 MiB disk
const CD_SECTORS = 64;     // 128 KiB CD
const BM_ACTIVE = 1, BM_ERROR = 2, BM_INT = 4;
const ABRT = 0x04, IDNF = 0x10;
const ILLEGAL_REQUEST = 5, LBA_OUT_OF_RANGE = 0x21;

interface Ide { m: Machine; dma: DmaLog }

function ide(latencyNs = 20_000): Ide {
  const disk = memoryImage(patternDisk(SECTORS));
  const cd = memoryImage(patternDisk(CD_SECTORS, 2048), { cdrom: true });
  const m = ideMachine({ config: "hda=disk,hdc=cdrom", blk: units([[0, disk], [2, cd]]), latencyNs });
  return { m, dma: new DmaLog(m) };
}

/** Status and error register of a channel after the command settled. */
function settled(m: Machine, base = PRI, ctl = PRI_CTL): { status: number; error: number } {
  const status = waitReady(m, ctl);
  return { status, error: m.guest.inb(base + 1) };
}

describe("CVE suite: IDE", () => {
  // CVE-2014-9718 (QEMU BMDMA/AHCI, verified): "a PRDT with zero complete sectors" made
  // bmdma_prepare_buf's return value ambiguous: memory consumption or an infinite loop.
  it("CVE-2014-9718: a PRD table of 2-byte entries (no complete sector) ends the command, bounded", () => {
    const { m, dma } = ide();
    const TABLE = 0x10000, BUFS = 0x400000, N = 8192;
    const regions: Array<[number, number]> = [];
    for (let i = 0; i < N; i++) regions.push([BUFS + i * 4, 2]);
    writePrd(m, TABLE, regions, false); // no EOT: the table runs to its 64 KiB limit
    bmSetup(m, 0, TABLE, true);
    ata28(m, PRI, 0, 0xc8, 0, 0);       // READ DMA of 256 sectors (128 KiB)
    bounded("READ DMA into a table of 2-byte entries", 5000, () => { bmStart(m, 0, true); settled(m); });
    assert.equal(bmStatus(m, 0) & (BM_ACTIVE | BM_INT), 0, "short table: ACTIVE and INT clear");
    assert.equal(m.guest.inb(PRI + 7) & (ST.BSY | ST.DRQ), 0, "the drive is idle again");
    assert.equal(dma.count("read", [TABLE, 0x10000]), N, "every entry read once, none past the 64 KiB table");
    assert.equal(dma.bytes("write"), N * 2, "exactly the bytes the entries name");
    assert.ok(dma.accesses.filter((a) => a.op === "write").every((a) => (a.gpa - BUFS) % 4 === 0 && a.len <= 2), "each write inside its 2-byte region");
    assertDmaInside(dma, [[TABLE, 0x10000], [BUFS, N * 4]], "BMDMA");
    // the channel still works: a proper transfer afterwards
    writePrd(m, 0x20000, [[0x100000, 512]]);
    bmSetup(m, 0, 0x20000, true);
    ata28(m, PRI, 0, 0xc8, 5, 1);
    bmStart(m, 0, true);
    settled(m);
    assertSectors(m.guest.peek(0x100000, 512), 5, 1);
    assertServing(m, "ide");
  });

  // CVE-2014-9718 again: a table that does not end before its 64 KiB boundary (the PRD walk must
  // not wrap or run on), and PRDs longer than the transfer.
  it("CVE-2014-9718: a table at the end of its 64 KiB page without EOT stops at the boundary", () => {
    const { m, dma } = ide();
    const TABLE = 0x1fff8; // room for one entry before 0x20000
    writePrd(m, TABLE, [[0x100000, 256]], false);
    m.guest.poke32(0x20000, 0x200000); m.guest.poke32(0x20004, 0x80000000 | 512); // the "next" entry
    bmSetup(m, 0, TABLE, true);
    ata28(m, PRI, 0, 0xc8, 9, 1);
    bounded("table at a 64 KiB boundary", 2000, () => { bmStart(m, 0, true); settled(m); });
    assert.equal(dma.count("read", [0x20000, 8]), 0, "the entry past the boundary is never read");
    assert.equal(dma.bytes("write"), 256);
    assert.equal(bmStatus(m, 0) & (BM_ACTIVE | BM_INT), 0, "short table");
    // longer PRDs than the transfer: exactly the sector moves, INT and ACTIVE set
    dma.clear();
    writePrd(m, 0x30000, [[0x300000, 0x10000], [0x310000, 0x10000]]);
    bmSetup(m, 0, 0x30000, true);
    ata28(m, PRI, 0, 0xc8, 10, 1);
    bmStart(m, 0, true);
    settled(m);
    assert.equal(bmStatus(m, 0) & (BM_ACTIVE | BM_INT), BM_ACTIVE | BM_INT);
    assert.equal(dma.bytes("write"), 512);
    assertDmaInside(dma, [[0x30000, 16], [0x300000, 512]], "BMDMA");
    assertServing(m, "ide");
  });

  // Class (QEMU ide/ahci DMA to unmapped memory; qemu-traditional map-cache faults): PRD tables and
  // buffers outside guest RAM, in MMIO. The bus master must abort, not loop or trap.
  it("PRD tables and buffers outside RAM abort with a bus-master ERROR and ABRT", () => {
    const { m, dma } = ide();
    writePrd(m, 0x1000, [[0xfec00000, 512]]); // the IOAPIC's MMIO
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 1, 1);
    bounded("DMA into MMIO", 2000, () => { bmStart(m, 0, true); });
    const r1 = settled(m);
    assert.equal(r1.status & ST.ERR, ST.ERR);
    assert.equal(r1.error & ABRT, ABRT);
    assert.equal(bmStatus(m, 0) & (BM_ERROR | BM_ACTIVE), BM_ERROR);
    m.guest.outb(BM_BASE + 2, BM_ERROR | BM_INT);
    bmSetup(m, 0, 0xfffffff0, true);          // the table itself off the end of the address space
    ata28(m, PRI, 0, 0xca, 1, 1);             // WRITE DMA
    bounded("PRD table outside RAM", 2000, () => { bmStart(m, 0, true); });
    const r2 = settled(m);
    assert.equal(r2.status & ST.ERR, ST.ERR);
    assert.equal(bmStatus(m, 0) & BM_ERROR, BM_ERROR);
    assert.ok(dma.accesses.every((a) => a.gpa === 0x1000 || !a.ok), "only the good table was read");
    assertDmaInside(dma, [[0x1000, 8], [0xfec00000, 512], [0xfffffff0, 8]], "BMDMA");
    assertServing(m, "ide");
  });

  // CVE-2016-1568 (QEMU AHCI, verified: use-after-free "via an invalid AHCI Native Command Queuing
  // (NCQ) AIO command"). The BMDMA analog: the guest cancels (clears START), resets (SRST) or
  // repoints the PRD table while a backend request is in flight; the late completion must not
  // DMA into the old buffers nor corrupt the next command.
  it("CVE-2016-1568 analog: cancel, reset and re-arm while a read is in flight", () => {
    const { m, dma } = ide(50_000);
    const g = m.guest;
    writePrd(m, 0x1000, [[0x100000, 4096]]);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 100, 8);
    bmStart(m, 0, true);                    // request in flight (50 µs)
    g.outb(BM_BASE, 0x08);                  // cancel
    writePrd(m, 0x2000, [[0x200000, 4096]]);
    g.outl(BM_BASE + 4, 0x2000);
    g.outb(BM_BASE, 0x09);                  // re-arm on another table, no new command
    g.wait(200_000);                        // the completion arrives
    assert.equal(dma.count("write"), 0, "nothing moved after the cancel");
    // second round: SRST while in flight
    g.outb(PRI_CTL, 4); g.outb(PRI_CTL, 0);
    waitReady(m);
    bmSetup(m, 0, 0x1000, true);
    ata28(m, PRI, 0, 0xc8, 200, 8);
    bmStart(m, 0, true);
    g.outb(PRI_CTL, 4);                     // SRST asserted with the request outstanding
    g.outb(PRI_CTL, 0);
    bounded("reset with a request in flight", 2000, () => waitReady(m));
    assert.equal(dma.count("write"), 0, "the stale completion is dropped");
    // the next command is served normally into its own buffers only
    writePrd(m, 0x3000, [[0x300000, 1024]]);
    bmSetup(m, 0, 0x3000, true);
    ata28(m, PRI, 0, 0xc8, 300, 2);
    bmStart(m, 0, true);
    const r = settled(m);
    assert.equal(r.status & ST.ERR, 0);
    assertSectors(g.peek(0x300000, 1024), 300, 2);
    assertDmaInside(dma, [[0x1000, 8], [0x2000, 8], [0x3000, 8], [0x300000, 1024]], "BMDMA");
    assertServing(m, "ide");
  });

  // CVE-2014-2894 class (QEMU ide SMART/PIO state: an index past the I/O buffer; named as a class,
  // CVE record not found in our references): sector ranges past the end of the image.
  it("CVE-2014-2894 class: sector counts past the end of the image end with IDNF, nothing moves", () => {
    const { m, dma } = ide();
    const cases: Array<[string, () => void]> = [
      ["READ SECTORS last+1", () => ata28(m, PRI, 0, 0x20, SECTORS - 1, 2)],
      ["READ SECTORS count 0 (=256) at the end", () => ata28(m, PRI, 0, 0x20, SECTORS - 10, 0)],
      ["READ DMA EXT at 2^48-1, 65536 sectors", () => ata48(m, PRI, 0, 0x25, 2 ** 48 - 1, 0)],
      ["WRITE SECTORS EXT at 2^32", () => ata48(m, PRI, 0, 0x34, 2 ** 32, 1)],
      ["READ VERIFY past the end", () => ata28(m, PRI, 0, 0x40, SECTORS, 1)],
      ["WRITE DMA past the end", () => ata28(m, PRI, 0, 0xca, SECTORS - 1, 200)],
    ];
    writePrd(m, 0x1000, [[0x100000, 0x10000]]);
    for (const [what, issue] of cases) {
      bmSetup(m, 0, 0x1000, true);
      issue();
      bmStart(m, 0, true);
      const r = bounded(what, 2000, () => settled(m));
      assert.equal(r.status & (ST.ERR | ST.DRQ), ST.ERR, `${what}: ERR, no DRQ`);
      assert.equal(r.error, IDNF, `${what}: IDNF`);
    }
    assert.equal(dma.count("write"), 0, "no DMA into the guest");
    assert.equal(dma.bytes("read", [0x100000, 0x10000]), 0, "no DMA from the guest");
    // CHS beyond the current geometry, and a multiple-mode command without SET MULTIPLE
    m.guest.outb(PRI + 6, 0xa0 | 0x0f); m.guest.outb(PRI + 2, 63); m.guest.outb(PRI + 7, 0x91); // 16 heads, 63 spt
    settled(m);
    m.guest.outb(PRI + 6, 0xa0 | 0x0f); m.guest.outb(PRI + 2, 1); m.guest.outb(PRI + 3, 64); // sector 64 > 63
    m.guest.outb(PRI + 4, 0); m.guest.outb(PRI + 5, 0); m.guest.outb(PRI + 7, 0x20);
    assert.equal(settled(m).error, IDNF, "CHS sector beyond the geometry");
    ata28(m, PRI, 0, 0xc4, 0, 1);
    assert.equal(settled(m).error, ABRT, "READ MULTIPLE without SET MULTIPLE");
    ata28(m, PRI, 0, 0xc6, 0, 32);
    assert.equal(settled(m).error, ABRT, "SET MULTIPLE 32 (> 16)");
    ata28(m, PRI, 0, 0xb0, 0, 1, 0xd4);        // SMART EXECUTE OFF-LINE (not implemented)
    assert.equal(settled(m).error, ABRT, "SMART is refused");
    assertServing(m, "ide");
  });

  // CVE-2015-6855 (QEMU, verified): "does not properly restrict the commands accepted by an ATAPI
  // device ... WIN_READ_NATIVE_MAX ... to an empty drive ... divide-by-zero".
  it("CVE-2015-6855: disk commands to the ATAPI drive and to an empty slot are refused", () => {
    const { m } = ide();
    for (const cmd of [0xf8, 0x27, 0x20, 0x24, 0xc8, 0xca, 0xc6, 0x91, 0x70, 0xe7, 0x40]) {
      ata28(m, SEC, 0, cmd, 0, 1);
      const r = bounded(`command 0x${cmd.toString(16)} to the CD`, 2000, () => settled(m, SEC, SEC_CTL));
      assert.equal(r.status & ST.ERR, ST.ERR, `0x${cmd.toString(16)}: ERR`);
      assert.equal(r.error & ABRT, ABRT, `0x${cmd.toString(16)}: ABRT`);
    }
    // the empty slave of the secondary channel: no answer, registers read 0, nothing hangs
    ata28(m, SEC, 1, 0xf8, 0, 1);
    assert.equal(m.guest.inb(SEC + 7), 0, "absent drive reads status 0");
    ata28(m, SEC, 0, 0x00, 0, 0); // select the CD again
    assert.deepEqual(atapiCommand(m, [0x25]).length, 8, "the CD still answers READ CAPACITY");
    assertServing(m, "ide");
  });

  // CVE-2020-29443 (QEMU, verified): ide_atapi_cmd_reply_end "allows out-of-bounds read access
  // because a buffer index is not validated". Odd and zero byte-count limits, allocation lengths
  // far beyond the reply, and data-port reads past the end of a DRQ block.
  it("CVE-2020-29443: ATAPI PIO replies with odd/zero byte counts and over-reads stay in the reply", () => {
    const { m } = ide(0);
    const g = m.guest;
    // byte-count limit 3 (odd): DRQ blocks of 2 bytes, exactly 36 bytes of INQUIRY in total
    sendPacket(m, SEC, SEC_CTL, 0, [0x12, 0, 0, 0, 0xff, 0], 3);
    const r = bounded("INQUIRY with limit 3", 2000, () => atapiPioIn(m, SEC, SEC_CTL));
    assert.equal(r.data.length, 36);
    assert.ok(r.blocks.every((b) => b === 2), "every block 2 bytes");
    assert.equal(r.status & ST.ERR, 0);
    // over-reading the data port after the reply ended: zeros, no state change
    for (let i = 0; i < 100; i++) assert.equal(g.inw(SEC), 0, "data port after the end reads 0");
    assert.equal(g.inb(SEC + 7) & (ST.DRQ | ST.BSY), 0);
    // allocation length 0xffff for an 18-byte REQUEST SENSE: 18 bytes, no more
    const sense = atapiCommand(m, [0x03, 0, 0, 0, 0xff, 0]);
    assert.equal(sense.length, 18);
    const mode = atapiCommand(m, [0x5a, 0, 0x3f, 0, 0, 0, 0, 0xff, 0xff, 0]);
    assert.ok(mode.length > 8 && mode.length < 128, `MODE SENSE all pages: ${mode.length} bytes`);
    // byte-count limit 0 with PIO: nothing can move, the command aborts
    sendPacket(m, SEC, SEC_CTL, 0, [0x12, 0, 0, 0, 36, 0], 0);
    const z = atapiPioIn(m, SEC, SEC_CTL);
    assert.equal(z.data.length, 0);
    assert.equal(z.status & ST.ERR, ST.ERR);
    // a 32-bit read straddling the end of a DRQ block returns only the reply's bytes
    sendPacket(m, SEC, SEC_CTL, 0, [0x25], 6); // READ CAPACITY, 8 bytes in blocks of 6
    waitReady(m, SEC_CTL);
    const w1 = g.inl(SEC), w2 = g.inl(SEC);  // 8 bytes asked, block holds 6
    assert.equal(w2 >>> 16, 0, "bytes past the block read as 0");
    void w1;
    atapiPioIn(m, SEC, SEC_CTL);
    assertServing(m, "ide");
  });

  // Class (QEMU ide_atapi READ_12/READ_CD with huge lengths; the "inconsistent transfer length"
  // family): LBA + count overflowing 32 bits, counts past the medium, zero counts.
  it("ATAPI READ(10)/READ(12) with huge or wrapping lengths end with ILLEGAL REQUEST", () => {
    const { m, dma } = ide(0);
    const read12 = (lba: number, count: number): number[] => [0xa8, 0, lba >>> 24, (lba >> 16) & 0xff, (lba >> 8) & 0xff, lba & 0xff, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff, 0, 0];
    const read10 = (lba: number, count: number): number[] => [0x28, 0, lba >>> 24, (lba >> 16) & 0xff, (lba >> 8) & 0xff, lba & 0xff, 0, (count >> 8) & 0xff, count & 0xff, 0];
    for (const [what, cdb] of [
      ["READ(12) lba 0xffffffff count 2 (wraps 32 bits)", read12(0xffffffff, 2)],
      ["READ(12) count 0xffffffff", read12(0, 0xffffffff)],
      ["READ(12) lba 1 count 0xffffffff (wraps to 0)", read12(1, 0xffffffff)],
      ["READ(10) count 0xffff", read10(0, 0xffff)],
      ["READ(10) lba = capacity", read10(CD_SECTORS, 1)],
    ] as const) {
      const [key, asc] = bounded(what, 2000, () => atapiFails(m, [...cdb]));
      assert.deepEqual([key, asc], [ILLEGAL_REQUEST, LBA_OUT_OF_RANGE], what);
    }
    assert.equal(atapiCommand(m, read10(0, 0)).length, 0, "count 0 moves nothing and succeeds");
    // DMA with a PRD table shorter than the transfer: short table, only the named bytes move
    writePrd(m, 0x1000, [[0x100000, 2048]]);
    bmSetup(m, 1, 0x1000, true);
    sendPacket(m, SEC, SEC_CTL, 0, read10(0, 4), 0xfffe, true);
    bmStart(m, 1, true);
    bounded("ATAPI DMA into a short table", 2000, () => waitReady(m, SEC_CTL));
    assert.equal(dma.bytes("write"), 2048);
    assert.equal(bmStatus(m, 1) & (BM_ACTIVE | BM_INT), 0, "short table");
    assertDmaInside(dma, [[0x1000, 8], [0x100000, 2048]], "ATAPI DMA");
    assertServing(m, "ide");
  });

  // CVE-2015-5154 (QEMU/Xen XSA-138, verified: heap overflow in the IDE subsystem "via unspecified
  // ATAPI commands"; the fix bounded PIO transfers to the I/O buffer): writing more data than the
  // DRQ block holds (an over-long command packet, extra words after a sector) must go nowhere.
  it("CVE-2015-5154: data-port writes past the end of a DRQ block are dropped", () => {
    const { m } = ide(0);
    const g = m.guest;
    // a PACKET with 40 words instead of 6: the packet runs after 12 bytes, the rest is ignored
    g.outb(SEC + 6, 0xa0); g.outb(SEC + 1, 0); g.outb(SEC + 4, 0xfe); g.outb(SEC + 5, 0xff); g.outb(SEC + 7, 0xa0);
    waitReady(m, SEC_CTL);
    const cdb = [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 40; i++) g.outw(SEC, i < 6 ? cdb[2 * i]! | (cdb[2 * i + 1]! << 8) : 0xa8a8);
    const cap = atapiPioIn(m, SEC, SEC_CTL);
    assert.equal(cap.data.length, 8, "READ CAPACITY ran, the extra words did not start a READ(12)");
    // WRITE SECTORS of one sector with 1024 words written: the image holds exactly one sector
    ata28(m, PRI, 0, 0x30, 7, 1);
    waitReady(m);
    for (let i = 0; i < 1024; i++) g.outw(PRI, i < 256 ? 0x1111 : 0x2222);
    const r = bounded("WRITE SECTORS", 2000, () => settled(m));
    assert.equal(r.status & ST.ERR, 0);
    ata28(m, PRI, 0, 0x20, 7, 2);
    waitReady(m);
    const words: number[] = [];
    for (let i = 0; i < 256; i++) words.push(g.inw(PRI));
    waitReady(m);
    for (let i = 0; i < 256; i++) words.push(g.inw(PRI));
    assert.ok(words.slice(0, 256).every((w) => w === 0x1111), "sector 7 holds the first 256 words");
    assert.ok(words.slice(256).some((w) => w !== 0x2222), "sector 8 was not written by the extra words");
    assertServing(m, "ide");
  });
});
