// The CMOS NVRAM module driven the way firmware and guests drive it: index writes to 0x70 (0x72),
// data through 0x71 (0x73). The node simulator has no vRTC, so indexes 0–13 reach the device too
// (plain bytes there); on Xen they never would.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";

function cmos(config = ""): Machine {
  return createMachine([{ name: "cmos", config }]);
}

function rd(m: Machine, i: number): number {
  m.guest.outb(0x70, i);
  return m.guest.inb(0x71);
}

function rejected(config: string): string {
  const logs: string[] = [];
  assert.throws(() => createMachine([{ name: "cmos", config }], { runtime: { log: (_d, _l, t) => logs.push(t) } }), /configuration rejected/);
  return logs.join("\n");
}

describe("cmos: contents firmware reads", () => {
  it("64 MiB, 2 CPUs, boot c-a-d: the bytes SeaBIOS reads", () => {
    const m = cmos("ram_mb=64,cpus=2,boot=cad");
    assert.equal(rd(m, 0x14), 0x06, "equipment: FPU, PS/2 mouse, no floppy, VGA");
    assert.equal(rd(m, 0x15) | (rd(m, 0x16) << 8), 640, "base memory KiB");
    assert.equal(rd(m, 0x17) | (rd(m, 0x18) << 8), 63 * 1024, "extended memory KiB");
    assert.equal(rd(m, 0x30) | (rd(m, 0x31) << 8), 63 * 1024);
    assert.equal(rd(m, 0x34) | (rd(m, 0x35) << 8), 48 * 16, "64 KiB units above 16 MiB");
    assert.deepEqual([rd(m, 0x5b), rd(m, 0x5c), rd(m, 0x5d)], [0, 0, 0]);
    assert.equal(rd(m, 0x5f), 1, "CPUs - 1");
    assert.equal(rd(m, 0x3d), 0x12, "first c (2), second a (1)");
    assert.equal(rd(m, 0x38), 0x30, "third d (3), floppy signature check on");
    assert.equal(rd(m, 0x32), 0x20, "BCD century");
    // SeaBIOS boot order: bootflag2 | (bootflag1 & 0xF0) << 4, one nibble per device.
    const order = rd(m, 0x3d) | ((rd(m, 0x38) & 0xf0) << 4);
    assert.deepEqual([order & 15, (order >> 4) & 15, (order >> 8) & 15], [2, 1, 3]);
  });

  it("the checksum at 0x2E/0x2F is the 16-bit sum of 0x10-0x2D, high byte first", () => {
    for (const cfg of ["", "ram_mb=64", "ram_mb=3000,cpus=8,boot=n", "ram_mb=65"]) {
      const m = cmos(cfg);
      let sum = 0;
      for (let i = 0x10; i <= 0x2d; i++) sum += rd(m, i);
      assert.equal((rd(m, 0x2e) << 8) | rd(m, 0x2f), sum & 0xffff, cfg);
      assert.notEqual(sum, 0);
    }
  });

  it("large memory: extended KiB saturate, RAM above 4 GiB in 64 KiB units over 24 bits", () => {
    const m = cmos("ram_mb=6144");
    assert.equal(rd(m, 0x17) | (rd(m, 0x18) << 8), 0xffff);
    assert.equal(rd(m, 0x34) | (rd(m, 0x35) << 8), (3072 - 16) * 16, "lowmem defaults to 3 GiB");
    assert.equal(rd(m, 0x5b) | (rd(m, 0x5c) << 8) | (rd(m, 0x5d) << 16), 3072 * 16);
    const x = cmos("ram_mb=2000000,lowmem_mb=3584");
    assert.equal(rd(x, 0x5b) | (rd(x, 0x5c) << 8) | (rd(x, 0x5d) << 16), 0xffffff, "saturates");
    assert.equal(rd(x, 0x34) | (rd(x, 0x35) << 8), (3584 - 16) * 16, "lowmem_mb as configured");
  });

  it("small memory: nothing above 16 MiB; boot list shorter than three", () => {
    const m = cmos("ram_mb=8,boot=d");
    assert.equal(rd(m, 0x17) | (rd(m, 0x18) << 8), 7 * 1024);
    assert.equal(rd(m, 0x34) | (rd(m, 0x35) << 8), 0);
    assert.equal(rd(m, 0x3d), 0x03);
    assert.equal(rd(m, 0x38), 0x00);
  });

  it("rejects malformed configuration with a clear logged message", () => {
    assert.match(rejected("ram_mb=0"), /ram_mb 0 out of range/);
    assert.match(rejected("ram_mb=64,lowmem_mb=65"), /lowmem_mb 65 must be 1..min\(ram_mb, 4096\)/);
    assert.match(rejected("cpus=0"), /cpus 0 out of range/);
    assert.match(rejected("boot=cx"), /'x' is not one of a \(floppy\)/);
    assert.match(rejected("boot=cdna"), /more than 3 devices/);
    assert.match(rejected("nvram=512"), /nvram 512 must be 128 or 256/);
    assert.match(rejected("century=100"), /century 100 out of range/);
    assert.match(rejected("disk=1"), /unknown configuration key 'disk'/);
    assert.match(rejected("ram_mb=lots"), /bad number for ram_mb/);
  });
});

describe("cmos: registers", () => {
  it("every byte is read/write storage; the index ignores bit 7 (the NMI mask)", () => {
    const m = cmos();
    for (let i = 0x0e; i < 0x80; i++) { m.guest.outb(0x70, i | 0x80); m.guest.outb(0x71, (i * 7) & 0xff); }
    for (let i = 0x0e; i < 0x80; i++) assert.equal(rd(m, i), (i * 7) & 0xff, `index 0x${i.toString(16)}`);
  });

  it("the index port is write-only (reads 0xFF) and keeps its value across data accesses", () => {
    const m = cmos("ram_mb=64");
    m.guest.outb(0x70, 0x14);
    assert.equal(m.guest.inb(0x70), 0xff);
    assert.equal(m.guest.inb(0x71), 0x06);
    assert.equal(m.guest.inb(0x71), 0x06);
  });

  it("contents are battery-backed: a guest reset keeps what the guest wrote", () => {
    const m = cmos("ram_mb=64");
    m.guest.outb(0x70, 0x40); m.guest.outb(0x71, 0x5a);
    m.rt.resetAll();
    assert.equal(rd(m, 0x40), 0x5a);
    assert.equal(rd(m, 0x14), 0x06);
  });

  it("a 16-bit write to 0x70 sets the index and the data (low port first)", () => {
    const m = cmos();
    m.guest.outw(0x70, 0xa541);
    assert.equal(rd(m, 0x41), 0xa5);
    m.guest.outb(0x70, 0x41);
    assert.equal(m.guest.inw(0x70), 0xa5ff);
  });

  it("128 bytes by default: 0x72/0x73 are not claimed", () => {
    const m = cmos();
    m.guest.outb(0x72, 0x10); m.guest.outb(0x73, 0x33);
    assert.equal(m.guest.inb(0x73), 0xff);
  });

  it("nvram=256: the upper bank through 0x72/0x73, separate from the lower one", () => {
    const m = cmos("nvram=256");
    m.guest.outb(0x72, 0x14);
    assert.equal(m.guest.inb(0x73), 0x00, "upper bank starts empty");
    m.guest.outb(0x73, 0x99);
    assert.equal(rd(m, 0x14), 0x06, "lower bank untouched");
    m.guest.outb(0x72, 0x94); // bit 7 ignored
    assert.equal(m.guest.inb(0x73), 0x99);
    assert.equal(m.guest.inb(0x72), 0xff);
  });

  it("garbage: random accesses of every width never trap", () => {
    const m = cmos("nvram=256");
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 8; };
    for (let i = 0; i < 2000; i++) {
      const port = 0x70 + (rnd() & 3);
      const v = rnd();
      switch (rnd() % 5) {
        case 0: m.guest.outb(port, v); break;
        case 1: m.guest.outw(port, v); break;
        case 2: m.guest.outl(port, v); break;
        case 3: m.guest.inb(port); break;
        case 4: m.guest.inl(port); break;
      }
    }
    assert.equal(m.rt.failures.length, 0);
  });
});
