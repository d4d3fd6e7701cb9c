// Differential tests of the PCI platform module against QEMU's i440FX + PIIX3 (`-M pc`, no BIOS:
// reset state): the same config-cycle scripts through 0xCF8/0xCFC on QEMU and on our module.
//
// Intended differences (each entry below carries its reason):
// - QEMU's pc machine has more PCI functions than this module: 00:01.1 (PIIX3 IDE: a separate
//   device module of ours) and 00:01.3 (PIIX4 ACPI/PM: not modelled; Xen's ACPI is its own).
// - PIIX3 command register: piix_reset sets 0x0007 but QEMU's generic PCI reset clears it again
//   afterwards, so QEMU reads 0; the PIIX3 forwards I/O and memory from reset, ours reads 0x0007.
// - QEMU stores the RAM size / 8 MiB at i440FX 0x57 for coreboot; on the 82441FX that byte is a
//   DRAM control register no guest of ours reads, so ours reads 0.
// - QEMU treats every device-specific byte 0x40–0xFF as writable storage; ours implement the
//   documented registers with their writable bits (PAM: RE/WE only; SMRAM: fixed base segment and
//   the D_LCK lock; PIIX3 registers with their reserved bits) and read 0 elsewhere.
// - The shared header code (stubdom/lib/pci.ts) makes the latency timer and the command register's
//   parity-error-response bit (0x40) writable; QEMU hard-wires both to 0 on these functions.

import { strict as assert } from "node:assert";
import { createMachine } from "../../host/node/machine.ts";
import { runOnQemu, requireQemu } from "../oracle/qemu.ts";
import { diffAnswers, type Intended, type ReadCtx } from "../oracle/diff.ts";
import { bdf, cfgrd, cfgwr, inb, outb, runOnGuest, type Op } from "../oracle/script.ts";

const HOST = bdf(0, 0, 0);
const ISA = bdf(0, 1, 0);
const IDE = bdf(0, 1, 1);
const ACPI = bdf(0, 1, 3);

const isCfg = (c: ReadCtx, f: number, lo: number, hi = lo): boolean =>
  c.op.op === "cfgrd" && c.op.bdf === f && c.op.reg <= hi && c.op.reg + c.op.size - 1 >= lo;

const EXTRA_FUNCTIONS: Intended = {
  match: (c) => c.op.op === "cfgrd" && (c.op.bdf === IDE || c.op.bdf === ACPI) && c.ours === (c.op.size === 4 ? 0xffffffff : c.op.size === 2 ? 0xffff : 0xff),
  reason: "QEMU's -M pc has PIIX3 IDE at 00:01.1 (another module of ours) and PIIX4 ACPI at 00:01.3 (not modelled)",
};
const PIIX3_COMMAND: Intended = {
  match: (c) => isCfg(c, ISA, 0x04) && (c.ours & 0x07) === 0x07 && (c.theirs & 0x07) === 0,
  reason: "QEMU's generic PCI reset clears the command register piix_reset set to 0x0007; ours keeps I/O, memory, master on",
};
const RAM_SIZE_BYTE: Intended = {
  match: (c) => isCfg(c, HOST, 0x57) && c.op.note === "reset",
  reason: "QEMU keeps RAM size / 8 MiB at i440FX 0x57 for coreboot; not an 82441FX register",
};
const DEVICE_SPECIFIC_STORAGE: Intended = {
  match: (c) => c.op.op === "cfgrd" && c.op.reg >= 0x40 && c.op.note === "wmask",
  reason: "QEMU stores any value in bytes 0x40-0xFF; ours model the documented registers and their writable bits only",
};
const LIB_WRITABLE_BITS: Intended = {
  match: (c) => c.op.op === "cfgrd" && (c.op.reg === 0x04 || c.op.reg === 0x0d) && c.op.note === "wmask" && (c.theirs & ~c.ours) === 0,
  reason: "stubdom/lib/pci.ts lets the latency timer and command bit 6 (parity error response) be written; QEMU does not",
};

async function compare(script: Op[], intended: Intended[], mustUse: Intended[] = intended): Promise<void> {
  const theirs = await runOnQemu(script, { machineArgs: [] });
  const m = createMachine([{ name: "pci", config: "" }]);
  const ours = runOnGuest(m.guest, script);
  const r = diffAnswers(script, ours, theirs, intended);
  if (process.env.ORACLE_VERBOSE) console.log(r.report);
  assert.ok(r.ok, r.report);
  const unusedReasons = new Set(r.unused.map((d) => d.reason));
  for (const d of mustUse) assert.ok(!unusedReasons.has(d.reason), `intended difference did not occur: ${d.reason}\n${r.report}`);
  assert.equal(m.rt.failures.length, 0);
}

/** Every byte of a function's 256-byte header, as byte, word and dword reads. */
function dump(f: number): Op[] {
  const s: Op[] = [];
  for (let r = 0; r < 256; r++) s.push(cfgrd(f, r, 1, "reset"));
  for (let r = 0; r < 256; r += 2) s.push(cfgrd(f, r, 2, "reset"));
  for (let r = 0; r < 256; r += 4) s.push(cfgrd(f, r, 4, "reset"));
  return s;
}

/** Writes all-ones then zero to each byte in `regs` and reads it back each time, then restores. */
function wmask(f: number, regs: number[], reset: (r: number) => number): Op[] {
  const s: Op[] = [];
  for (const r of regs) s.push(cfgwr(f, r, 1, 0xff), cfgrd(f, r, 1, "wmask"), cfgwr(f, r, 1, 0x00), cfgrd(f, r, 1, "wmask"), cfgwr(f, r, 1, reset(r)));
  return s;
}

const PIIX3_RESET: Record<number, number> = {
  0x4c: 0x4d, 0x4e: 0x03, 0x60: 0x80, 0x61: 0x80, 0x62: 0x80, 0x63: 0x80, 0x69: 0x02, 0x70: 0x80,
  0x76: 0x0c, 0x77: 0x0c, 0x78: 0x02, 0xa0: 0x08, 0xa8: 0x0f,
};

describe("pci oracle: QEMU's i440FX/PIIX3 vs ours", function () {
  this.timeout(60_000);
  before(() => requireQemu());

  it("the bus-0 device scan: vendor/device, class and header type of every function", async () => {
    const s: Op[] = [];
    for (let dev = 0; dev < 32; dev++) for (let fn = 0; fn < 8; fn++) s.push(cfgrd(bdf(0, dev, fn), 0x00, 4));
    s.push(cfgrd(HOST, 0x08, 4), cfgrd(HOST, 0x0e, 1), cfgrd(ISA, 0x08, 4), cfgrd(ISA, 0x0e, 1));
    await compare(s, [EXTRA_FUNCTIONS]);
  });

  it("reset state of every byte of 00:00.0 and 00:01.0 (byte, word and dword reads)", async () => {
    await compare([...dump(HOST), ...dump(ISA)], [PIIX3_COMMAND, RAM_SIZE_BYTE]);
  });

  it("writable bits of the standard header (command, cache line, latency, interrupt line, BARs, ROM)", async () => {
    const s: Op[] = [];
    for (const f of [HOST, ISA]) {
      s.push(...wmask(f, [0x04, 0x05, 0x0c, 0x0d, 0x0e, 0x3c, 0x3d, 0x3e, 0x3f], (r) => (f === ISA && r === 0x04 ? 0x07 : 0)));
      for (const r of [0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x30]) s.push(cfgwr(f, r, 4, 0xffffffff), cfgrd(f, r, 4), cfgwr(f, r, 4, 0));
      s.push(cfgwr(f, 0x00, 4, 0xffffffff), cfgrd(f, 0x00, 4), cfgwr(f, 0x2c, 4, 0), cfgrd(f, 0x2c, 4));
      s.push(cfgwr(f, 0x06, 2, 0xffff), cfgrd(f, 0x06, 2, "status: write-1-to-clear bits, none set"));
    }
    await compare(s, [LIB_WRITABLE_BITS]);
  });

  it("PAM, SMRAM and the unmodelled i440FX bytes", async () => {
    const s: Op[] = [];
    // SeaBIOS shadowing as straight-line dword writes, then back to read-only.
    s.push(cfgrd(HOST, 0x58, 4), cfgrd(HOST, 0x5c, 4), cfgwr(HOST, 0x58, 4, 0x33333000), cfgwr(HOST, 0x5c, 4, 0x33333333));
    s.push(cfgrd(HOST, 0x58, 4), cfgrd(HOST, 0x5c, 4), cfgwr(HOST, 0x58, 4, 0x11111000), cfgwr(HOST, 0x5c, 4, 0x11111111));
    s.push(cfgrd(HOST, 0x58, 4), cfgrd(HOST, 0x5c, 4), cfgrd(HOST, 0x59, 1), cfgrd(HOST, 0x5a, 2));
    s.push(cfgwr(HOST, 0x58, 4, 0), cfgwr(HOST, 0x5c, 4, 0));
    // SMRAM without D_LCK (QEMU 7.2 does not model the lock): G_SMRAME and D_OPEN read back.
    s.push(cfgrd(HOST, 0x72, 1), cfgwr(HOST, 0x72, 1, 0x4a), cfgrd(HOST, 0x72, 1), cfgwr(HOST, 0x72, 1, 0x0a), cfgrd(HOST, 0x72, 1), cfgwr(HOST, 0x72, 1, 0x02));
    s.push(...wmask(HOST, [0x59, 0x5a, 0x5f, 0x40, 0x50, 0x90, 0xff], () => 0));
    s.push(cfgwr(HOST, 0x72, 1, 0xff), cfgrd(HOST, 0x72, 1, "wmask"), cfgwr(HOST, 0x72, 1, 0x4a), cfgrd(HOST, 0x72, 1, "wmask"));
    await compare(s, [DEVICE_SPECIFIC_STORAGE]);
  });

  it("PIIX3: PIRQ route registers, documented registers, reset control register", async () => {
    const s: Op[] = [];
    // SeaBIOS routing, then dword access, then values Linux's pirq code may write, incl. garbage.
    [10, 10, 11, 11].forEach((irq, i) => s.push(cfgwr(ISA, 0x60 + i, 1, irq)));
    s.push(cfgrd(ISA, 0x60, 4), cfgwr(ISA, 0x60, 4, 0x8b1a0f05), cfgrd(ISA, 0x60, 4), cfgrd(ISA, 0x61, 1), cfgrd(ISA, 0x62, 2));
    s.push(cfgwr(ISA, 0x60, 4, 0x80808080), cfgrd(ISA, 0x60, 4));
    s.push(...wmask(ISA, Object.keys(PIIX3_RESET).map(Number), (r) => PIIX3_RESET[r]!));
    s.push(...wmask(ISA, [0x40, 0x64, 0xb0, 0xff], () => 0));
    // 0xCF9: bit 1 is kept, nothing else reads back (bit 2 would reset QEMU and end the run).
    s.push(inb(0xcf9), outb(0xcf9, 0x02), inb(0xcf9), outb(0xcf9, 0xfb), inb(0xcf9), outb(0xcf9, 0x08), inb(0xcf9), outb(0xcf9, 0));
    await compare(s, [DEVICE_SPECIFIC_STORAGE]);
  });
});
