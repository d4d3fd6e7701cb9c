// test/xen/geometry.test.ts — issue 17, finding 6: the runtime checks the display geometry a
// module gives it, whatever the module says. test/xen/geometry_host.c runs runtime/core's
// display_set_surface import into runtime/xen's vfb copy, and runtime/xen/vram.c's dirty-VRAM
// query against a stand-in that writes what Xen's track_dirty_vram writes, with the module's
// memory a heap block of exactly its size (ASan sees any byte outside). To see the code before
// the fix fail it, point STUBDOM_XEN_SRC / STUBDOM_CORE_SRC at copies of the old trees:
//   mkdir /tmp/old && git archive HEAD runtime | tar -x -C /tmp/old
//   STUBDOM_XEN_SRC=/tmp/old/runtime/xen STUBDOM_CORE_SRC=/tmp/old/runtime/core npx mocha test/xen/geometry.test.ts
import { relative } from "node:path";
import { buildHarness, runCase, ROOT, type Harness } from "./host-harness.ts";

describe("xen: display geometry from a device module is checked where it is used (issue 17)", function () {
  this.timeout(120000);
  let h: Harness;

  before(() => {
    const x = process.env.STUBDOM_XEN_SRC ? relative(ROOT, process.env.STUBDOM_XEN_SRC) : "runtime/xen";
    const c = process.env.STUBDOM_CORE_SRC ? relative(ROOT, process.env.STUBDOM_CORE_SRC) : "runtime/core";
    h = buildHarness("geometry_host",
      ["test/xen/geometry_host.c", "test/xen/frontend_fakes.c", "test/xen/check.c", "runtime/xen/str_extra.c", "runtime/xen/ring_check.c", "runtime/xen/xenbus.c",
        `${x}/vfb.c`, `${x}/vram.c`, `${c}/imports.c`, `${c}/claims.c`, `${c}/format.c`, `${c}/ranges.c`],
      ["test/xen", `-I${x}`, "-Iruntime/xen", `-I${c}`, `-I${c}/wasm2c`, "-mno-red-zone"]);
  });
  after(() => h.remove());

  const run = (name: string): void => { runCase(h.exe, [name]); };

  it("display_set_surface: width * 4 > stride, 32-bit overflowing sizes, unknown kinds, one byte past memory are refused (said once); padded rows are fine; damage at the int32 limits clamps", () => { run("surface"); });
  it("vfb refuses nonsense surfaces itself (rows wider than the stride, 2^30 wide, NULL)", () => { run("vfb"); });
  it("dirty VRAM: Xen is never asked for more frames than the module's bitmap holds, at any offset; ranges outside the placed VRAM refused", () => { run("dirty-vram"); });
});
