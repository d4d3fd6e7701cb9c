// Runs the AssemblyScript compiler for a batch of jobs in one plain-Node process (loading asc
// through tsx's loader costs ~25 s; plain Node loads it in ~1 s). Used by build/build.ts.
// argv[2] = JSON array of asc argument lists; prints one JSON line per job: {ok, text}.
import asc from "assemblyscript/asc";

const jobs = JSON.parse(process.argv[2]);
for (const args of jobs) {
  let text = "";
  const sink = { write: (s) => { text += String(s); return true; } };
  const { error } = await asc.main(args, { stdout: sink, stderr: sink });
  process.stdout.write(JSON.stringify({ ok: !error, text: error ? `${error.message}\n${text}` : "" }) + "\n");
}
