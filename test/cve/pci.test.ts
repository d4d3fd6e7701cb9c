// CVE regression suite, PCI platform (i440FX host bridge, PIIX3 ISA bridge, reset control): the
// class of PCI config-space bugs in emulators (config accesses at odd offsets and sizes, past the
// registers a function defines, to functions that do not exist; interrupt routing values used as
// indices). Named as a class: no single CVE record matched our references. Each test ends with:
// no trap, bounded time, identity registers unchanged, and every PCI link routed to a usable ISA
// IRQ or disabled.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { bdfOf } from "../../host/node/guest.ts";
import { assertServing, bounded } from "./cve-helpers.ts";

const HOST = bdfOf(0, 0, 0), ISA = bdfOf(0, 1, 0);
const USABLE = new Set([0, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15]);

function machine(): Machine { return createMachine([{ name: "pci", config: "" }]); }

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** What a PIRQRC byte must route to: the IRQ, or 0 when disabled, ≥ 16, or a reserved IRQ. */
function expectedRoute(v: number): number {
  if (v & 0x80 || v & 0x70) return 0;
  const irq = v & 0x0f;
  return [0, 1, 2, 8, 13].includes(irq) ? 0 : irq;
}

describe("CVE suite: PCI platform", () => {
  it("config-space sweep: every offset and size of the first 32 functions, reads and all-ones writes", () => {
    const m = machine();
    const g = m.guest;
    const ids = [g.pciRead(HOST, 0, 4), g.pciRead(ISA, 0, 4)];
    bounded("config sweep", 20_000, () => {
      for (let bdf = 0; bdf < 32; bdf++) {
        for (let reg = 0; reg < 256; reg++) for (const size of [1, 2, 4] as const) g.pciRead(bdf, reg, size);
      }
      // writes: all-ones then zeros over every register of both bridges, at every size/offset,
      // with the CF8 reserved bits and a non-zero bus mixed in
      for (const bdf of [HOST, ISA]) {
        for (const v of [0xffffffff, 0]) {
          for (let reg = 0; reg < 256; reg++) for (const size of [1, 2, 4] as const) g.pciWrite(bdf, reg, size, v);
        }
      }
      for (let i = 0; i < 256; i++) { g.outl(0xcf8, 0x80000000 | (i << 24) | (i << 16) | (i << 2)); g.inl(0xcfc); g.outl(0xcfc, 0xffffffff); g.outw(0xcfe, 0xffff); g.inb(0xcff); }
      g.outl(0xcf8, 0); g.outl(0xcfc, 0xffffffff); // config disabled: data port ignored
    });
    assert.deepEqual([g.pciRead(HOST, 0, 4), g.pciRead(ISA, 0, 4)], ids, "vendor/device IDs are read-only");
    assert.equal(g.pciRead(bdfOf(0, 31, 7), 0, 4), 0xffffffff, "an absent function reads all-ones");
    for (const irq of m.sim.linkRoute) assert.ok(USABLE.has(irq), `link routed to IRQ ${irq}`);
    assertServing(m, "pci");
  });

  it("PIIX3 PIRQ routing: 5000 random writes of every size never route to a reserved IRQ", () => {
    const m = machine();
    const g = m.guest;
    const rnd = rng(0x60);
    bounded("PIRQ writes", 10_000, () => {
      for (let i = 0; i < 5000; i++) {
        const r = rnd();
        const size = ([1, 2, 4] as const)[r % 3]!;
        const reg = 0x5e + ((r >>> 4) % 8); // straddling the four PIRQRC bytes on both sides
        g.pciWrite(ISA, reg, size, rnd());
        const regs = g.pciRead(ISA, 0x60, 4);
        for (let link = 0; link < 4; link++) {
          const want = expectedRoute((regs >>> (8 * link)) & 0xff);
          assert.equal(m.sim.linkRoute[link], want, `step ${i}: link ${link} (PIRQRC 0x${((regs >>> (8 * link)) & 0xff).toString(16)})`);
        }
      }
    });
    assertServing(m, "pci");
  });

  it("reset control 0xCF9: a flood of writes resets only on 0->1 edges of RCPU", () => {
    const m = machine();
    const g = m.guest;
    let edges = 0, prev = 0;
    bounded("0xCF9 flood", 5000, () => {
      const rnd = rng(0xcf9);
      for (let i = 0; i < 2000; i++) {
        const v = rnd() & 0xff;
        if ((v & 4) && !(prev & 4)) edges++;
        prev = v & 6;
        g.outb(0xcf9, v);
      }
    });
    assert.equal(m.sim.shutdowns.length, edges, "one reset request per rising RCPU edge");
    assert.ok(edges > 100);
    assertServing(m, "pci");
  });

  // Issue 17, finding 5: every PM1a_CNT write asking for a sleep type other than S5 built a log
  // message (a string concatenation: a bump allocation the stub runtime never frees), so 200 000
  // of them grew the module from 128 KiB to 64 MiB (under Xen it trapped after ~3 000 and the
  // guest lost its PCI platform). Now: the refusal is logged once and counted, nothing allocates.
  it("200 000 outw(0xB004, 0x2400) (SLP_EN with S3's SLP_TYP): module memory stays at its post-init size, logged once", () => {
    const m = machine();
    const dev = m.rt.device("pci");
    const before = dev.exports.memory.buffer.byteLength;
    bounded("PM1a_CNT S3 flood", 5000, () => {
      for (let i = 0; i < 200_000; i++) m.guest.outw(0xb004, 0x2400);
    });
    assertServing(m, "pci");
    assert.equal(dev.exports.memory.buffer.byteLength, before, "no allocation per write: memory did not grow");
    assert.deepEqual(m.sim.shutdowns, [], "S3 is refused, not a power-off");
    const refusals = m.logs.filter((l) => /ACPI sleep type 1 asked for/.test(l.text));
    assert.ok(refusals.length >= 1 && refusals.length <= 4, `logged once, then only counted (${refusals.length} lines)`);
  });
});
