// `npm run build:native` (node --import tsx build/native.ts [--force]): the native engine. For every
// built device module (build/out/<name>.wasm) and test fixture (build/out/fixtures/<name>.wasm):
//   1. check its imports against its manifest's capabilities (a module importing an ungranted
//      capability, or anything outside ABI v1, is refused here and again at load time);
//   2. wasm2c (Debian 12's wabt 1.0.32) → build/out/native/gen/<name>.c/.h, symbols prefixed with
//      the module name (Z_<name>Z_...);
//   3. compile it freestanding at -O2 against runtime/core's own wasm-rt.h (explicit bounds checks,
//      no signal handlers) → build/out/native/obj/<name>.o;
// then generate the device table (gen/devtab.c: core_modules[] with each module's exports and
// capability masks), compile runtime/core (freestanding, -Werror) and runtime/posix, and link
// build/out/native/stubdom-replay. Incremental: a step runs only when an input is newer than its
// output. Prints the native code size of each module.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { IMPORTS, EXPORTS, IMPORT_MODULE, type ImportName } from "../host/node/abi.ts";
import { capabilities, loadAbi } from "./gen-abi.ts";
import { createHash } from "node:crypto";
import { globalTypes, GLOBAL_PREFIX } from "../host/node/snapshot-module.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(root, "build/out");
export const NATIVE = join(OUT, "native");
export const GEN = join(NATIVE, "gen");
const OBJ = join(NATIVE, "obj");
export const CORE = join(root, "runtime/core");
export const POSIX = join(root, "runtime/posix");
const force = process.argv.includes("--force");

/** Capability bits, in the ABI's order (runtime/core/abi.h STUBDOM_CAP_*, which module.h uses). */
const CAPS = capabilities(loadAbi());
const CC = process.env.CC ?? "cc";
/** Debian's wasm2c by absolute path: npm's `wabt` package puts a different wasm2c (a newer
 *  version, whose output expects another runtime interface) on npx's PATH. */
const WASM2C = process.env.WASM2C ?? "/usr/bin/wasm2c";
const WASM2C_VERSION = "1.0.32";
const OWN_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-g"];
/** wasm2c 1.0.32's output trips these four (comma expressions around TRAP(), unused instance
 *  parameters and locals, unused float helpers); everything else stays a warning. */
const GEN_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-value", "-Wno-unused-parameter", "-Wno-unused-function", "-Wno-unused-variable"];

function gccInclude(): string {
  return execFileSync(CC, ["-print-file-name=include"], { encoding: "utf8" }).trim();
}
/** runtime/core and the generated device code build without libc headers. */
function freestanding(): string[] {
  // NATIVE_CFLAGS: extra flags for everything that will also be linked into the unikernel
  // (e.g. -mno-red-zone -fno-pic), so runtime/xen can match its own code model.
  const extra = (process.env.NATIVE_CFLAGS ?? "").split(/\s+/).filter(Boolean);
  return [...extra, "-ffreestanding", "-nostdinc", "-isystem", gccInclude(), "-I", join(CORE, "freestanding"), "-I", CORE];
}

export interface NativeModule {
  name: string; wasm: string; manifest: string; caps: number; imports: number; exports: Set<string>; fnv: number;
  /** snapshots: the .wasm's sha-256 (hex); its exported mutable globals' indices and types */
  sha256: string; globals: Array<{ index: number; type: number }>;
}

function fnv32(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function mtime(p: string): number {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}
function newestIn(dir: string, ext: RegExp): number {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) m = Math.max(m, newestIn(p, ext));
    else if (ext.test(e.name)) m = Math.max(m, mtime(p));
  }
  return m;
}
function stale(out: string, inputs: number[]): boolean {
  return force || !existsSync(out) || inputs.some((t) => t > mtime(out));
}

function cIdent(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

/** The built modules, checked against their manifests. Throws on a capability violation. */
export function listNativeModules(dirs: string[] = [OUT, join(OUT, "fixtures")]): NativeModule[] {
  const mods: NativeModule[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith(".wasm") || f.endsWith(".debug.wasm")) continue;
      const name = f.slice(0, -5);
      const wasm = join(dir, f);
      const manifest = join(dir, `${name}.manifest.json`);
      if (!existsSync(manifest)) throw new Error(`${relative(root, wasm)}: no manifest beside it`);
      const m = JSON.parse(readFileSync(manifest, "utf8")) as { capabilities: string[] };
      const bytes = readFileSync(wasm);
      const mod = new WebAssembly.Module(bytes);
      let caps = 0;
      for (const c of m.capabilities) {
        const bit = CAPS.indexOf(c);
        if (bit < 0) throw new Error(`${name}: manifest names unknown capability '${c}'`);
        caps |= 1 << bit;
      }
      let imports = 0;
      for (const imp of WebAssembly.Module.imports(mod)) {
        if (imp.module !== IMPORT_MODULE || imp.kind !== "function" || !(imp.name in IMPORTS)) {
          throw new Error(`${name}: import ${imp.module}.${imp.name} is not part of the device ABI: refused`);
        }
        const cap = IMPORTS[imp.name as ImportName].capability;
        if (!m.capabilities.includes(cap)) throw new Error(`${name}: imports host.${imp.name}, capability '${cap}' not granted by its manifest: refused`);
        imports |= 1 << CAPS.indexOf(cap);
      }
      const exports = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
      for (const [n, sig] of Object.entries(EXPORTS)) if (sig.required && !exports.has(n)) throw new Error(`${name}: required export ${n} missing`);
      if (!exports.has("memory")) throw new Error(`${name}: exports no memory`);
      const types = globalTypes(bytes);
      const globals = [...exports].filter((e) => e.startsWith(GLOBAL_PREFIX)).map((e) => Number(e.slice(GLOBAL_PREFIX.length)))
        .sort((a, b) => a - b).map((index) => ({ index, type: types[index] ?? 0 }));
      mods.push({ name, wasm, manifest, caps, imports, exports, fnv: fnv32(bytes), sha256: createHash("sha256").update(bytes).digest("hex"), globals });
    }
  }
  return mods;
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    throw new Error(`failed: ${cmd} ${args.map((a) => relative(root, a) || a).join(" ")}`);
  }
}

export function devtab(mods: NativeModule[]): string {
  const out: string[] = [
    "/* GENERATED by build/native.ts: the device table — every compiled module, its exports behind",
    " * uniform pointers, and its granted/needed capabilities (runtime/core/module.h). Do not edit. */",
    '#include "module.h"',
  ];
  for (const m of mods) out.push(`#include "${m.name}.h"`);
  const sig: Record<string, [string, string, string]> = {
    abi_version: ["uint32_t", "void *i", "i"],
    dev_alloc: ["uint32_t", "void *i, uint32_t a", "i, a"],
    dev_init: ["uint32_t", "void *i, uint32_t a, uint32_t b", "i, a, b"],
    dev_reset: ["void", "void *i", "i"],
    dev_read: ["uint32_t", "void *i, uint32_t a, uint32_t b, uint32_t c", "i, a, b, c"],
    dev_write: ["void", "void *i, uint32_t a, uint32_t b, uint32_t c, uint32_t d", "i, a, b, c, d"],
    pci_cfg_read: ["uint32_t", "void *i, uint32_t a, uint32_t b, uint32_t c", "i, a, b, c"],
    pci_cfg_write: ["void", "void *i, uint32_t a, uint32_t b, uint32_t c, uint32_t d", "i, a, b, c, d"],
    dev_timer: ["void", "void *i, uint32_t a", "i, a"],
    dev_event: ["void", "void *i, uint32_t a, uint32_t b, uint32_t c", "i, a, b, c"],
  };
  const post = ["void", "void *i", "i"] as const;
  for (const m of mods) {
    const id = cIdent(m.name);
    out.push("", `static void ${id}_instantiate(void *i, struct Z_host_instance_t *h) { Z_${id}_instantiate(i, h); }`);
    out.push(`static wasm_rt_memory_t *${id}_memory(void *i) { return Z_${id}Z_memory(i); }`);
    for (const [e, [ret, params, args]] of Object.entries(sig)) {
      if (!m.exports.has(e)) continue;
      out.push(`static ${ret} ${id}_${e}(${params}) { ${ret === "void" ? "" : "return "}Z_${id}Z_${e}(${args}); }`);
    }
    if (m.exports.has("dev_post_load")) out.push(`static ${post[0]} ${id}_dev_post_load(${post[1]}) { Z_${id}Z_dev_post_load(${post[2]}); }`);
    const sha = m.sha256.match(/../g)!.map((b) => `0x${b}`).join(",");
    out.push(`static const uint8_t ${id}_sha256[32] = {${sha}};`);
    out.push(`static const uint8_t ${id}_global_types[${Math.max(1, m.globals.length)}] = {${m.globals.map((g) => g.type).join(",") || "0"}};`);
    out.push(`static void *${id}_global(void *i, uint32_t n) {`, "    switch (n) {");
    m.globals.forEach((g, n) => out.push(`    case ${n}: return Z_${id}Z_${GLOBAL_PREFIX}${g.index}(i);`));
    out.push("    default: return 0;", "    }", "}");
  }
  out.push("", "const struct core_module core_modules[] = {");
  for (const m of mods) {
    const id = cIdent(m.name);
    const f = (e: string): string => (m.exports.has(e) ? `${id}_${e}` : "0");
    out.push(`    {"${m.name}", 0x${m.caps.toString(16)}u, 0x${m.imports.toString(16)}u, sizeof(Z_${id}_instance_t), 0x${m.fnv.toString(16)}u, Z_${id}_init_module,`);
    out.push(`     ${id}_instantiate, ${id}_memory, ${Object.keys(sig).map(f).join(", ")},`);
    out.push(`     ${f("dev_post_load")}, ${id}_sha256, ${m.globals.length}u, ${id}_global_types, ${id}_global},`);
  }
  if (!mods.length) out.push("    {0}");
  out.push("};", `const unsigned core_module_count = ${mods.length};`, "");
  return out.join("\n");
}

export interface NativeBuild {
  replay: string;
  sizes: Array<{ name: string; text: number }>;
  /** Objects every program linking runtime/core needs: the core, the device table, the modules. */
  runtimeObjects: string[];
}

let checkedVersion = "";
function wasm2cVersion(): string {
  if (checkedVersion) return checkedVersion;
  let version = "";
  try {
    version = execFileSync(WASM2C, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${WASM2C} not found: apt-get install -y wabt (see runtime/apt-packages.txt)`);
  }
  if (version !== WASM2C_VERSION) throw new Error(`${WASM2C} is version ${version}; runtime/core/wasm2c/wasm-rt.h matches wasm2c ${WASM2C_VERSION} (Debian 12's wabt)`);
  return (checkedVersion = version);
}

/** wasm2c + cc for one module (prefix `name`); returns its object file. Incremental. */
export function compileWasm(name: string, wasm: string, log: (s: string) => void = console.log): string {
  for (const d of [NATIVE, GEN, OBJ]) mkdirSync(d, { recursive: true });
  // the stamp names the wasm2c version and the exact module bytes the C was generated from, so a
  // module rewritten within the same mtime tick is still regenerated
  const version = `${wasm2cVersion()} ${fnv32(readFileSync(wasm)).toString(16)}`;
  const self = mtime(fileURLToPath(import.meta.url));
  const stamp = join(GEN, `${name}.stamp`);
  const c = join(GEN, `${name}.c`);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== version || stale(c, [mtime(wasm), self])) {
    log(`wasm2c ${relative(root, wasm)}`);
    run(WASM2C, [wasm, "-n", cIdent(name), "-o", c]);
    writeFileSync(stamp, version);
  }
  const o = join(OBJ, `${name}.o`);
  if (stale(o, [mtime(c), newestIn(join(CORE, "wasm2c"), /\.h$/), newestIn(join(CORE, "freestanding"), /\.h$/), self])) {
    log(`cc ${relative(root, c)}`);
    run(CC, [...GEN_FLAGS, ...freestanding(), "-I", join(CORE, "wasm2c"), "-c", c, "-o", o]);
  }
  return o;
}

/** Compiles our own C (strict flags) for the host; `freestandingCore` for runtime/core itself. */
export function compileOwn(src: string, tag: string, freestandingCore: boolean, log: (s: string) => void = console.log, extra: string[] = []): string {
  mkdirSync(OBJ, { recursive: true });
  const o = join(OBJ, `${tag}.o`);
  const headers = Math.max(newestIn(CORE, /\.h$/), newestIn(dirname(src), /\.h$/), mtime(fileURLToPath(import.meta.url)));
  if (stale(o, [mtime(src), headers])) {
    log(`cc ${relative(root, src)}`);
    run(CC, [...OWN_FLAGS, ...(freestandingCore ? freestanding() : ["-D_POSIX_C_SOURCE=200809L"]), ...extra, "-c", src, "-o", o]);
  }
  return o;
}

export function linkProgram(out: string, objs: string[], log: (s: string) => void = console.log): string {
  if (stale(out, objs.map(mtime))) {
    log(`ld ${relative(root, out)}`);
    run(CC, ["-O2", "-o", out, ...objs]);
  }
  return out;
}

export function buildNative(log: (s: string) => void = console.log): NativeBuild {
  for (const d of [NATIVE, GEN, OBJ]) mkdirSync(d, { recursive: true });
  const mods = listNativeModules();
  const objs = mods.map((m) => compileWasm(m.name, m.wasm, log));

  const tab = join(GEN, "devtab.c");
  const text = devtab(mods);
  if (!existsSync(tab) || readFileSync(tab, "utf8") !== text) writeFileSync(tab, text);
  const tabo = join(OBJ, "devtab.o");
  if (stale(tabo, [mtime(tab), newestIn(CORE, /\.h$/), ...objs.map(mtime)])) {
    run(CC, [...GEN_FLAGS, ...freestanding(), "-I", join(CORE, "wasm2c"), "-I", GEN, "-c", tab, "-o", tabo]);
  }
  const coreObjs = readdirSync(CORE).sort().filter((f) => /\.(c|S)$/.test(f))
    .map((f) => compileOwn(join(CORE, f), `core_${f.replace(/\.(c|S)$/, "")}`, true, log));
  const runtimeObjects = [...coreObjs, tabo, ...objs];
  const posix = ["replay.c", "replay_parse.c", "replay_backends.c", "replay_out.c", "replay_snap.c", "sim.c", "platform.c"].map((f) => compileOwn(join(POSIX, f), `posix_${f.slice(0, -2)}`, false, log));
  const replay = linkProgram(join(NATIVE, "stubdom-replay"), [...posix, ...runtimeObjects], log);

  const sizes = mods.map((m) => {
    const cols = execFileSync("size", [join(OBJ, `${m.name}.o`)], { encoding: "utf8" }).trim().split("\n")[1]!.trim().split(/\s+/);
    return { name: m.name, text: Number(cols[0]) };
  });
  return { replay, sizes, runtimeObjects };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const b = buildNative();
    console.log(`native runtime: ${relative(root, b.replay)}; native code (text + read-only data) per module:`);
    for (const s of b.sizes) console.log(`  ${s.name.padEnd(16)} ${String(s.text).padStart(8)} bytes`);
  } catch (e) {
    console.error(`build:native: ${(e as Error).message}`);
    process.exit(1);
  }
}
