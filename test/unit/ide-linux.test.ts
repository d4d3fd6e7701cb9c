// Replays the register sequence Linux's ata_piix/libata issues when it probes a PIIX3 IDE function
// and reads from the disk and the CD-ROM (drivers/ata/ata_piix.c, libata-sff.c, libata-core.c,
// libata-scsi.c as of Linux 6.1, read for facts): IDETIM enable bits, BMDMA simplex check,
// ata_devchk, SRST softreset with nIEN, signature classification, IDENTIFY (PACKET) DEVICE, the PIIX
// timing writes, SET FEATURES XFER MODE (MWDMA2: the PIIX3 has no UDMA), the re-IDENTIFY of
// revalidation, and the BMDMA read exactly as ata_bmdma_setup/start/stop and the interrupt handler
// do it. For the CD: TEST UNIT READY, INQUIRY and READ CAPACITY by PIO (odd-sized transfers), MODE
// SENSE(10) page 0x2A, GET EVENT STATUS NOTIFICATION polling, READ TOC, then READ(10) by DMA.
import { strict as assert } from "node:assert";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import type { Machine } from "../../host/node/machine.ts";
import { IDE, BM_BASE, PRI, PRI_CTL, SEC, SEC_CTL, ST, patternDisk, assertSectors, ideMachine, units, be32, ataString } from "./ide-helpers.ts";

const ATA_NIEN = 0x02, ATA_SRST = 0x04, ATA_DEVCTL_OBS = 0x08;
const ATA_DMA_WR = 0x08, ATA_DMA_START = 0x01, ATA_DMA_INTR = 0x04, ATA_DMA_ERR = 0x02;

interface Port { no: number; cmd: number; ctl: number; bm: number; irq: number }
const PORTS: Port[] = [
  { no: 0, cmd: PRI, ctl: PRI_CTL, bm: BM_BASE, irq: 14 },
  { no: 1, cmd: SEC, ctl: SEC_CTL, bm: BM_BASE + 8, irq: 15 },
];

/** pci_enable_device + what SeaBIOS left (IDETIM decode), then piix_init_one's checks. */
function piixInit(m: Machine): void {
  const g = m.guest;
  assert.equal(g.pciRead(IDE, 0x00, 2), 0x8086);
  assert.equal(g.pciRead(IDE, 0x02, 2), 0x7010, "ata_piix binds 8086:7010 (piix_pci_tbl: piix_pata_mwdma)");
  assert.equal(g.pciRead(IDE, 0x09, 1) & 0x80, 0x80, "prog-if bus-master capable");
  // piix_pata_prereset → pci_test_config_bits(piix_enable_bits): byte 0x41/0x43, mask 0x80
  assert.equal(g.pciRead(IDE, 0x41, 1) & 0x80, 0x80, "primary enabled");
  assert.equal(g.pciRead(IDE, 0x43, 1) & 0x80, 0x80, "secondary enabled");
  // ata_pci_bmdma_init: BAR4, pci_set_master, simplex check on each port's BM status
  const bar4 = g.pciRead(IDE, 0x20, 4) & ~3;
  assert.equal(bar4, BM_BASE);
  g.pciWrite(IDE, 0x04, 2, g.pciRead(IDE, 0x04, 2) | 0x04);
  assert.equal(g.inb(BM_BASE + 2) & 0x80, 0, "not simplex");
}

/** ata_devchk: the nsect/lbal echo test; true when a device answers. */
function devchk(m: Machine, p: Port, dev: number): boolean {
  const g = m.guest;
  g.outb(p.cmd + 6, dev ? 0xb0 : 0xa0);
  g.inb(p.ctl); // ata_sff_pause
  g.outb(p.cmd + 2, 0x55); g.outb(p.cmd + 3, 0xaa);
  g.outb(p.cmd + 2, 0xaa); g.outb(p.cmd + 3, 0x55);
  g.outb(p.cmd + 2, 0x55); g.outb(p.cmd + 3, 0xaa);
  return g.inb(p.cmd + 2) === 0x55 && g.inb(p.cmd + 3) === 0xaa;
}

/** ata_sff_softreset → ata_bus_softreset, with the port frozen (nIEN), then classification. */
function softresetAndClassify(m: Machine, p: Port, masterBusy = true): Array<"ata" | "atapi" | "none"> {
  const g = m.guest;
  const present = [devchk(m, p, 0), devchk(m, p, 1)];
  g.outb(p.cmd + 6, 0xa0);
  const ctl = ATA_DEVCTL_OBS | ATA_NIEN;
  g.outb(p.ctl, ctl);
  g.outb(p.ctl, ctl | ATA_SRST);
  assert.equal(g.inb(p.ctl) & ST.BSY, masterBusy ? ST.BSY : 0, "BSY during SRST (an absent master reads 0)");
  g.outb(p.ctl, ctl);
  g.wait(150_000_000); // ATA_WAIT_AFTER_RESET
  for (let i = 0; i < 100 && (g.inb(p.cmd + 7) & ST.BSY); i++) g.wait(1_000_000);
  const classes: Array<"ata" | "atapi" | "none"> = [];
  for (const dev of [0, 1]) {
    // ata_sff_dev_classify
    g.outb(p.cmd + 6, dev ? 0xb0 : 0xa0);
    g.inb(p.ctl);
    const err = g.inb(p.cmd + 1);
    const nsect = g.inb(p.cmd + 2), lbal = g.inb(p.cmd + 3), lbam = g.inb(p.cmd + 4), lbah = g.inb(p.cmd + 5);
    const status = g.inb(p.cmd + 7);
    if (!present[dev] || (dev === 0 ? err !== 1 && err !== 0x81 : err !== 1)) { classes.push("none"); continue; }
    assert.deepEqual([nsect, lbal], [1, 1], "signature nsect/lbal");
    if (lbam === 0 && lbah === 0) classes.push(status === 0 ? "none" : "ata");
    else if (lbam === 0x14 && lbah === 0xeb) classes.push("atapi");
    else classes.push("none");
  }
  g.outb(p.ctl, ATA_DEVCTL_OBS); // thaw: interrupts on
  g.irq(p.irq);
  return classes;
}

/** A non-data or PIO-in taskfile command the way ata_sff_exec_command + the HSM run it, IRQ driven. */
function pioCommand(m: Machine, p: Port, dev: number, tf: { feature?: number; nsect?: number; lbal?: number; lbam?: number; lbah?: number; cmd: number }, words = 0): Uint16Array {
  const g = m.guest;
  g.outb(p.cmd + 6, 0xa0 | (dev << 4));
  g.inb(p.ctl);
  g.outb(p.cmd + 1, tf.feature ?? 0); g.outb(p.cmd + 2, tf.nsect ?? 0);
  g.outb(p.cmd + 3, tf.lbal ?? 0); g.outb(p.cmd + 4, tf.lbam ?? 0); g.outb(p.cmd + 5, tf.lbah ?? 0);
  g.outb(p.cmd + 6, 0xa0 | (dev << 4));
  g.outb(p.cmd + 7, tf.cmd);
  waitIrq(m, p);
  let status = g.inb(p.cmd + 7); // ata_sff_irq_status clears it
  const out = new Uint16Array(words);
  if (words) {
    assert.equal(status & (ST.DRQ | ST.ERR), ST.DRQ, `command 0x${tf.cmd.toString(16)} gives data`);
    for (let i = 0; i < words; i++) out[i] = g.inw(p.cmd);
    status = g.inb(p.ctl);
  }
  assert.equal(status & (ST.BSY | ST.DRQ | ST.ERR), 0, `command 0x${tf.cmd.toString(16)} ends clean (status 0x${status.toString(16)})`);
  return out;
}

function waitIrq(m: Machine, p: Port): void {
  for (let i = 0; i < 1000 && !m.guest.irq(p.irq); i++) m.guest.wait(10_000);
  assert.equal(m.guest.irq(p.irq), true, `IRQ ${p.irq} raised`);
}

/** ata_bmdma_setup + exec_command + ata_bmdma_start; then the interrupt path and ata_bmdma_stop. */
function bmdmaRead(m: Machine, p: Port, prd: number, issue: () => void): void {
  const g = m.guest;
  g.outl(p.bm + 4, prd);
  let dmactl = g.inb(p.bm);
  dmactl &= ~(ATA_DMA_WR | ATA_DMA_START);
  dmactl |= ATA_DMA_WR; // device → memory
  g.outb(p.bm, dmactl);
  issue();
  g.outb(p.bm, g.inb(p.bm) | ATA_DMA_START);
  waitIrq(m, p);
  // ata_bmdma_interrupt → ata_sff_port_intr
  const hostStat = g.inb(p.bm + 2);
  assert.equal(hostStat & (ATA_DMA_INTR | ATA_DMA_ERR), ATA_DMA_INTR, "BM status INTR, no ERR");
  g.outb(p.bm, g.inb(p.bm) & ~ATA_DMA_START); // ata_bmdma_stop
  g.inb(p.ctl);                                 // ata_sff_dma_pause
  const status = g.inb(p.cmd + 7);
  assert.equal(status & (ST.BSY | ST.DRQ | ST.ERR), 0);
  g.outb(p.bm + 2, g.inb(p.bm + 2));            // bmdma_irq_clear
  assert.equal(g.inb(p.bm + 2) & (ATA_DMA_INTR | ATA_DMA_ERR), 0);
  assert.equal(g.irq(p.irq), false);
}

function prdTable(m: Machine, at: number, buf: number, bytes: number): void {
  // ata_bmdma_fill_sg: entries never cross 64 KiB; count 0 = 64 KiB
  let i = 0;
  for (let off = 0; off < bytes; off += 0x10000, i++) {
    const len = Math.min(0x10000, bytes - off);
    m.guest.poke32(at + i * 8, buf + off);
    m.guest.poke32(at + i * 8 + 4, (len & 0xffff) | (off + len >= bytes ? 0x80000000 : 0));
  }
}

describe("ide: Linux ata_piix probe and read replay", () => {
  it("disk on the primary master, CD-ROM on the secondary master: probe, identify, MWDMA2, DMA reads", () => {
    const disk = memoryImage(patternDisk(40000));
    const cd = memoryImage(patternDisk(500, 2048), { cdrom: true });
    const m = ideMachine({ config: "hda=disk,hdc=cdrom", blk: units([[0, disk], [2, cd]]) });
    const g = m.guest;
    piixInit(m);

    // --- primary: the disk ---
    const pri = PORTS[0]!;
    assert.deepEqual(softresetAndClassify(m, pri), ["ata", "none"]);
    let id = pioCommand(m, pri, 0, { cmd: 0xec }, 256);
    assert.equal(id[0]! & 0x8000, 0, "ATA");
    assert.equal(ataString(id, 27, 20), "WASM-STUBDOM ATA DISK");
    assert.equal(id[60]! | (id[61]! << 16), 40000, "ata_id_n_sectors (LBA28)");
    assert.equal(id[63]! & 0x04, 0x04, "MWDMA2 available");
    // piix_set_piomode / piix_set_dmamode: IDETIM timing bits, decode bit kept
    g.pciWrite(IDE, 0x40, 2, (g.pciRead(IDE, 0x40, 2) & 0xcc00) | 0x8000 | 0x3303);
    pioCommand(m, pri, 0, { cmd: 0xef, feature: 0x03, nsect: 0x22 }); // SET FEATURES XFER MW_DMA_2
    id = pioCommand(m, pri, 0, { cmd: 0xec }, 256);                  // revalidate
    assert.equal(id[63]! & 0x0400, 0x0400, "MWDMA2 selected");
    assert.equal(g.pciRead(IDE, 0x41, 1) & 0x80, 0x80);
    // partition scan: READ DMA of sector 0 (8 sectors), then a read near the end
    prdTable(m, 0x1000, 0x100000, 8 * 512);
    bmdmaRead(m, pri, 0x1000, () => { g.outb(pri.cmd + 2, 8); g.outb(pri.cmd + 3, 0); g.outb(pri.cmd + 4, 0); g.outb(pri.cmd + 5, 0); g.outb(pri.cmd + 6, 0xe0); g.outb(pri.cmd + 7, 0xc8); });
    assertSectors(g.peek(0x100000, 8 * 512), 0, 8);
    prdTable(m, 0x1000, 0x200000, 256 * 512);
    const lba = 40000 - 256;
    bmdmaRead(m, pri, 0x1000, () => {
      g.outb(pri.cmd + 2, 0); g.outb(pri.cmd + 3, lba & 255); g.outb(pri.cmd + 4, (lba >> 8) & 255); g.outb(pri.cmd + 5, lba >> 16);
      g.outb(pri.cmd + 6, 0xe0); g.outb(pri.cmd + 7, 0xc8);
    });
    assertSectors(g.peek(0x200000, 256 * 512), lba, 256);

    // --- secondary: the CD-ROM ---
    const sec = PORTS[1]!;
    assert.deepEqual(softresetAndClassify(m, sec), ["atapi", "none"]);
    id = pioCommand(m, sec, 0, { cmd: 0xa1 }, 256);
    assert.equal(id[0]! >> 14, 2, "ATAPI");
    assert.equal((id[0]! >> 8) & 0x1f, 5, "CD-ROM");
    assert.equal((id[0]! >> 5) & 3, 2, "accelerated DRQ: libata polls for the CDB phase");
    g.pciWrite(IDE, 0x42, 2, (g.pciRead(IDE, 0x42, 2) & 0xcc00) | 0x8000 | 0x3303);
    pioCommand(m, sec, 0, { cmd: 0xef, feature: 0x03, nsect: 0x22 });
    pioCommand(m, sec, 0, { cmd: 0xa1 }, 256);

    const tur = atapiPio(m, sec, [0x00], 0);
    assert.equal(tur.length, 0);
    const inq = atapiPio(m, sec, [0x12, 0, 0, 0, 36], 36);
    assert.equal(inq[0]! & 0x1f, 5);
    const cap = atapiPio(m, sec, [0x25], 8);
    assert.deepEqual([be32(cap, 0), be32(cap, 4)], [499, 2048]);
    const caps = atapiPio(m, sec, [0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 128], 128);
    assert.equal(caps[8]! & 0x3f, 0x2a, "sr get_capabilities");
    const ev = atapiPio(m, sec, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8], 8);
    assert.equal(ev[5]! & 2, 2, "medium present");
    const toc = atapiPio(m, sec, [0x43, 0, 0, 0, 0, 0, 0, 0, 12], 12);
    assert.equal(toc[6], 1);
    // READ(10) by DMA: PACKET with features = DMA, CDB by PIO, then bmdma_start (atapi_send_cdb)
    prdTable(m, 0x1000, 0x300000, 32 * 2048);
    g.outl(sec.bm + 4, 0x1000);
    g.outb(sec.bm, (g.inb(sec.bm) & ~(ATA_DMA_WR | ATA_DMA_START)) | ATA_DMA_WR);
    g.outb(sec.cmd + 6, 0xa0); g.outb(sec.cmd + 1, 0x01); g.outb(sec.cmd + 4, 0); g.outb(sec.cmd + 5, 0);
    g.outb(sec.cmd + 7, 0xa0);
    pollDrq(m, sec);
    const cdb = [0x28, 0, 0, 0, 0, 16, 0, 0, 32, 0, 0, 0];
    for (let i = 0; i < 12; i += 2) g.outw(sec.cmd, cdb[i]! | (cdb[i + 1]! << 8));
    g.outb(sec.bm, g.inb(sec.bm) | ATA_DMA_START);
    waitIrq(m, sec);
    assert.equal(g.inb(sec.bm + 2) & (ATA_DMA_INTR | ATA_DMA_ERR), ATA_DMA_INTR);
    g.outb(sec.bm, g.inb(sec.bm) & ~ATA_DMA_START);
    g.inb(sec.ctl);
    assert.equal(g.inb(sec.cmd + 7) & (ST.BSY | ST.DRQ | ST.ERR), 0);
    assert.equal(g.inb(sec.cmd + 2) & 3, 3, "ireason CoD|IO at completion");
    g.outb(sec.bm + 2, g.inb(sec.bm + 2));
    assertSectors(g.peek(0x300000, 32 * 2048), 16, 32, 2048);
    assert.equal(m.rt.failures.length, 0);
  });

  it("a disk alone on the secondary slave: the master reads as absent and the slave is found", () => {
    const m = ideMachine({ config: "hdd=disk", blk: units([[3, memoryImage(patternDisk(100))]]) });
    piixInit(m);
    assert.deepEqual(softresetAndClassify(m, PORTS[0]!, false), ["none", "none"]);
    const classes = softresetAndClassify(m, PORTS[1]!, false);
    assert.equal(classes[1], "ata");
    const id = pioCommand(m, PORTS[1]!, 1, { cmd: 0xec }, 256);
    assert.equal(id[60], 100);
  });
});

function pollDrq(m: Machine, p: Port): void {
  for (let i = 0; i < 1000; i++) {
    const s = m.guest.inb(p.ctl);
    if ((s & ST.BSY) === 0 && (s & ST.DRQ)) return;
    m.guest.wait(1000);
  }
  assert.fail("no DRQ for the command packet");
}

/** ATAPI PIO data-in as libata's atapi_pio_bytes does it, with the byte count set to the transfer. */
function atapiPio(m: Machine, p: Port, cdb: number[], nbytes: number): Uint8Array {
  const g = m.guest;
  g.outb(p.cmd + 6, 0xa0); g.outb(p.cmd + 1, 0);
  g.outb(p.cmd + 4, nbytes & 255); g.outb(p.cmd + 5, nbytes >> 8);
  g.outb(p.cmd + 7, 0xa0);
  pollDrq(m, p);
  const c = [...cdb, ...new Array(12).fill(0)].slice(0, 12);
  for (let i = 0; i < 12; i += 2) g.outw(p.cmd, c[i]! | (c[i + 1]! << 8));
  const out: number[] = [];
  for (let phase = 0; phase < 100; phase++) {
    waitIrq(m, p);
    const status = g.inb(p.cmd + 7);
    const ireason = g.inb(p.cmd + 2);
    if ((status & ST.DRQ) === 0) {
      assert.equal(status & ST.ERR, 0, `ATAPI 0x${cdb[0]!.toString(16)} status 0x${status.toString(16)}`);
      assert.equal(ireason & 3, 3);
      return Uint8Array.from(out);
    }
    assert.equal(ireason & 3, 2, "data in");
    const n = g.inb(p.cmd + 4) | (g.inb(p.cmd + 5) << 8);
    for (let i = 0; i < n; i += 2) { const w = g.inw(p.cmd); out.push(w & 255); if (i + 1 < n) out.push(w >> 8); }
  }
  assert.fail("ATAPI command did not finish");
}
