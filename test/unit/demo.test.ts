// `stubdom demo` (host/demo.ts) and the `stubdom` dispatcher (host/cli.ts): the demo finds every
// device of the default guest the way a guest would and says so; the CLI refuses unknown commands
// with usage text and exit code 2.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demo } from "../../host/demo.ts";
import { decodePng } from "../../host/display/screenshot.ts";

describe("stubdom demo and the stubdom command", function () {
  this.timeout(60000);

  it("enumerates the default guest's PCI functions and probes each device", () => {
    const lines: string[] = [];
    const shot = join(mkdtempSync(join(tmpdir(), "demo-")), "screen.png");
    assert.equal(demo(["--screenshot", shot], { out: (l) => lines.push(l) }), 0, lines.join("\n"));
    const text = lines.join("\n");
    for (const fn of ["00:00.0  8086:1237", "00:01.0  8086:7000", "00:01.1  8086:7010", "00:02.0  1234:1111", "00:03.0  8086:100e"]) assert.ok(text.includes(fn), `${fn} in\n${text}`);
    assert.match(text, /UART 0x3F8: scratch reads back 0x5a.*"hello from the guest\\r\\n"/);
    assert.match(text, /i8042: controller self test 0x55; keyboard reset answers fa aa/);
    assert.match(text, /hda "[^"]+" 16384 sectors; hdc "[^"]+" \(ATAPI, type 5\)/);
    assert.match(text, /MAC 52:54:00:12:34:56/);
    assert.match(text, /DISPI id 0xb0c5; mode 320x240 set/);
    assert.doesNotMatch(text, /FAILED|device failed/);
    const img = decodePng(readFileSync(shot));
    assert.deepEqual([img.width, img.height], [320, 240]);
    const px = (x: number, y: number): number[] => Array.from(img.rgba.subarray((y * 320 + x) * 4, (y * 320 + x) * 4 + 3));
    assert.deepEqual(px(0, 0), [0, 0, 0x60]);
    assert.ok(px(319, 0)[0]! > 250 && px(0, 239)[1]! > 250, "gradient: red grows to the right, green downwards");
  });

  it("rejects an unknown command with usage and exit code 2", () => {
    let status = 0;
    let stderr = "";
    try { execFileSync(process.execPath, ["--import", "tsx", "host/cli.ts", "frobnicate"], { stdio: "pipe" }); } catch (e) { status = (e as { status: number }).status; stderr = String((e as { stderr: Buffer }).stderr); }
    assert.equal(status, 2);
    assert.match(stderr, /unknown command frobnicate[\s\S]*usage: stubdom <command>/);
  });
});
