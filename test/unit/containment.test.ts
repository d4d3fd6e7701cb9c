// Trap containment and the capability boundary: a device that traps is isolated (all-ones,
// IRQs lowered, timers cancelled, a report naming device and ioreq) while others keep serving;
// a module importing an ungranted capability, a bad config or a clashing claim is refused clearly.
import { strict as assert } from "node:assert";
import { mkdtempSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMachine, modulePath } from "../../host/node/machine.ts";
import { DeviceLoadError } from "../../host/node/device.ts";

const trapdev = modulePath("trapdev", { fixture: true });
const testdev = modulePath("testdev", { fixture: true });

describe("containment: a device that traps", () => {
  function twoDevices() {
    const failures: unknown[] = [];
    const m = createMachine(
      [
        { name: "bad", wasm: trapdev, config: "base=0x500", irqs: [{ isa: 7 }] },
        { name: "good", wasm: testdev, config: "base=0x600", irqs: [{ isa: 5 }] },
      ],
      { runtime: { onFailure: (f) => failures.push(f) } },
    );
    return { m, failures };
  }

  it("is marked failed with a report naming the device and the ioreq", () => {
    const { m, failures } = twoDevices();
    m.guest.outw(0x502, 0xdead);
    assert.equal(failures.length, 1);
    assert.deepEqual(m.rt.failures[0], { device: "bad", error: "trap: unreachable", during: "ioreq write port 0x502 size 2 data 0xdead" });
    assert.ok(m.logs.some((l) => l.device === "bad" && l.level === 0 && l.text.includes("device failed")));
  });

  it("answers all-ones, drops writes and lowers its IRQ lines afterwards", () => {
    const { m } = twoDevices();
    m.guest.outl(0x500, 1);
    assert.equal(m.guest.irq(7), true);
    m.guest.outl(0x500, 0xdead);
    assert.equal(m.guest.irq(7), false);
    m.guest.outl(0x500, 0x42);
    assert.equal(m.guest.inl(0x500), 0xffffffff);
    assert.equal(m.guest.inb(0x501), 0xff);
  });

  it("leaves every other device serving, timers and IRQs included", () => {
    const { m } = twoDevices();
    m.guest.outl(0x500, 0xdead);
    m.guest.outl(0x600, 1000);
    assert.equal(m.guest.inl(0x600), 1000);
    m.guest.outl(0x610, 3);
    m.guest.wait(1000);
    assert.equal(m.guest.irq(5), true);
    assert.equal(m.rt.failures.length, 1);
  });
});

describe("capabilities and configuration", () => {
  function withManifest(caps: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    copyFileSync(testdev, join(dir, "testdev.wasm"));
    writeFileSync(join(dir, "testdev.manifest.json"), JSON.stringify({ name: "testdev", capabilities: caps }));
    return join(dir, "testdev.wasm");
  }

  it("refuses a module that imports a capability its manifest does not grant", () => {
    const wasm = withManifest(["log", "claim", "irq", "timer", "pci"]); // no dma
    assert.throws(() => createMachine([{ name: "t", wasm }]), (e: unknown) => e instanceof DeviceLoadError && /host\.dma_(read|write), capability 'dma' not granted/.test(e.message));
  });

  it("refuses a module without a manifest, or a missing module, with the path", () => {
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    copyFileSync(testdev, join(dir, "x.wasm"));
    assert.throws(() => createMachine([{ name: "t", wasm: join(dir, "x.wasm") }]), /no manifest for .*x\.wasm/);
    assert.throws(() => createMachine([{ name: "t", wasm: join(dir, "nothere.wasm") }]), /no manifest|not found/);
  });

  it("rejects a malformed configuration with the device's own message", () => {
    assert.throws(() => createMachine([{ name: "t", wasm: testdev, config: "base=0x6zz" }]), /configuration rejected/);
    let logs: string[] = [];
    try { createMachine([{ name: "t", wasm: testdev, config: "colour=blue" }], { runtime: { log: (_d, _l, t) => logs.push(t) } }); } catch { /* expected */ }
    assert.ok(logs.some((t) => t.includes("unknown config key colour")), logs.join("\n"));
    logs = [];
    try { createMachine([{ name: "t", wasm: testdev, config: "novalue" }], { runtime: { log: (_d, _l, t) => logs.push(t) } }); } catch { /* expected */ }
    assert.ok(logs.some((t) => t.includes("malformed entry 'novalue'")), logs.join("\n"));
  });

  it("refuses a claim overlapping another device's, keeping the first owner", () => {
    const m = createMachine([
      { name: "a", wasm: testdev, config: "base=0x600,mmio=0xfe000000" },
      { name: "b", wasm: testdev, config: "base=0x610,mmio=0xfe100000" },
    ]);
    assert.ok(m.logs.some((l) => l.device === "b" && /overlaps a region 0/.test(l.text)));
    m.guest.outl(0x610, 3); // a's command register: arms a timer, no crash
    m.guest.outl(0x600, 77);
    assert.equal(m.guest.inl(0x600), 77);
    m.guest.writel(0xfe100000, 5);
    assert.equal(m.guest.readl(0xfe100000), 5, "b's other claim stands");
  });

  it("refuses duplicate instance names", () => {
    assert.throws(() => createMachine([{ name: "t", wasm: testdev }, { name: "t", wasm: testdev, config: "base=0x700,mmio=0xfe100000" }]), /duplicate device name t/);
  });
});
