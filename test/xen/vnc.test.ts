// test/xen/vnc.test.ts — the dom0 helper's VNC server (host/dom0/vnc.c + keymap.c) built for the
// build host with test/xen/vnc_host.c (a framebuffer in memory in place of the stub domain's
// vfb) and driven over TCP the way a VNC viewer drives it: the RFB 3.8/3.7/3.3 handshakes, full
// and incremental Raw updates, other pixel formats, DesktopSize on a mode change, keys and the
// pointer as Linux key codes and relative motion, and clients that send garbage, flood the
// clipboard or come while a password is set (refused: not supported).
import { strict as assert } from "node:assert";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { connect, type Socket } from "node:net";
import { buildHarness, type Harness } from "./host-harness.ts";

const W = 64, H = 48;

/** A byte stream with awaitable reads, over a socket. */
class Rfb {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;
  constructor(readonly sock: Socket) {
    sock.on("data", (d) => { this.buf = Buffer.concat([this.buf, d]); this.waiter?.(); });
    sock.on("close", () => { this.closed = true; this.waiter?.(); });
    sock.on("error", () => { this.closed = true; this.waiter?.(); });
  }
  static open(port: number): Promise<Rfb> {
    return new Promise((res, rej) => { const s = connect(port, "127.0.0.1", () => res(new Rfb(s))); s.on("error", rej); });
  }
  async read(n: number, ms = 5000): Promise<Buffer> {
    const until = Date.now() + ms;
    while (this.buf.length < n) {
      if (this.closed) throw new Error(`connection closed with ${this.buf.length} of ${n} bytes`);
      if (Date.now() > until) throw new Error(`timeout waiting for ${n} bytes (have ${this.buf.length})`);
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 50); });
      this.waiter = null;
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async waitClosed(ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (!this.closed && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.ok(this.closed, "the server closed the connection");
  }
  send(...parts: (Buffer | number[])[]): void { for (const p of parts) this.sock.write(Buffer.isBuffer(p) ? p : Buffer.from(p)); }
  pending(): number { return this.buf.length; }
  close(): void { this.sock.destroy(); }

  /** Handshake up to ServerInit; returns width, height, pixel format, name. */
  async hello(version = "RFB 003.008\n"): Promise<{ w: number; h: number; fmt: Buffer; name: string }> {
    assert.equal((await this.read(12)).toString(), "RFB 003.008\n");
    this.send(Buffer.from(version));
    if (version === "RFB 003.003\n") {
      assert.equal((await this.read(4)).readUInt32BE(0), 1, "3.3: security type None chosen by the server");
    } else {
      assert.deepEqual([...(await this.read(2))], [1, 1], "one security type: None");
      this.send([1]);
      if (version === "RFB 003.008\n") assert.equal((await this.read(4)).readUInt32BE(0), 0, "SecurityResult OK");
    }
    this.send([1]); // ClientInit, shared
    const si = await this.read(24);
    const name = (await this.read(si.readUInt32BE(20))).toString();
    return { w: si.readUInt16BE(0), h: si.readUInt16BE(2), fmt: si.subarray(4, 20), name };
  }
  request(incremental: boolean, x = 0, y = 0, w = W, h = H): void {
    const b = Buffer.alloc(10);
    b[0] = 3; b[1] = incremental ? 1 : 0; b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4); b.writeUInt16BE(w, 6); b.writeUInt16BE(h, 8);
    this.send(b);
  }
  /** One FramebufferUpdate: its rectangles (pixels included for Raw, given bytes per pixel). */
  async update(bpp = 4): Promise<{ x: number; y: number; w: number; h: number; enc: number; data: Buffer }[]> {
    const head = await this.read(4);
    assert.equal(head[0], 0, "FramebufferUpdate");
    const rects = [];
    for (let i = 0; i < head.readUInt16BE(2); i++) {
      const r = await this.read(12);
      const rect = { x: r.readUInt16BE(0), y: r.readUInt16BE(2), w: r.readUInt16BE(4), h: r.readUInt16BE(6), enc: r.readInt32BE(8), data: Buffer.alloc(0) };
      if (rect.enc === 0) rect.data = Buffer.from(await this.read(rect.w * rect.h * bpp));
      rects.push(rect);
    }
    return rects;
  }
  key(keysym: number, down: boolean): void {
    const b = Buffer.alloc(8); b[0] = 4; b[1] = down ? 1 : 0; b.writeUInt32BE(keysym, 4); this.send(b);
  }
  pointer(mask: number, x: number, y: number): void {
    const b = Buffer.alloc(6); b[0] = 5; b[1] = mask; b.writeUInt16BE(x, 2); b.writeUInt16BE(y, 4); this.send(b);
  }
}

describe("xen: dom0 helper's VNC server", function () {
  this.timeout(60000);
  let h: Harness;
  let srv: ChildProcessWithoutNullStreams;
  let port: number;
  let lines: string[];

  before(() => {
    h = buildHarness("vnc_host", ["test/xen/vnc_host.c", "host/dom0/vnc.c", "host/dom0/keymap.c"], ["host/dom0"]);
  });
  after(() => h.remove());

  beforeEach(async () => {
    lines = [];
    // displays 40..60: a free port whatever else listens here
    srv = spawn(h.exe, ["127.0.0.1:40,to=60", String(W), String(H)]);
    let out = "";
    srv.stdout.on("data", (d) => { out += d; const parts = out.split("\n"); out = parts.pop()!; lines.push(...parts); });
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith("listening ")); i++) await new Promise((r) => setTimeout(r, 20));
    port = Number(lines.find((l) => l.startsWith("listening "))!.split(" ")[1]);
    assert.ok(port >= 5940 && port <= 5960);
  });
  afterEach(() => { srv.kill(); });

  /** A command to the stand-in vfb; resolves when it is done. */
  async function cmd(text: string): Promise<void> {
    const before = lines.filter((l) => l === "done").length;
    srv.stdin.write(text + "\n");
    for (let i = 0; i < 200 && lines.filter((l) => l === "done").length === before; i++) await new Promise((r) => setTimeout(r, 10));
  }
  async function expectLine(line: string): Promise<void> {
    for (let i = 0; i < 200 && !lines.includes(line); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(lines.includes(line), `"${line}" in ${JSON.stringify(lines)}`);
  }

  it("RFB 3.8: None security, ServerInit with the picture's size, 32-bit BGRX true colour and the guest's name", async () => {
    const c = await Rfb.open(port);
    const { w, h, fmt, name } = await c.hello();
    assert.deepEqual([w, h, name], [W, H, "testguest"]);
    assert.deepEqual([...fmt.subarray(0, 4)], [32, 24, 0, 1], "32 bpp, depth 24, little-endian, true colour");
    assert.deepEqual([fmt.readUInt16BE(4), fmt.readUInt16BE(6), fmt.readUInt16BE(8), fmt[10], fmt[11], fmt[12]], [255, 255, 255, 16, 8, 0]);
    await expectLine("period 50"); // a viewer: the stub domain is asked for frames
    c.close();
    await expectLine("period 0");  // none left
  });

  it("full and incremental Raw updates: the whole picture, then exactly the changed rectangle", async () => {
    await cmd("fill 17 34 51");
    const c = await Rfb.open(port);
    await c.hello();
    c.request(false);
    const [r] = await c.update();
    assert.deepEqual([r!.x, r!.y, r!.w, r!.h, r!.enc], [0, 0, W, H, 0]);
    assert.deepEqual([...r!.data.subarray(0, 8)], [51, 34, 17, 0, 51, 34, 17, 0], "B G R, and 0 in the unused byte");
    c.request(true);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(c.pending(), 0, "nothing changed: the incremental request waits");
    await cmd("rect 10 5 4 3 255 0 0");
    const [u] = await c.update();
    assert.deepEqual([u!.x, u!.y, u!.w, u!.h], [10, 5, 4, 3]);
    assert.deepEqual([...u!.data.subarray(0, 4)], [0, 0, 255, 0]);
    c.close();
  });

  it("honours SetPixelFormat: 16-bit RGB565 big-endian", async () => {
    await cmd("fill 255 128 0");
    const c = await Rfb.open(port);
    await c.hello();
    const pf = Buffer.alloc(20);
    pf[0] = 0; pf[4] = 16; pf[5] = 16; pf[6] = 1; pf[7] = 1;
    pf.writeUInt16BE(31, 8); pf.writeUInt16BE(63, 10); pf.writeUInt16BE(31, 12); pf[14] = 11; pf[15] = 5; pf[16] = 0;
    c.send(pf);
    c.request(false, 0, 0, W, H);
    const [r] = await c.update(2);
    const v = (31 << 11) | (Math.floor((128 * 63) / 255) << 5) | 0;
    assert.equal(r!.data.readUInt16BE(0), v);
    c.close();
  });

  it("a mode change: a DesktopSize rectangle for clients that asked for it, then the new picture", async () => {
    const c = await Rfb.open(port);
    await c.hello();
    const enc = Buffer.alloc(12); enc[0] = 2; enc.writeUInt16BE(2, 2); enc.writeInt32BE(0, 4); enc.writeInt32BE(-223, 8);
    c.send(enc);
    await cmd("resize 80 60");
    c.request(true, 0, 0, W, H);
    const rects = await c.update();
    assert.deepEqual(rects.map((r) => [r.x, r.y, r.w, r.h, r.enc]), [[0, 0, 80, 60, -223], [0, 0, 80, 60, 0]]);
    c.close();
  });

  it("keys as Linux key codes (US layout; Shift comes from the client), unknown keysyms ignored", async () => {
    const c = await Rfb.open(port);
    await c.hello();
    for (const [sym, down] of [[0x61, 1], [0x61, 0], [0xffe1, 1], [0x41, 1], [0x41, 0], [0xffe1, 0], [0xff0d, 1], [0x21, 1], [0x13a4, 1]] as const) c.key(sym, down === 1);
    for (const l of ["key 30 1", "key 30 0", "key 42 1", "key 42 0", "key 28 1", "key 2 1"]) await expectLine(l);
    assert.equal(lines.filter((l) => l.startsWith("key ")).length, 8, "the euro sign (0x13a4) has no US key");
    c.close();
  });

  it("the pointer: relative motion from absolute positions, buttons as BTN_*, the wheel as motion in z", async () => {
    const c = await Rfb.open(port);
    await c.hello();
    c.pointer(0, 10, 10);
    c.pointer(0, 13, 8);
    c.pointer(1, 13, 8);
    c.pointer(0, 13, 8);
    c.pointer(4, 13, 8);
    c.pointer(8, 13, 8);
    c.pointer(16, 13, 8);
    for (const l of ["motion 3 -2 0", "key 272 1", "key 272 0", "key 273 1", "key 273 0", "motion 0 0 1", "motion 0 0 -1"]) await expectLine(l);
    c.close();
  });

  it("RFB 3.7 and 3.3 handshakes", async () => {
    for (const v of ["RFB 003.007\n", "RFB 003.003\n"]) {
      const c = await Rfb.open(port);
      const { w } = await c.hello(v);
      assert.equal(w, W);
      c.close();
    }
  });

  it("garbage: an unknown message drops that client only; a 10 KiB clipboard is skipped, 2 MiB drops", async () => {
    const good = await Rfb.open(port);
    await good.hello();
    const bad = await Rfb.open(port);
    await bad.hello();
    bad.send([0x77, 1, 2, 3]);
    await bad.waitClosed();
    const cut = Buffer.alloc(8 + 10240); cut[0] = 6; cut.writeUInt32BE(10240, 4);
    good.send(cut);
    good.key(0x62, true);
    await expectLine("key 48 1");
    const huge = Buffer.alloc(8); huge[0] = 6; huge.writeUInt32BE(2 << 20, 4);
    good.send(huge);
    await good.waitClosed();
    const again = await Rfb.open(port);
    assert.equal((await again.hello()).w, W, "still serving");
    again.close();
  });

  it("a bad version string or a non-None security type closes the connection", async () => {
    const a = await Rfb.open(port);
    await a.read(12);
    a.send(Buffer.from("HTTP/1.1 GET\n"));
    await a.waitClosed();
    const b = await Rfb.open(port);
    await b.read(12);
    b.send(Buffer.from("RFB 003.008\n"));
    await b.read(2);
    b.send([2]); // VNC authentication: not offered
    await b.waitClosed();
  });

  it("with a password set (vncpasswd), connections are refused with the reason, not shown unprotected", async () => {
    await cmd("password s3cret");
    const c = await Rfb.open(port);
    await c.read(12);
    c.send(Buffer.from("RFB 003.008\n"));
    assert.equal((await c.read(1))[0], 0, "no security types");
    const len = (await c.read(4)).readUInt32BE(0);
    assert.match((await c.read(len)).toString(), /does not support passwords/);
    await c.waitClosed();
  });
});
