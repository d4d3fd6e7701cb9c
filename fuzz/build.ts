// fuzz/build.ts — builds the fuzz targets (docs/fuzzing.md). For each device: wasm2c of
// build/out/<device>.wasm into fuzz/out/gen (its own copy: build/out/native is other work's),
// a one-module device table, runtime/core, runtime/posix/sim.c and fuzz/harness, compiled for
// one engine:
//   libfuzzer  clang -fsanitize=fuzzer,address,undefined          → fuzz/out/libfuzzer/<device>
//   afl        afl-clang-fast, ASan+UBSan, AFL++'s libFuzzer driver → fuzz/out/afl/<device>
//   plain      cc -O2, no sanitizers, linked with build/out/native's objects (every module; the
//              device is fuzz-run's first argument): replays, --decode  → fuzz/out/plain/fuzz-run
//   coverage   clang -fprofile-instr-generate -fcoverage-mapping     → fuzz/out/coverage/<device>
//   oss-fuzz   $CC $CFLAGS, linked with $LIB_FUZZING_ENGINE (OSS-Fuzz/ClusterFuzz's build
//              environment; fuzz/build.sh)                           → fuzz/out/oss-fuzz/<device>
// Usage: tsx fuzz/build.ts [--engine E] [device...]   (default: libfuzzer, every device)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildNative, devtab, listNativeModules } from "../build/native.ts";
import { DEVICES } from "./lib/devices.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(root, "fuzz/out");
const CORE = join(root, "runtime/core");
const WASM2C = process.env.WASM2C ?? "/usr/bin/wasm2c";

export type Engine = "libfuzzer" | "afl" | "plain" | "coverage" | "oss-fuzz";

const GEN_WARN = ["-Wno-unused-value", "-Wno-unused-parameter", "-Wno-unused-function", "-Wno-unused-variable",
  // clang (not gcc) also flags these in wasm2c 1.0.32's output; build/native.ts documents the set
  "-Wno-unused-but-set-variable", "-Wno-unknown-warning-option", "-Wno-null-pointer-subtraction"];
const OWN = ["-std=c11", "-Wall", "-Wextra", "-Werror"];

interface Flavor { cc: string; cflags: string[]; ldflags: string[]; main: string }
function flavor(engine: Engine): Flavor {
  const san = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"];
  switch (engine) {
    case "libfuzzer": return { cc: process.env.CC ?? "clang", cflags: ["-g", "-O1", "-fsanitize=fuzzer-no-link", ...san], ldflags: ["-fsanitize=fuzzer", ...san], main: "fuzz_target.c" };
    case "afl": return { cc: process.env.CC ?? "afl-clang-fast", cflags: ["-g", "-O1", ...san], ldflags: ["-fsanitize=fuzzer", ...san], main: "fuzz_target.c" };
    case "plain": return { cc: process.env.CC ?? "cc", cflags: ["-O2", "-g"], ldflags: [], main: "fuzz_main.c" };
    case "oss-fuzz": {
      const cf = (process.env.CFLAGS ?? "").split(/\s+/).filter(Boolean);
      return { cc: process.env.CC ?? "clang", cflags: cf, ldflags: [...cf, ...(process.env.LIB_FUZZING_ENGINE ?? "-fsanitize=fuzzer").split(/\s+/).filter(Boolean)], main: "fuzz_target.c" };
    }
    case "coverage": return { cc: process.env.CC ?? "clang", cflags: ["-O1", "-g", "-fprofile-instr-generate", "-fcoverage-mapping"], ldflags: ["-fprofile-instr-generate"], main: "fuzz_main.c" };
  }
}

function mtime(p: string): number { return existsSync(p) ? statSync(p).mtimeMs : 0; }

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    throw new Error(`failed: ${cmd} ${args.join(" ")}`);
  }
}

function newest(files: string[]): number { return Math.max(...files.map(mtime)); }

/** Compiles `src` to `obj` when any of `deps` is newer. */
function cc(f: Flavor, src: string, obj: string, flags: string[], deps: string[]): string {
  if (mtime(obj) < newest([src, ...deps])) run(f.cc, [...f.cflags, ...flags, "-c", src, "-o", obj]);
  return obj;
}

/** Adds FZ_MARK(mem, addr, n) to wasm2c 1.0.32's stores, memory.fill and memory.copy; throws
 *  when the generated code does not look as expected (a different wasm2c). */
export function hookStores(text: string, device: string): string {
  const hook = [
    "/* fuzz/build.ts: stores mark the 64 KiB chunks they touch (fuzz_exec.c restores only those) */",
    "extern unsigned char fz_dirty[65536];",
    "extern unsigned char *fz_dirty_base;",
    "#define FZ_MARK(mem, a, n) do { if ((mem)->data == fz_dirty_base) { fz_dirty[(unsigned)((a) >> 16) & 0xffff] = 1; \\",
    "    fz_dirty[(unsigned)(((a) + (n) - 1) >> 16) & 0xffff] = 1; } } while (0)",
    "#define FZ_MARK_RANGE(mem, a, n) do { if ((mem)->data == fz_dirty_base && (n)) for (u64 fz_k = (u64)(a) >> 16; fz_k <= ((u64)(a) + (n) - 1) >> 16; fz_k++) fz_dirty[fz_k & 0xffff] = 1; } while (0)",
    "",
  ].join("\n");
  let out = text;
  const store = /t1 wrapped = \(t1\)value;( *)\\/g;
  const n = (out.match(store) ?? []).length;
  out = out.replace(store, "t1 wrapped = (t1)value; FZ_MARK(mem, addr, sizeof(t1));$1\\");
  const fill = "  RANGE_CHECK(mem, d, n);\n  memset(mem->data + d, val, n);";
  const copy = "  RANGE_CHECK(src, src_addr, n);\n  memmove(dest->data + dest_addr, src->data + src_addr, n);";
  if (n !== 2 || !out.includes(fill) || !out.includes(copy)) throw new Error(`${device}.c: wasm2c output not as expected, cannot hook stores`);
  out = out.replace(fill, "  RANGE_CHECK(mem, d, n);\n  FZ_MARK_RANGE(mem, d, n);\n  memset(mem->data + d, val, n);");
  out = out.replace(copy, "  RANGE_CHECK(src, src_addr, n);\n  FZ_MARK_RANGE(dest, dest_addr, n);\n  memmove(dest->data + dest_addr, src->data + src_addr, n);");
  const at = out.indexOf("#define MEMCHECK");
  return out.slice(0, out.lastIndexOf("\n", out.lastIndexOf("#if", at)) + 1) + hook + out.slice(out.lastIndexOf("\n", out.lastIndexOf("#if", at)) + 1);
}

/** The executor's parts beside fuzz_exec.c (fuzz/harness/fuzz_machine.h), built without FZ_HOOKED. */
const HARNESS_PARTS = ["fuzz_devices.c", "fuzz_oracle.c", "fuzz_hv.c", "fuzz_backends.c"];

/** fuzz-run for every device at once, on build/out/native's runtime objects (npm run build:native). */
function buildPlain(log: (s: string) => void): string {
  const f = flavor("plain");
  const obj = join(OUT, "obj", "plain");
  const bin = join(OUT, "plain");
  for (const d of [obj, bin]) mkdirSync(d, { recursive: true });
  const native = buildNative(log);
  const H = join(root, "fuzz/harness");
  const deps = [join(H, "fuzz_ops.h"), join(H, "fuzz_exec.h"), join(H, "fuzz_machine.h"), join(root, "runtime/posix/sim.h"), join(CORE, "core.h")];
  const posix = ["-D_POSIX_C_SOURCE=200809L", ...OWN];
  const objs = [
    ...["fuzz_ops.c", ...HARNESS_PARTS, "fuzz_exec.c", "fuzz_main.c"].map((s) => cc(f, join(H, s), join(obj, s.replace(/\.c$/, ".o")), posix, deps)),
    join(root, "build/out/native/obj/posix_sim.o"), join(root, "build/out/native/obj/posix_platform.o"), ...native.runtimeObjects,
  ];
  const out = join(bin, "fuzz-run");
  if (mtime(out) < newest(objs)) run(f.cc, ["-o", out, ...objs]);
  return out;
}

/** Builds the fuzz target for `device`; returns the binary's path. */
export function buildFuzzer(device: string, engine: Engine = "libfuzzer", log: (s: string) => void = console.log): string {
  if (!DEVICES[device]) throw new Error(`unknown device ${device} (known: ${Object.keys(DEVICES).join(", ")})`);
  if (engine === "plain") return buildPlain(log);
  const f = flavor(engine);
  const gen = join(OUT, "gen");
  const obj = join(OUT, "obj", engine);
  const bin = join(OUT, engine);
  for (const d of [gen, obj, bin]) mkdirSync(d, { recursive: true });
  const mod = listNativeModules([join(root, "build/out")]).find((m) => m.name === device);
  if (!mod) throw new Error(`build/out/${device}.wasm not built: npm run build`);

  // wasm2c, when the module changed
  const c = join(gen, `${device}.c`);
  const stamp = join(gen, `${device}.stamp`);
  const digest = mod.fnv.toString(16);
  if (!existsSync(c) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== digest) {
    log(`wasm2c ${device}.wasm`);
    run(WASM2C, [mod.wasm, "-n", device, "-o", c]);
    writeFileSync(stamp, digest);
  }
  // the fuzz copy of the generated C marks the 64 KiB chunks of linear memory each store, fill
  // and copy touches, so the harness restores only those (fuzz_exec.c's snapshot)
  const hooked = join(gen, `${device}.hooked.c`);
  if (mtime(hooked) < Math.max(mtime(c), mtime(fileURLToPath(import.meta.url)))) writeFileSync(hooked, hookStores(readFileSync(c, "utf8"), device));
  const tab = join(gen, `devtab-${device}.c`);
  const text = devtab([mod]);
  if (!existsSync(tab) || readFileSync(tab, "utf8") !== text) writeFileSync(tab, text);

  const resource = execFileSync(f.cc.startsWith("afl") ? "clang" : f.cc, ["-print-file-name=include"], { encoding: "utf8" }).trim();
  const free = ["-ffreestanding", "-nostdinc", "-isystem", resource, "-I", join(CORE, "freestanding"), "-I", CORE];
  const coreHeaders = [...readdirSync(CORE).filter((h) => h.endsWith(".h")), "wasm2c/wasm-rt.h"].map((h) => join(CORE, h));
  const objs: string[] = [];
  log(`cc (${engine}) ${device}`);
  objs.push(cc(f, hooked, join(obj, `${device}.o`), ["-std=c11", ...GEN_WARN, ...free, "-I", join(CORE, "wasm2c")], coreHeaders));
  objs.push(cc(f, tab, join(obj, `devtab-${device}.o`), ["-std=c11", ...GEN_WARN, ...free, "-I", join(CORE, "wasm2c"), "-I", gen], [c, ...coreHeaders]));
  for (const s of readdirSync(CORE).filter((c) => c.endsWith(".c")).sort()) {
    objs.push(cc(f, join(CORE, s), join(obj, `core_${s.slice(0, -2)}.o`), [...OWN, ...free], coreHeaders));
  }
  // jmp.S: plain assembly, never instrumented
  const jmp = join(obj, "core_jmp.o");
  if (mtime(jmp) < mtime(join(CORE, "jmp.S"))) run(f.cc.startsWith("afl") ? "clang" : f.cc, ["-c", join(CORE, "jmp.S"), "-o", jmp]);
  objs.push(jmp);
  const posix = ["-D_POSIX_C_SOURCE=200809L", ...OWN];
  objs.push(cc(f, join(root, "runtime/posix/sim.c"), join(obj, "posix_sim.o"), posix, [join(root, "runtime/posix/sim.h"), ...coreHeaders]));
  objs.push(cc(f, join(root, "runtime/posix/platform.c"), join(obj, "posix_platform.o"), posix, coreHeaders));
  const H = join(root, "fuzz/harness");
  const hdeps = [join(H, "fuzz_ops.h"), join(H, "fuzz_exec.h"), join(H, "fuzz_machine.h"), join(root, "runtime/posix/sim.h"), ...coreHeaders];
  for (const s of ["fuzz_ops.c", ...HARNESS_PARTS]) objs.push(cc(f, join(H, s), join(obj, s.replace(/\.c$/, ".o")), posix, hdeps));
  objs.push(cc(f, join(H, "fuzz_exec.c"), join(obj, "fuzz_exec.o"), [...posix, "-DFZ_HOOKED=1"], hdeps));
  const mainObj = join(obj, `main-${device}.o`);
  objs.push(cc(f, join(H, f.main), mainObj, [...posix, `-DFUZZ_DEVICE="${device}"`], hdeps));
  const out = join(bin, device);
  if (mtime(out) < newest(objs)) {
    log(`ld ${engine}/${device}`);
    run(f.cc, [...f.ldflags, "-o", out, ...objs]);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let engine: Engine = "libfuzzer";
  const devs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--engine") engine = args[++i] as Engine;
    else devs.push(args[i]!);
  }
  try {
    for (const d of devs.length ? devs : Object.keys(DEVICES)) console.log(buildFuzzer(d, engine));
  } catch (e) {
    console.error(`fuzz/build: ${(e as Error).message}`);
    process.exit(1);
  }
}
