// build/xen/pack-mod.mjs — writes the stub domain's PV module file (stubdomain_ramdisk=): a
// 32-byte header ("WSTUBMOD", version, section count, total length, FNV-1a of the section table),
// a table of 32-byte section entries (name[16], offset, length, FNV-1a of the bytes, 0), then the
// sections, each 16-byte aligned. runtime/xen/modfile.c validates all of it on boot.
// Usage: node pack-mod.mjs OUT name=FILE...
import { readFileSync, writeFileSync } from "node:fs";

const fnv = (b) => { let h = 0x811c9dc5; for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0; return h >>> 0; };
const [out, ...specs] = process.argv.slice(2);
const secs = specs.map((s) => { const eq = s.indexOf("="); return { name: s.slice(0, eq), data: readFileSync(s.slice(eq + 1)) }; });
for (const s of secs) if (!s.name || s.name.length > 15) throw new Error(`bad section name ${s.name}`);
let off = 32 + 32 * secs.length;
const align = (n) => (n + 15) & ~15;
off = align(off);
for (const s of secs) { s.off = off; off = align(off + s.data.length); }
const buf = Buffer.alloc(off);
buf.write("WSTUBMOD", 0, "latin1");
buf.writeUInt32LE(1, 8);
buf.writeUInt32LE(secs.length, 12);
buf.writeUInt32LE(off, 16);
secs.forEach((s, i) => {
  const e = 32 + 32 * i;
  buf.write(s.name, e, "latin1");
  buf.writeUInt32LE(s.off, e + 16);
  buf.writeUInt32LE(s.data.length, e + 20);
  buf.writeUInt32LE(fnv(s.data), e + 24);
  s.data.copy(buf, s.off);
});
buf.writeUInt32LE(fnv(buf.subarray(32, 32 + 32 * secs.length)), 20);
writeFileSync(out, buf);
