// The runtime's ioreq path, driven as a guest drives hardware: Xen's ioreq_t layout and state
// machine, PIO/MMIO sizes, 8-byte splits, string I/O in both directions with df, the buffered
// ring, PCI_CONFIG routing with BAR moves, IRQ lines, timers and DMA — through the testdev fixture.
import { strict as assert } from "node:assert";
import { createMachine, modulePath, type Machine } from "../../host/node/machine.ts";
import { IoreqPage, BufIoreqPage, STATE_NONE, IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG, DIR_READ } from "../../host/node/ioreq.ts";
import { bdfOf } from "../../host/node/guest.ts";

const testdev = modulePath("testdev", { fixture: true });
const RAM = 0x100000; // a scratch guest-RAM area for string I/O and DMA

function machine(config = "base=0x600,mmio=0xfe000000", extra: Parameters<typeof createMachine>[0] = []): Machine {
  return createMachine([{ name: "t", wasm: testdev, config, irqs: [{ isa: 5 }] }, ...extra]);
}

describe("ioreq_t layout (Xen's binary format)", () => {
  it("puts every field at Xen's offset and packs state/data_is_ptr/dir/df in byte 30", () => {
    const p = new IoreqPage(new Uint8Array(64));
    p.write(1, { addr: 0x1_2345_6789, data: 0xfeed_beef_cafe, count: 7, size: 4, vpEport: 9, state: 1, dataIsPtr: true, dir: 1, df: true, type: IOREQ_TYPE_COPY });
    const b = p.bytes;
    const dv = new DataView(b.buffer);
    assert.equal(dv.getUint32(32 + 0, true), 0x2345_6789);
    assert.equal(dv.getUint32(32 + 4, true), 0x1);
    assert.equal(dv.getUint32(32 + 8, true), 0xbeef_cafe);
    assert.equal(dv.getUint32(32 + 12, true), 0xfeed);
    assert.equal(dv.getUint32(32 + 16, true), 7);
    assert.equal(dv.getUint32(32 + 20, true), 4);
    assert.equal(dv.getUint32(32 + 24, true), 9);
    assert.equal(b[32 + 30], 0x1 | 0x10 | 0x20 | 0x40);
    assert.equal(b[32 + 31], IOREQ_TYPE_COPY);
    assert.deepEqual(p.read(1), { addr: 0x1_2345_6789, data: 0xfeed_beef_cafe, count: 7, size: 4, vpEport: 9, state: 1, dataIsPtr: true, dir: 1, df: true, type: IOREQ_TYPE_COPY });
    assert.equal(p.read(0).state, STATE_NONE);
  });

  it("encodes buffered slots as Xen does: type, dir, size code, 20-bit addr, and two slots for 8 bytes", () => {
    const bp = new BufIoreqPage();
    assert.ok(bp.push(IOREQ_TYPE_COPY, 2, 0xa1234, 0xbeef));
    assert.ok(bp.push(IOREQ_TYPE_COPY, 8, 0xb0000, 0x11223344, 0x55667788));
    const dv = new DataView(bp.bytes.buffer);
    assert.equal(bp.writePointer, 3);
    const w0 = dv.getUint32(8, true);
    assert.equal(w0 & 0xff, IOREQ_TYPE_COPY);
    assert.equal((w0 >> 9) & 1, 0, "dir bit: write");
    assert.equal((w0 >> 10) & 3, 1, "size code 1 = 2 bytes");
    assert.equal(w0 >>> 12, 0xa1234);
    assert.equal(dv.getUint32(12, true), 0xbeef);
    assert.equal(bp.slot(1).size, 8);
    assert.equal(bp.slot(2).data, 0x55667788);
    assert.equal(bp.push(IOREQ_TYPE_COPY, 4, 0x100000, 0), false, "addresses need 20 bits");
  });
});

describe("runtime: port and MMIO accesses", () => {
  it("answers PIO of every size and returns each slot to STATE_NONE, notifying the vCPU's port", () => {
    const m = machine();
    m.guest.outl(0x600, 0x12345678);
    assert.equal(m.guest.inl(0x600), 0x12345678);
    assert.equal(m.guest.inw(0x600), 0x5678);
    assert.equal(m.guest.inb(0x600), 0x78);
    assert.equal(m.sim.page.state(0), STATE_NONE);
    assert.equal(m.sim.notified.at(-1), 1, "vp_eport of vCPU 0");
  });

  it("answers unclaimed ports with all-ones and drops writes, logging once", () => {
    const m = machine();
    m.rt.handle({ addr: 0x700, data: 0, count: 1, size: 2, vpEport: 1, state: 1, dataIsPtr: false, dir: DIR_READ, df: false, type: 0 }, 0);
    const [lo] = m.rt.handle({ addr: 0x700, data: 0, count: 1, size: 2, vpEport: 1, state: 1, dataIsPtr: false, dir: DIR_READ, df: false, type: 0 }, 0);
    assert.equal(lo, 0xffff);
    assert.equal(m.logs.filter((l) => l.text.includes("unclaimed port 0x700")).length, 1);
    assert.equal(m.guest.inb(0x700), 0xff, "the simulator does the same for ranges nobody mapped");
  });

  it("splits 8-byte MMIO into two 4-byte device accesses, low half first", () => {
    const m = machine();
    m.guest.writeq(0xfe000010, 0x0011_2233_4455_6677n);
    assert.equal(m.guest.inl(0x618), 2, "two dev_write calls");
    assert.equal(m.guest.readl(0xfe000010), 0x4455_6677);
    assert.equal(m.guest.readl(0xfe000014), 0x0011_2233);
    assert.equal(m.guest.readq(0xfe000010), 0x0011_2233_4455_6677n);
    assert.equal(m.guest.readw(0xfe000012), 0x4455);
  });
});

describe("runtime: string I/O (data_is_ptr)", () => {
  it("rep outsb streams guest memory to a port in order; rep insb reads it back", () => {
    const m = machine();
    m.guest.poke(RAM, [1, 2, 3, 4, 5]);
    m.guest.repOuts(0x604, 1, RAM, 5);
    m.guest.repIns(0x604, 1, RAM + 0x100, 6);
    assert.deepEqual([...m.guest.peek(RAM + 0x100, 6)], [1, 2, 3, 4, 5, 0xff]);
  });

  it("walks guest memory downwards when df is set", () => {
    const m = machine();
    m.guest.poke(RAM, [10, 20, 30]);
    m.guest.repOuts(0x604, 1, RAM + 2, 3, true); // reads RAM+2, +1, +0
    assert.deepEqual([m.guest.inb(0x604), m.guest.inb(0x604), m.guest.inb(0x604)], [30, 20, 10]);
    m.guest.outb(0x604, 7); m.guest.outb(0x604, 8);
    m.guest.repIns(0x604, 1, RAM + 0x11, 2, true); // writes RAM+0x11, then +0x10
    assert.deepEqual([...m.guest.peek(RAM + 0x10, 2)], [8, 7]);
  });

  it("steps the device address too for MMIO movs, in both directions and with df", () => {
    const m = machine();
    m.guest.poke(RAM, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
    m.guest.movsToMmio(0xfe000100, 4, RAM, 2);
    assert.equal(m.guest.readl(0xfe000100), 0x44332211);
    assert.equal(m.guest.readl(0xfe000104), 0x88776655);
    m.guest.movsFromMmio(0xfe000104, 2, RAM + 0x40, 2, true); // dev 0x104 → RAM+0x40, dev 0x102 → RAM+0x3e
    assert.deepEqual([...m.guest.peek(RAM + 0x3e, 4)], [0x33, 0x44, 0x55, 0x66]);
  });

  it("stops a string whose buffer leaves guest RAM, without touching anything outside", () => {
    const m = machine();
    const end = m.sim.ram.size;
    m.guest.poke(end - 2, [0xaa, 0xbb]);
    m.guest.repOuts(0x604, 1, end - 2, 10);
    assert.deepEqual([m.guest.inb(0x604), m.guest.inb(0x604), m.guest.inb(0x604)], [0xaa, 0xbb, 0xff]);
    assert.ok(m.logs.some((l) => l.text.includes("outside guest RAM")));
    assert.equal(m.rt.failures.length, 0);
  });

  it("bounds a huge count", () => {
    const m = createMachine([{ name: "t", wasm: testdev, config: "base=0x600" }], { runtime: { maxRepCount: 300 } });
    m.guest.repOuts(0x604, 1, RAM, 0xffffffff);
    assert.ok(m.logs.some((l) => l.text.includes("clamped to 300")));
  });
});

describe("runtime: the buffered ring", () => {
  it("applies buffered VGA-window writes in order before the next synchronous request", () => {
    const m = machine("base=0x600,mmio=0xa0000");
    for (let i = 0; i < 600; i++) m.guest.writeb(0xa0000 + (i & 0xff), i & 0xff); // wraps the 511-slot ring
    m.guest.writel(0xa0100, 0xdeadbeef);
    assert.ok(m.sim.buf.pending() > 0, "writes are queued, not answered one by one");
    assert.equal(m.guest.readl(0xa0100), 0xdeadbeef, "a synchronous read drains the ring first");
    assert.equal(m.sim.buf.pending(), 0);
    assert.equal(m.guest.readb(0xa0057), 0x57);
    m.guest.writeq(0xa0200, 0x0102030405060708n);
    assert.equal(m.guest.readq(0xa0200), 0x0102030405060708n, "8-byte buffered writes span two slots");
    assert.equal(m.rt.stats.buffered, 602);
  });
});

describe("runtime: PCI_CONFIG and BARs", () => {
  const BDF = bdfOf(0, 4, 0);
  function pciMachine(): Machine {
    return createMachine([{ name: "t", wasm: testdev, config: "bdf=00:04.0" }]);
  }

  it("routes PCI_CONFIG by SBDF from the upper half of addr; absent functions read all-ones", () => {
    const m = pciMachine();
    assert.equal(m.guest.pciRead(BDF, 0, 4), 0x0005_1b36);
    assert.equal(m.guest.pciRead(BDF, 2, 2), 0x0005);
    assert.equal(m.guest.pciRead(BDF, 0x3d, 1), 1, "INTA");
    assert.equal(m.guest.pciRead(bdfOf(0, 5, 0), 0, 4), 0xffffffff);
    m.sim.page.write(0, { addr: 0, data: 0, count: 1, size: 4, vpEport: 1, state: 1, dataIsPtr: false, dir: DIR_READ, df: false, type: IOREQ_TYPE_PCI_CONFIG });
    m.sim.page.setAddr(0, 0, BDF);
    m.rt.serviceEvent(m.sim.page, null);
    assert.equal(m.sim.page.dataLo(0), 0x0005_1b36);
  });

  it("sizes BARs, claims them only while decoding is enabled, and moves them when reprogrammed", () => {
    const m = pciMachine();
    m.guest.pciWrite(BDF, 0x10, 4, 0xffffffff);
    assert.equal(m.guest.pciRead(BDF, 0x10, 4), 0xfffff000, "4 KiB memory BAR");
    m.guest.pciWrite(BDF, 0x14, 4, 0xffffffff);
    assert.equal(m.guest.pciRead(BDF, 0x14, 4), 0xffffffe1, "32-port I/O BAR");
    m.guest.pciWrite(BDF, 0x10, 4, 0xfe100000);
    m.guest.pciWrite(BDF, 0x14, 4, 0xc000);
    assert.equal(m.guest.inl(0xc000), 0xffffffff, "not decoded before the command register enables it");
    m.guest.pciWrite(BDF, 0x04, 2, 0x0003);
    m.guest.outl(0xc000, 0x5a5a);
    assert.equal(m.guest.inl(0xc000), 0x5a5a);
    m.guest.writel(0xfe100010, 0x1234);
    m.guest.pciWrite(BDF, 0x10, 4, 0xfe200000);
    assert.equal(m.guest.readl(0xfe100010), 0xffffffff, "old address no longer decoded");
    assert.equal(m.guest.readl(0xfe200010), 0x1234, "the window moved with its BAR");
    m.guest.pciWrite(BDF, 0x04, 2, 0x0000);
    assert.equal(m.guest.inl(0xc000), 0xffffffff);
    assert.equal(m.rt.ranges.all().length, 0);
  });

  it("masks read-only header bits and clears status bits written as one", () => {
    const m = pciMachine();
    m.guest.pciWrite(BDF, 0, 4, 0);
    assert.equal(m.guest.pciRead(BDF, 0, 4), 0x0005_1b36);
    m.guest.pciWrite(BDF, 0x04, 2, 0xffff);
    assert.equal(m.guest.pciRead(BDF, 0x04, 2), 0x0547);
  });
});

describe("runtime: IRQ lines, timers and DMA", () => {
  it("ORs two devices sharing an ISA line", () => {
    const m = machine("base=0x600,mmio=0xfe000000", [{ name: "u", wasm: testdev, config: "base=0x640,mmio=0xfe001000", irqs: [{ isa: 5 }] }]);
    const edges: string[] = [];
    m.sim.onIrq = (irq, level) => edges.push(`${irq}:${level ? 1 : 0}`);
    for (const base of [0x600, 0x640]) { m.guest.outl(base, 100); m.guest.outl(base + 16, 3); }
    m.guest.wait(100);
    assert.equal(m.guest.irq(5), true);
    m.guest.outl(0x600 + 16, 4);
    assert.equal(m.guest.irq(5), true, "still asserted by the other device");
    m.guest.outl(0x640 + 16, 4);
    assert.equal(m.guest.irq(5), false);
    assert.deepEqual(edges, ["5:1", "5:0"]);
  });

  it("fires a device timer only when virtual time reaches it", () => {
    const m = machine();
    m.guest.outl(0x600, 1_000_000);
    m.guest.outl(0x610, 3);
    m.guest.wait(999_999);
    assert.equal(m.guest.irq(5), false);
    assert.equal(m.guest.inl(0x614) >> 8, 0);
    m.guest.wait(1);
    assert.equal(m.guest.irq(5), true);
    assert.equal(m.guest.inl(0x614) >> 8, 1);
  });

  it("routes PCI INTx through the PCI-ISA link and honours INTx disable", () => {
    const m = createMachine([{ name: "t", wasm: testdev, config: "bdf=00:04.0" }]);
    const BDF = bdfOf(0, 4, 0);
    m.sim.setPciLinkRoute((4 + 0) & 3, 11); // Xen's swizzle: device 4, INTA → link 0
    m.guest.pciWrite(BDF, 0x14, 4, 0xc000);
    m.guest.pciWrite(BDF, 0x04, 2, 0x0001);
    m.guest.outl(0xc000, 10);
    m.guest.outl(0xc010, 3);
    m.guest.wait(10);
    assert.equal(m.guest.irq(11), true);
    assert.equal(m.guest.pciRead(BDF, 0x06, 2) & 0x8, 0x8, "status: interrupt pending");
    m.guest.pciWrite(BDF, 0x04, 2, 0x0401);
    assert.equal(m.guest.irq(11), false, "INTx disable masks the line");
    m.guest.pciWrite(BDF, 0x04, 2, 0x0001);
    assert.equal(m.guest.irq(11), true);
    m.sim.setPciLinkRoute(0, 10);
    assert.equal(m.guest.irq(11), false);
    assert.equal(m.guest.irq(10), true, "re-routing the link moves the interrupt");
  });

  it("copies with DMA both ways and reports a fault for memory outside guest RAM", () => {
    const m = machine();
    m.guest.poke(RAM, [9, 8, 7, 6]);
    m.guest.outl(0x608, RAM);
    m.guest.outl(0x60c, 4);
    m.guest.outl(0x610, 1);
    assert.equal(m.guest.readl(0xfe000000), 0x06070809);
    m.guest.outl(0x608, RAM + 0x80);
    m.guest.outl(0x610, 2);
    assert.deepEqual([...m.guest.peek(RAM + 0x80, 4)], [9, 8, 7, 6]);
    m.guest.outl(0x608, m.sim.ram.size - 2);
    m.guest.outl(0x610, 2);
    assert.equal(m.guest.inl(0x614) & 0xff, 1, "fault reported to the device");
    assert.equal(m.rt.failures.length, 0);
  });

  it("refuses DMA from a PCI function whose bus mastering is off", () => {
    const m = createMachine([{ name: "t", wasm: testdev, config: "bdf=00:04.0" }]);
    const BDF = bdfOf(0, 4, 0);
    m.guest.pciWrite(BDF, 0x14, 4, 0xc000);
    m.guest.pciWrite(BDF, 0x04, 2, 0x0001);
    m.guest.outl(0xc008, RAM);
    m.guest.outl(0xc00c, 4);
    m.guest.outl(0xc010, 2);
    assert.equal(m.guest.inl(0xc014) & 0xff, 1);
    m.guest.pciWrite(BDF, 0x04, 2, 0x0005);
    m.guest.outl(0xc010, 2);
    assert.equal(m.guest.inl(0xc014) & 0xff, 0);
  });
});
