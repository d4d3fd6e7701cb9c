// test/xen/serial-pty.test.ts — the dom0 helper's serial consoles (host/dom0/serial_pty.c: the
// stub domain's consoles 3.., one per `serial=` port of the guest, which `xl console` attaches
// to) compiled for the build host with test/xen/serial_pty_host.c, which plays the stub domain
// (its console rings) and the user (the published tty), on xen_fakes.c's stand-ins for
// xenstore, grants and event channels, with real ptys. Each scenario is its own process under
// ASan/UBSan.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { buildHarness, runCase, type Harness } from "./host-harness.ts";

describe("xen: dom0 helper's serial consoles (xl console)", function () {
  this.timeout(60000);
  let h: Harness;

  before(() => {
    h = buildHarness("serial_pty_host", ["test/xen/serial_pty_host.c", "test/xen/xen_fakes.c", "test/xen/check.c", "host/dom0/serial_pty.c", "host/dom0/store.c", "host/dom0/frontend_ring.c", "host/dom0/capped_log.c"],
      ["host/dom0", "test/xen"]);
  });
  after(() => h.remove());

  const run = (...args: string[]): string => runCase(h.exe, args);

  it("serial=\"pty\": publishes the tty; output while nobody is attached is discarded, as QEMU does; attached, output and typed input pass both ways; detach and re-attach noticed", () => {
    run("pty");
  });
  it("flow control: output waits in the ring while the pty is full, input while the ring is; nothing lost", () => {
    run("flow-control");
  });
  it("serial=\"file:PATH\": output appended to the file, created mode 0600", () => { run("file", join(h.dir, "serial.txt")); });
  it("an `output` node the stub domain recreated (not dom0's) is never opened; a frontend of another domain is refused", () => {
    const dir = mkdtempSync(join(h.dir, "hostile-"));
    run("hostile-output", dir);
    assert.equal(existsSync(join(dir, "victim")), false);
  });
  it("file:PATH through a symlink is not followed; a relative path is refused", () => { run("symlink", mkdtempSync(join(h.dir, "link-"))); });
  it("ring-index fuzz: 3000 rounds of random output/input and hostile out_prod/in_cons; each bad index disconnects at once, with a log line", () => {
    run("ring-fuzz");
  });
  it("an output it cannot serve (tcp:) is refused in words, nothing left mapped", () => { run("refused"); });
  it("connects when the stub domain's end appears after the helper; releases when libxl removes the node", () => {
    run("late-frontend");
  });
});
