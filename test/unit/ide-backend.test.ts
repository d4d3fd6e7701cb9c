// The Node block backends of host/node/backends/block-file.ts: up-front checks with clear errors
// (missing file, directory, empty, size not a multiple of 512 / 2048, not writable), read/write/
// flush through files and memory, read-only ISO, range and read-only refusals, virtual-clock
// latency, eject/insert telling the runtime.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDiskImage, openIsoImage, memoryImage, BlockImageError } from "../../host/node/backends/block-file.ts";
import { BLK_OP, BLK_STATUS } from "../../host/node/abi.ts";
import { VirtualClock } from "../../host/node/clock.ts";

function run(b: ReturnType<typeof memoryImage>, op: number, lba: number, sectors: number, data?: Uint8Array): { status: number; data: Uint8Array } {
  const buf = data ?? new Uint8Array(Math.max(0, sectors) * b.sectorSize);
  let status = -1;
  b.submit({ op, lba, sectors, data: buf }, (s) => { status = s; });
  return { status, data: buf };
}

describe("ide: block-file backend", () => {
  let dir = "";
  before(() => { dir = mkdtempSync(join(tmpdir(), "ide-blk-")); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it("refuses bad images up front with the reason", () => {
    assert.throws(() => openDiskImage(join(dir, "nope.img")), (e: Error) => e instanceof BlockImageError && /no such image file/.test(e.message));
    mkdirSync(join(dir, "d"));
    assert.throws(() => openDiskImage(join(dir, "d")), /not a regular file/);
    writeFileSync(join(dir, "empty.img"), new Uint8Array(0));
    assert.throws(() => openDiskImage(join(dir, "empty.img")), /empty/);
    writeFileSync(join(dir, "odd.img"), new Uint8Array(1000));
    assert.throws(() => openDiskImage(join(dir, "odd.img")), /size 1000 bytes is not a multiple of the 512-byte sector \(488 bytes too many\)/);
    writeFileSync(join(dir, "odd.iso"), new Uint8Array(4096 + 512));
    assert.throws(() => openIsoImage(join(dir, "odd.iso")), /not a multiple of the 2048-byte sector/);
    assert.throws(() => memoryImage(new Uint8Array(100)), /not a multiple of the 512-byte sector/);
    assert.throws(() => memoryImage(new Uint8Array(1024), { cdrom: true }), /2048-byte sector/);
  });

  it("a read-only file cannot be opened writable, but can be opened read-only", function () {
    if (process.getuid?.() === 0) {
      // root ignores file modes: check the flag path instead
      writeFileSync(join(dir, "ro.img"), new Uint8Array(1024));
      const b = openDiskImage(join(dir, "ro.img"), { readOnly: true });
      assert.equal(b.readOnly, true);
      assert.equal(run(b, BLK_OP.WRITE, 0, 1).status, BLK_STATUS.RDONLY);
      b.close();
      return;
    }
    writeFileSync(join(dir, "ro.img"), new Uint8Array(1024));
    chmodSync(join(dir, "ro.img"), 0o444);
    assert.throws(() => openDiskImage(join(dir, "ro.img")), /not writable; open it with \{ readOnly: true \}/);
    const b = openDiskImage(join(dir, "ro.img"), { readOnly: true });
    assert.equal(run(b, BLK_OP.WRITE, 0, 1).status, BLK_STATUS.RDONLY);
    b.close();
  });

  it("file disk: sizes, reads, writes that reach the file, flush, range checks", () => {
    const bytes = new Uint8Array(8 * 512).map((_, i) => i & 0xff);
    const path = join(dir, "disk.img");
    writeFileSync(path, bytes);
    const b = openDiskImage(path);
    assert.deepEqual([b.sectors, b.sectorSize, b.readOnly, b.removable, b.present], [8, 512, false, false, true]);
    const r = run(b, BLK_OP.READ, 2, 3);
    assert.equal(r.status, BLK_STATUS.OK);
    assert.deepEqual(r.data, bytes.subarray(1024, 2560));
    const w = new Uint8Array(512).fill(0xab);
    assert.equal(run(b, BLK_OP.WRITE, 7, 1, w).status, BLK_STATUS.OK);
    assert.equal(run(b, BLK_OP.FLUSH, 0, 0).status, BLK_STATUS.OK);
    assert.deepEqual(readFileSync(path).subarray(7 * 512), Buffer.from(w));
    assert.equal(run(b, BLK_OP.READ, 7, 2).status, BLK_STATUS.RANGE);
    assert.equal(run(b, BLK_OP.READ, -1, 1).status, BLK_STATUS.RANGE);
    assert.equal(run(b, BLK_OP.READ, 0, 0).status, BLK_STATUS.RANGE);
    assert.equal(run(b, BLK_OP.READ, 0, 2, new Uint8Array(512)).status, BLK_STATUS.RANGE, "buffer size must match");
    assert.deepEqual(b.stats, { reads: 1, writes: 1, flushes: 1, sectorsRead: 3, sectorsWritten: 1 });
    b.close();
    assert.equal(run(b, BLK_OP.READ, 0, 1).status, BLK_STATUS.NOMEDIA);
  });

  it("ISO: read-only and removable; eject and insert notify; writes refused", () => {
    const path = join(dir, "cd.iso");
    writeFileSync(path, new Uint8Array(4 * 2048).fill(7));
    const cd = openIsoImage(path);
    assert.deepEqual([cd.sectors, cd.sectorSize, cd.readOnly, cd.removable], [4, 2048, true, true]);
    assert.equal(run(cd, BLK_OP.WRITE, 0, 1).status, BLK_STATUS.RDONLY);
    let changes = 0;
    cd.onMediaChange = () => { changes++; };
    cd.eject();
    assert.deepEqual([cd.present, cd.sectors, changes], [false, 0, 1]);
    assert.equal(run(cd, BLK_OP.READ, 0, 1).status, BLK_STATUS.NOMEDIA);
    cd.insert(new Uint8Array(2 * 2048).fill(9));
    assert.deepEqual([cd.present, cd.sectors, changes], [true, 2, 2]);
    assert.equal(run(cd, BLK_OP.READ, 1, 1).data[0], 9);
    cd.insert(path);
    assert.equal(cd.sectors, 4);
    assert.throws(() => cd.insert(new Uint8Array(100)), /2048-byte sector/);
    assert.throws(() => memoryImage(new Uint8Array(512)).eject(), /not removable/);
    cd.close();
  });

  it("an empty CD backend and latency on the virtual clock", () => {
    const empty = memoryImage(null, { cdrom: true });
    assert.deepEqual([empty.present, empty.sectors], [false, 0]);
    const clock = new VirtualClock();
    const b = memoryImage(new Uint8Array(1024)).attachClock(clock, 1000);
    const r = run(b, BLK_OP.READ, 0, 1);
    assert.equal(r.status, -1, "not complete yet");
    clock.advance(999n);
    let status = -1;
    b.submit({ op: BLK_OP.READ, lba: 1, sectors: 1, data: new Uint8Array(512) }, (s) => { status = s; });
    clock.advance(1n);
    assert.equal(status, -1, "the second request is still 999 ns away");
    clock.advance(999n);
    assert.equal(status, BLK_STATUS.OK);
  });
});
