// `npm run build`: compiles every device (stubdom/devices/<name>/ and stubdom/vga/, each with an
// index.ts entry and a manifest.json) and every test fixture module (test/fixtures/<name>/) into its
// own Wasm module: build/out/<name>.wasm (asc -O3, i.e. binaryen's optimiser, no names) and
// build/out/<name>.debug.wasm (unoptimised, with names). Incremental: a module is rebuilt only
// when a file it may depend on (its folder, stubdom/lib, asconfig.json, the ABI) is newer.
// `build.ts [--force] [name ...]` builds only the named modules.
import { existsSync, mkdirSync, readdirSync, statSync, readFileSync, copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import { execFileSync, execFile } from "node:child_process";
import { cpus } from "node:os";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT = join(root, "build/out");

export interface ModuleSource {
  name: string;
  dir: string; // absolute
  outDir: string; // absolute
  ascFlags: string[];
}

function manifestFlags(dir: string): string[] {
  const m = join(dir, "manifest.json");
  if (!existsSync(m)) return [];
  const j = JSON.parse(readFileSync(m, "utf8")) as { ascFlags?: string[] };
  return j.ascFlags ?? [];
}

export function listModules(): ModuleSource[] {
  const mods: ModuleSource[] = [];
  const add = (name: string, dir: string, outDir: string): void => {
    if (existsSync(join(dir, "index.ts"))) mods.push({ name, dir, outDir, ascFlags: manifestFlags(dir) });
  };
  const devs = join(root, "stubdom/devices");
  for (const d of existsSync(devs) ? readdirSync(devs).sort() : []) add(d, join(devs, d), OUT);
  add("vga", join(root, "stubdom/vga"), OUT);
  const fx = join(root, "test/fixtures");
  for (const d of existsSync(fx) ? readdirSync(fx).sort() : []) add(d, join(fx, d), join(OUT, "fixtures"));
  return mods;
}

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

interface Job { mod: ModuleSource; args: string[]; out: string }

function ascArgs(mod: ModuleSource, target: "release" | "debug", outFile: string): string[] {
  return [relative(root, join(mod.dir, "index.ts")), "--config", "asconfig.json", "--target", target, "--outFile", relative(root, outFile), ...mod.ascFlags];
}

// Runs a batch of asc jobs in one plain-Node child; resolves to one error text per failed job.
function runBatch(jobs: Job[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, "build/asc-batch.mjs"), JSON.stringify(jobs.map((j) => j.args))], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const lines = stdout.split("\n").filter((l) => l.trim().length > 0);
      if (err && lines.length < jobs.length) return reject(new Error(`asc batch failed: ${err.message}\n${stderr}`));
      const failures: string[] = [];
      lines.forEach((l, i) => {
        const r = JSON.parse(l) as { ok: boolean; text: string };
        if (!r.ok) failures.push(`${jobs[i]!.mod.name} -> ${relative(root, jobs[i]!.out)}: ${r.text}`);
      });
      resolve(failures);
    });
  });
}

export async function buildAll(opts: { force?: boolean; quiet?: boolean; only?: string[] } = {}): Promise<void> {
  process.chdir(root);
  const shared = Math.max(newest(join(root, "stubdom/lib")), newest(join(root, "asconfig.json")), newest(join(root, "stubdom/abi")), newest(join(root, "build/export-globals.mjs")));
  const mods = listModules().filter((m) => !opts.only?.length || opts.only.includes(m.name));
  if (opts.only?.length && mods.length !== opts.only.length) throw new Error(`unknown module in ${opts.only.join(", ")}; known: ${listModules().map((m) => m.name).join(", ")}`);
  const started = Date.now();
  const jobs: Job[] = [];
  for (const mod of mods) {
    mkdirSync(mod.outDir, { recursive: true });
    const srcTime = Math.max(shared, newest(mod.dir));
    for (const [target, file] of [["release", join(mod.outDir, `${mod.name}.wasm`)], ["debug", join(mod.outDir, `${mod.name}.debug.wasm`)]] as const) {
      if (!opts.force && existsSync(file) && statSync(file).mtimeMs > srcTime) continue;
      jobs.push({ mod, args: ascArgs(mod, target, file), out: file });
    }
  }
  for (const mod of mods) {
    const m = join(mod.dir, "manifest.json");
    if (!existsSync(m)) throw new Error(`${relative(root, mod.dir)}: no manifest.json (name, capabilities)`);
    copyFileSync(m, join(mod.outDir, `${mod.name}.manifest.json`));
  }
  const lanes = Math.max(1, Math.min(cpus().length, jobs.length));
  const batches: Job[][] = Array.from({ length: lanes }, () => []);
  jobs.forEach((j, i) => batches[i % lanes]!.push(j));
  const failures = (await Promise.all(batches.filter((b) => b.length).map(runBatch))).flat();
  for (const j of jobs) if (!opts.quiet && j.out.endsWith(".wasm") && !j.out.endsWith(".debug.wasm") && existsSync(j.out)) console.log(`built ${relative(root, j.out)} (${statSync(j.out).size} bytes)`);
  if (failures.length) {
    console.error(failures.join("\n"));
    throw new Error(`build failed for ${failures.length} module(s)`);
  }
  if (!opts.quiet) console.log(`${jobs.length} compile job(s) for ${mods.length} module(s) in ${Date.now() - started} ms`);
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ["--import", "tsx", join(root, "build/gen-abi.ts"), "--check"], { stdio: "inherit" });
  // `build.ts [--force] [name ...]`: only the named modules when names are given.
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  await buildAll({ force: process.argv.includes("--force"), only });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
