// test/xen/ring-fuzz.test.ts — issue 17, finding 4: ring-index fuzz of the stub domain's PV
// frontends (runtime/xen blkfront, netfront, pvcons, vchan, vkbd, vfb) against a hostile backend,
// test/xen/ring_fuzz_host.c over test/xen/frontend_fakes.c, under ASan/UBSan. Each case must end
// promptly (its watchdog), stay inside its buffers, and disconnect with a log line on every
// protocol violation. To see the frontends before the fix fail it, point STUBDOM_XEN_SRC at a
// copy of the old runtime/xen (ring_check.c and xenbus.c are always taken from this tree):
//   mkdir /tmp/old && git archive HEAD runtime/xen | tar -x -C /tmp/old
//   STUBDOM_XEN_SRC=/tmp/old/runtime/xen npx mocha test/xen/ring-fuzz.test.ts
import { relative } from "node:path";
import { buildHarness, runCase, ROOT, type Harness } from "./host-harness.ts";

/** runtime/xen, or the copy STUBDOM_XEN_SRC names, relative to the repository root. */
function xenSource(): string {
  const src = process.env.STUBDOM_XEN_SRC;
  return src ? relative(ROOT, src) : "runtime/xen";
}

describe("xen: the stub domain's PV frontends against hostile ring indexes (issue 17)", function () {
  this.timeout(120000);
  let h: Harness;

  before(() => {
    const x = xenSource();
    h = buildHarness("ring_fuzz_host",
      ["test/xen/ring_fuzz_host.c", "test/xen/frontend_fakes.c", "test/xen/check.c", "runtime/xen/str_extra.c", "runtime/xen/ring_check.c", "runtime/xen/xenbus.c",
        ...["netfront", "blkfront", "pvcons", "vchan", "vfb", "vkbd"].map((f) => `${x}/${f}.c`)],
      ["test/xen", `-I${x}`, "-Iruntime/xen", "-Iruntime/core", "-mno-red-zone"]);
  });
  after(() => h.remove());

  const run = (name: string, seed = "17"): void => { runCase(h.exe, [name, seed]); };

  it("blkfront: rsp_prod moved back by one ends at once; 300 connections of random honest/silent/hostile answers: each request completes once, a violation disconnects (state 5, logged once)", () => { run("blkfront"); });
  it("blkfront, another seed", () => { run("blkfront", "0x5eed"); });
  it("netfront: TX rsp_prod moved back by one ends at once; 300 connections: TX/RX indexes out of range and ids not in flight disconnect, frames stay inside the RX buffers", () => { run("netfront"); });
  it("netfront, another seed", () => { run("netfront", "0x5eed"); });
  it("pvcons: input arrives in order; an in_prod or out_cons out of range disconnects the console", () => { run("pvcons"); });
  it("vchan (QMP): bytes in order; a client's left.prod or right.cons out of range ends the session", () => { run("vchan"); });
  it("vkbd: honest events delivered; a hostile in_prod disconnects it", () => { run("vkbd"); });
  it("vfb: a hostile in_prod disconnects it", () => { run("vfb-in"); });
  it("vfb: a hostile out_cons disconnects it", () => { run("vfb-out"); });
});
