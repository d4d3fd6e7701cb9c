// test/xen/serial-pty.test.ts — the dom0 helper's serial consoles (host/dom0/serial_pty.c: the
// stub domain's consoles 3.., one per `serial=` port of the guest, which `xl console` attaches
// to) compiled for the build host with test/xen/serial_pty_host.c, which plays the stub domain
// (its console rings) and the user (the published tty), on xen_fakes.c's stand-ins for
// xenstore, grants and event channels, with real ptys. Each scenario is its own process under
// ASan/UBSan.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("xen: dom0 helper's serial consoles (xl console)", function () {
  this.timeout(60000);
  let dir: string;
  let exe: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "serial-pty-"));
    exe = join(dir, "serial_pty_host");
    execFileSync("gcc", ["-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
      "-fno-sanitize-recover=all", "-iquote", join(ROOT, "host/dom0"), "-iquote", join(ROOT, "test/xen"),
      join(ROOT, "test/xen/serial_pty_host.c"), join(ROOT, "test/xen/xen_fakes.c"), join(ROOT, "host/dom0/serial_pty.c"), "-o", exe]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]): string {
    const r = spawnSync(exe, args, { encoding: "utf8" });
    const out = `${r.stdout}${r.stderr ? `\n--- log:\n${r.stderr}` : ""}`;
    assert.equal(r.status, 0, out);
    assert.match(r.stdout, /^ok /, out);
    assert.doesNotMatch(r.stdout, /FAIL/, out);
    return r.stdout;
  }

  it("serial=\"pty\": publishes the tty; output while nobody is attached is discarded, as QEMU does; attached, output and typed input pass both ways; detach and re-attach noticed", () => {
    run("pty");
  });
  it("flow control: output waits in the ring while the pty is full, input while the ring is; nothing lost", () => {
    run("flow-control");
  });
  it("serial=\"file:PATH\": output appended to the file", () => { run("file", join(dir, "serial.txt")); });
  it("an output it cannot serve (tcp:) is refused in words, nothing left mapped", () => { run("refused"); });
  it("connects when the stub domain's end appears after the helper; releases when libxl removes the node", () => {
    run("late-frontend");
  });
});
