// The seeded random workout of a device module (test/native/replay.test.ts, snapshot.test.ts):
// BARs programmed as firmware does, then register, config-space, string-I/O, time and backend-event
// operations picked by a PRNG, recorded as a trace.
import { createTracedMachine, type TracedMachine } from "../../host/node/trace.ts";
import { EVENT } from "../../host/node/abi.ts";
import { prng } from "../../fuzz/lib/prng.ts";

/** Current claims, read back from the trace's own map/unmap records. */
function claims(m: TracedMachine): Array<{ space: string; start: number; end: number }> {
  const live: Array<{ space: string; start: number; end: number }> = [];
  for (const l of m.trace.lines) {
    const x = /^(map|unmap) (port|mmio) (0x[0-9a-f]+) (0x[0-9a-f]+)$/.exec(l);
    if (!x) continue;
    const s = { space: x[2]!, start: Number(x[3]), end: Number(x[4]) };
    if (x[1] === "map") live.push(s);
    else { const i = live.findIndex((r) => r.space === s.space && r.start === s.start && r.end === s.end); if (i >= 0) live.splice(i, 1); }
  }
  return live;
}

/** Sizes and enables every BAR of a function the way firmware does. */
function programBars(m: TracedMachine, bdf: number, next: { io: number; mem: number }): void {
  const g = m.guest;
  for (let bar = 0; bar < 6; bar++) {
    const reg = 0x10 + 4 * bar;
    const old = g.pciRead(bdf, reg, 4);
    g.pciWrite(bdf, reg, 4, 0xffffffff);
    const mask = g.pciRead(bdf, reg, 4);
    if (mask === 0 || mask === 0xffffffff) { g.pciWrite(bdf, reg, 4, old); continue; }
    if (mask & 1) {
      const size = ((~(mask & 0xfffffffc) >>> 0) & 0xffff) + 1;
      next.io = Math.ceil(next.io / size) * size;
      g.pciWrite(bdf, reg, 4, next.io);
      next.io += size;
    } else {
      const size = (~(mask & 0xfffffff0) >>> 0) + 1;
      next.mem = Math.ceil(next.mem / size) * size;
      g.pciWrite(bdf, reg, 4, next.mem);
      next.mem += size;
      if ((mask & 6) === 4) { g.pciWrite(bdf, reg + 4, 4, 0); bar++; }
    }
  }
  g.pciWrite(bdf, 0x04, 2, 0x0007);
}

/** 1500 seeded random operations on device `name`; `at.step` runs between operations `at.n - 1`
 *  and `at.n` (the snapshot step of test/native/snapshot.test.ts). Returns the finished trace. */
export function workout(name: string, seed: number, at?: { n: number; step: (m: TracedMachine) => void }): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const RAM = 4 << 20;
  const m = createTracedMachine(
    [{ name, module: name, irqs: [{ isa: 5 }, { isa: 9 }, { isa: 10 }, { isa: 11 }], chr: { write() {} }, net: { send() {} }, display: { setSurface() {}, damage() {} } }],
    { sim: { ramBytes: RAM } },
  );
  const g = m.guest;
  const bdfs = [...new Set(m.trace.lines.filter((l) => l.startsWith("map pci ")).map((l) => Number(l.split(" ")[2])))];
  const next = { io: 0xc000, mem: 0xe0000000 };
  for (const bdf of bdfs) programBars(m, bdf, next);
  // guest RAM with something in it for DMA to find
  g.poke(0x1000, Array.from({ length: 4096 }, (_, i) => (i * 13 + 7) & 0xff));
  const values = [0, 1, 2, 3, 0x80, 0xff, 0xffff, 0xffffffff, 0x1000, 0x10000];
  let ranges = claims(m);
  for (let n = 0; n < 1500; n++) {
    if (at && n === at.n) at.step(m);
    if (n % 50 === 0) ranges = claims(m);
    const r = rnd();
    if (r < 0.7 && ranges.length) {
      const rg = pick(ranges);
      const size = rg.space === "mmio" ? pick([1, 2, 4, 4, 4, 8] as const) : pick([1, 1, 2, 4] as const);
      const span = rg.end - rg.start + 1;
      let addr = rg.start + Math.floor(rnd() * Math.min(span, 0x1000));
      if (rg.space === "mmio") addr -= addr % size;
      const val = rnd() < 0.5 ? pick(values) : Math.floor(rnd() * 0x100000000);
      const write = rnd() < 0.45;
      if (rg.space === "port") {
        if (size === 8) continue;
        if (write) g.sim.pio(0, addr, size, 0, size === 4 ? val >>> 0 : val & (size === 2 ? 0xffff : 0xff));
        else g.sim.pio(0, addr, size, 1);
      } else {
        if (write) m.sim.mmio64(0, addr, size, 0, size === 4 || size === 8 ? val >>> 0 : val & (size === 2 ? 0xffff : 0xff), size === 8 ? pick(values) >>> 0 : 0);
        else m.sim.mmio64(0, addr, size, 1, 0, 0);
      }
    } else if (r < 0.8 && bdfs.length) {
      const bdf = pick(bdfs);
      const size = pick([1, 2, 4] as const);
      const reg = Math.floor(rnd() * 0x100) & ~(size - 1);
      if (rnd() < 0.3 && !(reg >= 0x10 && reg < 0x28) && reg !== 0x30 && reg > 0x07) g.pciWrite(bdf, reg, size, Math.floor(rnd() * 0x100000000) >>> (32 - 8 * size));
      else g.pciRead(bdf, reg, size);
    } else if (r < 0.87) {
      g.wait(pick([1, 100, 1000, 10_000, 1_000_000, 20_000_000]));
    } else if (r < 0.93 && ranges.length) {
      const rg = pick(ranges.filter((x) => x.space === "port").length ? ranges.filter((x) => x.space === "port") : ranges);
      const size = pick([1, 2, 4] as const);
      const gpa = 0x1000 + Math.floor(rnd() * 0x3000);
      const count = 1 + Math.floor(rnd() * 16);
      const df = rnd() < 0.2;
      if (rg.space === "port") (rnd() < 0.5 ? g.repOuts : g.repIns).call(g, rg.start + Math.floor(rnd() * (rg.end - rg.start + 1)), size, gpa, count, df);
      else (rnd() < 0.5 ? g.movsToMmio : g.movsFromMmio).call(g, rg.start, size, gpa, count, df);
    } else {
      const k = pick(["chr", "key", "mouse", "net", "link", "refresh"] as const);
      const bytes = (len: number): Uint8Array => Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      if (k === "chr") m.trace.event(m.rt, name, EVENT.CHR_RX, bytes(1 + Math.floor(rnd() * 8)));
      else if (k === "key") m.trace.event(m.rt, name, EVENT.KEY, null, pick([1, 28, 30, 42, 57, 103]), rnd() < 0.5 ? 1 : 0);
      else if (k === "mouse") m.trace.event(m.rt, name, EVENT.MOUSE, null, (Math.floor(rnd() * 20) - 10) & 0xffff, pick([0, 1, 2, 4]));
      else if (k === "net") m.trace.event(m.rt, name, EVENT.NET_RX, bytes(60 + Math.floor(rnd() * 100)));
      else if (k === "link") m.trace.event(m.rt, name, EVENT.NET_LINK, null, rnd() < 0.5 ? 1 : 0);
      else m.trace.event(m.rt, name, EVENT.DISPLAY_REFRESH, null, 0);
    }
  }
  return m.finish();
}

