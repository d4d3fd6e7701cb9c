// Hand-written seed inputs and dictionaries per device (fuzz/<device>/corpus/seed-*.bin and
// fuzz/<device>/<device>.dict): the register sequences a driver performs — a transmit and a
// receive through descriptor rings, an ATA/ATAPI command with PIO and bus-master DMA, a VBE mode
// set and planar writes, keyboard/mouse commands, a UART set-up. Selectors follow each device's
// claim order after the harness's BAR programming (fuzz/lib/exec.ts; docs/fuzz-format.md):
//   e1000: 0 BAR0 MMIO (128 KiB), 1 BAR1 I/O      ide: 0 1F0-1F7, 1 3F6, 2 170-177, 3 376, 4 BM
//   vga: 0 3B0-3DF, 1 1CE-1D0, 2 A0000-BFFFF, 3 BAR2 MMIO   ps2: 0 60, 1 64   uart: 0 3F8-3FF
//   cmos: 0 70-71, 1 72-73   pci: 0 CF9, 1 B004-B005, 2 AFE0-AFE3; functions 0 = 00:00.0, 1 = 00:01.0
//   xenplatform: 0 10-1F (the unplug ports), 1 BAR0 I/O
// Usage: tsx fuzz/seeds.ts (rewrites the seed-*.bin files and the dictionaries).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FuzzInput } from "./lib/encode.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.floor(v / 2 ** (8 * i)) & 0xff);
const u64 = (v: number): number[] => le(v, 8);

// --- e1000 -------------------------------------------------------------------------------------
const E = { CTRL: 0x0, STATUS: 0x8, EECD: 0x10, EERD: 0x14, MDIC: 0x20, ICR: 0xc0, ITR: 0xc4, IMS: 0xd0, IMC: 0xd8, RCTL: 0x100, TCTL: 0x400, TIPG: 0x410,
  RDBAL: 0x2800, RDBAH: 0x2804, RDLEN: 0x2808, RDH: 0x2810, RDT: 0x2818, RDTR: 0x2820, RADV: 0x282c, RSRPD: 0x2c00,
  TDBAL: 0x3800, TDBAH: 0x3804, TDLEN: 0x3808, TDH: 0x3810, TDT: 0x3818, TIDV: 0x3820, TADV: 0x382c, RXCSUM: 0x5000, MTA: 0x5200, RAL: 0x5400, RAH: 0x5404, VFTA: 0x5600, TXDCTL: 0x3828 };

function e1000TxRing(inp: FuzzInput, ring: number, n: number): FuzzInput {
  return inp.write(0, E.TDBAL, 4, ring, true).write(0, E.TDBAH, 4, 0).write(0, E.TDLEN, 4, n * 16).write(0, E.TDH, 4, 0).write(0, E.TDT, 4, 0)
    .write(0, E.TCTL, 4, 0x0103f0fa).write(0, E.IMS, 4, 0x1ff);
}
const legacyTx = (buf: number, len: number, cmd: number): number[] => [...u64(buf), ...le(len, 2), 0, cmd, 0, 0, 0, 0];
const frame = (len: number): number[] => Array.from({ length: len }, (_, i) => (i < 6 ? 0xff : i < 12 ? 0x52 + i : i === 12 ? 0x08 : i === 13 ? 0 : i & 0xff));

function e1000Seeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  s.tx = e1000TxRing(new FuzzInput(), 0x10000, 8).fill(0x10000, [...legacyTx(0x11000, 60, 0x0b), ...legacyTx(0x11100, 100, 0x0b)])
    .fill(0x11000, frame(60)).fill(0x11100, frame(100)).write(0, E.TDT, 4, 2).clock(100_000).read(0, E.ICR, 4).read(0, E.TDH, 4).read(0, E.STATUS, 4);
  // multi-descriptor frame + context descriptor with checksum offload, then TSO
  const ctx = (ipcss: number, ipcso: number, tucss: number, tucso: number, paylen: number, tucmd: number, hdrlen: number, mss: number): number[] =>
    [ipcss, ipcso, ...le(0, 2), tucss, tucso, ...le(0, 2), ...le(paylen | 0 << 20, 3), tucmd, 0, hdrlen, ...le(mss, 2)];
  const dataDesc = (buf: number, len: number, dcmd: number, popts: number): number[] => [...u64(buf), ...le(len | 1 << 20, 3), dcmd, 0, popts, 0, 0];
  const ipTcp = (len: number): number[] => {
    const f = frame(len);
    f[12] = 0x08; f[13] = 0x00; f[14] = 0x45; f[16] = (len - 14) >> 8; f[17] = (len - 14) & 0xff; f[22] = 64; f[23] = 6; f[46] = 0x50;
    return f;
  };
  s["tx-csum"] = e1000TxRing(new FuzzInput(), 0x10000, 8)
    .fill(0x10000, [...ctx(14, 24, 34, 50, 0, 0x20 | 0x02 | 0x01, 0, 0), ...dataDesc(0x11000, 40, 0x20 | 0x08, 0x03), ...dataDesc(0x11100, 60, 0x20 | 0x0b, 0x03)])
    .fill(0x11000, ipTcp(100).slice(0, 40)).fill(0x11100, ipTcp(100).slice(40)).write(0, E.TDT, 4, 3).clock(100_000).read(0, E.ICR, 4);
  s["tx-tso"] = e1000TxRing(new FuzzInput(), 0x10000, 8)
    .fill(0x10000, [...ctx(14, 24, 34, 50, 2000, 0x20 | 0x04 | 0x02 | 0x01, 54, 536), ...dataDesc(0x11000, 54, 0x20 | 0x04, 0x03), ...dataDesc(0x12000, 2000, 0x20 | 0x04 | 0x0b, 0x03)])
    .fill(0x11000, ipTcp(54)).fill(0x12000, new Array(2000).fill(0x61)).write(0, E.TDT, 4, 3).clock(1_000_000).read(0, E.ICR, 4).read(0, E.TDH, 4);
  const rx = new FuzzInput().write(0, E.RDBAL, 4, 0x20000, true).write(0, E.RDBAH, 4, 0).write(0, E.RDLEN, 4, 128).write(0, E.RDH, 4, 0).write(0, E.RDT, 4, 7)
    .write(0, E.RCTL, 4, 0x0400801a).write(0, E.IMS, 4, 0x1ff).write(0, E.RXCSUM, 4, 0x300);
  const rxDescs: number[] = [];
  for (let i = 0; i < 8; i++) rxDescs.push(...u64(0x21000 + i * 0x800), 0, 0, 0, 0, 0, 0, 0, 0);
  s.rx = rx.fill(0x20000, rxDescs).eventData(0, frame(64)).eventData(0, frame(1514)).eventData(0, frame(20)).clock(1_000_000)
    .read(0, E.ICR, 4).read(0, E.RDH, 4).read(0, 0x4000, 4).read(0, 0x40d0, 4);
  s.eeprom = new FuzzInput().write(0, E.EERD, 4, 0x1).read(0, E.EERD, 4).write(0, E.EERD, 4, 0x0301).read(0, E.EERD, 4)
    .write(0, E.MDIC, 4, 0x08010000).read(0, E.MDIC, 4).write(0, E.MDIC, 4, 0x04001140).read(0, E.MDIC, 4)
    .write(0, E.EECD, 4, 0x40).write(0, E.EECD, 4, 0x43).write(0, E.EECD, 4, 0x47).read(0, E.EECD, 4);
  s.io = new FuzzInput().write(1, 0, 4, E.STATUS).read(1, 4, 4).write(1, 0, 4, E.IMS).write(1, 4, 4, 0xffff).write(1, 0, 4, E.ICR).read(1, 4, 4);
  s.link = new FuzzInput().write(0, E.IMS, 4, 0x4).event(1, 0).read(0, E.ICR, 4).event(1, 1).clock(10_000_000).read(0, E.STATUS, 4).read(0, E.ICR, 4)
    .write(0, E.CTRL, 4, 0x04000000).clock(1_000_000).read(0, E.STATUS, 4).write(0, E.ITR, 4, 500).write(0, 0xc8, 4, 0x80).clock(1_000_000).read(0, E.ICR, 4);
  s.filters = new FuzzInput().write(0, E.RAL, 4, 0x12005452).write(0, E.RAH, 4, 0x80005634).write(0, E.MTA + 4, 4, 0xffffffff).write(0, E.VFTA, 4, 1)
    .write(0, E.RCTL, 4, 0x00040002).fill(0x20000, [...u64(0x21000), 0, 0, 0, 0, 0, 0, 0, 0]).write(0, E.RDBAL, 4, 0x20000, true).write(0, E.RDLEN, 4, 128).write(0, E.RDT, 4, 1)
    .eventData(0, [0x52, 0x54, 0, 0x12, 0x34, 0x56, ...frame(58).slice(6)]).eventData(0, [0x01, 0, 0x5e, 0, 0, 1, ...frame(58).slice(6)]).read(0, E.ICR, 4);
  return s;
}

// --- ide ---------------------------------------------------------------------------------------
function ideSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const sel = (i: FuzzInput, ch: number, drv: number): FuzzInput => i.write(ch * 2, 6, 1, 0xa0 | drv << 4 | 0x40);
  const lba = (i: FuzzInput, ch: number, n: number, l: number): FuzzInput => i.write(ch * 2, 2, 1, n).write(ch * 2, 3, 1, l & 0xff).write(ch * 2, 4, 1, (l >> 8) & 0xff).write(ch * 2, 5, 1, (l >> 16) & 0xff);
  s.identify = sel(new FuzzInput(), 0, 0).write(0, 7, 1, 0xec).read(0, 7, 1).burstRead(0, 0, 2, 256).read(0, 7, 1).read(1, 0, 1);
  s["pio-read"] = lba(sel(new FuzzInput(), 0, 0), 0, 2, 5).write(0, 7, 1, 0x20).blkDone().burstRead(0, 0, 2, 256).blkDone().burstRead(0, 0, 2, 256).read(0, 7, 1);
  s["pio-write"] = lba(sel(new FuzzInput(), 0, 0), 0, 1, 7).write(0, 7, 1, 0x30).burstWrite(0, 0, 2, 256, 0x1234).blkDone().read(0, 7, 1)
    .write(0, 7, 1, 0xe7).blkDone().read(0, 7, 1);
  s["pio-multiple"] = lba(sel(new FuzzInput().write(0, 2, 1, 4).write(0, 7, 1, 0xc6), 0, 0), 0, 8, 0).write(0, 7, 1, 0xc4).blkDone().burstRead(0, 0, 4, 255).burstRead(0, 0, 4, 255).blkDone().read(0, 7, 1);
  // bus-master DMA: PRD table at 0x10000, two entries, the last with EOT
  const prd = [...le(0x11000, 4), ...le(512, 2), 0, 0, ...le(0x12000, 4), ...le(512, 2), 0, 0x80];
  s["dma-read"] = lba(sel(new FuzzInput().fill(0x10000, prd), 0, 0), 0, 2, 3).write(4, 4, 4, 0x10000, true).write(4, 2, 1, 0x06).write(0, 7, 1, 0xc8)
    .write(4, 0, 1, 0x09).blkDone().clock(1000).read(4, 2, 1).read(0, 7, 1).write(4, 0, 1, 0x00).read(4, 2, 1);
  s["dma-write"] = lba(sel(new FuzzInput().fill(0x10000, prd).fill(0x11000, new Array(256).fill(0x55)), 0, 0), 0, 2, 9).write(4, 4, 4, 0x10000, true).write(0, 7, 1, 0xca)
    .write(4, 0, 1, 0x01).blkDone().clock(1000).read(4, 2, 1).read(0, 7, 1);
  const prd1 = [...le(0x13000, 4), ...le(0, 2), 0, 0x80];
  s["dma-lba48"] = sel(new FuzzInput().fill(0x10000, prd1), 0, 0).write(0, 2, 1, 0).write(0, 2, 1, 1).write(0, 3, 1, 0).write(0, 3, 1, 2).write(0, 4, 1, 0).write(0, 4, 1, 0)
    .write(0, 5, 1, 0).write(0, 5, 1, 0).write(4, 4, 4, 0x10000, true).write(0, 7, 1, 0x25).write(4, 0, 1, 0x09).blkDone().read(4, 2, 1);
  const packet = (i: FuzzInput, ch: number, drv: number, c: number[], bc = 2048, dma = false): FuzzInput => {
    i.write(ch * 2, 6, 1, 0xa0 | drv << 4).write(ch * 2, 1, 1, dma ? 1 : 0).write(ch * 2, 4, 1, bc & 0xff).write(ch * 2, 5, 1, bc >> 8).write(ch * 2, 7, 1, 0xa0);
    const w = [...c, ...new Array(12 - c.length).fill(0)];
    for (let k = 0; k < 12; k += 2) i.write(ch * 2, 0, 2, w[k]! | w[k + 1]! << 8);
    return i;
  };
  s["atapi-inquiry"] = packet(new FuzzInput(), 0, 1, [0x12, 0, 0, 0, 36]).burstRead(0, 0, 2, 18).read(0, 7, 1).read(0, 2, 1);
  s["atapi-read10"] = packet(new FuzzInput(), 0, 1, [0x28, 0, 0, 0, 0, 1, 0, 0, 1]).blkDone().burstRead(0, 0, 2, 255).burstRead(0, 0, 2, 255).burstRead(0, 0, 2, 255).burstRead(0, 0, 2, 255).read(0, 7, 1);
  s["atapi-dma"] = packet(new FuzzInput().fill(0x10000, [...le(0x14000, 4), ...le(2048, 2), 0, 0x80]).write(4, 4, 4, 0x10000, true), 0, 1, [0xa8, 0, 0, 0, 0, 2, 0, 0, 0, 1], 0, true)
    .write(4, 0, 1, 0x09).blkDone().clock(1000).read(4, 2, 1).read(0, 7, 1);
  s["atapi-sense-toc"] = packet(packet(packet(new FuzzInput(), 1, 0, [0x00]).read(2, 7, 1), 1, 0, [0x03, 0, 0, 0, 18]).burstRead(2, 0, 2, 9), 0, 1, [0x43, 0, 0, 0, 0, 0, 0, 0, 12])
    .burstRead(0, 0, 2, 6).read(0, 7, 1);
  s["atapi-media"] = packet(new FuzzInput().event(0, 2), 1, 0, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8]).burstRead(2, 0, 2, 4)
    .write(2, 6, 1, 0xa0).write(2, 7, 1, 0xa0).event(0, 2).event(0, 1).read(2, 7, 1);
  s.misc = sel(new FuzzInput(), 0, 0).write(0, 1, 1, 0x03).write(0, 2, 1, 0x46).write(0, 7, 1, 0xef).write(0, 7, 1, 0x91).write(0, 7, 1, 0xf8).read(0, 3, 1)
    .write(1, 0, 1, 0x04).write(1, 0, 1, 0x00).read(1, 0, 1).write(0, 7, 1, 0xe5).write(0, 7, 1, 0x08).read(0, 7, 1).cfgRead(0, 0x40, 4).cfgWrite(0, 0x40, 2, 0x8000).cfgWrite(0, 0x42, 2, 0x8000);
  return s;
}

// --- vga ---------------------------------------------------------------------------------------
function vgaSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const P = (port: number): number => port - 0x3b0; // selector 0 covers 3B0-3DF
  const seq = (i: FuzzInput, idx: number, v: number): FuzzInput => i.write(0, P(0x3c4), 1, idx).write(0, P(0x3c5), 1, v);
  const gc = (i: FuzzInput, idx: number, v: number): FuzzInput => i.write(0, P(0x3ce), 1, idx).write(0, P(0x3cf), 1, v);
  const crtc = (i: FuzzInput, idx: number, v: number): FuzzInput => i.write(0, P(0x3d4), 1, idx).write(0, P(0x3d5), 1, v);
  const dispi = (i: FuzzInput, idx: number, v: number): FuzzInput => i.write(1, 0, 2, idx).write(1, 1, 2, v);
  let t = new FuzzInput().write(0, P(0x3c2), 1, 0x67);
  for (const [i, v] of [[0, 3], [1, 0], [2, 3], [3, 0], [4, 2]] as const) t = seq(t, i, v);
  for (const [i, v] of [[0x11, 0x0e], [0, 0x5f], [1, 0x4f], [6, 0xbf], [7, 0x1f], [9, 0x4f], [0x0a, 0x0d], [0x0c, 0], [0x0d, 0], [0x12, 0x8f], [0x13, 0x28], [0x17, 0xa3]] as const) t = crtc(t, i, v);
  for (const [i, v] of [[5, 0x10], [6, 0x0e]] as const) t = gc(t, i, v);
  t.read(0, P(0x3da), 1).write(0, P(0x3c0), 1, 0x20);
  for (let k = 0; k < 16; k++) t.write(2, 0x18000 + 2 * k, 2, 0x0741 + k);
  s.text = t.event(0).clock(20_000_000).event(0).read(0, P(0x3d5), 1).read(0, P(0x3cc), 1);
  s.vbe = dispi(dispi(dispi(dispi(dispi(new FuzzInput(), 0, 0xb0c5), 1, 640), 2, 480), 3, 32), 4, 0x41).event(0).write(2, 0, 4, 0x00ff00ff).read(1, 1, 2)
    .write(1, 0, 2, 5).write(1, 1, 2, 3).write(2, 0x100, 4, 0x11223344).write(1, 0, 2, 8).write(1, 1, 2, 100).write(1, 0, 2, 6).write(1, 1, 2, 2048).event(0).read(1, 1, 2);
  // the same through BAR2 (QEMU's MMIO: VGA ports at 0x400, DISPI at 0x500)
  s["vbe-mmio"] = new FuzzInput().write(3, 0x502, 2, 800).write(3, 0x504, 2, 600).write(3, 0x506, 2, 8).write(3, 0x508, 2, 0x01).read(3, 0x50a, 2)
    .write(3, 0x408, 1, 0).write(3, 0x409, 1, 0x3f).write(3, 0x409, 1, 0).write(3, 0x409, 1, 0).event(0).read(3, 0x500, 2).read(3, 0x600, 4);
  let pl = new FuzzInput().write(0, P(0x3c2), 1, 0x63);
  pl = seq(seq(pl, 2, 0x0f), 4, 0x06);
  pl = gc(gc(gc(gc(pl, 5, 0x00), 6, 0x05), 8, 0xff), 3, 0x00);
  for (let m = 0; m < 4; m++) { pl = gc(pl, 5, m); pl.write(2, m * 80, 1, 0xa5).read(2, m * 80, 1).write(2, 0xffff, 1, 0x5a); }
  pl = gc(gc(pl, 4, 2), 0, 0x0f); pl = gc(pl, 1, 0x0f); pl = gc(pl, 2, 0x05); pl = gc(pl, 7, 0x0f); pl = gc(pl, 5, 0x08);
  s.planar = pl.read(2, 10, 1).write(2, 0x1fff0, 4, 0x01020304).event(0);
  let dac = new FuzzInput().write(0, P(0x3c6), 1, 0xff).write(0, P(0x3c8), 1, 0);
  for (let k = 0; k < 12; k++) dac.write(0, P(0x3c9), 1, k * 5);
  dac = dac.write(0, P(0x3c7), 1, 1).read(0, P(0x3c9), 1).read(0, P(0x3c9), 1).read(0, P(0x3c7), 1);
  for (let k = 0; k < 21; k++) dac.read(0, P(0x3da), 1).write(0, P(0x3c0), 1, k).write(0, P(0x3c0), 1, k & 0x3f);
  s.dac = dac.event(0);
  s["mode-13h"] = seq(seq(gc(gc(new FuzzInput().write(0, P(0x3c2), 1, 0x63), 5, 0x40), 6, 0x05), 4, 0x0e), 1, 0x01).write(2, 0, 4, 0x04030201).write(2, 64000 - 4, 4, 1).event(0);
  return s;
}

// --- ps2, uart, cmos, pci ----------------------------------------------------------------------
function ps2Seeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const cmd = (i: FuzzInput, c: number, arg?: number): FuzzInput => { i.write(1, 0, 1, c); if (arg !== undefined) i.write(0, 0, 1, arg); return i; };
  const kbd = (i: FuzzInput, ...b: number[]): FuzzInput => { for (const x of b) i.write(0, 0, 1, x).read(1, 0, 1).read(0, 0, 1); return i; };
  s.controller = cmd(cmd(cmd(cmd(new FuzzInput(), 0xaa).read(0, 0, 1), 0xab).read(0, 0, 1), 0x20).read(0, 0, 1), 0x60, 0x47).read(1, 0, 1);
  s.keyboard = kbd(new FuzzInput(), 0xff, 0xf2, 0xed, 0x07, 0xf3, 0x00, 0xf0, 0x02, 0xf0, 0x00, 0xf4).event(0, 30, 1).read(0, 0, 1).event(0, 30, 0).read(0, 0, 1)
    .event(0, 103, 1).clock(600_000_000).burstRead(0, 0, 1, 8).event(0, 103, 0).read(0, 0, 1);
  s.mouse = cmd(cmd(cmd(new FuzzInput(), 0xa8), 0xd4, 0xf4).read(0, 0, 1), 0xd4, 0xf2).read(0, 0, 1);
  for (const r of [200, 100, 80, 200, 200, 80]) cmd(cmd(s.mouse, 0xd4, 0xf3), 0xd4, r);
  s.mouse = cmd(s.mouse, 0xd4, 0xf2).burstRead(0, 0, 1, 16).event(1, 0x00fd0005, 0x0101).burstRead(0, 0, 1, 4).event(1, 0x00030003, 0x0001).burstRead(0, 0, 1, 4);
  s.output = cmd(cmd(cmd(cmd(new FuzzInput(), 0xd0).read(0, 0, 1), 0xd1, 0xdf), 0xd2, 0x55).read(0, 0, 1), 0xd3, 0xaa).read(0, 0, 1).write(1, 0, 1, 0xfe).write(1, 0, 1, 0xc0).read(0, 0, 1);
  return s;
}

function uartSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const init = (): FuzzInput => new FuzzInput().write(0, 3, 1, 0x80).write(0, 0, 1, 1).write(0, 1, 1, 0).write(0, 3, 1, 0x03).write(0, 2, 1, 0xc7).write(0, 1, 1, 0x0f).write(0, 4, 1, 0x0b);
  s.tx = init().burstWrite(0, 0, 1, 20, 0x41).read(0, 2, 1).read(0, 5, 1).clock(2_000_000).read(0, 2, 1).read(0, 5, 1);
  s.rx = init().eventData(0, [...new Array(20)].map((_, i) => 0x30 + i)).read(0, 2, 1).burstRead(0, 0, 1, 20).read(0, 5, 1).eventData(0, [1, 2, 3]).clock(50_000_000).read(0, 2, 1);
  s.loopback = init().write(0, 4, 1, 0x1f).write(0, 0, 1, 0x55).read(0, 0, 1).read(0, 6, 1).write(0, 4, 1, 0x13).read(0, 6, 1).write(0, 7, 1, 0xaa).read(0, 7, 1);
  s.overrun = init().write(0, 2, 1, 0x01).eventData(0, new Array(40).fill(0x61)).read(0, 5, 1).read(0, 2, 1).write(0, 2, 1, 0x06).read(0, 5, 1);
  return s;
}

function cmosSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const all = new FuzzInput();
  for (let i = 0; i < 128; i++) all.write(0, 0, 1, i).read(0, 1, 1);
  s.dump = all;
  s.write = new FuzzInput().write(0, 0, 1, 0x40).write(0, 1, 1, 0x12).read(0, 1, 1).write(0, 0, 1, 0x8f).read(0, 1, 1).write(1, 0, 1, 0x10).write(1, 1, 1, 0x99).read(1, 1, 1)
    .write(0, 0, 2, 0x5540).read(0, 0, 2).write(1, 0, 1, 0xff).read(1, 1, 1).reset().read(1, 1, 1);
  return s;
}

function pciSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const dump = new FuzzInput();
  for (const f of [0, 1]) for (let r = 0; r < 0x100; r += 4) dump.cfgRead(f, r, 4);
  s.dump = dump;
  s.pam = new FuzzInput().cfgWrite(0, 0x59, 1, 0x30).cfgWrite(0, 0x5a, 1, 0x33).cfgWrite(0, 0x5f, 1, 0x11).cfgRead(0, 0x58, 4).cfgWrite(0, 0x72, 1, 0x0a).cfgWrite(0, 0x72, 1, 0x4a)
    .cfgRead(0, 0x72, 1).cfgWrite(0, 0x04, 2, 0x0006).cfgWrite(0, 0x0d, 1, 0x40);
  s.pirq = new FuzzInput().cfgWrite(1, 0x60, 4, 0x0b0a0b0a).cfgWrite(1, 0x60, 1, 0x80).cfgRead(1, 0x60, 4).cfgWrite(1, 0x69, 1, 0x02).cfgWrite(1, 0x4c, 1, 0x4d).cfgWrite(1, 0xb0, 1, 0x04)
    .cfgRead(1, 0x00, 4);
  s.reset = new FuzzInput().read(0, 0, 1).write(0, 0, 1, 0x02).read(0, 0, 1).write(0, 0, 1, 0x06).write(0, 0, 1, 0x0e).reset().read(0, 0, 1);
  // ACPI: hvmloader's SCI_EN read, an S3 request (refused), GPE0 enables and status, a guest
  // reset, then S5 the way ACPICA writes it (SLP_TYP, then SLP_TYP|SLP_EN)
  s.acpi = new FuzzInput().read(1, 0, 1).write(1, 0, 2, 0x0002).write(1, 0, 2, 0x2402).read(1, 0, 2).write(2, 2, 2, 0xffff).read(2, 0, 4)
    .write(2, 0, 1, 0xff).read(1, 0, 4).reset().read(2, 2, 2).write(1, 0, 2, 0x0000).write(1, 0, 2, 0x2000).read(1, 0, 2);
  return s;
}

// The unplug protocol as Linux's and Windows' PV drivers run it (magic, version, product, build,
// magic again, mask), the driver log through 0x12 and BAR0 + 8, and the old SUSE/VMDP unplugs.
function xenplatformSeeds(): Record<string, FuzzInput> {
  const s: Record<string, FuzzInput> = {};
  const text = (i: FuzzInput, sel: number, off: number, t: string): FuzzInput => { for (const c of t) i.write(sel, off, 1, c.charCodeAt(0)); return i; };
  s.protocol = new FuzzInput().read(0, 0, 2).read(0, 2, 1).write(0, 2, 2, 1).write(0, 0, 4, 0x12345).read(0, 0, 2).write(0, 0, 2, 0x0003).read(0, 0, 2)
    .write(0, 0, 2, 0x0004).read(0, 0, 1).read(0, 0, 4).read(0, 2, 2).reset().read(0, 0, 2);
  s.log = text(text(new FuzzInput().read(0, 0, 2), 0, 2, "xen_platform: hello\n"), 1, 8, "bar log\n").burstWrite(0, 2, 1, 255, 0x61).write(0, 2, 1, 0x0a);
  s.legacy = new FuzzInput().read(1, 0, 1).write(1, 0, 1, 1).write(1, 8, 1, 2).write(1, 8, 1, 1).write(1, 4, 4, 1).read(1, 4, 4);
  const dump = new FuzzInput();
  for (let r = 0; r < 0x40; r += 4) dump.cfgRead(0, r, 4);
  s.config = dump.cfgWrite(0, 0x14, 4, 0xffffffff).cfgRead(0, 0x14, 4).cfgWrite(0, 0x04, 2, 0).read(1, 0, 1).cfgWrite(0, 0x04, 2, 1).read(1, 0, 1);
  return s;
}

// --- dictionaries ------------------------------------------------------------------------------
// Tokens a mutation may splice in: op bytes with their selectors and register offsets, and the
// values a driver writes. libFuzzer/AFL++ dictionary syntax.
const tok = (b: number[]): string => `"${b.map((x) => `\\x${x.toString(16).padStart(2, "0")}`).join("")}"`;
function dict(device: string): string[] {
  const out: string[] = [];
  const reg = (name: string, sel: number, off: number, size: 1 | 2 | 4 = 4): void => {
    const code = size === 1 ? 0 : size === 2 ? 0x10 : 0x20;
    out.push(`w_${name}=${tok([code, sel | ((off >> 16) << 5), off & 0xff, (off >> 8) & 0xff])}`);
    out.push(`r_${name}=${tok([3 | code, sel | ((off >> 16) << 5), off & 0xff, (off >> 8) & 0xff])}`);
  };
  if (device === "e1000") {
    for (const [n, o] of Object.entries(E)) reg(n, 0, o);
    for (const v of [0x0b, 0x2b, 0x29, 0x0103f0fa, 0x0400801a, 0x1ff]) out.push(`v_${v.toString(16)}=${tok(le(v, 4))}`);
  } else if (device === "ide") {
    for (let o = 0; o < 8; o++) { reg(`pri${o}`, 0, o, 1); reg(`sec${o}`, 2, o, 1); }
    for (const o of [0, 2, 4]) reg(`bm${o}`, 4, o, o === 4 ? 4 : 1);
    for (const c of [0xec, 0xa1, 0xa0, 0x20, 0x24, 0x29, 0x30, 0x34, 0x39, 0xc4, 0xc5, 0xc6, 0xc8, 0x25, 0xca, 0x35, 0xe7, 0xea, 0xef, 0x91, 0xf8, 0x27, 0x08]) out.push(`cmd_${c.toString(16)}=${tok([c])}`);
    for (const c of [0x00, 0x03, 0x12, 0x1a, 0x1b, 0x1e, 0x25, 0x28, 0x2b, 0x43, 0x46, 0x4a, 0x51, 0x5a, 0xa8, 0xbd, 0xbe]) out.push(`cdb_${c.toString(16)}=${tok([c])}`);
  } else if (device === "vga") {
    for (let p = 0x3b0; p < 0x3e0; p++) reg(`p${p.toString(16)}`, 0, p - 0x3b0, 1);
    reg("dispi_idx", 1, 0, 2); reg("dispi_data", 1, 1, 2);
    for (let i = 0; i < 10; i++) reg(`bar2_dispi${i}`, 3, 0x500 + 2 * i, 2);
  } else if (device === "ps2") {
    for (const c of [0x20, 0x60, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xad, 0xae, 0xc0, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xfe, 0xff, 0xf0, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xed, 0xee, 0xe8, 0xe6, 0xe7, 0xea, 0xeb, 0xf0]) out.push(`c_${c.toString(16)}=${tok([c])}`);
    reg("data", 0, 0, 1); reg("cmd", 1, 0, 1);
  } else if (device === "uart") {
    for (let o = 0; o < 8; o++) reg(`r${o}`, 0, o, 1);
  } else if (device === "cmos") {
    reg("idx", 0, 0, 1); reg("data", 0, 1, 1); reg("idx2", 1, 0, 1); reg("data2", 1, 1, 1);
  } else if (device === "xenplatform") {
    reg("magic", 0, 0, 2); reg("unplug", 0, 0, 2); reg("build", 0, 0, 4); reg("flags", 0, 0, 1); reg("version", 0, 2, 1); reg("product", 0, 2, 2);
    reg("io_flags", 1, 0, 1); reg("io_suse", 1, 4, 1); reg("io_vmdp", 1, 8, 1);
    for (const v of [0x49d2, 0xd249, 1, 2, 3, 4, 7, 8, 0x0a]) out.push(`v_${v.toString(16)}=${tok(le(v, 2))}`);
  } else if (device === "pci") {
    for (const r of [0x04, 0x10, 0x3c, 0x4c, 0x59, 0x5f, 0x60, 0x63, 0x69, 0x72, 0xb0]) out.push(`cfg_${r.toString(16)}=${tok([0x05, 0, r])}`);
    reg("rcr", 0, 0, 1); reg("pm1a_cnt", 1, 0, 2); reg("pm1a_cnt_hi", 1, 1, 1); reg("gpe0_sts", 2, 0, 2); reg("gpe0_en", 2, 2, 2);
  }
  for (const e of [[0x09, 0x00], [0x09, 0x80], [0x0a, 0x00], [0x08, 0x40], [0x0b], [0x07]]) out.push(`op_${e.map((x) => x.toString(16)).join("_")}=${tok(e)}`);
  return out;
}

export const SEEDS: Record<string, () => Record<string, FuzzInput>> = { e1000: e1000Seeds, ide: ideSeeds, vga: vgaSeeds, ps2: ps2Seeds, uart: uartSeeds, cmos: cmosSeeds, pci: pciSeeds, xenplatform: xenplatformSeeds };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [device, make] of Object.entries(SEEDS)) {
    const dir = join(root, "fuzz", device, "corpus");
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(root, "fuzz", device, "regressions"), { recursive: true });
    const seeds = make();
    for (const [name, inp] of Object.entries(seeds)) writeFileSync(join(dir, `seed-${name}.bin`), inp.bytes());
    writeFileSync(join(root, "fuzz", device, `${device}.dict`), `# ${device}: tokens of the fuzz input format (docs/fuzz-format.md); written by fuzz/seeds.ts\n${dict(device).join("\n")}\n`);
    console.log(`${device}: ${Object.keys(seeds).length} seeds`);
  }
}
