// `npm run build:guest` (node --import tsx build/guest/images.ts [--force]): the Linux test guest,
// built only from Debian's archive (`apt-get download`, after `dpkg --add-architecture i386` and
// `apt-get update` when needed) and cached under build/out/guest/ — rebuilt only when a product is
// missing or the inputs (this file, init.sh, the kernel command line) changed, or with --force
// (e.g. to pick up a newer Debian kernel).
//
// Products (build/out/guest/):
//   vmlinuz        Debian's i386 kernel (linux-image-686 → its versioned package)
//   initramfs.gz   busybox-static (i386), our init (build/guest/init.sh), /etc/guest.conf (what the
//                  checks expect), and the modules ata_piix, sd_mod, sr_mod/cdrom/isofs, e1000,
//                  bochs (DRM) and psmouse with every module they depend on (read from each .ko's
//                  .modinfo `depends=`), loaded in dependency order
//   disk.img       a bootable raw disk: syslinux's MBR, partition 1 FAT (syslinux, vmlinuz,
//                  initramfs.gz, syslinux.cfg) marked active, partition 2 a known data pattern
//   cdrom.iso      ISO9660 (genisoimage, Rock Ridge) with hello.txt and a known data.bin
//   font8x16.bin   the kernel's own 8x16 console font (to read fbcon text off a screenshot)
//   guest.json     the manifest: paths, kernel command line, sizes and checksums the checks use
//
// The host tools come from Debian packages listed in build/guest/apt-packages.txt (genisoimage,
// syslinux, syslinux-common, mtools, dosfstools, xz-utils); the cpio archive and the partition table are
// written here.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
export const GUEST_OUT = join(root, "build/out/guest");
const DEBS = join(GUEST_OUT, "debs");
const WORK = join(GUEST_OUT, "work");

/** What the guest's checks expect; also what the tests and the default guest use. */
export const GUEST_MAC = "52:54:00:12:34:56";
export const GUEST_IP = "10.0.2.15";
export const PEER_IP = "10.0.2.2";
export const FB_TEXT = "STUBDOM FBCON: bochs-drm framebuffer console on our VGA";
export const CD_HELLO = "hello from the stubdom CD-ROM";
/** The serial console for the kernel and the init; fbcon in 640x480 (a third of the pixels of
 *  bochs-drm's default 1024x768: each LFB store is a call into the simulator on v86); no crypto
 *  self-tests at boot (crypto_algapi_init: 1.6 s under QEMU TCG, over 5 s on v86). */
export const KERNEL_CMDLINE = "console=ttyS0,115200 panic=-1 video=640x480 cryptomgr.notests";
const MODULES_WANTED = ["ata_piix", "sd_mod", "sr_mod", "cdrom", "isofs", "e1000", "bochs", "psmouse"];

const SECTOR = 512;
const P1_START = 2048;
const P1_SECTORS = 32768; // 16 MiB FAT: kernel + initramfs + syslinux
const P2_SECTORS = 4096; // 2 MiB of known data
export const DISK_SECTORS = P1_START + P1_SECTORS + P2_SECTORS;
const CD_DATA_BYTES = 256 * 1024;

export interface GuestImages {
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
  cdrom: string;
  /** Linux's 8x16 console font, taken from the kernel (kernelFont16). */
  font: string;
  cmdline: string;
  kernelVersion: string;
  diskSectors: number;
  /** Byte range and md5 of the disk's data partition (its content is a fixed pattern). */
  dataOffset: number;
  dataBytes: number;
  dataMd5: string;
  cdMd5: string;
  modules: string[];
  /** The stamp the products were built from (inputs' digest). */
  stamp: string;
}

export class GuestBuildError extends Error {}

const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { cwd: opts.cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new GuestBuildError(`${cmd} ${args.join(" ")} failed: ${(err.stderr ?? "").trim() || err.message}`);
  }
}

/** A deterministic byte pattern (xorshift32), so the checksums are known before the guest runs. */
export function pattern(bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i += 4) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff; out[i + 1] = (s >>> 8) & 0xff; out[i + 2] = (s >>> 16) & 0xff; out[i + 3] = s >>> 24;
  }
  return out;
}

// --- Debian packages -----------------------------------------------------------------------

function ensureI386(log: (s: string) => void): void {
  const foreign = sh("dpkg", ["--print-foreign-architectures"]).split(/\s+/);
  if (foreign.includes("i386")) return;
  if (process.getuid?.() !== 0) throw new GuestBuildError("the i386 architecture is not enabled in dpkg and this is not root: run `dpkg --add-architecture i386 && apt-get update` as root");
  log("dpkg --add-architecture i386; apt-get update");
  sh("dpkg", ["--add-architecture", "i386"]);
  sh("apt-get", ["update", "-qq"]);
}

/** Candidate version of a package, updating the package lists once if apt does not know it. */
function candidate(pkg: string, log: (s: string) => void, updated: { done: boolean }): string {
  const read = (): string => {
    const out = sh("apt-cache", ["policy", pkg]);
    const m = /Candidate: (\S+)/.exec(out);
    return m && m[1] !== "(none)" ? m[1]! : "";
  };
  let v = read();
  if (!v && !updated.done) {
    log("apt-get update");
    sh("apt-get", ["update", "-qq"]);
    updated.done = true;
    v = read();
  }
  if (!v) throw new GuestBuildError(`Debian package ${pkg} not found by apt (check /etc/apt/sources.list* and the i386 architecture)`);
  return v;
}

/** The versioned kernel package linux-image-686 depends on (linux-image-6.1.0-NN-686). */
function kernelPackage(log: (s: string) => void, updated: { done: boolean }): string {
  candidate("linux-image-686:i386", log, updated);
  const out = sh("apt-cache", ["depends", "linux-image-686:i386"]);
  const m = /Depends: (linux-image-[0-9][^\s:]*-686)(:i386)?/.exec(out);
  if (!m) throw new GuestBuildError(`cannot find the versioned kernel package in: ${out}`);
  return `${m[1]}:i386`;
}

/** Downloads `pkg` (arch-qualified) into build/out/guest/debs unless that version is there. */
function download(pkg: string, version: string, log: (s: string) => void): string {
  mkdirSync(DEBS, { recursive: true });
  const [name, arch] = pkg.split(":") as [string, string | undefined];
  const fileVersion = version.replace(/:/g, "%3a");
  const want = `${name}_${fileVersion}_${arch ?? "all"}.deb`;
  const path = join(DEBS, want);
  if (existsSync(path)) return path;
  log(`apt-get download ${pkg}=${version}`);
  sh("apt-get", ["download", "-q", `${pkg}=${version}`], { cwd: DEBS });
  if (!existsSync(path)) {
    const found = readdirSync(DEBS).find((f) => f.startsWith(`${name}_`) && f.includes(fileVersion));
    if (!found) throw new GuestBuildError(`apt-get download ${pkg} left no ${want} in ${DEBS}`);
    return join(DEBS, found);
  }
  return path;
}

function extract(deb: string, into: string): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  sh("dpkg-deb", ["-x", deb, into]);
}

// --- kernel modules ------------------------------------------------------------------------

const norm = (n: string): string => n.replace(/-/g, "_");

/** The module's `depends=` from its .modinfo section (strings `key=value\0`). */
export function moduleDepends(ko: Uint8Array): string[] {
  const text = Buffer.from(ko).toString("latin1");
  const at = text.indexOf("\0depends=");
  if (at < 0) return [];
  const end = text.indexOf("\0", at + 1);
  const v = text.slice(at + "\0depends=".length, end);
  return v ? v.split(",").map(norm) : [];
}

/** The wanted modules and their dependency closure, each after the modules it needs. */
export function resolveModules(modDir: string, wanted: string[]): Array<{ name: string; path: string }> {
  const index = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ko")) index.set(norm(e.name.slice(0, -3)), p);
    }
  };
  walk(join(modDir, "kernel"));
  const builtin = new Set(readFileSync(join(modDir, "modules.builtin"), "utf8").split("\n").filter(Boolean).map((l) => norm(l.replace(/^.*\//, "").replace(/\.ko$/, ""))));
  const order: Array<{ name: string; path: string }> = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (n: string, chain: string[]): void => {
    if (state.get(n) === "done" || builtin.has(n)) return;
    if (state.get(n) === "visiting") throw new GuestBuildError(`module dependency cycle: ${[...chain, n].join(" → ")}`);
    const path = index.get(n);
    if (!path) throw new GuestBuildError(`module ${n} (needed by ${chain.join(" → ") || "the guest"}) is not in ${modDir}`);
    state.set(n, "visiting");
    for (const d of moduleDepends(readFileSync(path))) visit(d, [...chain, n]);
    state.set(n, "done");
    order.push({ name: n, path });
  };
  for (const w of wanted) visit(norm(w), []);
  return order;
}

// --- initramfs (cpio "newc", written here) ---------------------------------------------------

interface CpioEntry { name: string; mode: number; data?: Uint8Array; rdev?: [number, number] }

export function cpioNewc(entries: CpioEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const all = [...entries, { name: "TRAILER!!!", mode: 0 }];
  all.forEach((e, i) => {
    const data = e.data ?? new Uint8Array(0);
    const fields = [i + 1, e.mode, 0, 0, (e.mode & 0o170000) === 0o040000 ? 2 : 1, 0, data.length, 0, 0, e.rdev?.[0] ?? 0, e.rdev?.[1] ?? 0, e.name.length + 1, 0];
    const head = "070701" + fields.map((f) => f.toString(16).padStart(8, "0")).join("");
    const name = Buffer.from(e.name + "\0", "latin1");
    parts.push(Buffer.from(head, "latin1"), name, pad4(110 + name.length), Buffer.from(data), pad4(data.length));
  });
  return Buffer.concat(parts);
}

// --- the kernel's console font ---------------------------------------------------------------

/**
 * The 8x16 font Linux's framebuffer console draws with (font_vga_8x16), found in the kernel
 * image: the bzImage payload is XZ (CONFIG_KERNEL_XZ), unpacked with xz, then searched for the
 * glyph of 'A' at 0x41 * 16 after an all-zero glyph 0. The tests read the fbcon text in a
 * screenshot of our VGA with it (host/sim/fb-text.ts).
 */
export function kernelFont16(vmlinuz: Uint8Array): Uint8Array {
  const buf = Buffer.from(vmlinuz);
  const at = buf.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  if (at < 0) throw new GuestBuildError("no XZ payload in the kernel image");
  // xz reads the payload from a file, not a pipe: with --single-stream it stops at the end of the
  // stream and would leave a writer to its stdin with EPIPE on the bytes that follow it.
  let vmlinux: Buffer;
  const dir = mkdtempSync(join(tmpdir(), "stubdom-kernel-"));
  try {
    const payload = join(dir, "payload.xz");
    writeFileSync(payload, buf.subarray(at));
    vmlinux = execFileSync("xz", ["-dc", "--single-stream", "-q", payload], { maxBuffer: 256 << 20 });
  } catch (e) {
    throw new GuestBuildError(`xz could not unpack the kernel payload: ${(e as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const glyphA = Buffer.from([0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00]);
  for (let p = vmlinux.indexOf(glyphA); p >= 0; p = vmlinux.indexOf(glyphA, p + 1)) {
    const start = p - 0x41 * 16;
    if (start >= 0 && vmlinux.subarray(start, start + 16).every((b) => b === 0) && vmlinux[start + 0x20 * 16 + 6] === 0) return new Uint8Array(vmlinux.subarray(start, start + 4096));
  }
  throw new GuestBuildError("no 8x16 console font found in the kernel");
}

// --- the disk ----------------------------------------------------------------------------------

/** An MBR partition entry, LBA only (CHS fields set to the "beyond 8 GB" marker). */
function partitionEntry(active: boolean, type: number, start: number, sectors: number): Buffer {
  const e = Buffer.alloc(16);
  e[0] = active ? 0x80 : 0;
  e.set([0xfe, 0xff, 0xff], 1);
  e[4] = type;
  e.set([0xfe, 0xff, 0xff], 5);
  e.writeUInt32LE(start, 8);
  e.writeUInt32LE(sectors, 12);
  return e;
}

function buildDisk(out: string, kernel: string, initrd: string, data: Uint8Array): void {
  const part = join(WORK, "part1.img");
  rmSync(part, { force: true });
  sh("mkfs.fat", ["-C", "-F", "16", "-h", String(P1_START), "-n", "STUBDOM", part, String((P1_SECTORS * SECTOR) / 1024)]);
  const cfg = join(WORK, "syslinux.cfg");
  writeFileSync(cfg, ["SERIAL 0 115200", "DEFAULT linux", "PROMPT 0", "TIMEOUT 0", "LABEL linux", "  KERNEL /vmlinuz", "  INITRD /initrd.gz", `  APPEND ${KERNEL_CMDLINE}`, ""].join("\n"));
  sh("mcopy", ["-i", part, kernel, "::/vmlinuz"]);
  sh("mcopy", ["-i", part, initrd, "::/initrd.gz"]);
  sh("mcopy", ["-i", part, cfg, "::/syslinux.cfg"]);
  sh("syslinux", ["--install", part]);
  const mbrCode = readFileSync("/usr/lib/syslinux/mbr/mbr.bin");
  if (mbrCode.length > 440) throw new GuestBuildError(`/usr/lib/syslinux/mbr/mbr.bin is ${mbrCode.length} bytes (want ≤ 440)`);
  const mbr = Buffer.alloc(SECTOR);
  mbr.set(mbrCode, 0);
  mbr.writeUInt32LE(0x5354424d, 440); // disk signature "MBTS"
  partitionEntry(true, 0x06, P1_START, P1_SECTORS).copy(mbr, 446);
  partitionEntry(false, 0xda, P1_START + P1_SECTORS, P2_SECTORS).copy(mbr, 462);
  mbr[510] = 0x55; mbr[511] = 0xaa;
  const fat = readFileSync(part);
  if (fat.length !== P1_SECTORS * SECTOR) throw new GuestBuildError(`mkfs.fat made ${fat.length} bytes, want ${P1_SECTORS * SECTOR}`);
  const fd = openSync(out, "w");
  try {
    writeSync(fd, mbr, 0, SECTOR, 0);
    writeSync(fd, Buffer.alloc((P1_START - 1) * SECTOR), 0, (P1_START - 1) * SECTOR, SECTOR);
    writeSync(fd, fat, 0, fat.length, P1_START * SECTOR);
    writeSync(fd, data, 0, data.length, (P1_START + P1_SECTORS) * SECTOR);
  } finally {
    closeSync(fd);
  }
  if (statSync(out).size !== DISK_SECTORS * SECTOR) throw new GuestBuildError(`${out}: wrong size`);
}

// --- the whole build ---------------------------------------------------------------------------

/** The digest of what the products are made from in this tree (this file, init.sh, the kernel
 *  command line). Debian's package versions are not part of it: the cache is kept until it is
 *  missing, this changes, or `--force` (a version check would cost an apt-cache run per boot). */
function inputsDigest(): string {
  const h = createHash("sha256");
  for (const f of [fileURLToPath(import.meta.url), join(here, "init.sh")]) h.update(readFileSync(f));
  h.update(KERNEL_CMDLINE);
  return h.digest("hex").slice(0, 16);
}

const MANIFEST = join(GUEST_OUT, "guest.json");

/** The cached images if every product is there (no apt, no build); null otherwise. */
export function cachedGuestImages(): GuestImages | null {
  if (!existsSync(MANIFEST)) return null;
  let m: GuestImages;
  try {
    m = JSON.parse(readFileSync(MANIFEST, "utf8")) as GuestImages;
  } catch {
    return null;
  }
  for (const p of [m.kernel, m.initrd, m.disk, m.cdrom, m.font]) if (typeof p !== "string" || !existsSync(join(GUEST_OUT, p))) return null;
  return { ...m, dir: GUEST_OUT, kernel: join(GUEST_OUT, m.kernel), initrd: join(GUEST_OUT, m.initrd), disk: join(GUEST_OUT, m.disk), cdrom: join(GUEST_OUT, m.cdrom), font: join(GUEST_OUT, m.font) };
}

/**
 * The guest images, built if missing (or if this script, init.sh or the Debian versions changed).
 * `log` gets one line per step (downloads, tools run). Throws GuestBuildError with the reason.
 */
export function ensureGuestImages(log: (s: string) => void = (s) => console.log(`build:guest: ${s}`), force = false): GuestImages {
  const cached = cachedGuestImages();
  if (cached && !force) {
    if (cached.stamp === inputsDigest()) return cached;
    log("build/guest/images.ts, init.sh or the kernel command line changed: rebuilding");
  }
  return build(log);
}

function build(log: (s: string) => void): GuestImages {
  const t0 = performance.now();
  rmSync(MANIFEST, { force: true }); // the products are consistent again only when it is rewritten
  for (const tool of ["apt-get", "dpkg-deb", "mkfs.fat", "mcopy", "syslinux", "genisoimage", "xz"]) {
    try { sh("sh", ["-c", `command -v ${tool}`]); } catch { throw new GuestBuildError(`${tool} not found: install the Debian packages in build/guest/apt-packages.txt (bash .ci/install)`); }
  }
  if (!existsSync("/usr/lib/syslinux/mbr/mbr.bin")) throw new GuestBuildError("/usr/lib/syslinux/mbr/mbr.bin not found (Debian package syslinux-common)");
  ensureI386(log);
  const updated = { done: false };
  const kpkg = kernelPackage(log, updated);
  const pkgs = [kpkg, "busybox-static:i386"];
  const versions = pkgs.map((p) => `${p}=${candidate(p, log, updated)}`);
  const stamp = inputsDigest();
  const debs = pkgs.map((p, i) => download(p, versions[i]!.split("=")[1]!, log));
  mkdirSync(WORK, { recursive: true });
  const kdir = join(WORK, "kernel");
  const bdir = join(WORK, "busybox");
  log(`unpacking ${debs.map((d) => relative(GUEST_OUT, d)).join(", ")}`);
  extract(debs[0]!, kdir);
  extract(debs[1]!, bdir);
  const kernelVersion = readdirSync(join(kdir, "lib/modules"))[0]!;
  const vmlinuz = readFileSync(join(kdir, "boot", `vmlinuz-${kernelVersion}`));
  const mods = resolveModules(join(kdir, "lib/modules", kernelVersion), MODULES_WANTED);
  log(`kernel ${kernelVersion}; modules in load order: ${mods.map((m) => m.name).join(" ")}`);

  const data = pattern(P2_SECTORS * SECTOR, 0x5354_4231);
  const cdData = pattern(CD_DATA_BYTES, 0x4344_0001);
  const dataMd5 = md5(data);
  const cdMd5 = md5(cdData);
  const conf = [
    `MODULES="${mods.map((m) => m.name).join(" ")}"`,
    `DISK_SECTORS=${DISK_SECTORS}`,
    `DATA_MD5=${dataMd5}`,
    `CD_MD5=${cdMd5}`,
    `CD_HELLO="${CD_HELLO}"`,
    `MAC=${GUEST_MAC}`,
    `GUEST_IP=${GUEST_IP}`,
    `PEER_IP=${PEER_IP}`,
    `FB_TEXT="${FB_TEXT}"`,
    "",
  ].join("\n");
  const dirs = ["bin", "dev", "etc", "lib", "lib/modules", "mnt", "proc", "sys", "tmp", "root", "sbin", "usr", "usr/bin", "usr/sbin"];
  const entries: CpioEntry[] = [
    ...dirs.map((d) => ({ name: d, mode: 0o040755 })),
    { name: "dev/console", mode: 0o020600, rdev: [5, 1] },
    { name: "dev/ttyS0", mode: 0o020660, rdev: [4, 64] },
    { name: "dev/null", mode: 0o020666, rdev: [1, 3] },
    { name: "bin/busybox", mode: 0o100755, data: readFileSync(join(bdir, "bin/busybox")) },
    { name: "bin/sh", mode: 0o120777, data: Buffer.from("busybox") },
    { name: "init", mode: 0o100755, data: readFileSync(join(here, "init.sh")) },
    { name: "etc/guest.conf", mode: 0o100644, data: Buffer.from(conf) },
    ...mods.map((m) => ({ name: `lib/modules/${m.name}.ko`, mode: 0o100644, data: readFileSync(m.path) })),
  ];
  const initrd = gzipSync(cpioNewc(entries), { level: 9 });

  mkdirSync(GUEST_OUT, { recursive: true });
  const out = (f: string): string => join(GUEST_OUT, f);
  writeFileSync(out("vmlinuz"), vmlinuz);
  writeFileSync(out("initramfs.gz"), initrd);
  writeFileSync(out("font8x16.bin"), kernelFont16(vmlinuz));
  log(`initramfs.gz: ${(initrd.length / 1024).toFixed(0)} KiB (${mods.length} modules, busybox, init)`);

  const cdDir = join(WORK, "cd");
  rmSync(cdDir, { recursive: true, force: true });
  mkdirSync(cdDir, { recursive: true });
  writeFileSync(join(cdDir, "hello.txt"), CD_HELLO + "\n");
  writeFileSync(join(cdDir, "data.bin"), cdData);
  log("genisoimage → cdrom.iso");
  sh("genisoimage", ["-quiet", "-r", "-V", "STUBDOM_CD", "-o", out("cdrom.iso"), cdDir]);

  log("mkfs.fat + mcopy + syslinux → disk.img");
  buildDisk(out("disk.img"), out("vmlinuz"), out("initramfs.gz"), data);

  const manifest = {
    kernel: "vmlinuz", initrd: "initramfs.gz", disk: "disk.img", cdrom: "cdrom.iso", font: "font8x16.bin",
    cmdline: KERNEL_CMDLINE, kernelVersion, diskSectors: DISK_SECTORS,
    dataOffset: (P1_START + P1_SECTORS) * SECTOR, dataBytes: data.length, dataMd5, cdMd5,
    modules: mods.map((m) => m.name), packages: versions, stamp,
  };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
  rmSync(WORK, { recursive: true, force: true });
  log(`guest images ready in ${relative(root, GUEST_OUT)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return cachedGuestImages()!;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const g = ensureGuestImages(undefined, process.argv.includes("--force"));
    console.log(`build:guest: ${relative(root, g.kernel)} ${relative(root, g.initrd)} ${relative(root, g.disk)} ${relative(root, g.cdrom)} (kernel ${g.kernelVersion})`);
  } catch (e) {
    console.error(`build:guest: ${(e as Error).message}`);
    process.exit(1);
  }
}
