// Reads a Wasm binary's imported and exported function signatures (type, import, function and
// export sections), so the ABI test can compare real module types with the declaration.
import { WasmReader } from "../../host/node/wasm-reader.ts";

export interface Sig { params: string[]; results: string[] }

const VALTYPES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

export function moduleSignatures(bytes: Uint8Array): { imports: Map<string, Sig>; exports: Map<string, Sig> } {
  const r = new WasmReader(bytes);
  const types: Sig[] = [];
  const funcTypes: number[] = []; // function index space → type index
  const imports = new Map<string, Sig>();
  const exports = new Map<string, Sig>();
  const exportFuncs: Array<[string, number]> = [];
  r.sections((id) => {
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error("unexpected type form");
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "?");
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? "?");
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const mod = r.name(), field = r.name(), d = r.importDesc();
        if (d.kind === 0) { funcTypes.push(d.value); imports.set(`${mod}.${field}`, types[d.value]!); }
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) { const nm = r.name(); const kind = r.byte(); const idx = r.u32(); if (kind === 0) exportFuncs.push([nm, idx]); }
    }
  });
  for (const [nm, idx] of exportFuncs) exports.set(nm, types[funcTypes[idx]!]!);
  return { imports, exports };
}
