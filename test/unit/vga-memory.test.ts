// The legacy memory window without QEMU at hand: memory-map select, chain-4, odd/even, latches
// and write modes, read mode 1 (the differential test repeats these against QEMU).
import { strict as assert } from "node:assert";
import { makeVga } from "./vga-guest.ts";

describe("vga legacy memory window", () => {
  it("memory map select decodes 128K / 64K / B0000 / B8000; undecoded reads 0xFF", () => {
    const { g } = makeVga("rom=none");
    g.outw(0x3c4, 0x0604); g.outw(0x3c4, 0x0f02); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0xff08);
    g.outw(0x3ce, 0x0506); // map 1: A0000 64K
    g.writeb(0xa0001, 0x5a);
    assert.equal(g.readb(0xb0001), 0xff);
    g.outw(0x3ce, 0x0906); // map 2: B0000 32K
    assert.equal(g.readb(0xb0001), 0x5a, "B0000 is planar offset 0 again");
    assert.equal(g.readb(0xa0001), 0xff);
    assert.equal(g.readb(0xb8001), 0xff);
    g.outw(0x3ce, 0x0d06); // map 3: B8000 32K
    assert.equal(g.readb(0xb8001), 0x5a);
    g.outw(0x3ce, 0x0106); // map 0: the whole 128K
    assert.equal(g.readb(0xa0001), 0x5a);
    assert.equal(g.readb(0xb8001), 0x00, "A0000+0x18001 is another planar address");
  });

  it("write mode 0 with rotate, function select and bit mask; latches; write mode 1 copies", () => {
    const { g } = makeVga("rom=none");
    g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0106); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0xff08);
    for (let p = 0; p < 4; p++) { g.outw(0x3c4, 0x02 | ((1 << p) << 8)); g.writeb(0xa0000, 0x0f << p & 0xff); }
    g.outw(0x3c4, 0x0f02);
    g.readb(0xa0000); // latch
    g.outw(0x3ce, 0x1203); // rotate 2, function OR
    g.outw(0x3ce, 0xf008); // bit mask: high nibble from the ALU, low from the latches
    g.writeb(0xa0000, 0x03); // rotated right by 2: 0xC0
    g.outw(0x3ce, 0x0003); g.outw(0x3ce, 0xff08);
    const planes = [0, 1, 2, 3].map((p) => { g.outw(0x3ce, 0x04 | (p << 8)); return g.readb(0xa0000); });
    assert.deepEqual(planes, [0x0f, 0x1e, 0x3c, 0x78].map((v) => (((v | 0xc0) & 0xf0) | (v & 0x0f))));
    g.readb(0xa0000);
    g.outw(0x3ce, 0x0105);
    g.writeb(0xa0100, 0x00);
    g.outw(0x3ce, 0x0005);
    const copy = [0, 1, 2, 3].map((p) => { g.outw(0x3ce, 0x04 | (p << 8)); return g.readb(0xa0100); });
    assert.deepEqual(copy, planes, "write mode 1 stores the latches");
  });

  it("read mode 1 compares colours, honouring don't care", () => {
    const { g } = makeVga("rom=none");
    g.outw(0x3c4, 0x0604); g.outw(0x3c4, 0x0f02); g.outw(0x3ce, 0x0106); g.outw(0x3ce, 0x0205); g.outw(0x3ce, 0xff08);
    g.writeb(0xa0000, 0x05); // write mode 2: every pixel colour 5
    g.outw(0x3ce, 0x0805); g.outw(0x3ce, 0x0502); g.outw(0x3ce, 0x0f07);
    assert.equal(g.readb(0xa0000), 0xff);
    g.outw(0x3ce, 0x0402);
    assert.equal(g.readb(0xa0000), 0x00);
    g.outw(0x3ce, 0x0e07); // ignore plane 0
    assert.equal(g.readb(0xa0000), 0xff);
  });

  it("chain-4 maps byte addresses to planes; odd/even puts characters and attributes in planes 0/1", () => {
    const { g } = makeVga("rom=none");
    g.outw(0x3c4, 0x0e04); g.outw(0x3c4, 0x0f02); g.outw(0x3ce, 0x4005); g.outw(0x3ce, 0x0506);
    g.writel(0xa0000, 0x44332211);
    g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0005);
    const planes = [0, 1, 2, 3].map((p) => { g.outw(0x3ce, 0x04 | (p << 8)); return g.readb(0xa0000); });
    assert.deepEqual(planes, [0x11, 0x22, 0x33, 0x44]);
    g.outw(0x3c4, 0x0204); g.outw(0x3c4, 0x0302); g.outw(0x3ce, 0x1005); g.outw(0x3ce, 0x0e06); g.outw(0x3ce, 0x0004);
    g.writew(0xb8002, 0x1741);
    g.outw(0x3c4, 0x0604); g.outw(0x3ce, 0x0005); g.outw(0x3ce, 0x0106);
    assert.equal(g.readb(0xa0001), 0x41, "plane 0 at planar 1");
    g.outw(0x3ce, 0x0104);
    assert.equal(g.readb(0xa0001), 0x17, "plane 1 at planar 1");
  });
});
