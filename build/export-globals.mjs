// Build step after asc (build/asc-batch.mjs): exports every mutable Wasm global of a device module
// as `snapshot_global_<index>` (its index in the module's global space), so that a snapshot can
// read and restore them on V8 (WebAssembly.Global) and natively (wasm2c's export accessors,
// build/native.ts). AssemblyScript's module-level `let`s, the stub allocator's bump pointer, the
// log counters and heap.ts's `sealed` flag are such globals; a snapshot of linear memory alone
// would miss them (docs/snapshot-format.md). Idempotent: a global already exported is skipped.
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

export const GLOBAL_PREFIX = "snapshot_global_";

/** The module with its mutable globals exported; returns the number exported. */
export function exportGlobals(path) {
  const m = binaryen.readBinary(readFileSync(path));
  try {
    const taken = new Set();
    for (let i = 0; i < m.getNumExports(); i++) taken.add(binaryen.getExportInfo(m.getExportByIndex(i)).name);
    let n = 0;
    for (let i = 0; i < m.getNumGlobals(); i++) {
      const g = binaryen.getGlobalInfo(m.getGlobalByIndex(i));
      if (!g.mutable || g.module) continue;
      const ext = `${GLOBAL_PREFIX}${i}`;
      if (!taken.has(ext)) m.addGlobalExport(g.name, ext);
      n++;
    }
    // the .debug.wasm builds keep their name section (trap reports, tests); release builds have none
    const debugInfo = binaryen.getDebugInfo();
    binaryen.setDebugInfo(path.endsWith(".debug.wasm"));
    try { writeFileSync(path, m.emitBinary()); } finally { binaryen.setDebugInfo(debugInfo); }
    return n;
  } finally {
    m.dispose();
  }
}
