// What the platform settles before the guest's first instruction, as hvmloader does under Xen.
// v86 has no PAM decoding: 0xC0000–0xFFFFF is always plain RAM, read-write, with the BIOS image
// already copied to the top of the first MiB. The i440FX PAM registers of our PCI device must
// say so, or SeaBIOS (seeing PAM0 bit 4 clear: "BIOS still in ROM") calls its shadowing routine
// through the 0xFFF00000 alias — code v86 cannot fetch from MMIO. So the host programs PAM0 to
// 0x30 and PAM1–6 to 0x33 (RAM, read-write) through ordinary PCI config cycles (ioreqs).
import type { XenSim } from "../node/xen-sim.ts";
import { DIR_READ, DIR_WRITE } from "../node/ioreq.ts";

export const I440FX_BDF = 0;
export const PAM0 = 0x59;

function cfgAddr(bdf: number, reg: number): number {
  return (0x80000000 | (bdf << 8) | (reg & 0xfc)) >>> 0;
}

/** Returns false (nothing written) when no i440FX answers at 00:00.0. */
export function settlePam(sim: XenSim): boolean {
  sim.pio(0, 0xcf8, 4, DIR_WRITE, cfgAddr(I440FX_BDF, 0));
  const id = sim.pio(0, 0xcfc, 4, DIR_READ) >>> 0;
  if (id !== 0x12378086) return false;
  for (let i = 0; i < 7; i++) {
    const reg = PAM0 + i;
    sim.pio(0, 0xcf8, 4, DIR_WRITE, cfgAddr(I440FX_BDF, reg));
    sim.pio(0, 0xcfc + (reg & 3), 1, DIR_WRITE, i === 0 ? 0x30 : 0x33);
  }
  return true;
}

/** PAM0..PAM6 as the PCI device reports them. */
export function readPam(sim: XenSim): number[] {
  const out: number[] = [];
  for (let i = 0; i < 7; i++) {
    const reg = PAM0 + i;
    sim.pio(0, 0xcf8, 4, DIR_WRITE, cfgAddr(I440FX_BDF, reg));
    out.push(sim.pio(0, 0xcfc + (reg & 3), 1, DIR_READ));
  }
  return out;
}
