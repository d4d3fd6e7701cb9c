// test/xen/sandbox.test.ts — the dom0 helper's least privilege (host/dom0/sandbox.c: capabilities
// dropped, no_new_privs, a seccomp filter from libseccomp) on the build host, with
// test/xen/sandbox_host.c built WITHOUT sanitizers (ASan's runtime makes system calls the helper
// does not): the process reports itself confined, the helper's backends still serve devices that
// appear after confinement (ptys, file consoles, an image), and each forbidden call (execve,
// fork, a file created through a symlink, a new socket, ptrace, the privcmd hypercall ioctl)
// kills it with SIGSYS. The logs' cap (capped_log.c) is checked here too.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { buildHarness, runCase, type Harness } from "./host-harness.ts";

describe("xen: dom0 helper's confinement (seccomp, capabilities, capped logs)", function () {
  this.timeout(60000);
  let h: Harness;

  before(() => {
    h = buildHarness("sandbox_host", ["test/xen/sandbox_host.c", "host/dom0/sandbox.c", "host/dom0/serial_pty.c", "host/dom0/qdisk.c",
      "host/dom0/store.c", "host/dom0/frontend_ring.c", "host/dom0/capped_log.c", "test/xen/xen_fakes.c", "test/xen/check.c"],
    ["host/dom0", "test/xen", "-Wl,--no-as-needed", "-lseccomp", "-lcap-ng"], false);
  });
  after(() => h.remove());

  const dir = (): string => mkdtempSync(join(h.dir, "case-"));

  it("confined: Seccomp 2 (filter), NoNewPrivs 1, no capabilities left (CapEff/CapPrm/CapInh/CapAmb, and CapBnd when root)", () => {
    runCase(h.exe, ["status"]);
  });
  it("the helper's runtime paths under the filter: a pty console, file consoles and a CD that appear after confinement are served", () => {
    runCase(h.exe, ["backends", dir()]);
  });
  for (const call of ["execve", "fork", "creat-follow", "socket", "ptrace", "ioctl"]) {
    it(`a forbidden call after confinement kills the helper with SIGSYS: ${call}`, () => {
      const d = dir();
      const r = spawnSync(h.exe, [call, d], { encoding: "utf8" });
      const out = `${r.stdout}\n--- log:\n${r.stderr}`;
      assert.match(r.stdout, /ok (confined; now|now the privcmd)/, out);
      assert.doesNotMatch(r.stdout, /FAIL/, out);
      assert.equal(r.signal, "SIGSYS", out);
      assert.match(r.stderr, call === "ioctl" ? /sandbox: forbidden system call 16 \(ioctl command 0x[0-9a-f]+\); exiting/
        : /sandbox: forbidden system call \d+; exiting/, out);
      if (call === "creat-follow") assert.equal(existsSync(join(d, "created")), false);
    });
  }
  it("a log file never grows past its cap: truncated, and says so", () => { runCase(h.exe, ["capped-log", dir()]); });
});
