// test/xen/image.test.ts — fast checks of the stub-domain image, no Xen needed: builds it with
// build/xen/build.sh into a temporary folder and checks what libxc's xen-3.0-x86_64 loader relies
// on: a 64-bit x86 ELF executable, the Xen ELF notes (guest OS, "xen-3.0", loader "generic",
// VIRT_BASE 0, PADDR_OFFSET 0, ENTRY = e_entry, HYPERCALL_PAGE page-aligned inside an executable
// PT_LOAD), a PT_NOTE segment holding them, the gzip'd image decompressing to the stripped ELF, its
// size, the module file that stubdomain_ramdisk= names, and the dom0 helper device_model_override=
// names (host/dom0/stubdom-dm-helper.c).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Phdr { type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number }
interface Note { type: number; desc: Buffer }

const PT_LOAD = 1;
const PT_NOTE = 4;
const PF_X = 1;
const NOTE = { ENTRY: 1, HYPERCALL_PAGE: 2, VIRT_BASE: 3, PADDR_OFFSET: 4, XEN_VERSION: 5, GUEST_OS: 6, LOADER: 8 };

function phdrs(elf: Buffer): Phdr[] {
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  const out: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    out.push({
      type: elf.readUInt32LE(o),
      flags: elf.readUInt32LE(o + 4),
      offset: Number(elf.readBigUInt64LE(o + 8)),
      vaddr: Number(elf.readBigUInt64LE(o + 16)),
      filesz: Number(elf.readBigUInt64LE(o + 32)),
      memsz: Number(elf.readBigUInt64LE(o + 40)),
    });
  }
  return out;
}

function xenNotes(elf: Buffer, seg: Phdr): Note[] {
  const notes: Note[] = [];
  const align4 = (n: number) => (n + 3) & ~3;
  let o = seg.offset;
  const end = seg.offset + seg.filesz;
  while (o + 12 <= end) {
    const namesz = elf.readUInt32LE(o);
    const descsz = elf.readUInt32LE(o + 4);
    const type = elf.readUInt32LE(o + 8);
    const name = elf.subarray(o + 12, o + 12 + namesz).toString("latin1").replace(/\0+$/, "");
    const descOff = o + 12 + align4(namesz);
    if (name === "Xen") notes.push({ type, desc: elf.subarray(descOff, descOff + descsz) });
    o = descOff + align4(descsz);
  }
  return notes;
}

const str = (b: Buffer) => b.toString("latin1").replace(/\0+$/, "");
const num = (b: Buffer) => (b.length === 8 ? Number(b.readBigUInt64LE(0)) : b.readUInt32LE(0));

describe("xen: stub-domain image", function () {
  this.timeout(120000);
  let out: string;
  let gz: Buffer;
  let elf: Buffer;

  before(function () {
    out = mkdtempSync(join(tmpdir(), "stubdom-"));
    execFileSync("bash", [join(ROOT, "build/xen/build.sh"), out], { stdio: "pipe" });
    gz = readFileSync(join(out, "stubdom.gz"));
    elf = gunzipSync(gz);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("is a 64-bit x86 ELF executable", () => {
    assert.equal(elf.subarray(0, 4).toString("latin1"), "\x7fELF");
    assert.equal(elf[4], 2, "ELFCLASS64");
    assert.equal(elf[5], 1, "little endian");
    assert.equal(elf.readUInt16LE(16), 2, "ET_EXEC");
    assert.equal(elf.readUInt16LE(18), 62, "EM_X86_64");
  });

  it("carries the Xen notes libxc's PV x86-64 loader needs, in a PT_NOTE segment", () => {
    const segs = phdrs(elf);
    const noteSegs = segs.filter((p) => p.type === PT_NOTE);
    assert.equal(noteSegs.length, 1);
    const notes = new Map(xenNotes(elf, noteSegs[0]).map((n) => [n.type, n.desc]));
    assert.equal(str(notes.get(NOTE.GUEST_OS)!), "wasm-stubdom");
    assert.equal(str(notes.get(NOTE.XEN_VERSION)!), "xen-3.0");
    assert.equal(str(notes.get(NOTE.LOADER)!), "generic");
    assert.equal(num(notes.get(NOTE.VIRT_BASE)!), 0);
    assert.equal(num(notes.get(NOTE.PADDR_OFFSET)!), 0);
    const entry = Number(elf.readBigUInt64LE(24));
    assert.equal(num(notes.get(NOTE.ENTRY)!), entry, "ENTRY note = e_entry");
    const hc = num(notes.get(NOTE.HYPERCALL_PAGE)!);
    assert.equal(hc % 4096, 0, "hypercall page is page-aligned");
    const text = segs.find((p) => p.type === PT_LOAD && p.flags & PF_X);
    assert.ok(text, "an executable PT_LOAD");
    assert.ok(hc >= text.vaddr && hc + 4096 <= text.vaddr + text.memsz, "hypercall page inside text");
    assert.ok(entry >= text.vaddr && entry < text.vaddr + text.memsz, "entry inside text");
  });

  it("is small: under 512 KiB gzip'd with every device linked in", () => {
    const size = statSync(join(out, "stubdom.gz")).size;
    assert.ok(size > 1000 && size < 512 * 1024, `stubdom.gz is ${size} bytes`);
  });

  it("links runtime/core and every device's wasm2c code", () => {
    const syms = execFileSync("nm", [join(out, "stubdom.elf")], { encoding: "utf8" });
    for (const s of ["core_init", "core_service_event", "core_modules", "Z_vgaZ_dev_init", "Z_ideZ_dev_init",
      "Z_uartZ_dev_init", "Z_cmosZ_dev_init", "Z_pciZ_dev_init", "Z_ps2Z_dev_init", "Z_e1000Z_dev_init", "blkfront_connect"]) {
      assert.match(syms, new RegExp(`\\b${s}\\b`), `${s} linked`);
    }
  });

  it("packs the VGA BIOS and the device configuration into the module file, with checksums", () => {
    const m = readFileSync(join(out, "stubdom.mod"));
    assert.equal(m.subarray(0, 8).toString("latin1"), "WSTUBMOD");
    assert.equal(m.readUInt32LE(8), 1, "version");
    assert.equal(m.readUInt32LE(16), m.length, "total length");
    const fnv = (b: Buffer): number => { let h = 0x811c9dc5; for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0; return h >>> 0; };
    const n = m.readUInt32LE(12);
    assert.equal(fnv(m.subarray(32, 32 + 32 * n)), m.readUInt32LE(20), "table checksum");
    const secs = new Map<string, Buffer>();
    for (let i = 0; i < n; i++) {
      const e = 32 + 32 * i;
      const name = m.subarray(e, e + 16).toString("latin1").replace(/\0+$/, "");
      const data = m.subarray(m.readUInt32LE(e + 16), m.readUInt32LE(e + 16) + m.readUInt32LE(e + 20));
      assert.equal(fnv(data), m.readUInt32LE(e + 24), `${name} checksum`);
      secs.set(name, data);
    }
    const rom = secs.get("vgabios");
    assert.ok(rom && rom[0] === 0x55 && rom[1] === 0xaa, "vgabios is an option ROM");
    assert.match(secs.get("devices")!.toString("latin1"), /^(if vga\s+)?vga\s+vga\s/m);
  });

  it("builds the dom0 helper: Xen's libraries only, and a clear refusal when libxl did not start it", () => {
    const helper = join(out, "stubdom-dm-helper");
    const libs = execFileSync("ldd", [helper], { encoding: "utf8" }).split("\n").map((l) => l.trim().split(/\s/)[0]!).filter((l) => l.includes(".so"));
    const needed = libs.filter((l) => !/^(linux-vdso|\/lib64\/ld-linux|libc\.|libm\.|libdl\.|libpthread\.)/.test(l));
    for (const l of ["libxenstore", "libxenforeignmemory", "libxenevtchn", "libxengnttab"]) assert.ok(needed.some((n) => n.startsWith(l)), `${l} linked`);
    // xen's own libraries pull in only each other and libxentoolcore/libxentoollog; the sandbox
    // (host/dom0/sandbox.c) adds libseccomp and libcap-ng, VNC authentication libnettle
    for (const n of needed) assert.match(n, /^(libxen|libseccomp|libcap-ng|libnettle)/, `unexpected library ${n}`);
    let err = "";
    try {
      execFileSync(helper, ["-name", "g-dm"], { stdio: "pipe" });
    } catch (e) {
      err = String((e as { stderr: Buffer }).stderr);
      assert.equal((e as { status: number }).status, 1);
    }
    assert.match(err, /no -xen-domid/);
  });
});
