// The fuzz input format has two decoders, fuzz/harness/fuzz_ops.c (libFuzzer, AFL++, the native
// replayer) and fuzz/lib/decode.ts (host/node): they must turn every byte string into the same
// operations. Compared through their printed form (fz_format / formatOp) on every corpus file and
// past finding of every device, on seeded random byte strings, and on truncated inputs; and the
// encoder the seeds are written with must round-trip through the decoder.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFuzzer } from "../../fuzz/build.ts";
import { decode, formatOp, KIND, MAX_OPS } from "../../fuzz/lib/decode.ts";
import { FuzzInput } from "../../fuzz/lib/encode.ts";
import { DEVICES } from "../../fuzz/lib/devices.ts";
import { corpusFiles } from "../../fuzz/run.ts";
import { prng } from "../../fuzz/lib/prng.ts";

const tmp = mkdtempSync(join(tmpdir(), "fuzz-decode-"));

/** The C decoder's text for each file, split per file. */
function decodeC(bin: string, files: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < files.length; i += 300) {
    const text = execFileSync(bin, ["--decode", ...files.slice(i, i + 300)], { encoding: "utf8", maxBuffer: 1 << 30 });
    let cur: string[] = [];
    for (const line of text.split("\n")) {
      if (line.startsWith("# ")) { cur = []; out.set(line.slice(2), cur); } else if (line) cur.push(line);
    }
  }
  return out;
}

function decodeTs(file: string): string[] {
  return decode(new Uint8Array(readFileSync(file))).map(formatOp);
}

describe("fuzz input format: the C and TypeScript decoders agree", function () {
  this.timeout(300_000);
  let bin = "";
  before(function () {
    bin = buildFuzzer("uart", "plain", () => {}); // --decode does not depend on the device
  });

  it("every corpus file and past finding of every device", () => {
    const files = Object.keys(DEVICES).flatMap(corpusFiles);
    assert.ok(files.length >= Object.keys(DEVICES).length, "each device has seeds");
    const c = decodeC(bin, files);
    let ops = 0;
    for (const f of files) {
      const ts = decodeTs(f);
      assert.deepEqual(c.get(f), ts, `decoders differ on ${f}`);
      ops += ts.length;
    }
    assert.ok(ops > files.length, "the corpus decodes into operations");
  });

  it("2000 seeded random byte strings (every op kind, truncated ops, long payloads)", () => {
    const rnd = prng(0xf022);
    const files: string[] = [];
    const kinds = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const len = i < 1000 ? Math.floor(rnd() * 64) : Math.floor(rnd() * 6000);
      const b = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      // some long runs of 0x0b/0x8b (bursts: the op budget) and of 0x09 0x80+ (payload events)
      if (i % 50 === 0) for (let k = 0; k + 5 < b.length; k += 5) b.set([0x8b, 0, 0, 0, 0xff], k);
      const f = join(tmp, `r${i}.bin`);
      writeFileSync(f, b);
      files.push(f);
      for (const op of decode(b)) kinds.add(op.kind);
    }
    const c = decodeC(bin, files);
    for (const f of files) assert.deepEqual(c.get(f), decodeTs(f), `decoders differ on ${f}`);
    assert.equal(kinds.size, Object.keys(KIND).length, "random inputs reach every op kind");
  });

  it("the operation budget: bursts count their repetitions", () => {
    const inp = new FuzzInput();
    for (let i = 0; i < 20; i++) inp.burstRead(0, 0, 1, 256);
    const ops = decode(inp.bytes());
    assert.equal(ops.length, MAX_OPS / 256);
    assert.equal(ops.reduce((n, o) => n + o.count, 0), MAX_OPS);
  });

  it("the encoder round-trips through the decoder", () => {
    const b = new FuzzInput().write(3, 0x1f004, 2, 0xbeef).write(0, 8, 4, 0x10020, true).read(1, 2, 1).cfgWrite(1, 0x41, 2, 0x8000).cfgRead(0, 0x3c, 1)
      .fill(0x10040, [1, 2, 3]).clock(1000).event(1, 30, 1).eventData(0, [9, 9]).blkDone(2, 0xc1).burstWrite(4, 0, 2, 3, 7).burstRead(0, 0, 4, 2).reset().bytes();
    assert.deepEqual(decode(b).map(formatOp), [
      "io_write sel=35 off=0xf004 size=2 value=0xbeef", "io_write sel=0 off=0x8 size=4 value=0x10020", "io_read sel=1 off=0x2 size=1",
      "cfg_write sel=1 reg=0x40 size=2 value=0x8000", "cfg_read sel=0 reg=0x3c size=1", "fill gpa=0x10040 len=3 010203", "clock ns=1024",
      "event ev=1 arg=0x1e arg2=0x1", "event ev=0 len=2 0909", "blk_done sel=2 status=193", "burst_write sel=4 off=0x0 size=2 count=3 value=0x7",
      "burst_read sel=0 off=0x0 size=4 count=2", "reset",
    ]);
    // the selector carries offset bits 16-18: sel 3 | (1 << 5)
    assert.equal(decode(b)[0]!.sel, 3 | 1 << 5);
  });
});
