// test/xen/host-harness.ts — building and running the C harnesses of test/xen (dom0 helper and
// runtime/xen parts compiled for the build host with stand-ins for Xen): one build per test file
// into a temporary folder (strict warnings, ASan/UBSan unless asked otherwise), and one process
// per case whose "ok ..." / "FAIL ..." lines are the verdict.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Harness { dir: string; exe: string; remove(): void }

/** Compiles `sources` into one program; `includes` are folders for #include "..." ("-Idir": for
 *  #include <...> too; other "-..." entries are compiler flags). Paths are from the repository
 *  root. */
export function buildHarness(name: string, sources: string[], includes: string[], sanitize = true): Harness {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const exe = join(dir, name);
  execFileSync("gcc", ["-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
    ...(sanitize ? ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] : []),
    ...includes.flatMap((i) => (i.startsWith("-I") ? ["-I", join(ROOT, i.slice(2))] : i.startsWith("-") ? [i] : ["-iquote", join(ROOT, i)])),
    ...sources.map((s) => join(ROOT, s)), "-o", exe]);
  return { dir, exe, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one case; it must exit 0 with "ok" lines and no "FAIL". Returns its stdout. */
export function runCase(exe: string, args: string[]): string {
  const r = spawnSync(exe, args, { encoding: "utf8" });
  const out = `${r.stdout}${r.stderr ? `\n--- log:\n${r.stderr}` : ""}`;
  assert.equal(r.status, 0, out);
  assert.match(r.stdout, /^ok /, out);
  assert.doesNotMatch(r.stdout, /FAIL/, out);
  return r.stdout;
}
