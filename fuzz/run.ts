// `npm run fuzz -- <device> [options]` (docs/fuzzing.md):
//   --seconds N        campaign length (default 60)
//   --engine E         libfuzzer (default) | afl | node
//   --merge            after a libFuzzer run, merge what it found that adds coverage into
//                      fuzz/<device>/corpus (the committed corpus)
//   --coverage         no campaign: build the coverage target, run the corpus and the regressions,
//                      print llvm-cov's summary of the device's wasm2c C (fuzz/out/coverage-report/<device>/)
//   --seeds-only       (with --coverage) only the hand-written seeds and the boot inputs
//   --seed N           (node engine) the mutation PRNG's seed
// libFuzzer and AFL++ run under `nice -n 10`. Working corpora and artifacts (crashes, timeouts)
// go to fuzz/out/work/<device>/; a finding is kept by copying it to fuzz/<device>/regressions/.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFuzzer } from "./build.ts";
import { DEVICES } from "./lib/devices.ts";
import { runInput } from "./lib/exec.ts";
import { prng } from "./lib/prng.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function corpusFiles(device: string): string[] {
  const out: string[] = [];
  for (const sub of ["corpus", "regressions"]) {
    const dir = join(root, "fuzz", device, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (!f.startsWith(".") && !f.endsWith(".md")) out.push(join(dir, f));
  }
  return out;
}

/** A small mutator (byte flips, inserts, erases, splices, fresh random ops) for the node engine. */
export function mutate(rnd: () => number, input: Uint8Array, pool: Uint8Array[]): Uint8Array {
  const b = Array.from(input);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * (b.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0: if (b.length) b[Math.min(at, b.length - 1)]! ^= 1 << Math.floor(rnd() * 8); break;
      case 1: b.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256))); break;
      case 2: b.splice(at, 1 + Math.floor(rnd() * 8)); break;
      case 3: if (b.length) b[Math.min(at, b.length - 1)] = [0, 1, 0xff, 0x7f, 0x80][Math.floor(rnd() * 5)]!; break;
      case 4: { const o = pool[Math.floor(rnd() * pool.length)]; if (o?.length) { const s = Math.floor(rnd() * o.length); b.splice(at, 0, ...o.subarray(s, s + 1 + Math.floor(rnd() * 32))); } break; }
      case 5: b.push(...Array.from({ length: 4 + Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 256))); break;
    }
  }
  return Uint8Array.from(b.slice(0, 4096));
}

/** The node engine: random mutation of the corpus on host/node for `seconds`; returns findings. */
export function nodeCampaign(device: string, seconds: number, seed = 1, log: (s: string) => void = console.log): { execs: number; findings: Array<{ file: string; cls: string; detail: string }> } {
  const rnd = prng(seed);
  const pool: Uint8Array[] = corpusFiles(device).map((f) => new Uint8Array(readFileSync(f)));
  if (!pool.length) pool.push(new Uint8Array(0));
  const end = Date.now() + seconds * 1000;
  const findings: Array<{ file: string; cls: string; detail: string }> = [];
  const art = join(root, "fuzz/out/work", device, "node-artifacts");
  let execs = 0;
  while (Date.now() < end) {
    const input = mutate(rnd, pool[Math.floor(rnd() * pool.length)]!, pool);
    const r = runInput(device, input);
    execs++;
    if (r.finding) {
      mkdirSync(art, { recursive: true });
      const file = join(art, `${r.finding.cls}-${createHash("sha1").update(input).digest("hex")}.bin`);
      writeFileSync(file, input);
      findings.push({ file, ...r.finding });
      log(`FINDING ${r.finding.cls}: ${r.finding.detail}\n  input: ${file}`);
      if (findings.length >= 5) break;
    } else if (r.ops > 0 && rnd() < 0.02 && pool.length < 2000) pool.push(input);
  }
  return { execs, findings };
}

function runLogged(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const out = createWriteStream(logFile);
    const p = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const pass = (d: Buffer): void => { out.write(d); const s = d.toString(); if (/FINDING|ERROR|DONE|Done|stat::|SUMMARY|deadly/.test(s)) process.stdout.write(s); };
    p.stdout.on("data", pass);
    p.stderr.on("data", pass);
    p.on("close", (code) => { out.end(); resolve(code ?? 1); });
  });
}

async function libfuzzer(device: string, seconds: number, merge: boolean): Promise<number> {
  const bin = buildFuzzer(device, "libfuzzer");
  const work = join(root, "fuzz/out/work", device);
  const corpus = join(work, "corpus");
  const artifacts = join(work, "artifacts");
  for (const d of [corpus, artifacts]) mkdirSync(d, { recursive: true });
  const dirs = ["corpus", "regressions"].map((s) => join(root, "fuzz", device, s)).filter(existsSync);
  const dict = join(root, "fuzz", device, `${device}.dict`);
  const logFile = join(work, `libfuzzer-${Date.now()}.log`);
  console.log(`fuzz: libFuzzer on ${device} for ${seconds} s (nice -n 10); log ${logFile}`);
  const rc = await runLogged("nice", ["-n", "10", bin, corpus, ...dirs, ...(existsSync(dict) ? [`-dict=${dict}`] : []), `-max_total_time=${seconds}`,
    "-timeout=10", "-rss_limit_mb=2048", "-max_len=4096", `-artifact_prefix=${artifacts}/`, "-print_final_stats=1"], logFile);
  const log = readFileSync(logFile, "utf8");
  const last = log.split("\n").filter((l) => /^#\d+/.test(l)).pop() ?? "";
  const execs = /stat::number_of_executed_units:\s*(\d+)/.exec(log)?.[1];
  const rate = /stat::average_exec_per_sec:\s*(\d+)/.exec(log)?.[1];
  console.log(`fuzz: ${device}: ${execs ?? "?"} executions, ${rate ?? "?"} exec/s; last status: ${last}`);
  const found = readdirSync(artifacts);
  if (found.length) console.log(`fuzz: ${device}: artifacts in ${artifacts}: ${found.join(", ")}`);
  if (merge) {
    console.log(`fuzz: merging new coverage into fuzz/${device}/corpus`);
    execFileSync(bin, ["-merge=1", join(root, "fuzz", device, "corpus"), corpus, `-artifact_prefix=${artifacts}/`], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  }
  return rc;
}

async function afl(device: string, seconds: number): Promise<number> {
  const bin = buildFuzzer(device, "afl");
  const work = join(root, "fuzz/out/work", device, "afl");
  mkdirSync(work, { recursive: true });
  const dict = join(root, "fuzz", device, `${device}.dict`);
  console.log(`fuzz: AFL++ on ${device} for ${seconds} s (nice -n 10); output ${work}`);
  return runLogged("nice", ["-n", "10", "afl-fuzz", "-i", join(root, "fuzz", device, "corpus"), "-o", work, ...(existsSync(dict) ? ["-x", dict] : []), "-V", String(seconds), "-t", "10000", "--", bin],
    join(work, "afl.log"), { ...process.env, AFL_SKIP_CPUFREQ: "1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: "1", AFL_NO_UI: "1" });
}

/** Coverage of the device's wasm2c C reached by the corpus and the regressions (llvm-cov). */
export function coverage(device: string, log: (s: string) => void = console.log, seedsOnly = false): { lines: string; functions: string; regions: string; branches: string } {
  const bin = buildFuzzer(device, "coverage", () => {});
  const out = join(root, "fuzz/out/coverage-report", device);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = corpusFiles(device).filter((f) => !seedsOnly || /\/(seed-|boot-)[^/]*$/.test(f));
  for (let i = 0; i < files.length; i += 400) {
    try {
      execFileSync(bin, [device, ...files.slice(i, i + 400)], { env: { ...process.env, LLVM_PROFILE_FILE: join(out, `cov-${i}.profraw`) }, stdio: ["ignore", "ignore", "pipe"] });
    } catch { /* a finding exits 1: still covered */ }
  }
  const profraw = readdirSync(out).filter((f) => f.endsWith(".profraw")).map((f) => join(out, f));
  const profdata = join(out, "cov.profdata");
  const tool = (n: string): string => (existsSync(`/usr/bin/${n}-14`) ? `${n}-14` : n);
  execFileSync(tool("llvm-profdata"), ["merge", "-sparse", ...profraw, "-o", profdata]);
  const src = join(root, "fuzz/out/gen", `${device}.hooked.c`);
  const report = execFileSync(tool("llvm-cov"), ["report", bin, `-instr-profile=${profdata}`, src], { encoding: "utf8" });
  writeFileSync(join(out, "report.txt"), report);
  const fns = execFileSync(tool("llvm-cov"), ["report", "-show-functions", bin, `-instr-profile=${profdata}`, src], { encoding: "utf8" });
  writeFileSync(join(out, "functions.txt"), fns);
  const total = report.split("\n").find((l) => l.startsWith("TOTAL")) ?? "";
  const pct = total.split(/\s+/).filter((x) => x.endsWith("%"));
  const r = { regions: pct[0] ?? "?", functions: pct[1] ?? "?", lines: pct[2] ?? "?", branches: pct[3] ?? "?" };
  log(`coverage ${device}${seedsOnly ? " (seeds and boot inputs only)" : ""}: ${files.length} inputs; wasm2c C (${device}.hooked.c): lines ${r.lines}, functions ${r.functions}, regions ${r.regions}, branches ${r.branches}; report ${join(out, "report.txt")}, per function ${join(out, "functions.txt")}`);
  return r;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const device = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  const opt = (k: string): string | undefined => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  if (!device || !DEVICES[device]) {
    console.error(`usage: npm run fuzz -- <${Object.keys(DEVICES).join("|")}> [--seconds N] [--engine libfuzzer|afl|node] [--merge] [--coverage] [--seed N]`);
    process.exit(2);
  }
  const seconds = Number(opt("--seconds") ?? 60);
  const engine = opt("--engine") ?? "libfuzzer";
  (async () => {
    if (args.includes("--coverage")) { coverage(device, console.log, args.includes("--seeds-only")); return 0; }
    if (engine === "node") {
      const r = nodeCampaign(device, seconds, Number(opt("--seed") ?? 1));
      console.log(`fuzz: node engine on ${device}: ${r.execs} executions in ${seconds} s (${Math.round(r.execs / seconds)}/s), ${r.findings.length} findings`);
      return r.findings.length ? 1 : 0;
    }
    if (engine === "afl") return afl(device, seconds);
    return libfuzzer(device, seconds, args.includes("--merge"));
  })().then((rc) => process.exit(rc), (e) => { console.error(`fuzz: ${(e as Error).message}`); process.exit(1); });
}
