// Device-model snapshots on V8 (host/node/snapshot.ts, docs/snapshot-format.md): a machine saved
// mid-run and restored into a fresh machine of the same configuration continues exactly as the
// original (same reads, IRQ lines, timers, queued serial input, globals such as the log counters
// and the sealed heap), re-saves to the same bytes; restore refuses — naming the cause — wrong
// magic, version, checksum, truncation, another module build, another device set; and a fuzzer
// (fast-check) corrupts and truncates snapshots: restore never crashes and never half-restores
// (the target machine's own snapshot is byte-identical before and after every refused restore).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { createMachine, modulePath, type Machine } from "../../host/node/machine.ts";
import { bdfOf } from "../../host/node/guest.ts";
import { EVENT } from "../../host/node/abi.ts";
import { saveSnapshot, restoreSnapshot } from "../../host/node/snapshot.ts";
import { SnapshotError, crc32, decodeSnapshot } from "../../host/node/snapshot-format.ts";

const testdev = modulePath("testdev", { fixture: true });

function machine(chrOut: number[] = []): Machine {
  return createMachine([
    { name: "t", wasm: testdev, config: "base=0x600,mmio=0xfe000000", irqs: [{ isa: 5 }] },
    { name: "p", wasm: testdev, config: "bdf=00:05.0" },
    { name: "uart", module: "uart", config: "base=0x3f8", irqs: [{ isa: 4 }], chr: { write: (b) => chrOut.push(...b) } },
  ]);
}

/** Drives a machine into a state with something in every runtime-held part. */
function busy(m: Machine): void {
  const g = m.guest;
  g.outl(0x600, 0x1234); for (let i = 0; i < 5; i++) g.outb(0x604, 0x40 + i);
  g.writel(0xfe000010, 0xcafe);
  const bdf = bdfOf(0, 5);
  g.pciWrite(bdf, 0x10, 4, 0xfebf0000); g.pciWrite(bdf, 0x14, 4, 0xc001); g.pciWrite(bdf, 0x04, 2, 7);
  g.outl(0xc000, 100); g.outl(0xc010, 3); g.wait(100); // INTA high
  g.outl(0x600, 5000); g.outl(0x610, 3); g.wait(1000); // timer armed, 4000 ns to go
  g.outl(0x600, 7000); // scratch for the next arm
  g.outb(0x3f8 + 1, 0x01); // UART: receive interrupt on
  m.rt.chrInput(m.rt.device("uart"), new TextEncoder().encode("x".repeat(40))); // more than its FIFO takes
}

/** What the guest sees next, as text (the equivalence check). */
function observe(m: Machine): string {
  const g = m.guest;
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(g.inb(0x604));
  out.push(g.inl(0x600), g.readl(0xfe000010), g.inl(0xc000), g.inl(0x614), m.sim.irqLine(5) ? 1 : 0);
  g.wait(3999); out.push(g.inl(0x614), m.sim.irqLine(5) ? 1 : 0);
  g.wait(1); out.push(g.inl(0x614), m.sim.irqLine(5) ? 1 : 0);
  for (let i = 0; i < 48; i++) out.push(g.inb(0x3f8 + 5), g.inb(0x3f8));
  g.outl(0x610, 3); g.wait(7000); out.push(g.inl(0x614));
  return out.join(",");
}

describe("device-model snapshots on V8", () => {
  it("a restored machine continues exactly as the original and re-saves to the same bytes", () => {
    const a = machine();
    busy(a);
    const snap = saveSnapshot(a.rt);
    const b = machine();
    restoreSnapshot(b.rt, snap);
    assert.deepEqual(saveSnapshot(b.rt), snap, "re-saved bytes differ");
    assert.equal(b.sim.clock.now(), a.sim.clock.now());
    assert.equal(observe(b), observe(a));
  });

  it("covers the module's globals (the log counters, the sealed heap), not only its memory", () => {
    const a = machine();
    busy(a);
    const s = decodeSnapshot(saveSnapshot(a.rt));
    const t = s.devices[0]!;
    assert.ok(t.globals.length > 0, "no globals in the snapshot");
    // a machine whose memory alone were restored would differ: its globals stay at their fresh values
    const fresh = decodeSnapshot(saveSnapshot(machine().rt)).devices[0]!;
    assert.ok(t.globals.some((g, i) => g.bits !== fresh.globals[i]!.bits), "the workout changed no global");
  });

  it("refuses, naming the cause, and leaves the machine untouched", () => {
    const a = machine();
    busy(a);
    const snap = saveSnapshot(a.rt);
    const b = machine();
    const before = saveSnapshot(b.rt);
    const refuse = (bytes: Uint8Array, m: Machine, reason: string, text: RegExp): void => {
      assert.throws(() => restoreSnapshot(m.rt, bytes), (e: unknown) => e instanceof SnapshotError && e.reason === reason && text.test(e.message));
    };
    const patched = (f: (b: Uint8Array, dv: DataView) => void, fixCrc = true): Uint8Array => {
      const c = snap.slice();
      const dv = new DataView(c.buffer);
      f(c, dv);
      if (fixCrc) dv.setUint32(c.length - 4, crc32(c.subarray(0, c.length - 4)), true);
      return c;
    };
    refuse(patched((c) => { c[0] = 0x58; }), b, "magic", /bad magic/);
    refuse(patched((_, dv) => dv.setUint32(8, 2, true)), b, "version", /layout version 2/);
    refuse(patched((_, dv) => dv.setUint32(12, 7, true)), b, "version", /ABI version 7/);
    refuse(patched((c) => { c[c.length - 100] ^= 1; }, false), b, "checksum", /CRC-32/);
    refuse(snap.subarray(0, snap.length - 1000), b, "truncated", /header says/);
    refuse(snap.subarray(0, 20), b, "truncated", /shorter than a snapshot header/);
    refuse(patched((c) => { c[48] ^= 0xff; }), b, "module identity", /t: saved from module sha-256/);
    const other = createMachine([{ name: "t", wasm: testdev, config: "base=0x600,mmio=0xfe000000", irqs: [{ isa: 5 }] }]);
    refuse(snap, other, "device set", /\[t, p, uart\], this machine \[t\]/);
    const otherCfg = createMachine([
      { name: "t", wasm: testdev, config: "base=0x700,mmio=0xfe000000", irqs: [{ isa: 5 }] },
      { name: "p", wasm: testdev, config: "bdf=00:05.0" },
      { name: "uart", module: "uart", config: "base=0x3f8", irqs: [{ isa: 4 }], chr: { write() {} } },
    ]);
    refuse(snap, otherCfg, "device set", /config 'base=0x600/);
    assert.deepEqual(saveSnapshot(b.rt), before, "a refused restore changed the machine");
  });

  it("in-flight block requests must complete before a snapshot", () => {
    const m = machine();
    m.rt.device("t").blkInflight = 1;
    assert.throws(() => saveSnapshot(m.rt), /block request\(s\) in flight/);
  });

  it("hostile snapshots (fuzzed): corruptions and truncations never crash and never half-restore", function () {
    this.timeout(120_000);
    const a = machine();
    busy(a);
    const snap = saveSnapshot(a.rt);
    const target = machine();
    const pristine = saveSnapshot(target.rt);
    // where the metadata is (the header and everything before the first device's memory)
    const metaEnd = snap.length - 4 - decodeSnapshot(snap).devices.reduce((n, d) => n + d.memory.length, 0);
    let refused = 0, accepted = 0;
    const mutation = fc.record({
      kind: fc.constantFrom("flip", "byte", "truncate", "extend", "word"),
      at: fc.nat(), value: fc.nat(0xffffffff), fixCrc: fc.boolean(), meta: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let c = snap.slice();
      let fix = false;
      for (const mu of ms) {
        const span = mu.meta ? Math.min(c.length, metaEnd + 200) : c.length;
        const at = mu.at % Math.max(1, span);
        fix ||= mu.fixCrc;
        if (mu.kind === "flip") c[at]! ^= 1 << (mu.value & 7);
        else if (mu.kind === "byte") c[at] = mu.value & 0xff;
        else if (mu.kind === "word" && at + 4 <= c.length) new DataView(c.buffer).setUint32(at, mu.value, true);
        else if (mu.kind === "truncate") c = c.slice(0, at);
        else if (mu.kind === "extend") { const e = new Uint8Array(c.length + 1 + (mu.value & 63)); e.set(c); c = e; }
      }
      if (fix && c.length >= 8) new DataView(c.buffer, c.byteOffset).setUint32(c.length - 4, crc32(c.subarray(0, c.length - 4)), true);
      try {
        restoreSnapshot(target.rt, c);
        accepted++;
        // a corruption the checks cannot see (device memory bytes): the machine took it whole
        restoreSnapshot(target.rt, pristine);
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
        refused++;
        assert.deepEqual(saveSnapshot(target.rt), pristine, `half-restored after: ${e.message}`);
      }
    }), { numRuns: 400, seed: 0x51a9 });
    assert.ok(refused > 200, `only ${refused} refused, ${accepted} accepted`);
  });

  it("queued serial input survives: the rest arrives after restore", () => {
    const outA: number[] = [], outB: number[] = [];
    const a = machine(outA);
    busy(a);
    const b = machine(outB);
    restoreSnapshot(b.rt, saveSnapshot(a.rt));
    assert.ok(b.rt.device("uart").chrQueue.length > 0, "the UART's overflow was not queued");
    assert.equal(observe(b), observe(a));
    m_event(a); m_event(b);
    assert.deepEqual(outB.slice(-8), outA.slice(-8));
  });
});

function m_event(m: Machine): void {
  m.rt.deliverEvent(m.rt.device("uart"), EVENT.CHR_RX, new Uint8Array([0x41]), 0);
}
