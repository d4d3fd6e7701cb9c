// The development host's VNC server (host/display/rfb-server.ts) seen by a raw-socket RFB client:
// handshakes of RFB 3.8, 3.7 and 3.3; a full update pixel-equal to our VGA's surface (Raw, zlib,
// other true-colour formats); incremental requests answered only when the guest changed the
// screen (nothing sent while it is unchanged); DesktopSize on a mode change; keys reaching the
// PS/2 device as scan codes and the pointer (with the wheel) as mouse packets; hostile clients
// (oversized or unknown messages, too many connections) cut off without harm to the others.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeVga, programBars, dispiOut, unblankLikeBochs, LFB, type Vga } from "./vga-guest.ts";
import { createMachine } from "../../host/node/machine.ts";
import { SurfaceBackend } from "../../host/display/surface-backend.ts";
import { RfbServer, parseVncAddress } from "../../host/display/rfb-server.ts";
import { Ps2Input } from "../../host/sim/ps2-input.ts";
import { RfbTestClient, paint } from "./rfb-client.ts";

function vbe(v: { g: Vga["g"] }, w: number, h: number, bpp: number): void {
  unblankLikeBochs(v.g);
  dispiOut(v.g, 4, 0); dispiOut(v.g, 3, bpp); dispiOut(v.g, 1, w); dispiOut(v.g, 2, h); dispiOut(v.g, 4, 0x41);
}

/** A VGA + PS/2 machine in a 1024x768x32 VBE mode with a pattern, and a VNC server on it. */
async function setup(maxClients = 8): Promise<{ v: Vga; rfb: RfbServer; port: number; input: Ps2Input; done: () => Promise<void> }> {
  const d = new SurfaceBackend();
  const m = createMachine([
    { name: "vga", module: "vga", config: "rom=none", display: d },
    { name: "ps2", irqs: [{ isa: 1 }, { isa: 12 }] },
  ]);
  d.attach(m, "vga");
  const v: Vga = { m, g: m.guest, d };
  programBars(v.g);
  vbe(v, 1024, 768, 32);
  for (let i = 0; i < 3000; i++) v.g.writel(LFB + ((i * 7919) % (1024 * 768)) * 4, (i * 2654435761) >>> 8);
  const input = new Ps2Input(m.rt, "ps2", { tickMs: 1 });
  const rfb = new RfbServer(d, input, { frameMs: 10, maxClients, name: "test screen" });
  const { port } = await rfb.listen("127.0.0.1", 0);
  return { v, rfb, port, input, done: async () => { input.stop(); await rfb.close(); } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Everything in the i8042's output buffer (bounded). */
function drain(v: Vga): number[] {
  const out: number[] = [];
  for (let i = 0; i < 64 && v.g.inb(0x64) & 1; i++) out.push(v.g.inb(0x60));
  return out;
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const t0 = performance.now();
  while (!pred()) { if (performance.now() - t0 > ms) throw new Error("condition not reached in time"); await sleep(5); }
}

describe("vnc server (RFB) on the development host", function () {
  this.timeout(30_000);

  it("parses --vnc addresses: :N is display N on 127.0.0.1, HOST:PORT a port", () => {
    assert.deepEqual(parseVncAddress(":1"), { host: "127.0.0.1", port: 5901 });
    assert.deepEqual(parseVncAddress("0.0.0.0:5999"), { host: "0.0.0.0", port: 5999 });
    assert.deepEqual(parseVncAddress("[::1]:0"), { host: "::1", port: 0 });
    assert.equal(typeof parseVncAddress("5901"), "string");
  });

  it("RFB 3.8/3.7/3.3 handshakes; a full update is pixel-equal to the VGA surface (Raw and zlib)", async () => {
    const s = await setup();
    try {
      s.v.d.refresh();
      const want = s.v.d.rgba()!;
      for (const [minor, enc] of [[8, 0], [7, 6], [3, 0]] as const) {
        const c = await RfbTestClient.open(s.port, minor);
        assert.equal(c.init.width, 1024); assert.equal(c.init.height, 768); assert.equal(c.init.name, "test screen");
        assert.deepEqual([...c.init.format.subarray(0, 4)], [32, 24, 0, 1], "32 bpp, depth 24, little endian, true colour");
        c.setEncodings([enc, -223]);
        c.request(false);
        const rects = await c.update();
        assert.ok(rects.every((r) => r.encoding === enc), `encoding ${enc}`);
        const got = new Uint8Array(1024 * 768 * 4);
        paint(got, 1024, rects);
        assert.ok(Buffer.from(got).equals(Buffer.from(want)), `RFB 3.${minor}: the picture differs from the surface`);
        c.close();
      }
    } finally { await s.done(); }
  });

  it("incremental requests: nothing is sent while the screen is unchanged; a guest write sends just its damage", async () => {
    const s = await setup();
    try {
      const c = await RfbTestClient.open(s.port);
      c.setEncodings([0]);
      c.request(false);
      await c.update();
      c.request(true);
      const bytes = s.rfb.stats.bytes, refreshes = s.rfb.stats.refreshes;
      assert.ok(await c.quietFor(400), "an update arrived for an unchanged screen");
      assert.equal(s.rfb.stats.bytes, bytes, "bytes sent while idle");
      assert.ok(s.rfb.stats.refreshes > refreshes, "the waiting request polls the device for damage");
      s.v.g.writel(LFB + (500 * 1024 + 300) * 4, 0x00123456);
      const rects = await c.update(2000);
      assert.deepEqual(rects.map(({ x, y, w, h }) => ({ x, y, w, h })), [{ x: 0, y: 500, w: 1024, h: 1 }], "one LFB page = one line");
      const px = rects[0]!.data.subarray(300 * 4, 300 * 4 + 4);
      assert.deepEqual([...px], [0x56, 0x34, 0x12, 0x00]);
      c.close();
      // no client waiting: no frames are pulled at all
      await sleep(50);
      const r2 = s.rfb.stats.refreshes;
      await sleep(200);
      assert.equal(s.rfb.stats.refreshes, r2, "frames pulled with no request waiting");
    } finally { await s.done(); }
  });

  it("other true-colour formats: 16-bit 5-6-5 big endian, noVNC's R,G,B,x bytes, 32-bit big endian, 8-bit", async () => {
    const s = await setup();
    try {
      s.v.g.writel(LFB, 0x00ff8040); // R ff, G 80, B 40
      const c = await RfbTestClient.open(s.port);
      c.setPixelFormat({ bpp: 16, depth: 16, bigEndian: true, trueColour: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 });
      c.request(false, 0, 0, 1, 1);
      let r = (await c.update())[0]!;
      assert.equal(r.data.readUInt16BE(0), (31 << 11) | (32 << 5) | 8);
      c.setPixelFormat({ bpp: 32, depth: 24, bigEndian: false, trueColour: true, redMax: 255, greenMax: 255, blueMax: 255, redShift: 0, greenShift: 8, blueShift: 16 });
      c.request(false, 0, 0, 1, 1);
      r = (await c.update())[0]!;
      assert.deepEqual([...r.data.subarray(0, 3)], [0xff, 0x80, 0x40]);
      c.setPixelFormat({ bpp: 32, depth: 24, bigEndian: true, trueColour: true, redMax: 255, greenMax: 255, blueMax: 255, redShift: 16, greenShift: 8, blueShift: 0 });
      c.request(false, 0, 0, 1, 1);
      r = (await c.update())[0]!;
      assert.deepEqual([...r.data.subarray(0, 4)], [0x00, 0xff, 0x80, 0x40], "32-bit big endian");
      c.setPixelFormat({ bpp: 8, depth: 8, bigEndian: false, trueColour: true, redMax: 7, greenMax: 7, blueMax: 3, redShift: 0, greenShift: 3, blueShift: 6 });
      c.request(false, 0, 0, 1, 1);
      r = (await c.update())[0]!;
      assert.equal(r.data[0], 7 | (4 << 3) | (1 << 6), "8-bit BGR233");
      c.close();
    } finally { await s.done(); }
  });

  it("a mode change is announced with DesktopSize and followed by the whole new screen", async () => {
    const s = await setup();
    try {
      const c = await RfbTestClient.open(s.port);
      c.setEncodings([0, -223]);
      c.request(false);
      await c.update();
      c.request(true);
      vbe(s.v, 800, 600, 32);
      const rects = await c.update(2000);
      assert.deepEqual({ ...rects[0]!, data: undefined }, { x: 0, y: 0, w: 800, h: 600, encoding: -223, data: undefined });
      const area = rects.slice(1).reduce((a, r) => a + r.w * r.h, 0);
      assert.equal(area, 800 * 600, "the whole new screen follows");
      c.close();
    } finally { await s.done(); }
  });

  it("keys reach the PS/2 keyboard as scan codes; the pointer and wheel reach the PS/2 mouse", async () => {
    const s = await setup();
    try {
      const c = await RfbTestClient.open(s.port);
      c.key(true, 0x61); c.key(false, 0x61);       // 'a'
      c.key(true, 0xff54); c.key(false, 0xff54);   // Down
      await until(() => s.input.delivered >= 4 && s.input.pending === 0);
      assert.deepEqual(drain(s.v), [0x1c, 0xf0, 0x1c, 0xe0, 0x72, 0xe0, 0xf0, 0x72], "set 2: a, then Down (E0 72)");
      // the guest's mouse driver: IntelliMouse knock (id 3, wheel in byte 4), reporting on
      for (const b of [0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf4]) { s.v.g.outb(0x64, 0xd4); s.v.g.outb(0x60, b); drain(s.v); }
      const before = s.input.delivered;
      c.pointer(0, 100, 100);      // first position: no motion
      c.pointer(1, 103, 98);       // left down, 3 right, 2 up
      c.pointer(8, 103, 98);       // wheel up (button 4)
      c.pointer(0, 103, 98);
      await until(() => s.input.delivered >= before + 2 && s.input.pending === 0);
      const got = drain(s.v);
      assert.deepEqual(got.slice(0, 4), [0x09, 0x03, 0x02, 0x00], "left button, dx 3, dy +2 (PS/2 Y is up)");
      assert.ok(got.some((b, i) => i % 4 === 3 && b === 0xff), `a wheel-up packet (Z -1): ${got.map((b) => b.toString(16))}`);
      c.close();
    } finally { await s.done(); }
  });

  it("hostile clients are cut off (oversized SetEncodings and cut text, unknown messages, bad versions, too many clients); others keep working", async () => {
    const s = await setup(2);
    try {
      const good = await RfbTestClient.open(s.port);
      // an in-bounds clipboard paste is skipped unread; the next message still works
      const cut = Buffer.alloc(8 + 100_000, 0x41); cut.fill(0, 0, 8); cut[0] = 6; cut.writeInt32BE(100_000, 4);
      good.sock.write(cut);
      good.request(false, 0, 0, 2, 2);
      assert.equal((await good.update())[0]!.w, 2);

      const hostile = async (bytes: Buffer): Promise<void> => {
        const c = await RfbTestClient.open(s.port);
        c.sock.write(bytes);
        await until(() => c.closed, 3000);
      };
      const enc = Buffer.alloc(4); enc[0] = 2; enc.writeUInt16BE(65535, 2);
      await hostile(enc);
      const huge = Buffer.alloc(8); huge[0] = 6; huge.writeInt32BE(0x7fffffff, 4);
      await hostile(huge);
      const neg = Buffer.alloc(8); neg[0] = 6; neg.writeInt32BE(-0x7fffffff, 4);
      await hostile(neg);
      await hostile(Buffer.from([0x99]));
      await hostile(Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([32, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])])); // colour map
      const bad = await RfbTestClient.connect(s.port);
      bad.sock.write("GET / HTTP/1.1\r\n\r\n");
      await until(() => bad.closed, 3000);

      // at most 2 clients: a third one is refused with a reason
      const second = await RfbTestClient.open(s.port);
      await assert.rejects(RfbTestClient.open(s.port), /too many clients/);
      second.close();
      await sleep(50);

      good.request(false, 0, 0, 4, 4);
      assert.equal((await good.update())[0]!.w, 4, "the well-behaved client is still served");
      good.close();
    } finally { await s.done(); }
  });

  it("Debian's vncsnapshot (a stock RFB 3.3 viewer) takes the whole 1024x768 screen, in Raw and in zlib", async () => {
    // vncsnapshot comes with test/xen/apt-packages.txt; missing, it fails here (spawn ENOENT), never skips
    const { port, done } = await setup();
    const dir = mkdtempSync(join(tmpdir(), "rfb-stock-"));
    try {
      for (const enc of ["raw", "zlib"]) {
        const file = join(dir, `${enc}.jpg`);
        const r = await new Promise<{ code: number | null; err: string }>((res, rej) => {
          const c = spawn("vncsnapshot", ["-encodings", enc, "-quality", "90", `127.0.0.1::${port}`, file]);
          let err = "";
          c.stderr.on("data", (b: Buffer) => { err += b.toString(); });
          c.on("error", rej);
          c.on("close", (code) => res({ code, err }));
        });
        assert.equal(r.code, 0, `vncsnapshot -encodings ${enc}: ${r.err}`);
        // the JPEG's frame header (SOF0/SOF2) holds the picture's height and width
        const jpg = readFileSync(file);
        let at = 2;
        while (at + 9 < jpg.length && !(jpg[at] === 0xff && (jpg[at + 1] === 0xc0 || jpg[at + 1] === 0xc2))) at += 2 + jpg.readUInt16BE(at + 2);
        assert.ok(at + 9 < jpg.length, `a JPEG frame header in ${enc}.jpg`);
        assert.deepEqual([jpg.readUInt16BE(at + 7), jpg.readUInt16BE(at + 5)], [1024, 768], `${enc}: the whole screen`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await done();
    }
  });
});
