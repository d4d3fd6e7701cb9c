// test/xen/vnc-screen.ts — for run.sh: the picture the nested dom0's VNC probe took of the Linux
// guest's screen through our VGA, vfb and the dom0 helper's VNC server arrives in the serial log
// as "@@ VNC-PPM " lines (a gzip'd binary PPM, base64). Decodes it, saves it as vnc.png beside the
// log, reads the framebuffer console's text back with the guest's 8x16 font (host/sim/fb-text.ts),
// prints the non-empty rows and exits 0 when the line the guest's init wrote to tty1 is there.
// Usage: tsx test/xen/vnc-screen.ts SERIAL-LOG OUT.png FONT
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { encodePng, type Image } from "../../host/display/screenshot.ts";
import { framebufferText } from "../../host/sim/fb-text.ts";
import { FB_TEXT } from "../../build/guest/images.ts";

const [logPath, pngPath, fontPath] = process.argv.slice(2);
if (!logPath || !pngPath || !fontPath) {
  console.log("usage: vnc-screen.ts SERIAL-LOG OUT.png FONT");
  process.exit(2);
}
const b64 = readFileSync(logPath, "latin1").split("\n").filter((l) => l.startsWith("@@ VNC-PPM ")).map((l) => l.slice(11).trim()).join("");
if (!b64) {
  console.log("    no picture in the log");
  process.exit(1);
}
let ppm: Buffer;
try {
  ppm = gunzipSync(Buffer.from(b64, "base64"));
} catch (e) {
  console.log(`    the picture did not decode: ${(e as Error).message}`);
  process.exit(1);
}
const head = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString("latin1"));
if (!head) {
  console.log("    not a binary PPM");
  process.exit(1);
}
const width = Number(head[1]), height = Number(head[2]);
const rgb = ppm.subarray(head[0].length);
if (rgb.length < width * height * 3) {
  console.log(`    PPM truncated (${rgb.length} of ${width * height * 3} bytes)`);
  process.exit(1);
}
const rgba = new Uint8Array(width * height * 4);
for (let i = 0; i < width * height; i++) {
  rgba[i * 4] = rgb[i * 3]!; rgba[i * 4 + 1] = rgb[i * 3 + 1]!; rgba[i * 4 + 2] = rgb[i * 3 + 2]!; rgba[i * 4 + 3] = 255;
}
const img: Image = { width, height, rgba };
writeFileSync(pngPath, encodePng(img));
const rows = framebufferText(img, new Uint8Array(readFileSync(fontPath)));
console.log(`    ${width}x${height}, saved as ${pngPath}; its text:`);
for (const r of rows) if (r.trim()) console.log(`    | ${r}`);
process.exit(rows.some((r) => r.includes(FB_TEXT)) ? 0 : 1);
