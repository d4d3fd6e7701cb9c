// test/xen/vnc.test.ts — the dom0 helper's VNC server (host/dom0/vnc.c + keymap.c) built for the
// build host with test/xen/vnc_host.c (a framebuffer in memory in place of the stub domain's
// vfb) and driven over TCP the way a VNC viewer drives it: the RFB 3.8/3.7/3.3 handshakes, full
// and incremental Raw updates, other pixel formats, DesktopSize on a mode change, keys and the
// pointer as Linux key codes and relative motion, clients that send garbage or flood the
// clipboard; and with `password=on` / a password set over QMP, VNC Authentication (security
// type 2) in all three versions, refusal while no password exists, every client dropped when the
// password changes, throttled failed logins, handshake and idle timeouts, a per-address limit,
// and Debian's vncsnapshot (a stock RFB 3.3 viewer) logging in. The viewer's side of the DES is
// OpenSSL's (node:crypto des-ecb, through its legacy provider), not the server's nettle.
import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { buildHarness, type Harness } from "./host-harness.ts";

const W = 64, H = 48;

/** DES-ECB of 8-byte blocks with OpenSSL (a node with its legacy provider: DES is not in the
 *  default one). */
function desEcb(key: Buffer, data: Buffer): Buffer {
  const script = `const c = require("node:crypto"); const [k, d] = process.argv.slice(1).map((h) => Buffer.from(h, "hex"));
    const x = c.createCipheriv("des-ecb", k, null); x.setAutoPadding(false);
    process.stdout.write(Buffer.concat([x.update(d), x.final()]).toString("hex"));`;
  const r = spawnSync(process.execPath, ["--openssl-legacy-provider", "-e", script, key.toString("hex"), data.toString("hex")], { encoding: "utf8" });
  assert.equal(r.status, 0, `DES with node's OpenSSL: ${r.stderr}`);
  return Buffer.from(r.stdout, "hex");
}
/** RFB's DES key: the password's first 8 bytes, zero-padded, each byte's bits reversed. */
function vncKey(password: Buffer): Buffer {
  const k = Buffer.alloc(8);
  password.copy(k, 0, 0, 8);
  return Buffer.from(k.map((b) => { let r = 0; for (let i = 0; i < 8; i++) if ((b >> i) & 1) r |= 1 << (7 - i); return r; }));
}
/** What a viewer that knows `password` answers to `challenge`. */
const vncResponse = (password: string, challenge: Buffer): Buffer => desEcb(vncKey(Buffer.from(password)), challenge);

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
  /** Connects to the server (from `from`, another loopback address, to count as someone else). */
  static open(port: number, from?: string): Promise<Rfb> {
    return new Promise((res, rej) => { const s = connect({ port, host: "127.0.0.1", localAddress: from }, () => res(new Rfb(s))); s.on("error", rej); });
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

  /** VNC Authentication up to the challenge (the server offers type 2 only); returns it. */
  async challenge(version: string): Promise<Buffer> {
    assert.equal((await this.read(12)).toString(), "RFB 003.008\n");
    this.send(Buffer.from(version));
    if (version === "RFB 003.003\n") {
      assert.equal((await this.read(4)).readUInt32BE(0), 2, "3.3: security type VNC Authentication chosen by the server");
    } else {
      assert.deepEqual([...(await this.read(2))], [1, 2], "one security type: VNC Authentication");
      this.send([2]);
    }
    return this.read(16);
  }
  /** The security step with `password`: SecurityResult (0 = ok) and, on failure in 3.8, why. */
  async login(version: string, password: string): Promise<{ result: number; reason?: string }> {
    this.send(vncResponse(password, await this.challenge(version)));
    const result = (await this.read(4)).readUInt32BE(0);
    if (result === 0 || version !== "RFB 003.008\n") return { result };
    return { result, reason: (await this.read((await this.read(4)).readUInt32BE(0))).toString() };
  }
  /** A refusal before the security step: no security types (3.3: type 0), then the reason. */
  async refused(version = "RFB 003.008\n"): Promise<string> {
    await this.read(12);
    this.send(Buffer.from(version));
    if (version === "RFB 003.003\n") assert.equal((await this.read(4)).readUInt32BE(0), 0, "3.3: type 0, connection failed");
    else assert.equal((await this.read(1))[0], 0, "no security types");
    const reason = (await this.read((await this.read(4)).readUInt32BE(0))).toString();
    await this.waitClosed();
    return reason;
  }

  /** Handshake up to ServerInit (with VNC Authentication when a password is given); returns
   *  width, height, pixel format, name. */
  async hello(version = "RFB 003.008\n", password?: string): Promise<{ w: number; h: number; fmt: Buffer; name: string }> {
    if (password !== undefined) {
      assert.deepEqual(await this.login(version, password), { result: 0 }, "SecurityResult OK");
    } else {
      assert.equal((await this.read(12)).toString(), "RFB 003.008\n");
      this.send(Buffer.from(version));
      if (version === "RFB 003.003\n") {
        assert.equal((await this.read(4)).readUInt32BE(0), 1, "3.3: security type None chosen by the server");
      } else {
        assert.deepEqual([...(await this.read(2))], [1, 1], "one security type: None");
        this.send([1]);
        if (version === "RFB 003.008\n") assert.equal((await this.read(4)).readUInt32BE(0), 0, "SecurityResult OK");
      }
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
  let serverLog = ""; // its stderr: what printk wrote

  before(() => {
    h = buildHarness("vnc_host", ["test/xen/vnc_host.c", "host/dom0/vnc.c", "host/dom0/vnc_update.c", "host/dom0/vnc_handshake.c", "host/dom0/vnc_auth.c",
      "host/dom0/keymap.c"], ["host/dom0", "-lnettle"]);
  });
  after(() => h.remove());

  /** Starts the server: `options` after the display ("password=on"), `limits` as vnc_host takes them. */
  async function start(options = "", limits: string[] = []): Promise<void> {
    lines = [];
    // displays 40..60: a free port whatever else listens here
    srv = spawn(h.exe, [`127.0.0.1:40${options ? `,${options}` : ""},to=60`, String(W), String(H), ...limits]);
    serverLog = "";
    srv.stderr.on("data", (d) => { serverLog += d; });
    let out = "";
    srv.stdout.on("data", (d) => { out += d; const parts = out.split("\n"); out = parts.pop()!; lines.push(...parts); });
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith("listening ")); i++) await new Promise((r) => setTimeout(r, 20));
    port = Number(lines.find((l) => l.startsWith("listening "))!.split(" ")[1]);
    assert.ok(port >= 5940 && port <= 5960);
  }
  /** The server again, with other options. */
  async function restart(options: string, limits: string[] = []): Promise<void> {
    const gone = new Promise((r) => srv.once("exit", r));
    srv.kill();
    await gone;
    await start(options, limits);
  }
  beforeEach(() => start());
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

  const versions = ["RFB 003.008\n", "RFB 003.007\n", "RFB 003.003\n"];

  it("password=on: VNC Authentication (type 2) with the right password in RFB 3.8, 3.7 and 3.3", async () => {
    await restart("password=on");
    await cmd("password s3cret!x"); // 9 characters: RFB uses the first 8
    for (const v of versions) {
      const c = await Rfb.open(port);
      const { w, name } = await c.hello(v, "s3cret!xTRAILING");
      assert.deepEqual([w, name], [W, "testguest"], v);
      c.request(false);
      assert.equal((await c.update())[0]!.w, W, "and the picture");
      c.close();
    }
    assert.match(serverLog, /vnc: password set; 0 client\(s\) disconnected/);
    assert.doesNotMatch(serverLog, /s3cret/, "the password is not logged");
  });

  it("a wrong password: SecurityResult 1 (3.8 with a reason; 3.7 and 3.3 without) and the connection closes", async () => {
    await restart("password=on", ["fail_delay_ms=0"]);
    await cmd("password s3cret");
    for (const v of versions) {
      const c = await Rfb.open(port);
      const r = await c.login(v, "guess");
      assert.equal(r.result, 1, v);
      if (v === "RFB 003.008\n") assert.match(r.reason!, /authentication failed/);
      await c.waitClosed();
    }
    const none = await Rfb.open(port); // a viewer that asks for no authentication at all
    await none.read(12);
    none.send(Buffer.from("RFB 003.008\n"));
    assert.deepEqual([...(await none.read(2))], [1, 2]);
    none.send([1]);
    await none.waitClosed();
  });

  it("password=on before libxl has set the password: everyone is refused with a reason", async () => {
    await restart("password=on");
    for (const v of versions) assert.match(await (await Rfb.open(port)).refused(v), /no VNC password has been set/, v);
    await cmd("password s3cret");
    await cmd("password"); // cleared again
    assert.match(await (await Rfb.open(port)).refused(), /no VNC password has been set/);
  });

  it("setting or changing the password drops every client, in or half-way; the old one stops working", async () => {
    // a viewer that came before any password (vnc without password=on) keeps nothing
    const early = await Rfb.open(port);
    await early.hello();
    await cmd("password first");
    await early.waitClosed();
    const a = await Rfb.open(port);
    await a.hello("RFB 003.008\n", "first");
    const b = await Rfb.open(port, "127.0.0.2");
    await b.challenge("RFB 003.008\n"); // half-way: has its challenge
    await cmd("password second");
    await a.waitClosed();
    await b.waitClosed();
    const old = await Rfb.open(port);
    assert.equal((await old.login("RFB 003.008\n", "first")).result, 1, "the old password fails");
    const now = await Rfb.open(port, "127.0.0.3");
    assert.equal((await now.hello("RFB 003.008\n", "second")).w, W);
    now.close();
  });

  it("failed logins are throttled: per address (doubling), answers to earlier challenges too, and all addresses together", async () => {
    await restart("password=on", ["fail_delay_ms=1000", "global_fails=3", "global_window_ms=6000"]);
    await cmd("password s3cret");
    const first = await Rfb.open(port, "127.0.0.2");
    const second = await Rfb.open(port, "127.0.0.2");
    const late = await second.challenge("RFB 003.008\n");
    assert.equal((await first.login("RFB 003.008\n", "guess1")).result, 1); // failure 1 (of 3)
    const t1 = Date.now();
    second.send(vncResponse("s3cret", late)); // right, but after a failure from the same address
    assert.equal((await second.read(4)).readUInt32BE(0), 1);
    assert.match((await second.read((await second.read(4)).readUInt32BE(0))).toString(), /too many failed VNC logins/);
    assert.match(await (await Rfb.open(port, "127.0.0.2")).refused(), /too many failed VNC logins: try again in 1 s/);
    const other = await Rfb.open(port, "127.0.0.3"); // someone else is not held up
    assert.equal((await other.hello("RFB 003.008\n", "s3cret")).w, W);
    other.close();
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() - t1)));
    assert.equal((await (await Rfb.open(port, "127.0.0.2")).login("RFB 003.007\n", "guess2")).result, 1); // failure 2: 2 s now
    await new Promise((r) => setTimeout(r, 1100));
    assert.match(await (await Rfb.open(port, "127.0.0.2")).refused(), /too many failed VNC logins/, "still locked out after 1.1 s");
    assert.equal((await (await Rfb.open(port, "127.0.0.4")).login("RFB 003.003\n", "guess3")).result, 1); // failure 3
    assert.match(await (await Rfb.open(port, "127.0.0.5")).refused(), /too many failed VNC logins/, "the global cap: nobody may try");
    assert.ok(Date.now() - t1 < 5500, "the test itself stayed inside the window");
    await new Promise((r) => setTimeout(r, 6100 - (Date.now() - t1)));
    const after = await Rfb.open(port, "127.0.0.5");
    assert.equal((await after.hello("RFB 003.008\n", "s3cret")).w, W, "a new window: logins again");
    after.close();
  });

  it("a handshake has a deadline and a limit on silence; a client that is in has neither", async () => {
    await restart("", ["handshake_ms=1500", "idle_ms=700"]); // security None: the same limits
    const t0 = Date.now();
    const silent = await Rfb.open(port);
    const drip = await Rfb.open(port, "127.0.0.2");
    const dripping = setInterval(() => { if (!drip.closed) drip.send([0x52]); }, 300); // "R", "R", ... never a version
    const inside = await Rfb.open(port, "127.0.0.3");
    await inside.hello();
    await silent.waitClosed(3000);
    const tSilent = Date.now() - t0;
    await drip.waitClosed(3000);
    const tDrip = Date.now() - t0;
    clearInterval(dripping);
    assert.ok(tSilent >= 600 && tSilent < 1400, `the silent client went after ${tSilent} ms (idle limit 700)`);
    assert.ok(tDrip >= 1400 && tDrip < 2600, `the dripping client went after ${tDrip} ms (deadline 1500)`);
    await new Promise((r) => setTimeout(r, 2000 - (Date.now() - t0)));
    inside.request(false);
    assert.equal((await inside.update())[0]!.w, W, "the logged-in viewer stays");
    inside.close();
  });

  it("one address holds at most 2 connections; others are still served", async () => {
    const a = await Rfb.open(port);
    const b = await Rfb.open(port);
    await a.read(12);
    await b.read(12);
    const c = await Rfb.open(port);
    await c.waitClosed();
    assert.equal(c.pending(), 0, "closed before a version string");
    const d = await Rfb.open(port, "127.0.0.2");
    assert.equal((await d.hello()).w, W);
    a.close();
    await new Promise((r) => setTimeout(r, 100));
    const e = await Rfb.open(port);
    assert.equal((await e.hello()).w, W, "a slot for the address again once one closed");
    for (const x of [b, d, e]) x.close();
  });

  it("Debian's vncsnapshot (a stock RFB 3.3 viewer) logs in with the password file; a wrong one is refused", async () => {
    await restart("password=on", ["fail_delay_ms=0"]);
    await cmd("password s3cret");
    await cmd("fill 255 0 0");
    // vncpasswd's file: the password DES-encrypted with the fixed key every VNC viewer shares
    const fixed = vncKey(Buffer.from([23, 82, 107, 6, 35, 78, 88, 7]));
    const pwFile = (pw: string) => { const f = join(h.dir, `passwd-${pw}`); const b = Buffer.alloc(8); Buffer.from(pw).copy(b); writeFileSync(f, desEcb(fixed, b)); return f; };
    const shot = (pw: string) => spawnSync("vncsnapshot", ["-passwd", pwFile(pw), "-allowblank", "-nojpeg", `127.0.0.1:${port - 5900}`, join(h.dir, `${pw}.jpg`)],
      { encoding: "utf8", timeout: 20000 });
    const good = shot("s3cret");
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, /VNC authentication succeeded/);
    assert.ok(readFileSync(join(h.dir, "s3cret.jpg")).length > 100, "a picture");
    const bad = shot("guess");
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /VNC authentication failed/);
  });
});
