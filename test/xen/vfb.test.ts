// test/xen/vfb.test.ts — the stub domain's vfb and vkbd frontends (runtime/xen/vfb.c, vkbd.c: the
// VGA's picture and the VNC viewer's keyboard and mouse for `vnc=1`) built for the build host with
// test/xen/vfb_host.c, which stands in for runtime/xen's xenstore, pages and event channels and
// plays the dom0 helper's side of the shared pages. Each case is its own process under
// ASan/UBSan.
import { buildHarness, runCase, type Harness } from "./host-harness.ts";

describe("xen: the stub domain's vfb and vkbd (vnc=1)", function () {
  this.timeout(60000);
  let h: Harness;

  before(() => {
    h = buildHarness("vfb_host", ["test/xen/vfb_host.c", "test/xen/check.c", "runtime/xen/vfb.c", "runtime/xen/vkbd.c", "runtime/xen/ring_check.c", "runtime/xen/xenbus.c"],
      ["test/xen", "-Iruntime/xen", "-Iruntime/core"]);
  });
  after(() => h.remove());

  const run = (name: string): void => { runCase(h.exe, [name]); };

  it("frames only while a viewer wants them; RESIZE and UPDATE of exactly what changed; RGBA converted, BGRX copied", () => { run("frames"); });
  it("a surface too big is clipped (said so); a full ring is not overwritten; a bogus producer index disconnects", () => { run("limits"); });
  it("vkbd: keys, moves and buttons to the PS/2 sink, moves clamped to the ABI's range, the rest ignored, bogus index disconnects", () => { run("vkbd"); });
});
