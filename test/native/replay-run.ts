// Running build/out/native/stubdom-replay on a V8 trace and comparing record for record
// (test/native/replay.test.ts, snapshot.test.ts).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNative } from "../../build/native.ts";

export const tmp = mkdtempSync(join(tmpdir(), "replay-"));
let replayBin = "";
let traceNo = 0;

/** A `before` hook for each suite here (not a root hook: other test files must not wait on it). */
export function ensureBuilt(this: Mocha.Context): void {
  this.timeout(900_000); // the first build compiles every device module with wasm2c + cc
  replayBin = buildNative(() => {}).replay;
}

/** Replays `trace` natively (extra replayer `args`); returns the native runtime's trace lines. */
export function replayNative(trace: string, args: string[] = []): string[] {
  replayBin = buildNative(() => {}).replay; // other work may have rebuilt a module meanwhile
  const file = join(tmp, `t${traceNo++}.trace`);
  writeFileSync(file, trace);
  try {
    const out = execFileSync(replayBin, [...args, file], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n").filter((l) => l.length > 0);
  } catch (e) {
    throw new Error(`stubdom-replay failed on ${file}: ${(e as { stderr?: string }).stderr ?? e}`);
  }
}

export function records(trace: string): string[] {
  return trace.split("\n").filter((l) => l.length > 0 && !l.startsWith("#"));
}

/** Asserts the native replay reproduces the V8 trace record for record. */
export function assertIdentical(trace: string, args: string[] = []): string[] {
  const want = records(trace);
  const got = replayNative(trace, args);
  const n = Math.min(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) {
      const ctx = want.slice(Math.max(0, i - 6), i).map((l) => `    ${l.slice(0, 160)}`).join("\n");
      assert.fail(`record ${i + 1} differs\n  after:\n${ctx}\n  V8:     ${want[i]!.slice(0, 300)}\n  native: ${got[i]!.slice(0, 300)}`);
    }
  }
  assert.equal(got.length, want.length, "native replay has a different number of records");
  return want;
}

