// The ABI's one declaration (stubdom/abi/abi-v1.json) against everything that restates it: the
// generated AssemblyScript, TypeScript and C bindings, and every built module's real Wasm
// imports and exports (names and types) and its manifest's capabilities.
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { capabilities, loadAbi, TARGETS } from "../../build/gen-abi.ts";
import { moduleSignatures } from "./wasm-signatures.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const abi = loadAbi();

function builtModules(): string[] {
  const out: string[] = [];
  for (const dir of [join(root, "build/out"), join(root, "build/out/fixtures")]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith(".wasm") && !f.endsWith(".debug.wasm")) out.push(join(dir, f));
  }
  return out;
}

describe("device ABI v1", () => {
  it("has up-to-date generated bindings (npm run gen:abi)", () => {
    for (const [rel, gen] of TARGETS) assert.equal(readFileSync(join(root, rel), "utf8"), gen(abi), `${rel} is stale`);
  });

  it("numbers the capabilities in one place: runtime/core/module.h takes its bits from the generated abi.h", () => {
    const moduleH = readFileSync(join(root, "runtime/core/module.h"), "utf8");
    const caps = capabilities(abi);
    assert.deepEqual(caps.slice(0, 2), ["log", "claim"]);
    for (const c of caps) {
      const C = c.toUpperCase();
      assert.match(moduleH, new RegExp(`CORE_CAP_${C} = 1u << STUBDOM_CAP_${C},`), `module.h: CORE_CAP_${C}`);
    }
    assert.equal((moduleH.match(/CORE_CAP_\w+ =/g) ?? []).length, caps.length, "module.h names exactly the ABI's capabilities");
  });

  it("declares only i32 parameters and results (no BigInt on hot paths)", () => {
    for (const fn of [...Object.values(abi.exports), ...Object.values(abi.imports)]) assert.ok(fn.result === undefined || fn.result === "i32");
  });

  const mods = builtModules();
  it("has built modules to check (npm run build)", () => assert.ok(mods.length >= 2, "no modules in build/out"));

  for (const path of mods) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    it(`${name}: imports and exports match the declaration and the manifest`, () => {
      const { imports, exports } = moduleSignatures(readFileSync(path));
      const manifest = JSON.parse(readFileSync(path.replace(/\.wasm$/, ".manifest.json"), "utf8")) as { capabilities: string[] };
      for (const [full, sig] of imports) {
        const [mod, field] = full.split(".") as [string, string];
        assert.equal(mod, abi.importModule, `${full}: foreign import module`);
        const decl = abi.imports[field];
        assert.ok(decl, `${full} is not in the ABI`);
        assert.deepEqual(sig.params, decl.params.map(() => "i32"), `${full}: parameter types`);
        assert.deepEqual(sig.results, decl.result ? ["i32"] : [], `${full}: result type`);
        assert.ok(manifest.capabilities.includes(decl.capability!), `${full} needs capability ${decl.capability}`);
      }
      for (const [n, decl] of Object.entries(abi.exports)) {
        const sig = exports.get(n);
        if (!sig) { assert.ok(!decl.required, `required export ${n} missing`); continue; }
        assert.deepEqual(sig.params, decl.params.map(() => "i32"), `${n}: parameter types`);
        assert.deepEqual(sig.results, decl.result ? ["i32"] : [], `${n}: result type`);
      }
    });
  }
});
