// The register storm (issue 17, finding 5, as a class): every device module, driven the way a
// hostile guest can, must not allocate. Devices run on AssemblyScript's stub runtime (a bump
// allocator that never frees; the heap is sealed after dev_init: stubdom/lib/heap.ts), so one
// allocating guest-reachable path either traps the device (sealed heap) or grows its memory for
// ever (no seal). For each device, one machine: its PCI functions' BARs are sized and
// programmed and decoding/bus mastering turned on (as a BIOS does), then 200 000 random accesses
// hit the port and MMIO ranges it claims (random offset, size 1/2/4, value, read or write) and,
// for a PCI device, 200 000 more hit the config space of every function it registers — which
// moves and disables its BARs, so they are re-programmed every 2 000 accesses. Between bursts,
// virtual time passes (timers fire) and the device's backends do what they naturally do (typed
// bytes, keys and mouse moves, received frames and link changes, media changes, display frames).
// Platform requests (0xCF9, i8042 pulse, ACPI S5) are absorbed: a reset request resets the
// devices after the access returns, as a reboot would. Asserts: no device failed (no trap, from
// an allocation or anything else), no "allocation after dev_init" line, and the module's memory
// is exactly its post-init size (the heap is sealed: nothing may grow it).
// STORM_MODULES=<dir> runs the storm against the modules in another build directory (used to show
// that the test fails on code before the fix).
import { strict as assert } from "node:assert";
import { join, dirname } from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createMachine, modulePath, type Machine } from "../../host/node/machine.ts";
import { EVENT } from "../../host/node/abi.ts";
import { ConsoleBackend } from "../../host/node/backends/console.ts";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import type { DeviceSpec } from "../../host/node/runtime.ts";
import type { NetBackend } from "../../host/node/backends.ts";
import { SurfaceBackend } from "../../host/display/surface-backend.ts";
import { installVgaRom } from "../../host/display/vga-rom.ts";
import { units, patternDisk, enableController } from "./ide-helpers.ts";

const ACCESSES = 200_000;
const BURST = 2_000;           // accesses between re-programming, time passing and backend events
const SPAN_LIMIT = 1 << 17;    // offsets stormed in a large MMIO range (VRAM): its first 128 KiB
const MEM_POOL = 0xe000_0000;  // where BARs are placed (below the 4 GiB boundary, above guest RAM)
const IO_POOL = 0xc000;
const RAM_SPAN = 1 << 20;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function wasmOf(name: string): string {
  const dir = process.env.STORM_MODULES;
  return dir ? join(dir, `${name}.wasm`) : modulePath(name);
}

interface Rig {
  m: Machine;
  device: string;
  /** Backend activity between bursts (random bytes, events). */
  feed: (rnd: () => number) => void;
  /** Device-specific enabling beyond BARs and the command register (IDE's IDETIM decode bits). */
  enable?: (m: Machine, rnd: () => number) => void;
  /** What the device did with its backends (shown with STORM_VERBOSE). */
  stats?: () => string;
}

type Log = (d: string, l: number, t: string) => void;

interface Sink { lines: number; firstLines: string[]; allocationTraps: string[] }

function sink(): { s: Sink; log: Log } {
  const s: Sink = { lines: 0, firstLines: [], allocationTraps: [] };
  return {
    s,
    log: (d, _l, t) => {
      s.lines++;
      if (s.firstLines.length < 20) s.firstLines.push(`[${d}] ${t}`);
      if (/allocation after dev_init/.test(t) && s.allocationTraps.length < 5) s.allocationTraps.push(`[${d}] ${t}`);
    },
  };
}

function machine(device: string, spec: Omit<DeviceSpec, "wasm" | "name">, log: Log): Machine {
  return createMachine([{ name: device, ...spec, wasm: wasmOf(device) }], { runtime: { log } });
}

const randomBytes = (rnd: () => number, n: number): Uint8Array => Uint8Array.from({ length: n }, () => rnd() & 0xff);

// --- the rigs, one per device ---------------------------------------------------------------

function rigFor(device: string, log: Log): Rig {
  switch (device) {
    case "pci": {
      const m = machine("pci", { config: "" }, log);
      return { m, device, feed: () => {} };
    }
    case "uart": {
      const con = new ConsoleBackend();
      const m = machine("uart", { config: "base=0x3f8", irqs: [{ isa: 4 }], chr: con }, log);
      return { m, device, feed: (rnd) => con.type(randomBytes(rnd, 1 + (rnd() % 64))) };
    }
    case "cmos": {
      const m = machine("cmos", { config: "", irqs: [{ isa: 8 }] }, log);
      return { m, device, feed: () => {} };
    }
    case "ps2": {
      const m = machine("ps2", { config: "", irqs: [{ isa: 1 }, { isa: 12 }] }, log);
      const dev = m.rt.device("ps2");
      return {
        m, device, feed: (rnd) => {
          for (let i = 0; i < 8; i++) m.rt.deliverEvent(dev, EVENT.KEY, null, rnd() % 300, rnd() & 1);
          for (let i = 0; i < 8; i++) m.rt.deliverEvent(dev, EVENT.MOUSE, null, rnd() | 0, rnd() & 0xffff);
        },
      };
    }
    case "ide": {
      const disk = memoryImage(patternDisk(256));
      const cd = memoryImage(patternDisk(16, 2048), { cdrom: true });
      const m = machine("ide", { config: "hda=disk,hdc=cdrom", irqs: [{ isa: 14 }, { isa: 15 }], blk: units([[0, disk], [2, cd]]) }, log);
      disk.attachClock(m.sim.clock, 20_000);
      cd.attachClock(m.sim.clock, 20_000);
      const cdBytes = patternDisk(16, 2048);
      return {
        m, device, enable: (mm) => enableController(mm), stats: () => `${disk.stats.sectorsRead} sectors read, ${disk.stats.sectorsWritten} written`, feed: (rnd) => {
          if ((rnd() & 15) !== 0) return;
          if (cd.present) cd.eject(); else cd.insert(cdBytes);
        },
      };
    }
    case "e1000": {
      const net: NetBackend & { sent: number } = { sent: 0, send() { this.sent++; } };
      const m = machine("e1000", { config: "mac=52:54:00:12:34:56", net }, log);
      const dev = m.rt.device("e1000");
      return {
        m, device, stats: () => `${net.sent} frames sent`, enable: e1000Rings, feed: (rnd) => {
          for (let i = 0; i < 4; i++) { const f = randomBytes(rnd, 1 + (rnd() % 1600)); m.rt.deliverEvent(dev, EVENT.NET_RX, f, f.length); }
          if ((rnd() & 7) === 0) m.rt.deliverEvent(dev, EVENT.NET_LINK, null, rnd() & 1, 0);
        },
      };
    }
    case "vga": {
      const d = new SurfaceBackend();
      const m = machine("vga", { config: "vram_mb=1", display: d }, log);
      d.attach(m, "vga");
      installVgaRom(m.rt, "vga", "vram_mb=1");
      return { m, device, feed: () => { d.refresh(); } };
    }
    case "xenplatform": {
      // With an IDE disk + CD and an e1000 beside it: the storm's writes to 0x10 unplug them
      // (EVENT_UNPLUG through the runtime), and none of the three may trap.
      const disk = memoryImage(patternDisk(64));
      const cd = memoryImage(patternDisk(16, 2048), { cdrom: true });
      const m = createMachine([
        { name: device, config: "bdf=00:02.0", wasm: wasmOf(device) },
        { name: "ide", config: "hda=disk,hdc=cdrom", irqs: [{ isa: 14 }, { isa: 15 }], blk: units([[0, disk], [2, cd]]), wasm: wasmOf("ide") },
        { name: "e1000", config: "bdf=00:03.0", net: { send() {} }, wasm: wasmOf("e1000") },
      ], { runtime: { log } });
      const gone = (): boolean => m.rt.device("e1000").exports.pci_cfg_read!(3 << 3, 0, 4) === -1;
      return { m, device, feed: () => {}, stats: () => `e1000 unplugged: ${gone()}` };
    }
    default: throw new Error(`no rig for ${device}`);
  }
}

// What a driver does on top: both descriptor rings in guest RAM (random descriptors), both units
// on, random tail pointers, so the DMA engines run on whatever the storm left in the registers.
function e1000Rings(m: Machine, rnd: () => number): void {
  const g = m.guest;
  const bar0 = (g.pciRead(bdfOfE1000, 0x10, 4) & ~0xf) >>> 0;
  const w = (reg: number, v: number): void => g.writel(bar0 + reg, v);
  // 256 TX descriptors of random kind (legacy, context, data: DEXT/DTYP) and flags, whose buffers
  // lie in RAM; RX descriptors whose buffers do too.
  const desc = new DataView(new ArrayBuffer(4096));
  for (let i = 0; i < 256; i++) {
    desc.setUint32(i * 16, 0x20000 + (rnd() % 0x60000), true); desc.setUint32(i * 16 + 4, 0, true);
    desc.setUint32(i * 16 + 8, rnd(), true); desc.setUint32(i * 16 + 12, rnd(), true);
  }
  g.poke(0x1000, new Uint8Array(desc.buffer));
  for (let i = 0; i < 256; i++) { desc.setUint32(i * 16, 0x80000 + (rnd() % 0x60000), true); desc.setUint32(i * 16 + 4, 0, true); desc.setUint32(i * 16 + 8, 0, true); desc.setUint32(i * 16 + 12, 0, true); }
  g.poke(0x8000, new Uint8Array(desc.buffer));
  w(0x0400, 0x0000_000a | (rnd() & 0x00ff_fff0)); // TCTL.EN|PSP, random CT/COLD
  w(0x0100, 0x0000_801e | (rnd() & 0x0003_0000)); // RCTL.EN|SBP|UPE|MPE, BAM, random buffer size
  w(0x3800, 0x1000); w(0x3804, 0); w(0x3808, 4096); w(0x3810, 0); w(0x3818, rnd() % 256); // TDBA, TDLEN, TDH, TDT
  w(0x2800, 0x8000); w(0x2804, 0); w(0x2808, 4096); w(0x2810, 0); w(0x2818, rnd() % 256); // RDBA, RDLEN, RDH, RDT
}
const bdfOfE1000 = 3 << 3;

// --- what a BIOS does: size every BAR, place it, turn decoding and bus mastering on ------------

function programBars(m: Machine, bdf: number): void {
  const g = m.guest;
  const slot = (bdf >> 3) & 0x1f;
  let mem = MEM_POOL + slot * 0x0080_0000, io = IO_POOL + slot * 0x100;
  const place = (at: number, size: number): number => Math.ceil(at / size) * size;
  for (let bar = 0; bar < 6; bar++) {
    const reg = 0x10 + bar * 4;
    g.pciWrite(bdf, reg, 4, 0xffffffff);
    const v = g.pciRead(bdf, reg, 4) >>> 0;
    if (v === 0 || v === 0xffffffff) continue;
    if (v & 1) {
      const size = ((~(v & ~3) >>> 0) & 0xffff) + 1;
      io = place(io, size); g.pciWrite(bdf, reg, 4, io); io += size;
    } else {
      const size = (~(v & ~0xf) >>> 0) + 1;
      mem = place(mem, size); g.pciWrite(bdf, reg, 4, mem); mem += size;
      if (((v >> 1) & 3) === 2) g.pciWrite(bdf, reg + 4, 4, 0), bar++; // 64-bit BAR: high half
    }
  }
  g.pciWrite(bdf, 0x30, 4, 0xfffff800);
  const rom = g.pciRead(bdf, 0x30, 4) >>> 0;
  if (rom !== 0 && rom !== 0xffffffff) {
    const size = (~(rom & ~0x7ff) >>> 0) + 1;
    mem = place(mem, size); g.pciWrite(bdf, 0x30, 4, mem | 1);
  }
  g.pciWrite(bdf, 0x04, 2, 0x0007); // I/O, memory, bus master
}

function enableAll(rig: Rig, rnd: () => number): void {
  for (const bdf of rig.m.rt.device(rig.device).bdfs) programBars(rig.m, bdf);
  rig.enable?.(rig.m, rnd);
}

// --- the storm -------------------------------------------------------------------------------

interface StormResult { memBefore: number; memAfter: number; regAccesses: number; cfgAccesses: number; resets: number; poweroffs: number; spaces: string[] }

function storm(rig: Rig, seed: number): StormResult {
  const { m, device } = rig;
  const g = m.guest;
  const dev = m.rt.device(device);
  const rnd = rng(seed);
  let resetPending = false, resets = 0, poweroffs = 0;
  m.sim.onShutdown = (reason) => { if (reason === "reboot") resetPending = true; else poweroffs++; };
  const absorb = (): void => {
    m.sim.shutdowns.length = 0;
    if (!resetPending) return;
    resetPending = false; resets++;
    m.rt.resetAll(); // what a reboot does to the device model
  };
  const memSize = (): number => dev.exports.memory.buffer.byteLength;
  const memBefore = memSize();
  // Guest RAM's first MiB holds random bytes (descriptor rings, PRD tables, buffers), and a quarter
  // of the written values point into it, so DMA engines started by the storm find work there.
  g.poke(0, randomBytes(rnd, RAM_SPAN));
  const value = (): number => ((rnd() & 3) === 0 ? rnd() % RAM_SPAN : rnd());
  enableAll(rig, rnd);
  const spaces = new Set<string>();
  let regAccesses = 0, cfgAccesses = 0;
  const size = (): 1 | 2 | 4 => ([1, 2, 4] as const)[rnd() % 3]!;
  const access = (space: number, addr: number, sz: 1 | 2 | 4, write: boolean, v: number): void => {
    if (space === 0) {
      if (write) { if (sz === 1) g.outb(addr, v); else if (sz === 2) g.outw(addr, v); else g.outl(addr, v); }
      else if (sz === 1) g.inb(addr); else if (sz === 2) g.inw(addr); else g.inl(addr);
    } else if (write) { if (sz === 1) g.writeb(addr, v); else if (sz === 2) g.writew(addr, v); else g.writel(addr, v); }
    else if (sz === 1) g.readb(addr); else if (sz === 2) g.readw(addr); else g.readl(addr);
  };
  const bdfs = [...dev.bdfs];
  for (let done = 0; done < ACCESSES; done += BURST) {
    // registers: the ranges the device claims right now
    const ranges = m.rt.ranges.ownedBy(dev);
    for (const r of ranges) spaces.add(`${r.space === 0 ? "port" : "mmio"} 0x${r.base.toString(16)}+0x${r.len.toString(16)}`);
    for (let i = 0; i < BURST && ranges.length; i++) {
      const r = ranges[rnd() % ranges.length]!;
      const off = rnd() % Math.min(r.len, SPAN_LIMIT);
      access(r.space, r.base + off, size(), (rnd() & 1) === 1, value());
      regAccesses++;
      absorb();
    }
    // config space of every function the device registered (moves and disables its BARs)
    for (let i = 0; i < BURST && bdfs.length; i++) {
      const bdf = bdfs[rnd() % bdfs.length]!;
      const reg = rnd() & 0xff, sz = size();
      if (rnd() & 1) g.pciWrite(bdf, reg, sz, value()); else g.pciRead(bdf, reg, sz);
      cfgAccesses++;
      absorb();
    }
    // time passes, backends act, now and then the machine reboots (a reset from elsewhere: every
    // device's dev_reset), and the BIOS-like set-up is redone
    g.wait(rnd() % 5_000_000);
    rig.feed(rnd);
    m.rt.runDeferred();
    absorb();
    if ((rnd() & 7) === 0) m.rt.resetAll();
    if (dev.failed) break;
    enableAll(rig, rnd);
    absorb();
  }
  return { memBefore, memAfter: memSize(), regAccesses, cfgAccesses, resets, poweroffs, spaces: [...spaces].slice(0, 12) };
}

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const DEVICES = ["pci", "uart", "cmos", "ps2", "ide", "e1000", "vga", "xenplatform"];
const PCI_DEVICES = ["pci", "ide", "e1000", "vga", "xenplatform"];

describe("register storm: no device allocates on a guest-reachable path (issue 17, finding 5)", function () {
  this.timeout(120_000);

  it("covers every device module, and every one seals its heap at the end of dev_init", () => {
    const built = [...readdirSync(join(root, "stubdom/devices")), "vga"].sort();
    assert.deepEqual([...DEVICES].sort(), built, "a new device needs a rig in this storm");
    for (const d of DEVICES) {
      // The debug build keeps function names: sealHeap is compiled only when something calls it.
      const names = readFileSync(modulePath(d, { debug: true })).toString("latin1");
      assert.ok(names.includes("stubdom/lib/heap/sealHeap"), `${d}: dev_init must call sealHeap() (stubdom/lib/heap.ts)`);
      assert.ok(names.includes("stubdom/lib/heap/sealedNew"), `${d}: allocations must go through the sealed heap (asconfig.json "use")`);
    }
  });

  DEVICES.forEach((device, n) => {
    const cfg = PCI_DEVICES.includes(device) ? ` and ${ACCESSES} config-space ones` : "";
    it(`${device}: ${ACCESSES} random register accesses${cfg}, timers and backend events: no trap, memory stays at its post-init size`, () => {
      const { s, log } = sink();
      const rig = rigFor(device, log);
      const t = performance.now();
      const r = storm(rig, 0x5eed + n * 7919);
      const ms = performance.now() - t;
      const dev = rig.m.rt.device(device);
      const what = `${device}${rig.stats ? ` (${rig.stats()})` : ""} after ${r.regAccesses} register and ${r.cfgAccesses} config accesses, ${r.resets} resets, ${r.poweroffs} power-offs absorbed (${ms.toFixed(0)} ms); spaces: ${r.spaces.join(", ")}`;
      if (process.env.STORM_VERBOSE) console.log(`      ${what}`);
      assert.deepEqual(rig.m.rt.failures, [], `${what}: no device may fail; first log lines:\n${s.firstLines.join("\n")}`);
      assert.equal(dev.failed, null);
      assert.deepEqual(s.allocationTraps, [], `${what}: allocation after dev_init`);
      assert.equal(r.memAfter, r.memBefore, `${what}: module memory grew from ${r.memBefore} to ${r.memAfter} bytes`);
      assert.ok(r.regAccesses >= ACCESSES, `${what}: the storm reached the device's registers`);
      if (dev.bdfs.length) {
        assert.ok(r.cfgAccesses >= ACCESSES, `${what}: config space stormed`);
        assert.ok(r.spaces.some((x) => x.startsWith(device === "ide" || device === "xenplatform" ? "port 0xc" : "mmio") || device === "pci"), `${what}: BARs were enabled and stormed`);
      }
    });
  });
});
