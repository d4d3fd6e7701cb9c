// test/xen/qmp.test.ts — the stub domain's QMP server (runtime/xen/qmp.c) compiled for the build
// host with test/xen/qmp_host.c and driven like libxl drives it: greeting first, CRLF after every
// message, request ids echoed verbatim (numbers, strings, objects), the commands libxl sends
// answered, anything else a CommandNotFound error; requests split across reads or sent back to
// back still work.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { buildHarness, type Harness } from "./host-harness.ts";

describe("xen: QMP server", function () {
  this.timeout(60000);
  let h: Harness;

  // lib.c (with runtime/core's formatter) stands in for the unikernel's C library: no builtins, no sanitizers (it defines memcpy)
  before(() => {
    h = buildHarness("qmp_host", ["test/xen/qmp_host.c", "runtime/xen/qmp.c", "runtime/xen/lib.c", "runtime/core/format.c"],
      ["-fno-builtin", "-Iruntime/xen", "-Iruntime/core"], false);
  });
  after(() => h.remove());

  function session(input: string, ...args: string[]): { lines: unknown[]; raw: string; log: string } {
    const raw = execFileSync(h.exe, args, { input, encoding: "latin1", stdio: ["pipe", "pipe", "pipe"] });
    assert.ok(raw.endsWith("\r\n"), "every message ends with CRLF");
    const parts = raw.split("\r\n").slice(0, -1);
    for (const p of parts) assert.ok(!p.includes("\n"), "no bare LF inside a message");
    return { lines: parts.map((p) => JSON.parse(p)), raw, log: "" };
  }

  it("greets first, with a qemu version libxl accepts", () => {
    const { lines } = session("");
    assert.equal(lines.length, 1);
    const g = lines[0] as { QMP: { version: { qemu: { major: number; minor: number; micro: number } }; capabilities: unknown[] } };
    assert.ok(g.QMP.version.qemu.major >= 2);
    assert.ok(Array.isArray(g.QMP.capabilities));
  });

  it("answers libxl's create sequence and echoes ids", () => {
    const { lines } = session('{"execute":"qmp_capabilities","id":2020372737}\r\n{"execute":"cont","id":2020372736}\r\n');
    assert.deepEqual(lines.slice(1), [{ return: {}, id: 2020372737 }, { return: {}, id: 2020372736 }]);
  });

  it("answers query-cpus-fast with one entry per vCPU", () => {
    const { lines } = session('{ "execute" : "query-cpus-fast", "id" : "x\\"y" }\r\n');
    const r = lines[1] as { return: { "cpu-index": number }[]; id: string };
    assert.equal(r.id, 'x"y');
    assert.deepEqual(r.return.map((c) => c["cpu-index"]), [0, 1]);
  });

  it("answers what libxl asks the dom0 side of a stub domain (stubdom-dm-helper): query-chardev, query-vnc", () => {
    const { lines } = session('{"execute":"qmp_capabilities","id":1}\r\n{"execute":"query-chardev","id":2}\r\n{"execute":"query-vnc","id":3}\r\n');
    assert.deepEqual(lines.slice(1), [{ return: {}, id: 1 }, { return: [], id: 2 }, { return: { enabled: false }, id: 3 }]);
  });

  it("the dom0 helper with its VNC server: query-vnc names the address, change-vnc-password hands the password over", () => {
    const { lines } = session('{"execute":"query-vnc","id":1}\r\n{"execute":"change-vnc-password","arguments":{"password":"s3\\"cr\\\\t"},"id":2}\r\n', "vnc");
    assert.deepEqual(lines[1], { return: { enabled: true, host: "127.0.0.1", service: "5901", family: "ipv4", auth: "none", clients: [] }, id: 1 });
    assert.deepEqual(lines[2], { return: {}, id: 2 });
    const r = spawnSync(h.exe, ["vnc"], { input: '{"execute":"change-vnc-password","arguments":{"password":"s3\\"cr\\\\t"},"id":2}\r\n', encoding: "latin1" });
    assert.match(r.stderr, /password=\[s3"cr\\t\]/, "unescaped");
  });

  it("reports unknown commands as CommandNotFound, keeps going, handles back-to-back objects", () => {
    const { lines } = session('{"execute":"xen-save-devices-state","arguments":{"filename":"/dev/fdset/1"},"id":{"k":[1,{"z":"}"}]}}' +
      '{"execute":"query-status","id":7}\r\n');
    const e = lines[1] as { error: { class: string; desc: string }; id: unknown };
    assert.equal(e.error.class, "CommandNotFound");
    assert.deepEqual(e.id, { k: [1, { z: "}" }] });
    assert.deepEqual(lines[2], { return: { status: "prelaunch", singlestep: false, running: false }, id: 7 });
  });
});
