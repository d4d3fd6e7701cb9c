// Shared guest-side helpers for the IDE tests (test/unit/ide*.test.ts): images with known content,
// a machine with the controller enabled the way SeaBIOS leaves it, and the register dances a
// driver does (wait for !BSY, issue an ATA command, send an ATAPI packet, set up a PRD table).
// Everything goes through the guest API of host/node: port I/O, config cycles, guest RAM.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import type { BlockBackend } from "../../host/node/backends.ts";
import { bdfOf } from "../../host/node/guest.ts";
import { ImageBlockBackend } from "../../host/node/backends/block-file.ts";

export const IDE = bdfOf(0, 1, 1);
export const BM_BASE = 0xc040;
export const PRI = 0x1f0, PRI_CTL = 0x3f6, SEC = 0x170, SEC_CTL = 0x376;
export const ST = { BSY: 0x80, DRDY: 0x40, DF: 0x20, DSC: 0x10, DRQ: 0x08, ERR: 0x01 };

/** A disk image of `sectors` sectors whose every byte is a function of (lba, offset). */
export function patternDisk(sectors: number, sectorSize = 512): Uint8Array {
  const img = new Uint8Array(sectors * sectorSize);
  for (let lba = 0; lba < sectors; lba++) fillSector(img.subarray(lba * sectorSize, (lba + 1) * sectorSize), lba);
  return img;
}

export function fillSector(s: Uint8Array, lba: number): void {
  for (let i = 0; i < s.length; i++) s[i] = (lba * 7 + i * 13 + (i >> 8)) & 0xff;
  new DataView(s.buffer, s.byteOffset).setUint32(0, lba, true);
}

export function expectedSector(lba: number, sectorSize = 512): Uint8Array {
  const s = new Uint8Array(sectorSize);
  fillSector(s, lba);
  return s;
}

/** Sector-by-sector comparison with a readable failure. */
export function assertSectors(got: Uint8Array, firstLba: number, count: number, sectorSize = 512): void {
  assert.equal(got.length, count * sectorSize, "byte count");
  for (let i = 0; i < count; i++) {
    const want = expectedSector(firstLba + i, sectorSize);
    const have = got.subarray(i * sectorSize, (i + 1) * sectorSize);
    if (Buffer.compare(Buffer.from(want), Buffer.from(have)) !== 0) assert.fail(`sector ${firstLba + i} (#${i}) differs: first bytes ${Buffer.from(have.subarray(0, 8)).toString("hex")} want ${Buffer.from(want.subarray(0, 8)).toString("hex")}`);
  }
}

export interface IdeMachineOptions {
  config: string;
  blk: BlockBackend[];
  /** enable decode like SeaBIOS (IDETIM bit 15 + PCI I/O and bus master, BAR4 at BM_BASE) */
  enable?: boolean;
  /** backend latency in virtual ns (default 20 µs, so BSY is observable); 0 = complete at once */
  latencyNs?: number;
}

export function ideMachine(opts: IdeMachineOptions): Machine {
  const m = createMachine([{ name: "ide", config: opts.config, irqs: [{ isa: 14 }, { isa: 15 }], blk: opts.blk }]);
  const latency = opts.latencyNs ?? 20_000;
  if (latency > 0) for (const b of opts.blk) if (b instanceof ImageBlockBackend) b.attachClock(m.sim.clock, latency);
  if (opts.enable ?? true) enableController(m);
  return m;
}

export function enableController(m: Machine): void {
  const g = m.guest;
  g.pciWrite(IDE, 0x40, 2, 0x8000);
  g.pciWrite(IDE, 0x42, 2, 0x8000);
  g.pciWrite(IDE, 0x20, 4, BM_BASE);
  g.pciWrite(IDE, 0x04, 2, 0x0005); // I/O + bus master
}

/** Units array with holes for the drives that have no backend. */
export function units(list: Array<[number, BlockBackend]>): BlockBackend[] {
  const a: BlockBackend[] = [];
  for (const [u, b] of list) a[u] = b;
  return a;
}

/** Polls alternate status (lets virtual time pass) until BSY clears; returns the status. */
export function waitReady(m: Machine, ctl = PRI_CTL, limit = 100): number {
  for (let i = 0; i < limit; i++) {
    const s = m.guest.inb(ctl);
    if ((s & ST.BSY) === 0) return s;
    m.guest.wait(10_000);
  }
  assert.fail(`drive still BSY after ${limit} polls`);
}

/** Writes the LBA28 task file and a command. */
export function ata28(m: Machine, base: number, dev: number, cmd: number, lba = 0, count = 0, feature = 0): void {
  const g = m.guest;
  g.outb(base + 6, 0xe0 | (dev << 4) | ((lba >>> 24) & 0x0f));
  g.outb(base + 1, feature);
  g.outb(base + 2, count & 0xff);
  g.outb(base + 3, lba & 0xff);
  g.outb(base + 4, (lba >>> 8) & 0xff);
  g.outb(base + 5, (lba >>> 16) & 0xff);
  g.outb(base + 7, cmd);
}

/** Writes the LBA48 task file (HOB bytes first) and a command. */
export function ata48(m: Machine, base: number, dev: number, cmd: number, lba: number, count: number): void {
  const g = m.guest;
  const hi = Math.floor(lba / 0x1000000);
  g.outb(base + 6, 0x40 | (dev << 4));
  g.outb(base + 2, (count >> 8) & 0xff);
  g.outb(base + 3, hi & 0xff);
  g.outb(base + 4, (hi >> 8) & 0xff);
  g.outb(base + 5, (hi >> 16) & 0xff);
  g.outb(base + 2, count & 0xff);
  g.outb(base + 3, lba & 0xff);
  g.outb(base + 4, (lba >>> 8) & 0xff);
  g.outb(base + 5, (lba >>> 16) & 0xff);
  g.outb(base + 7, cmd);
}

/** PIO data-in of `blocks` DRQ blocks of `blockBytes` each into guest RAM at gpa; returns the bytes. */
export function pioIn(m: Machine, base: number, ctl: number, gpa: number, blocks: number, blockBytes: number): Uint8Array {
  for (let b = 0; b < blocks; b++) {
    const s = waitReady(m, ctl);
    assert.equal(s & (ST.DRQ | ST.ERR), ST.DRQ, `block ${b}: status 0x${s.toString(16)} wants DRQ`);
    m.guest.repIns(base, 2, gpa + b * blockBytes, blockBytes / 2);
  }
  return m.guest.peek(gpa, blocks * blockBytes);
}

/** Reads the 256-word answer of IDENTIFY (PACKET) DEVICE. */
export function identifyWords(m: Machine, base: number, ctl: number, dev: number, cmd: number): Uint16Array {
  ata28(m, base, dev, cmd);
  const bytes = pioIn(m, base, ctl, 0x8000, 1, 512);
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 512));
}

export function ataString(words: Uint16Array, first: number, count: number): string {
  let s = "";
  for (let i = first; i < first + count; i++) s += String.fromCharCode(words[i]! >> 8, words[i]! & 0xff);
  return s.trimEnd();
}

/** Builds a PRD table at `table` from [addr, bytes] regions (bytes 65536 → count 0); last gets EOT. */
export function writePrd(m: Machine, table: number, regions: Array<[number, number]>, eot = true): void {
  regions.forEach(([addr, bytes], i) => {
    m.guest.poke32(table + i * 8, addr);
    m.guest.poke32(table + i * 8 + 4, (bytes & 0xffff) | (eot && i === regions.length - 1 ? 0x80000000 : 0));
  });
}

export function bmSetup(m: Machine, ch: number, table: number, toMemory: boolean): void {
  const g = m.guest;
  const b = BM_BASE + ch * 8;
  g.outb(b, 0);
  g.outb(b + 2, 0x06); // clear ERR and INT
  g.outl(b + 4, table);
  g.outb(b, toMemory ? 0x08 : 0x00);
}

export function bmStart(m: Machine, ch: number, toMemory: boolean): void {
  m.guest.outb(BM_BASE + ch * 8, (toMemory ? 0x08 : 0) | 1);
}

export function bmStatus(m: Machine, ch: number): number { return m.guest.inb(BM_BASE + ch * 8 + 2); }

/** ATAPI: PACKET with a CDB (padded to 12 bytes); `limit` = byte-count limit; dma = features bit 0. */
export function sendPacket(m: Machine, base: number, ctl: number, dev: number, cdb: number[], limit = 0xfffe, dma = false): void {
  const g = m.guest;
  g.outb(base + 6, 0xa0 | (dev << 4));
  g.outb(base + 1, dma ? 1 : 0);
  g.outb(base + 4, limit & 0xff);
  g.outb(base + 5, (limit >> 8) & 0xff);
  g.outb(base + 7, 0xa0);
  const s = waitReady(m, ctl);
  assert.equal(s & ST.DRQ, ST.DRQ, "PACKET wants the command packet (DRQ)");
  assert.equal(g.inb(base + 2) & 3, 1, "interrupt reason CoD=1 I/O=0 for the packet");
  const p = [...cdb, ...new Array(12).fill(0)].slice(0, 12);
  for (let i = 0; i < 12; i += 2) g.outw(base, p[i]! | (p[i + 1]! << 8));
}

/** ATAPI PIO data-in: collects every DRQ block until the final status; returns data and status. */
export function atapiPioIn(m: Machine, base: number, ctl: number, maxBlocks = 10000): { data: Uint8Array; status: number; blocks: number[] } {
  const g = m.guest;
  const out: number[] = [];
  const blocks: number[] = [];
  for (let i = 0; i < maxBlocks; i++) {
    const s = waitReady(m, ctl);
    if ((s & ST.DRQ) === 0) return { data: Uint8Array.from(out), status: g.inb(base + 7), blocks };
    assert.equal(g.inb(base + 2) & 3, 2, "interrupt reason I/O=1 CoD=0 in a data block");
    const n = g.inb(base + 4) | (g.inb(base + 5) << 8);
    blocks.push(n);
    for (let j = 0; j < n; j += 2) { const w = g.inw(base); out.push(w & 0xff); if (j + 1 < n) out.push(w >> 8); }
  }
  assert.fail("too many ATAPI data blocks");
}

/** Runs an ATAPI command through PIO and returns its data; asserts good status. */
export function atapiCommand(m: Machine, cdb: number[], opts: { base?: number; ctl?: number; dev?: number; limit?: number } = {}): Uint8Array {
  const base = opts.base ?? SEC, ctl = opts.ctl ?? SEC_CTL;
  sendPacket(m, base, ctl, opts.dev ?? 0, cdb, opts.limit ?? 0xfffe);
  const r = atapiPioIn(m, base, ctl);
  assert.equal(r.status & ST.ERR, 0, `ATAPI 0x${cdb[0]!.toString(16)} failed: status 0x${r.status.toString(16)} error 0x${m.guest.inb(base + 1).toString(16)}`);
  assert.equal(m.guest.inb(base + 2) & 3, 3, "final interrupt reason CoD=1 I/O=1");
  return r.data;
}

/** Runs an ATAPI command expected to fail; returns [sense key, ASC, ASCQ] from REQUEST SENSE. */
export function atapiFails(m: Machine, cdb: number[], opts: { base?: number; ctl?: number; dev?: number } = {}): [number, number, number] {
  const base = opts.base ?? SEC, ctl = opts.ctl ?? SEC_CTL;
  sendPacket(m, base, ctl, opts.dev ?? 0, cdb);
  const r = atapiPioIn(m, base, ctl);
  assert.equal(r.status & ST.ERR, ST.ERR, `ATAPI 0x${cdb[0]!.toString(16)} should fail`);
  const errKey = m.guest.inb(base + 1) >> 4;
  const s = atapiCommand(m, [0x03, 0, 0, 0, 18, 0], opts);
  assert.equal(s[0], 0xf0, "current error, fixed format, VALID");
  assert.equal(s[2]! & 0xf, errKey, "error register carries the sense key");
  return [s[2]! & 0xf, s[12]!, s[13]!];
}

export const be16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
export const be32 = (b: Uint8Array, i: number): number => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
