// `npm run bench` (tsx bench/bench.ts [--quick]): one run, figures as ratios against the peer
// measured in the same run (no thresholds, nothing asserted):
//   - cost per ioreq of a register read and a register write (testdev's scratch port, the full path:
//     simulator → ioreq slot → runtime → range table → device → response) on V8 (host/node) and on
//     wasm2c (runtime/core, build/out/native/stubdom-bench);
//   - cost of a 4 KiB DMA command (testdev: window → guest RAM) on each;
//   - an IDE READ DMA of 8 sectors through the ide module (bus-master PRD table, in-memory disk,
//     completion event, IRQ; 14 port ioreqs) on each;
//   - an e1000 transmit of one 1514-byte frame (legacy descriptor written by the CPU, one TDT
//     MMIO write, descriptor and buffer DMA, the net backend, the status write-back) on each;
//   - the Internet checksum over 64 KiB (bench/hot/csum.ts) compiled through wasm2c versus the same
//     function written in C (bench/native/hotc.c), and on V8: what the sandbox costs.
//   - the VNC server (bench/vnc.ts): a full-screen 1024x768x32 update loop (frames/s, bytes) and an
//     idle screen (bytes sent, CPU).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildNative, compileWasm, compileOwn, linkProgram, NATIVE, GEN, POSIX } from "../build/native.ts";
import { createMachine, modulePath } from "../host/node/machine.ts";
import { memoryImage } from "../host/node/backends/block-file.ts";
import { bdfOf } from "../host/node/guest.ts";
import { vncFigures } from "./vnc.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const N = quick ? 50_000 : 300_000;
const NDMA = quick ? 5_000 : 30_000;
const NCSUM = quick ? 500 : 3_000;
const NIDE = quick ? 1_000 : 5_000;
const quiet = (): void => {};

function mtime(p: string): number {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}

/** Builds the hot-function module and the native bench program (incremental). */
function buildBench(): { bin: string; csumWasm: string } {
  const { runtimeObjects } = buildNative(quiet);
  const outDir = join(root, "build/out/bench");
  mkdirSync(outDir, { recursive: true });
  const csumWasm = join(outDir, "hotcsum.wasm");
  const src = join(root, "bench/hot/csum.ts");
  if (mtime(csumWasm) < Math.max(mtime(src), mtime(join(root, "bench/hot/asconfig.json")))) {
    execFileSync(process.execPath, [join(root, "node_modules/assemblyscript/bin/asc.js"), src, "--config", join(root, "bench/hot/asconfig.json"), "-o", csumWasm], { cwd: root, stdio: "inherit" });
  }
  const csumObj = compileWasm("hotcsum", csumWasm, quiet);
  const dir = join(root, "bench/native");
  const objs = [
    compileOwn(join(dir, "bench.c"), "bench_main", false, quiet, ["-I", GEN]),
    compileOwn(join(dir, "hotc.c"), "bench_hotc", false, quiet),
    compileOwn(join(POSIX, "sim.c"), "posix_sim", false, quiet),
    compileOwn(join(POSIX, "platform.c"), "posix_platform", false, quiet),
    csumObj,
    ...runtimeObjects,
  ];
  return { bin: linkProgram(join(NATIVE, "stubdom-bench"), objs, quiet), csumWasm };
}

function timeNs(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(i); // warm-up (JIT tiers)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

function v8Figures(csumWasm: string): { read: number; write: number; dma: number; csum: number; value: number; ide: number; tx: number } {
  const m = createMachine([{ name: "t", wasm: modulePath("testdev", { fixture: true }), config: "base=0x600,mmio=0xfe000000", irqs: [{ isa: 5 }] }]);
  const g = m.guest;
  let sink = 0;
  g.outl(0x608, 0x10000);
  g.outl(0x60c, 4096);
  // each figure is the better of two rounds, as in the native half
  let read = Infinity, write = Infinity, dma = Infinity;
  for (let round = 0; round < 2; round++) {
    read = Math.min(read, timeNs(N, () => { sink += g.inl(0x600); }));
    write = Math.min(write, timeNs(N, (i) => g.outl(0x600, i)));
    dma = Math.min(dma, timeNs(NDMA, () => g.outl(0x610, 2)));
  }
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(csumWasm)));
  const csumFn = inst.exports.csum as (p: number, l: number) => number;
  const mem = new Uint8Array((inst.exports.memory as WebAssembly.Memory).buffer);
  let x = 12345;
  for (let i = 0; i < 65536; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    mem[i] = (x >>> 16) & 0xff;
  }
  const csum = timeNs(NCSUM, () => { sink += csumFn(0, 65536); });
  if (sink === -1) console.log(sink);
  return { read, write, dma, csum, value: csumFn(0, 65536) >>> 0, ide: ideFigure(), tx: txFigure() };
}

/** The same IDE READ DMA sequence as bench/native/bench.c, on V8. */
function ideFigure(): number {
  if (!existsSync(modulePath("ide"))) return NaN;
  const img = new Uint8Array(8192 * 512);
  for (let i = 0; i < img.length; i++) img[i] = (i * 7 + (i >> 9)) & 0xff;
  const m = createMachine([{ name: "ide", config: "hda=disk,hdb=none,hdc=none,hdd=none", irqs: [{ isa: 14 }, { isa: 15 }], blk: [memoryImage(img)] }]);
  const g = m.guest;
  const IDE = bdfOf(0, 1, 1), BM = 0xc040;
  g.pciWrite(IDE, 0x40, 2, 0x8000); g.pciWrite(IDE, 0x42, 2, 0x8000); g.pciWrite(IDE, 0x20, 4, BM); g.pciWrite(IDE, 0x04, 2, 5);
  g.poke32(0x1000, 0x100000); g.poke32(0x1004, 0x80000000 | 4096);
  const op = (): void => {
    g.outb(BM, 0); g.outb(BM + 2, 6); g.outl(BM + 4, 0x1000); g.outb(BM, 8);
    g.outb(0x1f6, 0xe0); g.outb(0x1f1, 0); g.outb(0x1f2, 8); g.outb(0x1f3, 16); g.outb(0x1f4, 0); g.outb(0x1f5, 0); g.outb(0x1f7, 0xc8);
    g.outb(BM, 9); g.inb(BM + 2); g.inb(0x1f7);
  };
  op();
  if (Buffer.compare(Buffer.from(g.peek(0x100000, 4096)), Buffer.from(img.subarray(16 * 512, 24 * 512))) !== 0) throw new Error("V8: IDE READ DMA did not deliver the disk's sectors");
  return Math.min(timeNs(NIDE, op), timeNs(NIDE, op));
}

/** The same e1000 transmit as bench/native/bench.c, on V8. */
function txFigure(): number {
  if (!existsSync(modulePath("e1000"))) return NaN;
  let frames = 0;
  const net = { send: (): void => { frames++; } };
  const m = createMachine([{ name: "e1000", config: "bdf=00:03.0,mac=52:54:00:12:34:56", net }]);
  const g = m.guest;
  const NIC = bdfOf(0, 3), BAR = 0xfeb80000, RING = 0x2000, BUF = 0x3000, DESCS = 64;
  g.pciWrite(NIC, 0x10, 4, BAR); g.pciWrite(NIC, 0x04, 2, 0x0006);
  g.poke(BUF, Array.from({ length: 1514 }, (_, i) => i & 0xff));
  g.writel(BAR + 0x3800, RING); g.writel(BAR + 0x3804, 0); g.writel(BAR + 0x3808, DESCS * 16);
  g.writel(BAR + 0x3810, 0); g.writel(BAR + 0x3818, 0); g.writel(BAR + 0x0400, 0x02 | 0x08);
  let tail = 0;
  const op = (): void => {
    const d = RING + tail * 16;
    g.poke(d, [BUF & 0xff, BUF >> 8, 0, 0, 0, 0, 0, 0, 1514 & 0xff, 1514 >> 8, 0, 0x01 | 0x02 | 0x08, 0, 0, 0, 0]);
    tail = (tail + 1) % DESCS;
    g.writel(BAR + 0x3818, tail);
  };
  op();
  if (frames !== 1) throw new Error("V8: the e1000 did not transmit the frame");
  const ns = Math.min(timeNs(NIDE, op), timeNs(NIDE, op));
  if (frames !== 1 + 2 * (NIDE + Math.min(NIDE, 10_000))) throw new Error(`V8: ${frames} frames transmitted`);
  return ns;
}

interface NativeFigures { tx_ns: number; ide_ns: number; read_ns: number; write_ns: number; dma_ns: number; csum_wasm2c_ns: number; csum_c_ns: number; csum: number }

const { bin, csumWasm } = buildBench();
const v8 = v8Figures(csumWasm);
const nat = JSON.parse(execFileSync(bin, [String(N * 4), String(NDMA * 4), String(NCSUM * 4), String(NIDE * 4), String(NIDE * 4)], { encoding: "utf8" })) as NativeFigures;
if (nat.csum !== v8.value) throw new Error(`checksum differs: wasm2c ${nat.csum}, V8 ${v8.value}`);

const f = (ns: number): string => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`).padStart(10);
const r = (x: number): string => `${x.toFixed(2)}×`;
console.log(`wasm-stubdom bench — one run, ratios against the peer measured in the same run${quick ? " (--quick)" : ""}`);
console.log(`                                      V8 (host/node)   wasm2c (runtime/core)   wasm2c / V8`);
console.log(`register read, per ioreq (testdev)   ${f(v8.read)}      ${f(nat.read_ns)}             ${r(nat.read_ns / v8.read)}`);
console.log(`register write, per ioreq (testdev)  ${f(v8.write)}      ${f(nat.write_ns)}             ${r(nat.write_ns / v8.write)}`);
console.log(`4 KiB DMA command (testdev → RAM)    ${f(v8.dma)}      ${f(nat.dma_ns)}             ${r(nat.dma_ns / v8.dma)}`);
if (nat.ide_ns >= 0 && !Number.isNaN(v8.ide)) console.log(`IDE READ DMA, 8 sectors (14 ioreqs)    ${f(v8.ide)}      ${f(nat.ide_ns)}             ${r(nat.ide_ns / v8.ide)}`);
if (nat.tx_ns >= 0 && !Number.isNaN(v8.tx)) console.log(`e1000 TX, one 1514-byte frame          ${f(v8.tx)}      ${f(nat.tx_ns)}             ${r(nat.tx_ns / v8.tx)}`);
console.log(`hot function: Internet checksum of 64 KiB (bench/hot/csum.ts)`);
console.log(`  native C ${f(nat.csum_c_ns)}   wasm2c ${f(nat.csum_wasm2c_ns)} (${r(nat.csum_wasm2c_ns / nat.csum_c_ns)} of C)   V8 ${f(v8.csum)} (${r(v8.csum / nat.csum_c_ns)} of C)`);
for (const line of await vncFigures(quick)) console.log(line);
