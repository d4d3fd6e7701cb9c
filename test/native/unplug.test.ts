// The Xen platform device's unplug on the native runtime: the same guest operations on V8
// (host/node, recorded) and on runtime/core + wasm2c (replayed) — PLATFORM_UNPLUG from
// xenplatform, EVENT_UNPLUG delivered by core_defer_unplug to the IDE controller and the e1000 —
// must give identical reads, effects and device memories (test/native/replay-run.ts).
import { strict as assert } from "node:assert";
import { createTracedMachine } from "../../host/node/trace.ts";
import { bdfOf } from "../../host/node/guest.ts";
import { memoryImage } from "../../host/node/backends/block-file.ts";
import { units, patternDisk } from "../unit/ide-helpers.ts";
import { ensureBuilt, assertIdentical } from "./replay-run.ts";

describe("native runtime: the Xen platform device's unplug replays as on V8", () => {
  before(ensureBuilt);
  it("xenplatform unplugs the IDE disk (the CD stays) and the e1000 (its function and BARs go)", () => {
    const disk = memoryImage(patternDisk(16));
    const cd = memoryImage(patternDisk(4, 2048), { cdrom: true });
    const m = createTracedMachine([
      { name: "xenplatform", config: "bdf=00:02.0" },
      { name: "ide", config: "hda=disk,hdc=cdrom,decode=on", irqs: [{ isa: 14 }, { isa: 15 }], blk: units([[0, disk], [2, cd]]) },
      { name: "e1000", config: "bdf=00:03.0", net: { send() {} } },
    ]);
    const g = m.guest;
    const nic = bdfOf(0, 3);
    g.pciWrite(nic, 0x10, 4, 0xfebc0000); g.pciWrite(nic, 0x04, 2, 0x0006); g.readl(0xfebc0008);
    g.pciWrite(bdfOf(0, 2), 0x10, 4, 0xc100); g.pciWrite(bdfOf(0, 2), 0x04, 2, 0x0001);
    g.inw(0x10); g.inb(0x12); g.outw(0x12, 1); g.outl(0x10, 7); g.inw(0x10);
    g.inb(0x1f7); g.inb(0x177);
    g.outw(0x10, 0x0003);
    g.outw(0x10, 0x0003); // idempotent: nothing more delivered
    g.inb(0x1f7); g.inb(0x177); g.pciRead(nic, 0, 4); g.readl(0xfebc0008); g.inb(0xc100);
    for (const c of "log line\n") g.outb(0x12, c.charCodeAt(0));
    const want = assertIdentical(m.finish());
    assert.ok(want.some((l) => /^unmap mmio 0xfebc0000 /.test(l)), "the e1000's BAR0 is unclaimed");
    assert.deepEqual(m.rt.failures, []);
  });
});
