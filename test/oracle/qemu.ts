// Runs a register script on Debian's QEMU (TCG, no BIOS: every device at its reset state) and
// returns QEMU's answers, one per read op. The script is compiled into a flat firmware by
// firmware.ts; answers come back through isa-debugcon into a file, and isa-debug-exit ends the run.
// The binary is `qemu-system-x86_64` on PATH, or $QEMU_SYSTEM_X86_64 if set.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFirmware, parseOutput, DEBUGCON_PORT, DEBUG_EXIT_PORT, EXIT_STATUS } from "./firmware.ts";
import type { Op } from "./script.ts";

export const qemuBinary = (): string => process.env.QEMU_SYSTEM_X86_64 || "qemu-system-x86_64";

const INSTALL_HINT = "install it with `apt-get install -y qemu-system-x86` (listed in test/oracle/apt-packages.txt)";

/** True if the QEMU binary runs (`--version` succeeds). */
export function qemuAvailable(): boolean {
  const r = spawnSync(qemuBinary(), ["--version"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0;
}

/** Throws a clear error if QEMU is missing; call from a mocha `before` so oracle tests fail loudly. */
export function requireQemu(): void {
  if (!qemuAvailable()) throw new Error(`QEMU oracle: ${qemuBinary()} is not runnable; ${INSTALL_HINT}`);
}

export interface QemuOptions {
  /** device-under-test arguments appended to the fixed machine, e.g. ["-serial", "null"] */
  machineArgs: string[];
  /** wall-clock limit for one QEMU run (default 20 s) */
  timeoutMs?: number;
}

/** The full QEMU argument list for a firmware file and an output file (exported for debugging). */
export function qemuArgs(fw: string, out: string, machineArgs: readonly string[]): string[] {
  const hex = (n: number) => "0x" + n.toString(16);
  // Measured on QEMU 7.2: a `-serial none` anywhere disables a later `-serial null`, so a fixed
  // "none" is only passed for the backends the caller does not choose itself.
  const unless = (opt: string) => (machineArgs.includes(opt) ? [] : [opt, "none"]);
  return [
    "-M", "pc", "-accel", "tcg", "-m", "64", "-nodefaults", "-no-reboot", "-display", "none",
    ...unless("-serial"), ...unless("-parallel"), ...unless("-monitor"),
    "-bios", fw,
    "-chardev", `file,id=dbg,path=${out}`,
    "-device", `isa-debugcon,iobase=${hex(DEBUGCON_PORT)},chardev=dbg`,
    "-device", `isa-debug-exit,iobase=${hex(DEBUG_EXIT_PORT)},iosize=1`,
    ...machineArgs,
  ];
}

/** Run `script` on QEMU and return its answers (unsigned, one per in/rd/cfgrd op). */
export async function runOnQemu(script: readonly Op[], opts: QemuOptions): Promise<number[]> {
  const { image, reads } = buildFirmware(script);
  // generous: a TCG boot of the firmware took 27 s on a loaded 2-core machine; still under mocha's 60 s
  const timeoutMs = opts.timeoutMs ?? 50_000;
  const dir = mkdtempSync(join(tmpdir(), "stubdom-oracle-"));
  try {
    const fw = join(dir, "fw.bin");
    const out = join(dir, "debugcon.out");
    writeFileSync(fw, image);
    const args = qemuArgs(fw, out, opts.machineArgs);
    const cmd = [qemuBinary(), ...args].join(" ");
    const res = await run(qemuBinary(), args, timeoutMs);
    if (res.spawnError) {
      const missing = (res.spawnError as NodeJS.ErrnoException).code === "ENOENT";
      throw new Error(missing ? `QEMU oracle: ${qemuBinary()} not found; ${INSTALL_HINT}` : `QEMU oracle: cannot start ${cmd}: ${res.spawnError.message}`);
    }
    if (res.timedOut) throw new Error(`QEMU oracle: timed out after ${timeoutMs} ms (killed)\n  ${cmd}\n  stderr: ${res.stderr.trim()}`);
    const data = existsSync(out) ? readFileSync(out) : Buffer.alloc(0);
    // Only the firmware's isa-debug-exit gives EXIT_STATUS; anything else means QEMU refused to start
    // (bad machine arguments: status 1), the guest crashed (-no-reboot turns a triple fault into a
    // clean exit 0), ...
    if (res.code !== EXIT_STATUS) {
      throw new Error(`QEMU oracle: qemu exited with ${res.code ?? res.signal}, not through isa-debug-exit\n  ${cmd}\n  stderr: ${res.stderr.trim()}\n  debugcon: ${data.length} bytes`);
    }
    try {
      return parseOutput(data, reads);
    } catch (e) {
      throw new Error(`QEMU oracle: ${(e as Error).message}\n  ${cmd}\n  stderr: ${res.stderr.trim()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RunResult { code: number | null; signal: string | null; stderr: string; timedOut: boolean; spawnError?: Error }

function run(bin: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let timedOut = false;
    let done = false;
    const finish = (r: RunResult) => { if (!done) { done = true; clearTimeout(timer); resolve(r); } };
    child.stderr.on("data", (d: Buffer) => { if (stderr.length < 8192) stderr += d.toString(); });
    const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeoutMs);
    child.on("error", (e) => finish({ code: null, signal: null, stderr, timedOut, spawnError: e }));
    child.on("close", (code, signal) => finish({ code, signal, stderr, timedOut }));
  });
}
