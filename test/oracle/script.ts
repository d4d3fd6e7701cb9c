// Register scripts for differential tests: the straight-line list of guest accesses (port I/O,
// MMIO, PCI config through 0xCF8/0xCFC, busy-wait delays) that runs both against QEMU (compiled
// into a flat firmware, see firmware.ts/qemu.ts) and against our devices (runOnGuest, through the
// GuestIo the Node runtime implements). Every read op yields exactly one answer, in script order.
import type { GuestIo } from "../../host/node/guest.ts";

/** What a guest can do (host/node/guest.ts declares it), re-exported for the oracle tests. */
export type { GuestIo };

export type Size = 1 | 2 | 4;

/** One guest access. `note` is optional and only used to label diff reports. */
export type Op = (
  | { op: "in"; port: number; size: Size }
  | { op: "out"; port: number; size: Size; value: number }
  | { op: "rd"; addr: number; size: Size }
  | { op: "wr"; addr: number; size: Size; value: number }
  | { op: "cfgrd"; bdf: number; reg: number; size: Size }
  | { op: "cfgwr"; bdf: number; reg: number; size: Size; value: number }
  | { op: "delay"; loops: number }
) & { note?: string };

// ---- builders -------------------------------------------------------------------------------

/** bus<<8 | dev<<3 | fn */
export const bdf = (bus: number, dev: number, fn = 0): number => (bus << 8) | (dev << 3) | fn;

export const inb = (port: number, note?: string): Op => ({ op: "in", port, size: 1, note });
export const inw = (port: number, note?: string): Op => ({ op: "in", port, size: 2, note });
export const inl = (port: number, note?: string): Op => ({ op: "in", port, size: 4, note });
export const outb = (port: number, value: number, note?: string): Op => ({ op: "out", port, size: 1, value, note });
export const outw = (port: number, value: number, note?: string): Op => ({ op: "out", port, size: 2, value, note });
export const outl = (port: number, value: number, note?: string): Op => ({ op: "out", port, size: 4, value, note });
export const readb = (addr: number, note?: string): Op => ({ op: "rd", addr, size: 1, note });
export const readw = (addr: number, note?: string): Op => ({ op: "rd", addr, size: 2, note });
export const readl = (addr: number, note?: string): Op => ({ op: "rd", addr, size: 4, note });
export const writeb = (addr: number, value: number, note?: string): Op => ({ op: "wr", addr, size: 1, value, note });
export const writew = (addr: number, value: number, note?: string): Op => ({ op: "wr", addr, size: 2, value, note });
export const writel = (addr: number, value: number, note?: string): Op => ({ op: "wr", addr, size: 4, value, note });
export const cfgrd = (dev: number, reg: number, size: Size, note?: string): Op => ({ op: "cfgrd", bdf: dev, reg, size, note });
export const cfgwr = (dev: number, reg: number, size: Size, value: number, note?: string): Op =>
  ({ op: "cfgwr", bdf: dev, reg, size, value, note });
export const delay = (loops: number): Op => ({ op: "delay", loops });

/** Size a BAR the way a BIOS does: save, write all ones, read back the mask, restore. One answer. */
export function sizeBar(dev: number, bar: number, note?: string): Op[] {
  const reg = 0x10 + 4 * bar;
  return [cfgwr(dev, reg, 4, 0xffffffff), cfgrd(dev, reg, 4, note ?? `BAR${bar} size mask`), cfgwr(dev, reg, 4, 0)];
}

export const isRead = (o: Op): boolean => o.op === "in" || o.op === "rd" || o.op === "cfgrd";

/** Number of answers a script produces. */
export const countReads = (script: readonly Op[]): number => script.filter(isRead).length;

/** Human-readable one-liner for an op (used in reports and error messages). */
export function describeOp(o: Op): string {
  const h = (n: number, w: number) => "0x" + (n >>> 0).toString(16).padStart(w, "0");
  const s = "/" + ("size" in o ? o.size : "");
  const b = (d: number) =>
    `${h(d >> 8, 2).slice(2)}:${((d >> 3) & 31).toString(16).padStart(2, "0")}.${d & 7}`;
  let t: string;
  switch (o.op) {
    case "in": t = `in  ${h(o.port, 4)}${s}`; break;
    case "out": t = `out ${h(o.port, 4)}${s} <- ${h(o.value, o.size * 2)}`; break;
    case "rd": t = `rd  ${h(o.addr, 8)}${s}`; break;
    case "wr": t = `wr  ${h(o.addr, 8)}${s} <- ${h(o.value, o.size * 2)}`; break;
    case "cfgrd": t = `cfgrd ${b(o.bdf)} +${h(o.reg, 2)}${s}`; break;
    case "cfgwr": t = `cfgwr ${b(o.bdf)} +${h(o.reg, 2)}${s} <- ${h(o.value, o.size * 2)}`; break;
    case "delay": t = `delay ${o.loops}`; break;
  }
  return o.note ? `${t}  (${o.note})` : t;
}

const mask = (v: number, size: Size): number => (size === 4 ? v >>> 0 : v & ((1 << (size * 8)) - 1));

/** Check the things both sides rely on; throws with the op's index and text. */
export function validateScript(script: readonly Op[]): void {
  const u = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  script.forEach((o, i) => {
    const bad = (why: string) => { throw new Error(`script op ${i} (${describeOp(o)}): ${why}`); };
    if (o.op === "delay") { if (!u(o.loops, 0xffffffff)) bad("loops must be a u32"); return; }
    if (o.size !== 1 && o.size !== 2 && o.size !== 4) bad("size must be 1, 2 or 4");
    if ("value" in o && !(Number.isInteger(o.value) && o.value >= -0x80000000 && o.value <= 0xffffffff)) bad("value must fit 32 bits");
    if ((o.op === "in" || o.op === "out") && !u(o.port, 0xffff)) bad("port must be a u16");
    if ((o.op === "rd" || o.op === "wr") && !u(o.addr, 0xffffffff)) bad("addr must be a u32");
    if (o.op === "cfgrd" || o.op === "cfgwr") {
      if (!u(o.bdf, 0xffff)) bad("bdf must be a u16");
      if (!u(o.reg, 0xff)) bad("reg must be 0..255");
      if ((o.reg & 3) + o.size > 4) bad("config access crosses a dword");
    }
  });
}

/** Run a script against our devices; one unsigned answer (masked to its size) per read op. */
export function runOnGuest(io: GuestIo, script: readonly Op[]): number[] {
  validateScript(script);
  const out: number[] = [];
  for (const o of script) {
    switch (o.op) {
      case "in":
        out.push(mask(o.size === 1 ? io.inb(o.port) : o.size === 2 ? io.inw(o.port) : io.inl(o.port), o.size));
        break;
      case "out": {
        const v = mask(o.value, o.size);
        if (o.size === 1) io.outb(o.port, v); else if (o.size === 2) io.outw(o.port, v); else io.outl(o.port, v);
        break;
      }
      case "rd":
        out.push(mask(o.size === 1 ? io.readb(o.addr) : o.size === 2 ? io.readw(o.addr) : io.readl(o.addr), o.size));
        break;
      case "wr": {
        const v = mask(o.value, o.size);
        if (o.size === 1) io.writeb(o.addr, v); else if (o.size === 2) io.writew(o.addr, v); else io.writel(o.addr, v);
        break;
      }
      case "cfgrd": out.push(mask(io.pciRead(o.bdf, o.reg, o.size), o.size)); break;
      case "cfgwr": io.pciWrite(o.bdf, o.reg, o.size, mask(o.value, o.size)); break;
      case "delay": break; // no guest-visible effect in the Node runtime (no virtual time passes)
    }
  }
  return out;
}
