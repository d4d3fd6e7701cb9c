// The PCI platform module (i440FX 00:00.0, PIIX3 ISA 00:01.0, reset control 0xCF9, ACPI PM1a_CNT
// 0xB004 and GPE0 0xAFE0) driven only the
// way a guest drives it: config cycles through 0xCF8/0xCFC (decoded by the simulated Xen into
// PCI_CONFIG ioreqs) and port I/O. What reaches the hypervisor (link routes, resets, PAM) is read
// from the simulator.
import { strict as assert } from "node:assert";
import { createMachine, modulePath, type Machine } from "../../host/node/machine.ts";
import { bdfOf } from "../../host/node/guest.ts";

const HOST = bdfOf(0, 0, 0);
const ISA = bdfOf(0, 1, 0);
const FIXTURE = bdfOf(0, 3, 0); // test fixture PCI function, INTA → Xen link (3 + 0) & 3 = 3 = PIRQD

interface Platform {
  m: Machine;
  /** Every set_pci_link_route the device model issued, in order. */
  routes: Array<[number, number]>;
}

function platform(extra: Parameters<typeof createMachine>[0] = [], config = ""): Platform {
  const m = createMachine([{ name: "pci", config }, ...extra]);
  const routes: Array<[number, number]> = [];
  const orig = m.sim.setPciLinkRoute.bind(m.sim);
  m.sim.setPciLinkRoute = (link: number, irq: number) => { routes.push([link, irq]); orig(link, irq); };
  return { m, routes };
}

function rejected(config: string): string {
  const logs: string[] = [];
  assert.throws(() => createMachine([{ name: "pci", config }], { runtime: { log: (_d, _l, t) => logs.push(t) } }), /configuration rejected/);
  return logs.join("\n");
}

describe("pci: configuration", () => {
  it("takes pm= only: unknown and malformed ones are rejected with a clear message", () => {
    assert.match(rejected("ram=64"), /unknown configuration key 'ram' \(known: pm\)/);
    assert.match(rejected("garbage"), /malformed entry 'garbage'/);
    assert.match(rejected("pm=maybe"), /bad boolean for pm: 'maybe'/);
    const { m } = platform();
    assert.equal(m.rt.failures.length, 0);
  });
});

describe("pci: the PIIX4 power-management function 00:01.3 (pm=on, as QEMU's xenfv has it)", () => {
  const PM = bdfOf(0, 1, 3);
  it("8086:7113 rev 3, class 0x068000, status 0x0280, INTA, subsystem 1AF4:1100; absent without pm=on", () => {
    const g = platform([], "pm=on").m.guest;
    assert.equal(g.pciRead(PM, 0x00, 4) >>> 0, 0x71138086);
    assert.equal(g.pciRead(PM, 0x08, 4) >>> 0, 0x06800003);
    assert.equal(g.pciRead(PM, 0x06, 2), 0x0280);
    assert.equal(g.pciRead(PM, 0x0e, 1), 0x00);
    assert.equal(g.pciRead(PM, 0x3d, 1), 1);
    assert.equal(g.pciRead(PM, 0x2c, 4) >>> 0, 0x11001af4);
    assert.equal(g.pciRead(PM, 0x5b, 1), 0x02, "SMM marked as initialised (no SMM on Xen)");
    assert.equal(g.pciRead(PM, 0x90, 2), 0xb101, "SMBus base of QEMU's pc machine");
    assert.equal(g.pciRead(PM, 0xd2, 1), 0x09);
    assert.equal(platform().m.guest.pciRead(PM, 0x00, 4) >>> 0, 0xffffffff);
  });

  it("hvmloader's writes stick (PMBA 0xB001, PMREGMISC 1, SMBus off) and claim no I/O; reset restores", () => {
    const { m } = platform([], "pm=on");
    const g = m.guest;
    g.pciWrite(PM, 0x20, 2, 0);
    g.pciWrite(PM, 0xd2, 2, 0);
    g.pciWrite(PM, 0x3c, 2, 9);
    g.pciWrite(PM, 0x40, 4, 0xb000 | 1);
    g.pciWrite(PM, 0x80, 1, 1);
    assert.equal(g.pciRead(PM, 0x40, 4) >>> 0, 0xb001);
    assert.equal(g.pciRead(PM, 0x80, 1), 1);
    assert.equal(g.pciRead(PM, 0xd2, 1), 0);
    assert.equal(g.pciRead(PM, 0x3c, 1), 9);
    assert.equal(g.pciRead(PM, 0x20, 4), 0, "no BAR4");
    g.pciWrite(PM, 0x40, 4, 0xffffffff);
    assert.equal(g.pciRead(PM, 0x40, 4) >>> 0, 0xffc1, "PMBA bits 15:6, bit 0 fixed");
    assert.equal(g.inb(0xb000 + 0x10), 0xff, "nothing decodes at the PM base");
    m.rt.resetAll();
    assert.equal(g.pciRead(PM, 0x40, 4) >>> 0, 0x01);
  });

  it("Linux's bus-0 scan finds 00:01.3 after the PIIX3", () => {
    const g = platform([], "pm=on").m.guest;
    const found: string[] = [];
    for (let fn = 0; fn < 8; fn++) {
      const id = g.pciRead(bdfOf(0, 1, fn), 0x00, 4) >>> 0;
      if ((id & 0xffff) !== 0xffff) found.push(`1.${fn} ${id.toString(16)}`);
    }
    assert.deepEqual(found, ["1.0 70008086", "1.3 71138086"]);
  });
});

describe("pci: identity (what SeaBIOS and Linux read first)", () => {
  it("i440FX at 00:00.0: 8086:1237 rev 2, class 0x060000, subsystem 1AF4:1100, header type 0", () => {
    const g = platform().m.guest;
    assert.equal(g.pciRead(HOST, 0x00, 4) >>> 0, 0x12378086);
    assert.equal(g.pciRead(HOST, 0x08, 4) >>> 0, 0x06000002);
    assert.equal(g.pciRead(HOST, 0x0a, 2), 0x0600);
    assert.equal(g.pciRead(HOST, 0x0e, 1), 0x00);
    assert.equal(g.pciRead(HOST, 0x2c, 4) >>> 0, 0x11001af4, "SeaBIOS qemu_detect");
    assert.equal(g.pciRead(HOST, 0x3d, 1), 0, "no interrupt pin");
  });

  it("PIIX3 at 00:01.0: 8086:7000, class 0x060100, multi-function header type 0x80", () => {
    const g = platform().m.guest;
    assert.equal(g.pciRead(ISA, 0x00, 4) >>> 0, 0x70008086);
    assert.equal(g.pciRead(ISA, 0x02, 2), 0x7000);
    assert.equal(g.pciRead(ISA, 0x08, 4) >>> 0, 0x06010000);
    assert.equal(g.pciRead(ISA, 0x0e, 1), 0x80, "bit 7: OSes scan 00:01.1-7");
    assert.equal(g.pciRead(ISA, 0x03, 1), 0x70, "byte read at an odd offset");
    assert.equal(g.pciRead(ISA, 0x2c, 4) >>> 0, 0x11001af4);
  });

  it("both functions are BAR-less: sizing BARs and the ROM BAR reads back 0", () => {
    const g = platform().m.guest;
    for (const f of [HOST, ISA]) {
      for (let bar = 0; bar < 6; bar++) {
        g.pciWrite(f, 0x10 + 4 * bar, 4, 0xffffffff);
        assert.equal(g.pciRead(f, 0x10 + 4 * bar, 4), 0, `BAR${bar} of ${f}`);
      }
      g.pciWrite(f, 0x30, 4, 0xffffffff);
      assert.equal(g.pciRead(f, 0x30, 4), 0);
    }
  });

  it("Linux's bus-0 scan: class 0x0600 at 00:00.0, functions of 00:01 only because of bit 7, absent ones all-ones", () => {
    const g = platform().m.guest;
    const found: string[] = [];
    for (let dev = 0; dev < 32; dev++) {
      const hdr = g.pciRead(bdfOf(0, dev), 0x0e, 1);
      for (let fn = 0; fn < ((hdr & 0x80) ? 8 : 1); fn++) {
        const id = g.pciRead(bdfOf(0, dev, fn), 0x00, 4) >>> 0;
        if ((id & 0xffff) === 0xffff) continue;
        const cls = g.pciRead(bdfOf(0, dev, fn), 0x08, 4) >>> 8;
        found.push(`${dev}.${fn} ${id.toString(16)} ${cls.toString(16)}`);
      }
    }
    assert.deepEqual(found, ["0.0 12378086 60000", "1.0 70008086 60100"]);
  });

  it("read-only identity: writes to vendor, device, class, header type and subsystem are ignored", () => {
    const g = platform().m.guest;
    for (const f of [HOST, ISA]) {
      const before = [0x00, 0x08, 0x0c, 0x2c].map((r) => g.pciRead(f, r, 4) & (r === 0x0c ? 0xffff0000 : 0xffffffff));
      for (const r of [0x00, 0x08, 0x2c]) g.pciWrite(f, r, 4, 0x12345678);
      g.pciWrite(f, 0x0e, 1, 0x7f);
      const after = [0x00, 0x08, 0x0c, 0x2c].map((r) => g.pciRead(f, r, 4) & (r === 0x0c ? 0xffff0000 : 0xffffffff));
      assert.deepEqual(after, before);
    }
  });

  it("unmodelled registers read 0 and ignore writes; nothing exists past 0xFF", () => {
    const g = platform().m.guest;
    for (const r of [0x40, 0x54, 0x90, 0xf0, 0xfc]) {
      g.pciWrite(HOST, r, 4, 0xffffffff);
      assert.equal(g.pciRead(HOST, r, 4), 0, `i440FX 0x${r.toString(16)}`);
    }
    g.pciWrite(ISA, 0xf0, 4, 0xffffffff);
    assert.equal(g.pciRead(ISA, 0xf0, 4), 0);
    // A dword read at 0xFE (port 0xCFE, 32 bits) runs past the header: the bytes beyond read 0
    // instead of wrapping round to the vendor ID.
    assert.equal(g.pciRead(ISA, 0xfe, 4), 0);
  });
});

describe("pci: PIIX3 reset values", () => {
  it("command 0x0007, status 0x0200 and the documented registers", () => {
    const g = platform().m.guest;
    assert.equal(g.pciRead(ISA, 0x04, 2), 0x0007);
    assert.equal(g.pciRead(ISA, 0x06, 2), 0x0200);
    const want: Array<[number, number]> = [
      [0x4c, 0x4d], [0x4e, 0x03], [0x4f, 0x00], [0x60, 0x80], [0x61, 0x80], [0x62, 0x80], [0x63, 0x80],
      [0x69, 0x02], [0x70, 0x80], [0x71, 0x00], [0x76, 0x0c], [0x77, 0x0c], [0x78, 0x02], [0x79, 0x00],
      [0x80, 0x00], [0x82, 0x00], [0xa0, 0x08], [0xa8, 0x0f],
    ];
    for (const [r, v] of want) assert.equal(g.pciRead(ISA, r, 1), v, `PIIX3 0x${r.toString(16)}`);
  });

  it("its registers take their writable bits and return to reset values on a guest reset", () => {
    const { m } = platform();
    const g = m.guest;
    g.pciWrite(ISA, 0x4c, 1, 0x22);
    g.pciWrite(ISA, 0x70, 1, 0xff);
    g.pciWrite(ISA, 0x76, 1, 0xff);
    g.pciWrite(ISA, 0xa0, 1, 0xff);
    assert.deepEqual([0x4c, 0x70, 0x76, 0xa0].map((r) => g.pciRead(ISA, r, 1)), [0x22, 0xcf, 0xff, 0x1f]);
    m.rt.resetAll();
    assert.deepEqual([0x4c, 0x70, 0x76, 0xa0].map((r) => g.pciRead(ISA, r, 1)), [0x4d, 0x80, 0x0c, 0x08]);
  });

  it("i440FX: command starts 0 and takes I/O, memory, master; SMRAM starts 0x02", () => {
    const g = platform().m.guest;
    assert.equal(g.pciRead(HOST, 0x04, 2), 0);
    g.pciWrite(HOST, 0x04, 2, 0x0007);
    assert.equal(g.pciRead(HOST, 0x04, 2), 0x0007);
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x02);
  });
});

describe("pci: PIRQ routing (PIIX3 0x60-0x63)", () => {
  it("reports each effective change through set_pci_link_route, and only changes", () => {
    const { m, routes } = platform();
    const g = m.guest;
    // SeaBIOS piix_isa_bridge_setup: PIRQA-D → 10, 10, 11, 11 (byte writes).
    [10, 10, 11, 11].forEach((irq, i) => g.pciWrite(ISA, 0x60 + i, 1, irq));
    assert.deepEqual(routes, [[0, 10], [1, 10], [2, 11], [3, 11]]);
    assert.deepEqual(m.sim.linkRoute, [10, 10, 11, 11]);
    assert.equal(g.pciRead(ISA, 0x60, 4) >>> 0, 0x0b0b0a0a);
    routes.length = 0;
    g.pciWrite(ISA, 0x60, 4, 0x0b0b0a0a);
    assert.deepEqual(routes, [], "same values: nothing to report");
    g.pciWrite(ISA, 0x62, 2, 0x8b05); // PIRQC → 5, PIRQD disabled
    assert.deepEqual(routes, [[2, 5], [3, 0]]);
    assert.deepEqual(m.sim.linkRoute, [10, 10, 5, 0]);
  });

  it("values of 16 and more and reserved IRQs (0, 1, 2, 8, 13) disable the link, never index anything", () => {
    const { m, routes } = platform();
    const g = m.guest;
    g.pciWrite(ISA, 0x60, 1, 0x0b);
    for (const v of [0x1a, 0x7f, 0x4b, 0x00, 0x01, 0x02, 0x08, 0x0d]) {
      g.pciWrite(ISA, 0x60, 1, 0x0b);
      g.pciWrite(ISA, 0x60, 1, v);
      assert.equal(g.pciRead(ISA, 0x60, 1), v, "the byte reads back as written");
      assert.equal(m.sim.linkRoute[0], 0, `0x${v.toString(16)} disables the link`);
    }
    for (const irq of [3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15]) {
      g.pciWrite(ISA, 0x60, 1, irq);
      assert.equal(m.sim.linkRoute[0], irq);
    }
    assert.ok(m.logs.some((l) => /PIRQRC value 0x1a names no usable ISA IRQ/.test(l.text)));
    assert.ok(routes.every(([link, irq]) => link === 0 && irq >= 0 && irq < 16));
    assert.equal(m.rt.failures.length, 0);
  });

  it("moves a PCI INTx between ISA IRQs (raised directly at the simulated Xen)", () => {
    const { m } = platform();
    const g = m.guest;
    m.sim.setPciIntxLevel(FIXTURE, 0, 1); // INTA of 00:03.0 → link 3 → PIRQD
    assert.equal([...Array(16).keys()].some((i) => g.irq(i)), false, "PIRQD disabled at reset");
    g.pciWrite(ISA, 0x63, 1, 11);
    assert.equal(g.irq(11), true);
    g.pciWrite(ISA, 0x63, 1, 10);
    assert.equal(g.irq(11), false);
    assert.equal(g.irq(10), true);
    g.pciWrite(ISA, 0x63, 1, 0x8a);
    assert.equal(g.irq(10), false, "bit 7 disables the route");
    g.pciWrite(ISA, 0x62, 1, 9); // another link: not this device's
    assert.equal(g.irq(9), false);
  });

  it("end to end: a fixture PCI device's interrupt reaches the ISA IRQ PIRQD names", () => {
    const { m } = platform([{ name: "fx", wasm: modulePath("testdev", { fixture: true }), config: "bdf=00:03.0" }]);
    const g = m.guest;
    g.pciWrite(FIXTURE, 0x14, 4, 0xc000); // BAR1: register block
    g.pciWrite(FIXTURE, 0x04, 2, 0x0001);
    g.outl(0xc000, 100);
    g.outl(0xc010, 3); // timer → INTA
    g.wait(1000);
    assert.equal(g.pciRead(FIXTURE, 0x06, 2) & 0x08, 0x08, "INTx pending in its status");
    assert.equal(g.irq(11), false);
    g.pciWrite(ISA, 0x63, 1, 11);
    assert.equal(g.irq(11), true);
    g.pciWrite(ISA, 0x63, 1, 5);
    assert.equal(g.irq(5), true);
    assert.equal(g.irq(11), false);
    g.outl(0xc010, 4); // the device lowers INTA
    assert.equal(g.irq(5), false);
  });

  it("a guest reset disables every route again and says so", () => {
    const { m, routes } = platform();
    m.guest.pciWrite(ISA, 0x60, 4, 0x0b0b0a0a);
    routes.length = 0;
    m.rt.resetAll();
    assert.deepEqual(routes, [[0, 0], [1, 0], [2, 0], [3, 0]]);
    assert.equal(m.guest.pciRead(ISA, 0x60, 4) >>> 0, 0x80808080);
  });
});

describe("pci: reset control register (port 0xCF9)", () => {
  it("a 0→1 transition of bit 2 with bit 1 requests a hard reset", () => {
    const { m } = platform();
    const g = m.guest;
    g.outb(0xcf9, 0x02);
    assert.deepEqual(m.sim.shutdowns, [], "SRST alone does nothing");
    assert.equal(g.inb(0xcf9), 0x02);
    g.outb(0xcf9, 0x06);
    assert.deepEqual(m.sim.shutdowns, ["reboot"]);
    g.outb(0xcf9, 0x06);
    assert.deepEqual(m.sim.shutdowns, ["reboot"], "no transition, no second reset");
    g.outb(0xcf9, 0x02);
    g.outb(0xcf9, 0x06);
    assert.deepEqual(m.sim.shutdowns, ["reboot", "reboot"]);
  });

  it("Linux reboot=pci: read, write cf9|2, then cf9|0x0E", () => {
    const { m } = platform();
    const g = m.guest;
    const cf9 = g.inb(0xcf9) & ~0x0e;
    g.outb(0xcf9, cf9 | 0x02);
    assert.deepEqual(m.sim.shutdowns, []);
    g.outb(0xcf9, cf9 | 0x0e);
    assert.deepEqual(m.sim.shutdowns, ["reboot"]);
  });

  it("a soft reset (bit 2 without bit 1) is a guest reset too; reads show only bit 1", () => {
    const { m } = platform();
    m.guest.outb(0xcf9, 0x04);
    assert.deepEqual(m.sim.shutdowns, ["reboot"]);
    assert.equal(m.guest.inb(0xcf9), 0x00);
    m.guest.outb(0xcf9, 0xff);
    assert.equal(m.guest.inb(0xcf9), 0x02);
    assert.equal(m.guest.inw(0xcf9), 0xff02, "one byte wide: the byte above is not ours");
  });

  it("after a guest reset the register is 0 and a new 0x06 resets again", () => {
    const { m } = platform();
    m.guest.outb(0xcf9, 0x06);
    m.rt.resetAll();
    assert.equal(m.guest.inb(0xcf9), 0x00);
    m.guest.outb(0xcf9, 0x06);
    assert.deepEqual(m.sim.shutdowns, ["reboot", "reboot"]);
  });

  it("the PCI config ports next to it stay Xen's", () => {
    const { m } = platform();
    m.guest.outl(0xcf8, 0x80000000);
    assert.equal(m.guest.inl(0xcf8), 0x80000000);
    assert.equal(m.guest.inb(0xcf9), 0x00);
  });
});

describe("pci: ACPI registers Xen leaves to the device model (PM1a_CNT 0xB004, GPE0 0xAFE0)", () => {
  const PM1A_CNT = 0xb004;
  const GPE0 = 0xafe0;
  const SLP_EN = 0x2000;

  it("hvmloader's acpi_enable_sci: PM1a_CNT reads SCI_EN set (always ACPI mode: the FADT has no SMI port)", () => {
    const { m } = platform();
    assert.equal(m.guest.inb(PM1A_CNT) & 1, 1);
    assert.equal(m.guest.inw(PM1A_CNT), 0x0001);
  });

  it("Linux/Windows power-off: SLP_TYP 0 (Xen's \\_S5) with SLP_EN asks for a poweroff, once per write", () => {
    const { m } = platform();
    const g = m.guest;
    // ACPICA: read PM1a_CNT, clear SLP_TYP and SLP_EN, write SLP_TYP, then write it again with SLP_EN
    const cnt = g.inw(PM1A_CNT) & ~0x3c00;
    g.outw(PM1A_CNT, cnt);
    assert.deepEqual(m.sim.shutdowns, [], "SLP_TYP alone does nothing");
    g.outw(PM1A_CNT, cnt | SLP_EN);
    assert.deepEqual(m.sim.shutdowns, ["poweroff"]);
    assert.equal(g.inw(PM1A_CNT) & SLP_EN, 0, "SLP_EN is write-only");
    assert.equal(m.rt.failures.length, 0);
  });

  it("SLP_EN written alone into the high byte powers off too; the low byte keeps its bits", () => {
    const { m } = platform();
    m.guest.outb(PM1A_CNT, 0x02); // BM_RLD
    assert.equal(m.guest.inw(PM1A_CNT), 0x0003);
    m.guest.outb(PM1A_CNT + 1, SLP_EN >> 8);
    assert.deepEqual(m.sim.shutdowns, ["poweroff"]);
    assert.equal(m.guest.inw(PM1A_CNT), 0x0003);
  });

  it("other sleep types (\\_S3 is SLP_TYP 1) are refused with a log line, not a power-off", () => {
    const logs: string[] = [];
    const m = createMachine([{ name: "pci", config: "" }], { runtime: { log: (_d, _l, t) => logs.push(t) } });
    m.guest.outw(PM1A_CNT, (1 << 10) | SLP_EN);
    assert.deepEqual(m.sim.shutdowns, []);
    assert.match(logs.join("\n"), /ACPI sleep type 1 asked for; only soft-off/);
    assert.equal(m.guest.inw(PM1A_CNT), 0x0401, "SLP_TYP kept, SLP_EN not");
  });

  it("GPE0: status bytes read 0 and clear on 1s; enable bytes keep what is written, byte by byte or as a word", () => {
    const { m } = platform();
    const g = m.guest;
    assert.equal(g.inl(GPE0) >>> 0, 0);
    g.outb(GPE0 + 2, 0x0f);
    g.outb(GPE0 + 3, 0x80);
    assert.equal(g.inw(GPE0 + 2), 0x800f);
    g.outl(GPE0, 0x1234ffff);
    assert.equal(g.inl(GPE0) >>> 0, 0x12340000, "status writes clear, never set");
  });

  it("a guest reset clears SLP_TYP, BM_RLD and the GPE enables", () => {
    const { m } = platform();
    m.guest.outw(PM1A_CNT, 0x1c02);
    m.guest.outw(GPE0 + 2, 0xffff);
    m.rt.resetAll();
    assert.equal(m.guest.inw(PM1A_CNT), 0x0001);
    assert.equal(m.guest.inw(GPE0 + 2), 0);
  });

  it("only its own bytes: wider accesses see all-ones past each register, and Xen's PM1a_STS/EN and timer stay unclaimed", () => {
    const { m } = platform();
    assert.equal(m.guest.inl(PM1A_CNT) >>> 0, 0xffff0001);
    m.guest.outl(PM1A_CNT, 0xffff0000);
    assert.deepEqual(m.sim.shutdowns, [], "the upper word is not PM1a_CNT");
    for (const port of [0xb000, 0xb002, 0xb008]) assert.equal(m.guest.inw(port), 0xffff, `0x${port.toString(16)} is Xen's`);
  });
});

describe("pci: i440FX PAM and SMRAM", () => {
  const pam = (m: Machine) => m.sim.platformLog.filter((e) => e.kind === "pam").map((e) => [e.a, e.b]);

  it("SeaBIOS shadowing: dword writes open C0000-FFFFF, later make it read-only; each change is reported", () => {
    const { m } = platform();
    const g = m.guest;
    // make_bios_writable_intel: read the two dwords holding PAM0-6, set 0x33 x6 and 0x30, write back.
    const lo = g.pciRead(HOST, 0x58, 4) >>> 0;
    const hi = g.pciRead(HOST, 0x5c, 4) >>> 0;
    assert.deepEqual([lo, hi], [0, 0]);
    g.pciWrite(HOST, 0x58, 4, (lo & 0xff) | 0x33333000);
    g.pciWrite(HOST, 0x5c, 4, 0x33333333);
    assert.deepEqual(pam(m), [[0x59, 0x30], [0x5a, 0x33], [0x5b, 0x33], [0x5c, 0x33], [0x5d, 0x33], [0x5e, 0x33], [0x5f, 0x33]]);
    assert.equal(g.pciRead(HOST, 0x58, 4) >>> 0, 0x33333000);
    assert.equal(g.pciRead(HOST, 0x5c, 4) >>> 0, 0x33333333);
    // make_bios_readonly_intel: 0x11 x6 and 0x10.
    m.sim.platformLog.length = 0;
    g.pciWrite(HOST, 0x58, 4, 0x11111000);
    g.pciWrite(HOST, 0x5c, 4, 0x11111111);
    assert.deepEqual(pam(m), [[0x59, 0x10], [0x5a, 0x11], [0x5b, 0x11], [0x5c, 0x11], [0x5d, 0x11], [0x5e, 0x11], [0x5f, 0x11]]);
  });

  it("only RE/WE bits are writable (PAM0: its high nibble only); unchanged bytes are not reported", () => {
    const { m } = platform();
    const g = m.guest;
    g.pciWrite(HOST, 0x59, 1, 0xff);
    g.pciWrite(HOST, 0x5a, 1, 0xff);
    assert.equal(g.pciRead(HOST, 0x59, 1), 0x30);
    assert.equal(g.pciRead(HOST, 0x5a, 1), 0x33);
    g.pciWrite(HOST, 0x5a, 1, 0x77);
    g.pciWrite(HOST, 0x58, 1, 0xff); // not a PAM register
    assert.deepEqual(pam(m), [[0x59, 0x30], [0x5a, 0x33]]);
  });

  it("a guest reset closes the shadow RAM again and reports it", () => {
    const { m } = platform();
    m.guest.pciWrite(HOST, 0x5c, 4, 0x33333333);
    m.sim.platformLog.length = 0;
    m.rt.resetAll();
    assert.deepEqual(pam(m), [[0x5c, 0], [0x5d, 0], [0x5e, 0], [0x5f, 0]]);
    assert.equal(m.guest.pciRead(HOST, 0x5c, 4), 0);
  });

  it("SMRAM: base segment fixed at 010; D_LCK clears D_OPEN and freezes D_LCK, D_OPEN, G_SMRAME until reset", () => {
    const { m } = platform();
    const g = m.guest;
    g.pciWrite(HOST, 0x72, 1, 0x4f); // D_OPEN | G_SMRAME, base segment bits written as 111
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x4a);
    g.pciWrite(HOST, 0x72, 1, 0x00);
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x02);
    g.pciWrite(HOST, 0x72, 1, 0x58); // D_OPEN | D_LCK | G_SMRAME
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x1a, "locking closes D_OPEN");
    g.pciWrite(HOST, 0x72, 1, 0x60); // try to reopen, unlock, disable; D_CLS is still writable
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x3a);
    g.pciWrite(HOST, 0x70, 4, 0);
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x1a, "a dword write reaches it the same way");
    m.rt.resetAll();
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x02);
    g.pciWrite(HOST, 0x72, 1, 0x40);
    assert.equal(g.pciRead(HOST, 0x72, 1), 0x42, "unlocked again after reset");
  });
});

describe("pci: garbage from the guest", () => {
  it("random config writes of every size never trap, never change identity, and reports match the registers", () => {
    const { m } = platform();
    const g = m.guest;
    let seed = 42;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 4; };
    for (let i = 0; i < 4000; i++) {
      const f = rnd() & 1 ? HOST : ISA;
      const size = ([1, 2, 4] as const)[rnd() % 3]!;
      const reg = (rnd() & 0xff) & ~(size - 1);
      if (reg === 0x04 && f === HOST) continue; // keep the command register sane for the identity check
      g.pciWrite(f, reg, size, rnd() ^ (rnd() << 16));
      if (i % 10 === 0) g.outb(0xcf9, rnd() & 0xfb); // never bit 2: keep the reset count at 0
      if (i % 10 === 5) g.outw(0xb004, rnd() & ~0x2000); // never SLP_EN: no power-off
      if (i % 10 === 7) g.outl(0xafe0, rnd() ^ (rnd() << 16));
    }
    assert.equal(m.rt.failures.length, 0);
    assert.equal(g.pciRead(HOST, 0, 4) >>> 0, 0x12378086);
    assert.equal(g.pciRead(ISA, 0, 4) >>> 0, 0x70008086);
    assert.equal(g.pciRead(ISA, 0x0e, 1), 0x80);
    assert.deepEqual(m.sim.shutdowns, []);
    for (let link = 0; link < 4; link++) {
      const v = g.pciRead(ISA, 0x60 + link, 1);
      const irq = v & 0x80 || v >= 16 || [0, 1, 2, 8, 13].includes(v & 15) ? 0 : v;
      assert.equal(m.sim.linkRoute[link], irq, `link ${link} (0x${v.toString(16)})`);
    }
    const pamLog = new Map<number, number>();
    for (const e of m.sim.platformLog) if (e.kind === "pam") pamLog.set(e.a, e.b);
    for (let r = 0x59; r <= 0x5f; r++) assert.equal(pamLog.get(r) ?? 0, g.pciRead(HOST, r, 1), `PAM 0x${r.toString(16)}`);
  });
});
