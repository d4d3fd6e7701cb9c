// `stubdom demo`: every device of the default guest in the Node runtime, probed the way a BIOS or
// a driver first touches it (through Xen-format ioreqs from the simulated hypervisor), with what
// the guest sees printed one line per finding. Ends with a Bochs VBE mode, a test pattern drawn
// through the linear framebuffer and a screenshot of our VGA's display.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createMachine, type Machine } from "./node/machine.ts";
import { bdfOf, type Guest } from "./node/guest.ts";
import { ConsoleBackend } from "./node/backends/console.ts";
import { memoryImage } from "./node/backends/block-file.ts";
import { NetPeer } from "./node/backends/net-peer.ts";
import { SurfaceBackend } from "./display/surface-backend.ts";
import { installVgaRom } from "./display/vga-rom.ts";
import { screenshot } from "./display/screenshot.ts";
import { defaultDevices, DEFAULT_RAM } from "./sim/default-guest.ts";

export interface DemoIo { out(line: string): void }

const hex = (v: number, digits: number): string => (v >>> 0).toString(16).padStart(digits, "0");

/** Runs the demo; returns the exit code (0, or 1 when a device is missing or failed). */
export function demo(args: readonly string[], io: DemoIo = { out: (l) => process.stdout.write(l + "\n") }): number {
  let shot = "build/out/demo-screen.png";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--screenshot" && args[i + 1]) shot = args[++i]!;
    else { io.out(`stubdom demo: unknown option ${args[i]}\nusage: stubdom demo [--screenshot FILE.png]`); return 2; }
  }
  const serial = new ConsoleBackend();
  const display = new SurfaceBackend();
  const disk = memoryImage(diskWithLabel(8 << 20), { name: "demo-disk" });
  const cd = memoryImage(new Uint8Array(64 * 2048), { cdrom: true, name: "demo-cd" });
  const peer = new NetPeer();
  const { specs, missing } = defaultDevices({ serial, display, net: peer, ide: { units: [disk, undefined, cd], kinds: ["disk", "none", "cdrom", "none"] } });
  for (const m of missing) io.out(`missing device: ${m}`);
  const m = createMachine(specs.map((s) => ({ ...s })), { sim: { ramBytes: DEFAULT_RAM } });
  for (const l of m.logs) io.out(`[${l.device}] ${l.text}`);
  if (specs.some((s) => s.name === "vga")) { display.attach(m, "vga"); installVgaRom(m.rt, "vga", undefined); }
  const g = m.guest;

  io.out("PCI bus 0, as a BIOS enumerates it (0xCF8/0xCFC):");
  for (let dev = 0; dev < 32; dev++) {
    for (let fn = 0; fn < 8; fn++) {
      const bdf = bdfOf(0, dev, fn);
      const id = g.pciRead(bdf, 0, 4);
      if (id === 0xffffffff) { if (fn === 0) break; continue; }
      const cls = g.pciRead(bdf, 8, 4) >>> 8;
      io.out(`  00:${hex(dev, 2)}.${fn}  ${hex(id & 0xffff, 4)}:${hex(id >>> 16, 4)}  class ${hex(cls, 6)}  ${className(cls)}`);
      if (fn === 0 && (g.pciRead(bdf, 0x0e, 1) & 0x80) === 0) break;
    }
  }

  step(io, "CMOS", () => {
    g.outb(0x70, 0x34); const lo = g.inb(0x71);
    g.outb(0x70, 0x35); const hi = g.inb(0x71);
    return `memory above 16 MiB: ${((hi << 8) | lo) * 64} KiB (index 0x34/0x35)`;
  });
  step(io, "UART 0x3F8", () => {
    g.outb(0x3ff, 0x5a);
    const scratch = g.inb(0x3ff);
    g.outb(0x3fb, 0x03);
    for (const c of "hello from the guest\r\n") g.outb(0x3f8, c.charCodeAt(0));
    return `scratch reads back 0x${hex(scratch, 2)}, LSR 0x${hex(g.inb(0x3fd), 2)}; console got ${JSON.stringify(serial.text())}`;
  });
  step(io, "i8042", () => {
    g.outb(0x64, 0xaa);
    const self = g.inb(0x60);
    g.outb(0x60, 0xff);
    g.wait(10_000_000);
    const reply: number[] = [];
    for (let i = 0; i < 4 && (g.inb(0x64) & 1); i++) reply.push(g.inb(0x60));
    return `controller self test 0x${hex(self, 2)}; keyboard reset answers ${reply.map((b) => hex(b, 2)).join(" ")}`;
  });
  step(io, "IDE 00:01.1", () => identify(m));
  step(io, "e1000 00:03.0", () => {
    const bdf = bdfOf(0, 3);
    g.pciWrite(bdf, 0x10, 4, 0xfeb80000);
    g.pciWrite(bdf, 0x04, 2, 0x0007);
    const ral = g.readl(0xfeb80000 + 0x5400), rah = g.readl(0xfeb80000 + 0x5404);
    const mac = [ral, ral >>> 8, ral >>> 16, ral >>> 24, rah, rah >>> 8].map((b) => hex(b & 0xff, 2)).join(":");
    const status = g.readl(0xfeb80000 + 0x8);
    return `MAC ${mac} (RAL0/RAH0), STATUS 0x${hex(status, 8)} (link ${status & 2 ? "up" : "down"})`;
  });
  step(io, "VGA 00:02.0", () => vbe(m, display, shot));
  const failed = m.rt.failures;
  for (const f of failed) io.out(`device failed: ${JSON.stringify(f)}`);
  return missing.length > 0 || failed.length > 0 ? 1 : 0;
}

function step(io: DemoIo, name: string, f: () => string): void {
  try { io.out(`${name}: ${f()}`); } catch (e) { io.out(`${name}: FAILED: ${(e as Error).message}`); }
}

function className(cls: number): string {
  switch (cls >>> 8) {
    case 0x0600: return "host bridge";
    case 0x0601: return "ISA bridge";
    case 0x0101: return "IDE controller";
    case 0x0300: return "VGA controller";
    case 0x0200: return "Ethernet controller";
    case 0x0680: return "bridge (other)";
    default: return "";
  }
}

/** ATA IDENTIFY DEVICE on the primary master and ATAPI IDENTIFY PACKET on the secondary master. */
function identify(m: Machine): string {
  const g = m.guest;
  const ide = bdfOf(0, 1, 1);
  g.pciWrite(ide, 0x40, 2, 0x8000);
  g.pciWrite(ide, 0x42, 2, 0x8000);
  g.pciWrite(ide, 0x04, 2, 0x0005);
  const read = (base: number, ctl: number, cmd: number): number[] | string => {
    g.outb(base + 6, 0xa0);
    g.outb(base + 7, cmd);
    let st = 0x80;
    for (let i = 0; i < 1000 && st & 0x80; i++) { g.wait(10_000); st = g.inb(ctl); }
    if (!(st & 0x08)) return `status 0x${hex(st, 2)}`;
    const w: number[] = [];
    for (let i = 0; i < 256; i++) w.push(g.inw(base));
    return w;
  };
  const text = (w: number[], from: number, to: number): string => w.slice(from, to).map((x) => String.fromCharCode(x >> 8, x & 0xff)).join("").trim();
  const a = read(0x1f0, 0x3f6, 0xec);
  const c = read(0x170, 0x376, 0xa1);
  const disk = typeof a === "string" ? a : `"${text(a, 27, 47)}" ${(a[60]! | (a[61]! << 16)) >>> 0} sectors`;
  const cd = typeof c === "string" ? c : `"${text(c, 27, 47)}" (ATAPI, type ${(c[0]! >> 8) & 0x1f})`;
  return `hda ${disk}; hdc ${cd}`;
}

/** Bochs VBE: 320x240x32 through the DISPI ports, a gradient through the LFB, a screenshot. */
function vbe(m: Machine, display: SurfaceBackend, shot: string): string {
  const g = m.guest;
  const vga = bdfOf(0, 2);
  const lfb = 0xe0000000;
  g.pciWrite(vga, 0x10, 4, lfb);
  g.pciWrite(vga, 0x04, 2, 0x0003);
  const dispi = (i: number, v?: number): number => { g.outw(0x1ce, i); if (v === undefined) return g.inw(0x1cf); g.outw(0x1cf, v); return v; };
  const id = dispi(0);
  const [w, h] = [320, 240];
  dispi(4, 0); dispi(1, w); dispi(2, h); dispi(3, 32); dispi(4, 0x41); // enable | LFB
  g.outb(0x3c2, 0x01); g.inb(0x3da); g.outb(0x3c0, 0x20); // unblank: attribute controller palette access off (as Linux's bochs driver)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g.writel(lfb + (y * w + x) * 4, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 0x60);
  display.refresh();
  mkdirSync(dirname(shot), { recursive: true });
  screenshot(display, shot);
  const s = display.surface;
  return `DISPI id 0x${hex(id, 4)}; mode ${s?.width}x${s?.height} set, test pattern drawn, screenshot ${shot}`;
}

/** A blank disk with a recognisable first sector. */
function diskWithLabel(bytes: number): Uint8Array {
  const d = new Uint8Array(bytes);
  d.set(Buffer.from("wasm-stubdom demo disk"), 0);
  d[510] = 0x55; d[511] = 0xaa;
  return d;
}
