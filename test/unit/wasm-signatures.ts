// Reads a Wasm binary's imported and exported function signatures (type, import, function and
// export sections), so the ABI test can compare real module types with the declaration.
export interface Sig { params: string[]; results: string[] }

const VALTYPES: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64" };

export function moduleSignatures(bytes: Uint8Array): { imports: Map<string, Sig>; exports: Map<string, Sig> } {
  let p = 8;
  const u32 = (): number => {
    let r = 0, shift = 0, b = 0;
    do { b = bytes[p++]!; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return r >>> 0;
  };
  const name = (): string => { const n = u32(); const s = new TextDecoder().decode(bytes.subarray(p, p + n)); p += n; return s; };
  const types: Sig[] = [];
  const funcTypes: number[] = []; // function index space → type index
  const imports = new Map<string, Sig>();
  const exports = new Map<string, Sig>();
  const exportFuncs: Array<[string, number]> = [];
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        if (bytes[p++] !== 0x60) throw new Error("unexpected type form");
        const params = Array.from({ length: u32() }, () => VALTYPES[bytes[p++]!] ?? "?");
        const results = Array.from({ length: u32() }, () => VALTYPES[bytes[p++]!] ?? "?");
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const mod = name(), field = name(), kind = bytes[p++]!;
        if (kind === 0) { const t = u32(); funcTypes.push(t); imports.set(`${mod}.${field}`, types[t]!); }
        else if (kind === 1) { p++; const f = u32(); u32(); if (f & 1) u32(); }
        else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); }
        else if (kind === 3) { p += 2; }
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) funcTypes.push(u32());
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) { const nm = name(); const kind = bytes[p++]!; const idx = u32(); if (kind === 0) exportFuncs.push([nm, idx]); }
    }
    p = end;
  }
  for (const [nm, idx] of exportFuncs) exports.set(nm, types[funcTypes[idx]!]!);
  return { imports, exports };
}
