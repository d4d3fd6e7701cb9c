// test/xen/qdisk.test.ts — the dom0 helper's qdisk backend (host/dom0/qdisk.c: libxl 4.17 gives an
// HVM guest's CD only that backend type) compiled for the build host with test/xen/qdisk_host.c,
// which plays the stub domain's blkfront, on xen_fakes.c's stand-ins for xenstore, the grant
// table and event channels. Each scenario runs as its own process under ASan/UBSan: the xenbus
// handshake, reads into the right sectors of the right pages, writes, read-only vbds, every
// malformed request answered with an error (never trusted), the ring's bounds, and the three
// ways a vbd ends.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildHarness, runCase, type Harness } from "./host-harness.ts";

describe("xen: dom0 helper's qdisk backend (CDs)", function () {
  this.timeout(60000);
  let h: Harness;

  before(() => {
    h = buildHarness("qdisk_host", ["test/xen/qdisk_host.c", "test/xen/xen_fakes.c", "test/xen/check.c", "host/dom0/qdisk.c", "host/dom0/store.c", "host/dom0/frontend_ring.c", "host/dom0/capped_log.c"], ["host/dom0", "test/xen"]);
  });
  after(() => h.remove());

  // Each case gets a fresh 1216-sector image (608 KiB, the size of the guest's test CD) with a
  // pattern that differs in every sector.
  function run(name: string): string {
    const img = join(h.dir, `${name}.img`);
    const data = Buffer.alloc(1216 * 512);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(img, data);
    return runCase(h.exe, [name, img]);
  }

  it("handshake: InitWait with sectors/info, Connected once the frontend is Initialised", () => {
    const out = run("handshake");
    assert.match(out, /ok info = cdrom \| read-only/);
  });
  it("reads the requested sectors into each segment's page, nothing outside them; the pages stay mapped for the next request", () => { run("read"); });
  it("writes and flushes a writable vbd", () => { run("write"); });
  it("refuses writes to a read-only vbd, the image unchanged", () => { run("read-only"); });
  it("answers malformed requests with an error: past the end, wrapping sector, bad segments, foreign grant, unknown op", () => {
    const out = run("bad-requests");
    assert.equal(out.match(/: status /g)?.length, 11);
  });
  it("serves a full ring in one pass and disconnects a frontend that overruns it", () => { run("ring-bounds"); });
  it("ring-index fuzz: 4000 rounds of random requests and hostile req_prod values; each bad index disconnects at once, with a log line", () => {
    run("ring-fuzz");
  });
  it("acts only on dom0-owned backend nodes (params, mode, frontend-id); frontend numbers strict and bounded", () => { run("untrusted-nodes"); });
  it("keeps a frontend's pages mapped (32 at most; beyond, mapped per request), unmapped when the vbd ends", () => { run("many-pages"); });
  it("frontend Closing: backend Closed, ring unmapped, not reopened", () => { run("close"); });
  it("libxl's removal (backend Closing) and a vanished backend node both release the vbd", () => { run("libxl-removes"); });
  it("a missing image, qcow2, or a 32-bit ring is refused in words and Closed at once; an empty drive serves 0 sectors", () => {
    run("bad-backend");
  });
});
