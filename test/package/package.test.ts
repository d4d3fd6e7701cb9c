// test/package/package.test.ts — the Debian package of `npm run package` (build/package/build.sh):
// builds it into a temporary folder (reusing build/out's image, module and helper when they are
// newer than their sources; otherwise the script builds them, about a minute on a fresh checkout)
// and checks its file list and modes, its control fields (the helper's libraries as
// dpkg-shlibdeps finds them, Xen 4.17's utils, seabios; ipxe-qemu recommended), the copyright
// file (DEP-5), the changelog, that the man page renders without warnings and names every key of
// docs/xen.md's config and of the examples, and that lintian reports no errors and only the
// warnings docs/xen.md justifies. Needs dpkg-dev, lintian and man-db (build/package/apt-packages.txt).
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

// Everything the package holds: mode, owner, path (dpkg-deb -c).
const DIRS = ["./", "./usr/", "./usr/lib/", "./usr/lib/wasm-stubdom/", "./usr/share/", "./usr/share/doc/",
  "./usr/share/doc/wasm-stubdom/", "./usr/share/doc/wasm-stubdom/examples/", "./usr/share/man/", "./usr/share/man/man7/"];
const FILES: Record<string, string> = {
  "./usr/lib/wasm-stubdom/stubdom.gz": "-rw-r--r--",
  "./usr/lib/wasm-stubdom/stubdom.mod": "-rw-r--r--",
  "./usr/lib/wasm-stubdom/stubdom-dm-helper": "-rwxr-xr-x",
  "./usr/share/doc/wasm-stubdom/copyright": "-rw-r--r--",
  "./usr/share/doc/wasm-stubdom/changelog.Debian.gz": "-rw-r--r--",
  "./usr/share/doc/wasm-stubdom/examples/hvm-linux.cfg": "-rw-r--r--",
  "./usr/share/doc/wasm-stubdom/examples/minimal.cfg": "-rw-r--r--",
  "./usr/share/man/man7/wasm-stubdom.7.gz": "-rw-r--r--",
};
// The helper's NEEDED libraries, by package (build/xen/build.sh links them), then the rest.
const LIB_PACKAGES = ["libc6", "libcap-ng0", "libnettle8", "libseccomp2", "libxenevtchn1", "libxenforeignmemory1",
  "libxengnttab1", "libxenstore4"];
// lintian warnings that docs/xen.md ("The Debian package") lists and justifies.
const JUSTIFIED_WARNINGS = ["initial-upload-closes-no-bugs"];

const run = (cmd: string, args: string[], opts: { cwd?: string } = {}) =>
  spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd, env: { ...process.env, LC_ALL: "C.UTF-8" } });

describe("package: the Debian package (npm run package)", function () {
  this.timeout(600000);
  let dir: string;
  let deb: string;
  let x: string; // the package unpacked

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "stubdom-pkg-"));
    const out = execFileSync("bash", [join(ROOT, "build/package/build.sh"), join(dir, "deb")], { encoding: "utf8" });
    deb = out.trim().split("\n").pop()!;
    x = join(dir, "x");
    execFileSync("dpkg-deb", ["-x", deb, x]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const field = (name: string) => execFileSync("dpkg-deb", ["-f", deb, name], { encoding: "utf8" }).trim();

  it("is build/out-style wasm-stubdom_<package.json version>-<revision>_amd64.deb", () => {
    assert.match(deb, new RegExp(`/wasm-stubdom_${VERSION.replace(/\./g, "\\.")}-\\d+_amd64\\.deb$`));
  });

  it("holds exactly the expected files, root-owned, the helper 0755", () => {
    const lines = execFileSync("dpkg-deb", ["-c", deb], { encoding: "utf8" }).trim().split("\n");
    const got: Record<string, string> = {};
    for (const l of lines) {
      const [mode, owner, , , , path] = l.split(/\s+/);
      assert.equal(owner, "root/root", l);
      got[path] = mode;
    }
    const want: Record<string, string> = { ...FILES };
    for (const d of DIRS) want[d] = "drwxr-xr-x";
    assert.deepEqual(got, want);
  });

  it("carries build/out's image and module as they are, and the helper stripped", () => {
    for (const f of ["stubdom.gz", "stubdom.mod"])
      assert.ok(readFileSync(join(x, "usr/lib/wasm-stubdom", f)).equals(readFileSync(join(ROOT, "build/out", f))), f);
    const helper = join(x, "usr/lib/wasm-stubdom/stubdom-dm-helper");
    const sections = execFileSync("readelf", ["-S", "-W", helper], { encoding: "utf8" });
    assert.doesNotMatch(sections, /\.symtab|\.debug_/);
    assert.match(execFileSync("readelf", ["-h", helper], { encoding: "utf8" }), /X86-64/);
  });

  it("has control fields with the helper's libraries as dependencies", () => {
    assert.equal(field("Package"), "wasm-stubdom");
    assert.match(field("Version"), new RegExp(`^${VERSION.replace(/\./g, "\\.")}-\\d+$`));
    assert.equal(field("Architecture"), "amd64");
    assert.match(field("Maintainer"), /^.+ <[^@\s]+@[^@\s]+>$/);
    assert.match(field("Installed-Size"), /^\d+$/);
    const depends = field("Depends").split(/,\s*/);
    const names = depends.map((d) => d.split(/\s/)[0]);
    assert.deepEqual(names, [...LIB_PACKAGES, "xen-utils-4.17", "seabios"]);
    // versions as this system's shlibs/symbols files give them
    assert.match(depends[0], /^libc6 \(>= 2\.\d+\)$/);
    for (const d of depends.filter((d) => d.startsWith("libxen"))) assert.match(d, /\(>= 4\.1\d/, d);
    assert.equal(field("Recommends"), "ipxe-qemu");
    assert.match(field("Description"), /^Xen HVM device model/);
  });

  it("has a DEP-5 copyright file and a changelog.Debian.gz for this version", () => {
    const c = readFileSync(join(x, "usr/share/doc/wasm-stubdom/copyright"), "utf8");
    assert.match(c, /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/\n/);
    // every licence a Files paragraph names has its own License paragraph
    const used = new Set([...c.matchAll(/^Files: .*\n(?:.+\n)*?License: (.+)$/gm)].flatMap((m) => m[1].split(" and ")));
    const defined = new Set([...c.matchAll(/^\nLicense: (.+)$/gm)].map((m) => m[1]));
    for (const l of used) assert.ok(defined.has(l), `no License paragraph for ${l}`);
    assert.doesNotMatch(c, /@[A-Z_]+@/);
    const log = gunzipSync(readFileSync(join(x, "usr/share/doc/wasm-stubdom/changelog.Debian.gz"))).toString("utf8");
    assert.equal(log.split("\n")[0].split(" ")[1], `(${field("Version")})`);
  });

  it("has a man page wasm-stubdom(7) that renders without warnings", () => {
    const page = join(x, "usr/share/man/man7/wasm-stubdom.7.gz");
    const src = join(dir, "wasm-stubdom.7");
    execFileSync("sh", ["-c", `gzip -dc '${page}' > '${src}'`]);
    const g = run("groff", ["-man", "-Tutf8", "-ww", "-z", src]);
    assert.equal(g.status, 0, g.stderr);
    assert.equal(g.stderr, "");
    // as lintian runs it (80 columns: no line that cannot be broken)
    const m = run("man", ["--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", src], {});
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stderr, "");
    const text = run("man", ["-l", src]).stdout.replace(/.\x08/g, "");
    for (const s of ["NAME", "SYNOPSIS", "CONFIGURATION", "NOT SUPPORTED", "DOM0 REQUIREMENTS", "FILES"])
      assert.match(text, new RegExp(`^${s}$`, "m"), s);
    assert.doesNotMatch(text, /@[A-Z_]+@/);
  });

  it("names in the man page every key of docs/xen.md's config and of the examples", () => {
    const text = gunzipSync(readFileSync(join(x, "usr/share/man/man7/wasm-stubdom.7.gz"))).toString("utf8").replace(/\\-/g, "-");
    const doc = readFileSync(join(ROOT, "docs/xen.md"), "utf8");
    const block = doc.split("## The xl config a user writes")[1].split("```")[1];
    const keys = new Set<string>();
    for (const l of block.split("\n")) {
      const k = /^(?:# )?([a-z_0-9]+)\s*=/.exec(l);
      if (k) keys.add(k[1]);
    }
    const exdir = join(x, "usr/share/doc/wasm-stubdom/examples");
    for (const f of readdirSync(exdir)) {
      const cfg = readFileSync(join(exdir, f), "utf8");
      for (const l of cfg.split("\n")) {
        const k = /^([a-z_0-9]+)\s*=/.exec(l);
        if (k) keys.add(k[1]);
      }
      // the examples name the installed files
      for (const p of cfg.matchAll(/"(\/usr\/lib\/wasm-stubdom\/[^"]+)"/g))
        assert.ok(FILES[`.${p[1]}`], `${f} names ${p[1]}, which the package does not hold`);
    }
    assert.ok(keys.size > 15, `${keys.size} keys`);
    for (const k of keys) assert.match(text, new RegExp(`\\b${k}\\b`), `wasm-stubdom(7) does not name ${k}`);
  });

  it("passes lintian without errors, with only the justified warnings", () => {
    const l = run("lintian", ["--no-cfg", deb]);
    const tags = l.stdout.split("\n").filter((s) => /^[EWIPXO]: /.test(s));
    const errors = tags.filter((s) => s.startsWith("E: "));
    assert.deepEqual(errors, [], l.stdout);
    const warnings = tags.filter((s) => s.startsWith("W: ")).map((s) => s.split(/\s+/)[2]);
    for (const w of warnings) assert.ok(JUSTIFIED_WARNINGS.includes(w), `lintian warning not justified in docs/xen.md: ${w}`);
    assert.ok(l.status === 0 || l.status === 2 || tags.length > 0, `lintian failed: ${l.stderr}`);
  });
});
