// test/xen/vfb-backend.test.ts — the dom0 helper's end of the stub domain's vfb and vkbd
// (host/dom0/vfb_backend.c) compiled for the build host with test/xen/vfb_backend_host.c, which
// plays libxl and the stub domain's frontends on xen_fakes.c's stand-ins. Each case is its own
// process under ASan/UBSan: the connection, the ring-index fuzz (hostile indexes disconnect at
// once, never walked), and which xenstore nodes it trusts.
import { buildHarness, runCase, type Harness } from "./host-harness.ts";

describe("xen: dom0 helper's vfb/vkbd backend", function () {
  this.timeout(60000);
  let h: Harness;

  before(() => {
    h = buildHarness("vfb_backend_host", ["test/xen/vfb_backend_host.c", "test/xen/xen_fakes.c", "test/xen/check.c",
      "host/dom0/vfb_backend.c", "host/dom0/store.c"], ["host/dom0", "test/xen"]);
  });
  after(() => h.remove());

  const run = (name: string): void => { runCase(h.exe, [name]); };

  it("connects both when their frontends are ready: UPDATE is damage, keys go into the vkbd ring", () => { run("connect"); });
  it("ring-index fuzz: 5000 rounds of random events and hostile vfb out_prod / vkbd in_cons; each bad index disconnects at once, with a log line", () => {
    run("ring-fuzz");
  });
  it("serves only the stub domain's frontend named by dom0-owned nodes; page-ref strict", () => { run("untrusted-nodes"); });
});
