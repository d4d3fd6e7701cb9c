// Issue 7's takeover check: after host/sim has taken v86 over (and SeaBIOS has programmed the
// BARs), list every I/O port and MMIO block v86 still answers itself and assert that none of
// them is ours — no v86 PCI, PS/2, UART, IDE, VGA, floppy, parallel or SB16 may answer the guest;
// v86 keeps only what Xen emulates in the hypervisor (PIT, RTC registers 0–13, ACPI PM1a_STS/EN
// and the PM timer; PM1a_CNT and GPE0 are our pci module's) and the
// CPU's platform glue (fw_cfg, 0x92, 0xB3).
import { strict as assert } from "node:assert";
import { seabiosBoot, type SeabiosBoot } from "./seabios-boot.ts";
import { ownership, allowedV86Owner, type Ownership } from "../../host/sim/ownership.ts";
import { DIR_READ, DIR_WRITE } from "../../host/node/ioreq.ts";

const hex = (n: number): string => `0x${n.toString(16)}`;

describe("guest: v86 owns nothing of ours after the takeover (host/sim)", function () {
  this.timeout(120000);
  let b: SeabiosBoot;
  let o: Ownership;
  before(async () => {
    b = await seabiosBoot();
    o = ownership(b.m);
    const byOwner = new Map<string, number[]>();
    for (const { port, owner } of o.v86Ports) byOwner.set(owner, [...(byOwner.get(owner) ?? []), port]);
    console.log(`      v86 still answers: ${[...byOwner].map(([k, v]) => `${k} [${v.map(hex).join(" ")}]`).join("; ")}`);
  });

  it("v86 answers only ports of the hypervisor-side devices and the CPU glue", () => {
    const foreign = o.v86Ports.filter((p) => !allowedV86Owner(p.owner, p.port));
    assert.deepEqual(foreign.map((p) => `${hex(p.port)} ${p.owner}`), []);
    assert.ok(o.v86Ports.some((p) => p.owner === "pit"), "the PIT stays v86's");
  });

  it("none of our ports (claimed, or legacy ports of replaced devices) is answered by v86", () => {
    const v86 = new Set(o.v86Ports.map((p) => p.port));
    assert.deepEqual(o.ourPorts.filter((p) => v86.has(p)).map(hex), []);
    for (const p of [0x60, 0x64, 0x3f8, 0x1f0, 0x170, 0x3c0, 0x3d4, 0x1ce, 0xcf8, 0xcfc, 0xb004, 0xafe0]) assert.ok(o.ourPorts.includes(p), hex(p));
  });

  it("v86 answers no MMIO of its own; every claimed MMIO block routes to the simulator", () => {
    assert.deepEqual(o.v86Blocks.map(hex), []);
    assert.deepEqual(o.unroutedBlocks.map(hex), []);
    assert.deepEqual(b.m.mmio.refused, []);
  });

  it("v86's own SVGA framebuffer at 0xE0000000 no longer answers", () => {
    assert.equal(o.v86LfbAnswers, false);
  });

  it("a port nobody claims reads all-ones through the takeover (v86's floppy controller is gone)", () => {
    const io = b.m.cpu.io.ports;
    assert.equal(io[0x3f4]!.read8.call(io[0x3f4]!.device, 0x3f4), 0xff);
    assert.equal(io[0x220]!.read8.call(io[0x220]!.device, 0x220), 0xff);
  });

  it("CMOS indexes below 14 stay with v86's RTC, the rest reach our CMOS device as ioreqs", () => {
    if (!b.present.has("cmos")) throw new Error(`cmos device not built — ${b.missing.join("; ")}`);
    const io = b.m.cpu.io.ports;
    const out70 = (v: number): void => io[0x70]!.write8.call(io[0x70]!.device, v);
    const in71 = (): number => io[0x71]!.read8.call(io[0x71]!.device, 0x71);
    const before = { ...b.m.cmos.counts };
    const cmosBefore = b.m.rt.stats.byDevice.get("cmos") ?? 0;
    out70(0x0a); in71(); // RTC status A: v86
    out70(0x34); const ext = in71(); // memory above 16 MiB in 64 KiB units: ours
    assert.equal(b.m.cmos.counts.rtc - before.rtc, 2);
    assert.equal(b.m.cmos.counts.forwarded - before.forwarded, 2);
    assert.equal((b.m.rt.stats.byDevice.get("cmos") ?? 0) - cmosBefore, 2);
    assert.equal(ext | (void out70(0x35), in71() << 8), ((128 - 16) << 20) >> 16);
    void DIR_READ; void DIR_WRITE;
  });
});
