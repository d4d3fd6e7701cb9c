// Every fuzz corpus file and every past finding (fuzz/<device>/corpus, fuzz/<device>/regressions)
// replayed as a regression test natively (runtime/core + wasm2c through fuzz-run) and on host/node
// (fuzz/lib/exec.ts: every seed, boot input and regression, and an even sample of the files
// campaigns merged — a VGA instance costs V8 ~50 ms): each must end with no trap, no hang (operation and DMA budgets, a
// settling second of virtual time), no DMA outside the buffers the guest named. Then a short
// time-bounded mutation campaign per device on host/node (the same decoder and oracles). The two
// executors must turn an input into the same port/MMIO accesses with the same read results.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFuzzer } from "../../fuzz/build.ts";
import { DEVICES, ORDER } from "../../fuzz/lib/devices.ts";
import { runInput } from "../../fuzz/lib/exec.ts";
import { corpusFiles, nodeCampaign } from "../../fuzz/run.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** Seconds of random mutation per device on host/node (FUZZ_CI_SECONDS overrides). */
const CAMPAIGN_S = Number(process.env.FUZZ_CI_SECONDS ?? 2);
/** Merged corpus files (named by SHA-1) replayed on host/node per device; natively: all of them. */
const NODE_SAMPLE = Number(process.env.FUZZ_NODE_SAMPLE ?? 150);

/** Every hand-written seed, boot input and regression, plus an even sample of the merged rest. */
function nodeFiles(device: string): string[] {
  const all = corpusFiles(device);
  const named = all.filter((f) => /\/(seed-|boot-)[^/]*$|\/regressions\//.test(f));
  const merged = all.filter((f) => !named.includes(f));
  const step = Math.max(1, Math.ceil(merged.length / NODE_SAMPLE));
  return [...named, ...merged.filter((_, i) => i % step === 0)];
}

describe("fuzz corpus and past findings replayed (no trap, no hang, no out-of-bounds access)", function () {
  this.timeout(600_000);
  let fuzzRun = "";
  before(function () {
    fuzzRun = buildFuzzer("uart", "plain", () => {});
  });

  for (const device of ORDER) {
    describe(device, () => {
      it(`host/node: seeds, boot inputs, regressions and up to ${NODE_SAMPLE} of the merged corpus`, () => {
        const files = nodeFiles(device);
        assert.ok(files.length > 0, `fuzz/${device}/corpus has seeds`);
        let ops = 0;
        for (const f of files) {
          const r = runInput(device, new Uint8Array(readFileSync(f)));
          assert.equal(r.finding, null, `${relative(root, f)}: ${r.finding?.cls}: ${r.finding?.detail}`);
          ops += r.ops;
        }
        assert.ok(ops > 0);
      });

      it("native (runtime/core + wasm2c): every corpus file and regression", () => {
        const files = corpusFiles(device);
        for (let i = 0; i < files.length; i += 400) {
          try {
            execFileSync(fuzzRun, [device, ...files.slice(i, i + 400)], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
          } catch (e) {
            assert.fail(`fuzz-run ${device}: ${(e as { stderr?: string }).stderr ?? e}`);
          }
        }
      });

      it("host/node and native executors: the same accesses with the same results (seeds, first boot inputs, regressions)", () => {
        const files = corpusFiles(device).filter((f) => /\/(seed-[^/]*|boot-[a-z]+-0\.bin)$|\/regressions\//.test(f)).slice(0, 40);
        for (const f of files) {
          const ts: string[] = [];
          runInput(device, new Uint8Array(readFileSync(f)), { trace: (l) => ts.push(l) });
          const r = spawnSync(fuzzRun, [device, "-v", f], { encoding: "utf8", maxBuffer: 1 << 28 });
          const c = r.stderr.split("\n").filter((l) => l.startsWith("  -> "));
          const k = ts.findIndex((l, i) => l !== c[i]);
          assert.ok(k < 0 && ts.length === c.length, `${relative(root, f)}: access ${k}: host/node '${ts[k]}', native '${c[k]}' (${ts.length} vs ${c.length})`);
        }
      });

      it(`host/node: ${CAMPAIGN_S} s of mutations of the corpus find nothing`, () => {
        const r = nodeCampaign(device, CAMPAIGN_S, 0x5eed + device.length, () => {});
        assert.ok(r.execs > 0);
        assert.deepEqual(r.findings, [], `findings: ${JSON.stringify(r.findings)}`);
      });
    });
  }

  it("covers every fuzzed device", () => assert.deepEqual([...ORDER].sort(), Object.keys(DEVICES).sort()));
});
