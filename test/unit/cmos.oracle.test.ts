// Differential test of the CMOS NVRAM module against QEMU's mc146818 CMOS contents on `-M pc`
// (filled by QEMU's pc_cmos_init for the same machine: RAM, CPUs, boot order "cad").
//
// Intended differences:
// - 0x2E/0x2F: QEMU 7.2 leaves the standard checksum over 0x10–0x2D at 0; ours computes it (the
//   AT BIOS convention; SeaBIOS does not check it, other firmware does).
// Indexes 0–13 are the clock and its status registers (Xen's vRTC on our side): not compared.

import { strict as assert } from "node:assert";
import { createMachine } from "../../host/node/machine.ts";
import { runOnQemu, requireQemu } from "../oracle/qemu.ts";
import { diffAnswers, type Intended } from "../oracle/diff.ts";
import { inb, outb, runOnGuest, type Op } from "../oracle/script.ts";

const CHECKSUM: Intended = {
  match: (c) => c.op.note === "0x2e" || c.op.note === "0x2f",
  reason: "QEMU leaves the 0x10-0x2D checksum at 0; ours computes it",
};

async function compare(qemuMem: string, smp: number, ourConfig: string): Promise<void> {
  const script: Op[] = [];
  for (let i = 0x0e; i < 0x80; i++) script.push(outb(0x70, i), inb(0x71, `0x${i.toString(16)}`));
  script.push(inb(0x70, "index port"), outb(0x70, 0x40), outb(0x71, 0xa5), outb(0x70, 0x40), inb(0x71, "written byte"));
  const theirs = await runOnQemu(script, { machineArgs: ["-m", qemuMem, "-smp", String(smp)] });
  const m = createMachine([{ name: "cmos", config: ourConfig }]);
  const r = diffAnswers(script, runOnGuest(m.guest, script), theirs, [CHECKSUM]);
  if (process.env.ORACLE_VERBOSE) console.log(r.report);
  assert.ok(r.ok, r.report);
  assert.deepEqual(r.unused, [], "the checksum difference is expected to show");
}

describe("cmos oracle: QEMU's CMOS contents vs ours", function () {
  this.timeout(60_000);
  before(() => requireQemu());

  it("64 MiB, 2 CPUs", async () => {
    await compare("64", 2, "ram_mb=64,cpus=2,boot=cad");
  });

  it("4 GiB (3 GiB low, 1 GiB above 4 GiB), 1 CPU", async () => {
    await compare("4096", 1, "ram_mb=4096,cpus=1,boot=cad");
  });
});
