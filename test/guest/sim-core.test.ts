// The development host's core without running a guest: the machine's port and MMIO tables are
// driven the way v86's CPU drives them (the handlers in cpu.io.ports and the 128 KiB block
// tables), to check the pieces the SeaBIOS boot relies on — shared guest RAM, Xen's 0xCF8 latch
// and PCI_CONFIG decode, and MMIO blocks that follow a BAR when the guest moves it.
import { strict as assert } from "node:assert";
import { SimMachine } from "../../host/sim/machine.ts";
import { defaultDevices } from "../../host/sim/default-guest.ts";
import { BLOCK_SHIFT } from "../../host/sim/mmio-takeover.ts";

const RAM = 32 << 20;

describe("guest: host/sim core (v86 tables driven directly)", function () {
  this.timeout(60000);
  let m: SimMachine;
  before(async () => {
    const { specs, missing } = defaultDevices({}, RAM, ["pci", "e1000"]);
    if (specs.length !== 2) throw new Error(`needs the pci and e1000 modules: ${missing.join("; ")}`);
    m = await SimMachine.create({ memoryBytes: RAM, devices: specs, log: () => {} });
  });
  after(async () => { await m?.destroy(); });

  const outl = (port: number, v: number): void => { const p = m.cpu.io.ports[port]!; p.write32.call(p.device, v | 0); };
  const outb = (port: number, v: number): void => { const p = m.cpu.io.ports[port]!; p.write8.call(p.device, v); };
  const inl = (port: number): number => { const p = m.cpu.io.ports[port]!; return p.read32.call(p.device, port) >>> 0; };
  const cfgRead = (bdf: number, reg: number): number => { outl(0xcf8, 0x80000000 | (bdf << 8) | reg); return inl(0xcfc); };
  const cfgWrite = (bdf: number, reg: number, v: number): void => { outl(0xcf8, 0x80000000 | (bdf << 8) | reg); outl(0xcfc, v); };

  it("shares guest RAM: DMA writes are what the CPU reads, CPU writes are what DMA reads; the VGA hole is not RAM", () => {
    assert.equal(m.sim.ram.write(0x500, Uint8Array.of(0x11, 0x22, 0x33)), true);
    assert.equal(m.cpu.read8(0x501), 0x22);
    m.cpu.write8(0x600, 0x77);
    const b = new Uint8Array(1);
    assert.equal(m.sim.ram.read(0x600, b), true);
    assert.equal(b[0], 0x77);
    assert.equal(m.sim.ram.write(0xa0000, Uint8Array.of(1)), false);
    assert.equal(m.sim.ram.write(RAM - 1, Uint8Array.of(1, 2)), false);
  });

  it("decodes 0xCF8/0xCFC into PCI_CONFIG ioreqs; only a 32-bit write to 0xCF8 latches", () => {
    assert.equal(cfgRead(0, 0), 0x12378086);
    assert.equal(cfgRead(3 << 3, 0), 0x100e8086);
    assert.equal(cfgRead(5 << 3, 0), 0xffffffff); // nobody at 00:05.0
    outb(0xcf8, 0x00); // a byte write is not the latch
    assert.equal(inl(0xcf8), (0x80000000 | (5 << 3 << 8)) >>> 0);
  });

  it("routes the e1000's BAR0 blocks to the simulator where the guest puts it, and moves them with the BAR", () => {
    const bdf = 3 << 3;
    const blockOf = (a: number): number => a >>> BLOCK_SHIFT;
    cfgWrite(bdf, 0x10, 0xfeb00000);
    cfgWrite(bdf, 0x04, 0x0002); // memory decode on
    assert.equal(m.mmio.isOurs(blockOf(0xfeb00000)), true);
    const status = m.cpu.memory_map_read32[blockOf(0xfeb00000)]!(0xfeb00008) >>> 0; // STATUS register
    assert.notEqual(status, 0xffffffff);
    cfgWrite(bdf, 0x10, 0xfe000000);
    assert.equal(m.mmio.isOurs(blockOf(0xfeb00000)), false, "old block given back to v86");
    assert.equal(m.mmio.isOurs(blockOf(0xfe000000)), true);
    assert.equal(m.cpu.memory_map_read32[blockOf(0xfe000000)]!(0xfe000008) >>> 0, status);
    cfgWrite(bdf, 0x04, 0x0000); // decode off: unclaimed
    assert.equal(m.mmio.isOurs(blockOf(0xfe000000)), false);
  });

  it("delivers 16- and 64-bit MMIO stores as one ioreq of their width (v86 would split them)", () => {
    const bdf = 3 << 3;
    cfgWrite(bdf, 0x10, 0xfeb00000);
    cfgWrite(bdf, 0x04, 0x0002);
    const sizes: number[] = [];
    const handle = m.rt.handle.bind(m.rt);
    m.rt.handle = (req, hi, lo, dhi) => { sizes.push(req.size); return handle(req, hi, lo, dhi); };
    try {
      m.cpu.mmap_write16(0xfeb00100 | 0, 0x1234);
      m.cpu.mmap_write64(0xfeb00108 | 0, 0x11223344, 0x55667788);
    } finally {
      m.rt.handle = handle;
      cfgWrite(bdf, 0x04, 0x0000);
    }
    assert.deepEqual(sizes, [2, 8]);
  });

  it("turns an exception in the ioreq path into a clean end of the run, never an unwind into v86", () => {
    const rt = m.rt;
    m.sim.attach({ serviceEvent: () => { throw new Error("simulated runtime bug"); }, drainBuffered: () => {}, runDeferred: () => {} });
    try {
      assert.equal(cfgRead(0, 0), 0xffffffff);
      assert.equal(m.ended, "fault");
      assert.match(m.fault?.message ?? "", /simulated runtime bug/);
    } finally {
      m.sim.attach(rt);
    }
    assert.equal(cfgRead(0, 0), 0x12378086, "the slot is free again");
  });
});
