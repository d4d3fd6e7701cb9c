// The `snapshot` record of a trace (docs/trace-format.md) on V8: the device model is saved, a new
// StubdomRuntime with fresh devices is attached to the same simulator (a new ioreq server), and a
// snapshot — ours, or another engine's — is restored into it. The record names our snapshot's
// length and CRC-32; runtime/posix/replay_snap.c does the same natively, so a replay also checks
// that both engines wrote the same bytes. The step's own effects are not recorded.
import { StubdomRuntime } from "./runtime.ts";
import type { TracedMachine } from "./trace.ts";
import { saveSnapshot, restoreSnapshot } from "./snapshot.ts";
import { crc32 } from "./snapshot-format.ts";

/** Runs the step on `m` (m.rt is replaced); returns the snapshot V8 wrote. */
export function snapshotStep(m: TracedMachine, restoreFrom?: Uint8Array): Uint8Array {
  const own = saveSnapshot(m.rt);
  m.trace.op(() => {
    const specs = m.rt.devices.map((d) => m.rt.specs.get(d)!);
    const rt = new StubdomRuntime(m.sim, { log: (device, level, text) => m.logs.push({ device, level, text }) });
    m.sim.newIoreqServer();
    m.sim.attach(rt);
    m.trace.watchRuntime(rt);
    for (const spec of specs) rt.addDevice(spec);
    restoreSnapshot(rt, restoreFrom ?? own);
    m.rt = rt;
    m.trace.dropEffects();
  }, () => `snapshot ${own.length} 0x${crc32(own.subarray(0, own.length - 4)).toString(16)}`); // the stored checksum
  return own;
}
