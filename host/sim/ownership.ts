// What v86 still owns after the takeover, listed so a test can check it (issue 7): every I/O
// port whose handler is one of v86's objects, every 128 KiB MMIO block whose handler is v86's
// (other than unassigned space and the BIOS alias), and whether v86's hard-wired SVGA
// framebuffer still answers at 0xE0000000. Plus the ports and ranges that must be ours: every
// range a stub-domain device claimed, the PCI configuration ports, and the legacy ports of the
// devices we replace (PS/2, COM1, both IDE channels, VGA and Bochs VBE) whether claimed or not.
import type { SimMachine } from "./machine.ts";
import { ownerNames, portOwner, hypervisorPort, CPU_GLUE, ABSENT, FORWARDED, SPLIT, DEBUG_PORT } from "./v86-owners.ts";
import { BLOCK_SHIFT, BIOS_ALIAS } from "./mmio-takeover.ts";
import { SPACE_PORT, SPACE_MMIO } from "../node/ranges.ts";

const OUR_MARKERS = new Set<string>([ABSENT.name, FORWARDED.name, SPLIT.name, DEBUG_PORT.name]);

/** Legacy ports of the devices we replace, ours whether or not a module claimed them. */
export function legacyDevicePorts(): number[] {
  const out: number[] = [];
  const span = (a: number, b: number): void => { for (let p = a; p <= b; p++) out.push(p); };
  span(0x60, 0x60); span(0x64, 0x64); // i8042
  span(0x3f8, 0x3ff); // COM1
  span(0x1f0, 0x1f7); span(0x3f6, 0x3f6); span(0x170, 0x177); span(0x376, 0x376); // IDE
  span(0x3b0, 0x3df); span(0x1ce, 0x1cf); // VGA, Bochs VBE (DISPI)
  span(0xcf8, 0xcff); // PCI configuration mechanism #1
  span(0x3f0, 0x3f5); span(0x3f7, 0x3f7); span(0x378, 0x37a); span(0x220, 0x22f); // floppy, LPT1, SB16
  return out;
}

export interface Ownership {
  /** Ports v86 answers itself, with the owning v86 object's name. */
  v86Ports: Array<{ port: number; owner: string }>;
  /** Ports that must not be v86's (claimed by our devices, or legacy ports of replaced devices). */
  ourPorts: number[];
  /** 128 KiB blocks (base addresses) whose handler is v86's own, not unassigned space or BIOS alias. */
  v86Blocks: number[];
  /** Base addresses of blocks overlapping our claimed MMIO ranges / VRAM that do not route to us. */
  unroutedBlocks: number[];
  /** True if v86's own SVGA framebuffer still answers at 0xE0000000. */
  v86LfbAnswers: boolean;
}

export function ownership(m: SimMachine): Ownership {
  const cpu = m.cpu;
  const names = ownerNames(cpu);
  const v86Ports: Ownership["v86Ports"] = [];
  for (let port = 0; port < 0x10000; port++) {
    const owner = portOwner(cpu, names, port);
    if (owner !== "" && !OUR_MARKERS.has(owner)) v86Ports.push({ port, owner });
  }
  const ours = new Set(legacyDevicePorts());
  const mmioRanges: Array<[number, number]> = [];
  for (const dev of m.rt.devices) {
    for (const r of m.rt.ranges.ownedBy(dev)) {
      if (r.space === SPACE_PORT) for (let p = r.base; p < r.base + r.len; p++) ours.add(p);
      else if (r.space === SPACE_MMIO) mmioRanges.push([r.base, r.base + r.len - 1]);
    }
  }
  const v86Blocks: number[] = [];
  const ramBlocks = cpu.memory_size[0]! >>> BLOCK_SHIFT;
  for (let b = 0; b < 0x8000; b++) {
    const f = cpu.memory_map_read8[b];
    if (f === undefined || m.mmio.isOurs(b)) continue;
    if (b >= ramBlocks && f === m.mmio.unassigned) continue;
    if (b << BLOCK_SHIFT >>> 0 >= BIOS_ALIAS) continue;
    v86Blocks.push((b << BLOCK_SHIFT) >>> 0);
  }
  const unroutedBlocks: number[] = [];
  for (const [s, e] of mmioRanges) {
    for (let b = s >>> BLOCK_SHIFT; b <= e >>> BLOCK_SHIFT; b++) if (!m.mmio.isOurs(b)) unroutedBlocks.push((b << BLOCK_SHIFT) >>> 0);
  }
  return { v86Ports, ourPorts: [...ours].sort((a, b) => a - b), v86Blocks, unroutedBlocks, v86LfbAnswers: v86LfbAnswers(m) };
}

/** Writes a marker into v86's own SVGA memory and reads 0xE0000000 through v86's memory path. */
function v86LfbAnswers(m: SimMachine): boolean {
  const vga = m.cpu.devices["vga"] as { svga_memory?: { length: number; [i: number]: number } } | undefined;
  const mem = vga?.svga_memory;
  if (!mem || mem.length === 0) return false;
  const old = mem[0]!;
  mem[0] = 0x5a;
  const seen = m.cpu.read8(0xe0000000 | 0);
  mem[0] = old;
  return seen === 0x5a;
}

/** Ports v86 may keep: those Xen serves in the hypervisor and the CPU's platform glue. */
export function allowedV86Owner(owner: string, port: number): boolean {
  return hypervisorPort(owner, port) || owner === CPU_GLUE;
}
