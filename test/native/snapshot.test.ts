// Snapshots across engines (docs/snapshot-format.md): each device module's seeded workout is
// snapshotted half-way (the trace's `snapshot` record). V8 and the native runtime must write the
// same snapshot bytes there; the native replayer restoring V8's snapshot, and V8 restoring the
// native one, must both replay the rest of the trace with identical results. Hostile snapshots
// given to the native loader are refused with a named cause (exit 2), never crash it and never
// change the runtime they were refused by (the replayer checks: exit 3).
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listNativeModules } from "../../build/native.ts";
import { snapshotStep } from "../../host/node/snapshot-trace.ts";
import { crc32 } from "../../host/node/snapshot-format.ts";
import { prng } from "../../fuzz/lib/prng.ts";
import { workout } from "./workout.ts";
import { ensureBuilt, assertIdentical, tmp } from "./replay-run.ts";

const AT = 700;

describe("snapshots across engines: V8 ⇄ native", function () {
  before(ensureBuilt);
  const devices = listNativeModules().filter((x) => !x.wasm.includes("/fixtures/"));
  for (const mod of devices) {
    it(`${mod.name}: the same bytes on both engines half-way; either restores the other's; the rest replays identically`, function () {
      this.timeout(180_000);
      const seed = 0x5eed + mod.name.length;
      let v8: Uint8Array = new Uint8Array();
      const trace = workout(mod.name, seed, { n: AT, step: (m) => { v8 = snapshotStep(m); } });
      assert.ok(trace.includes(`\nsnapshot ${v8.length} 0x${crc32(v8.subarray(0, v8.length - 4)).toString(16)}\n`));
      // native: its own snapshot (the record checks it has V8's length and CRC), restored by itself
      assertIdentical(trace);
      // native restores V8's snapshot, and keeps its own
      const v8File = join(tmp, `${mod.name}.v8.snap`), natFile = join(tmp, `${mod.name}.native.snap`);
      writeFileSync(v8File, v8);
      assertIdentical(trace, ["--restore-snapshot", v8File, "--save-snapshot", natFile]);
      const native = new Uint8Array(readFileSync(natFile));
      assert.ok(Buffer.from(native).equals(Buffer.from(v8)), "the engines wrote different snapshots");
      // V8 restores the native snapshot and produces the same trace
      assert.equal(workout(mod.name, seed, { n: AT, step: (m) => { snapshotStep(m, native); } }), trace);
    });
  }

  it("the native loader refuses hostile snapshots: named cause, no crash, nothing half-restored", function () {
    this.timeout(300_000);
    let v8: Uint8Array = new Uint8Array();
    const trace = workout("uart", 7, { n: 200, step: (m) => { v8 = snapshotStep(m); } }).split("\n").filter((l) => !l.startsWith("memhash")).join("\n");
    const traceFile = join(tmp, "hostile.trace");
    writeFileSync(traceFile, trace);
    const rnd = prng(0xbad5);
    const causes = new Map<string, number>();
    const replay = (bytes: Uint8Array): { status: number | null; stderr: string } => {
      const f = join(tmp, "hostile.snap");
      writeFileSync(f, bytes);
      const r = spawnSync(join("build/out/native/stubdom-replay"), ["--restore-snapshot", f, traceFile], { encoding: "utf8", maxBuffer: 1 << 28 });
      return { status: r.status, stderr: r.stderr };
    };
    for (let n = 0; n < 120; n++) {
      let c = v8.slice();
      const meta = rnd() < 0.7 ? Math.min(c.length, 400) : c.length;
      const kind = n % 4;
      if (kind === 0) c = c.slice(0, Math.floor(rnd() * c.length));
      else for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) c[Math.floor(rnd() * meta)] = Math.floor(rnd() * 256);
      if (kind >= 2 && c.length > 8) new DataView(c.buffer).setUint32(c.length - 4, crc32(c.subarray(0, c.length - 4)), true);
      const r = replay(c);
      assert.notEqual(r.status, 3, r.stderr);
      assert.ok(r.status === 0 || r.status === 2, `replayer died (status ${r.status}): ${r.stderr}`);
      if (r.status === 2) {
        const m = /snapshot refused \(([a-z ]+)\)/.exec(r.stderr);
        assert.ok(m, `no named cause: ${r.stderr}`);
        causes.set(m[1]!, (causes.get(m[1]!) ?? 0) + 1);
      }
    }
    for (const c of ["truncated", "checksum"]) assert.ok(causes.has(c), `no ${c} refusal among ${[...causes.keys()].join(", ")}`);
  });
});
