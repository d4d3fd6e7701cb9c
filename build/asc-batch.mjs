// Runs the AssemblyScript compiler for a batch of jobs in one plain-Node process (loading asc
// through tsx's loader costs ~25 s; plain Node loads it in ~1 s). Used by build/build.ts.
// Each module's mutable globals are then exported for snapshots (build/export-globals.mjs).
// argv[2] = JSON array of asc argument lists; prints one JSON line per job: {ok, text}.
import asc from "assemblyscript/asc";
import { exportGlobals } from "./export-globals.mjs";

const jobs = JSON.parse(process.argv[2]);
for (const args of jobs) {
  let text = "";
  const sink = { write: (s) => { text += String(s); return true; } };
  let { error } = await asc.main(args, { stdout: sink, stderr: sink });
  if (!error) {
    try { exportGlobals(args[args.indexOf("--outFile") + 1]); } catch (e) { error = e; }
  }
  process.stdout.write(JSON.stringify({ ok: !error, text: error ? `${error.message}\n${text}` : "" }) + "\n");
}
