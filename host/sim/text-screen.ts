// Reads the VGA text screen back as text, the way the guest's CPU would: byte loads from the
// legacy window at 0xB8000 (character, attribute pairs), each an MMIO ioreq to our VGA device.
// Valid while the VGA is in a colour text mode with the window at 0xB8000 (mode 3 after the
// VGA BIOS's POST); `columns`/`rows` default to 80×25.
import type { XenSim } from "../node/xen-sim.ts";
import { DIR_READ } from "../node/ioreq.ts";

export const TEXT_BASE = 0xb8000;

export function readTextScreen(sim: XenSim, columns = 80, rows = 25): string[] {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < columns; c++) {
      const ch = sim.mmioAccess(0, TEXT_BASE + 2 * (r * columns + c), 1, DIR_READ) & 0xff;
      line += ch >= 0x20 && ch < 0x7f ? String.fromCharCode(ch) : " ";
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
