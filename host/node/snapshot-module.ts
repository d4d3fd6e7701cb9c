// A device module's identity for snapshots: the sha-256 of its .wasm and its mutable globals,
// which build/export-globals.mjs exports as `snapshot_global_<index>` (AssemblyScript's
// module-level `let`s, the allocator's bump pointer, log counters, heap.ts's `sealed`). Their
// types come from the module's global section (V8 does not reflect a global's type).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { GLOBAL_I32, GLOBAL_I64, GLOBAL_F32, GLOBAL_F64 } from "./snapshot-format.ts";
import { WasmReader } from "./wasm-reader.ts";

export const GLOBAL_PREFIX = "snapshot_global_";

export interface SnapGlobal { index: number; type: number; global: WebAssembly.Global }

export interface ModuleIdentity {
  sha256: Uint8Array;
  globals: SnapGlobal[]; // by index
}

const VALTYPE: Record<number, number> = { 0x7f: GLOBAL_I32, 0x7e: GLOBAL_I64, 0x7d: GLOBAL_F32, 0x7c: GLOBAL_F64 };

/** Types of the module's globals by index (imported globals first, as Wasm numbers them). */
export function globalTypes(bytes: Uint8Array): number[] {
  const r = new WasmReader(bytes);
  const types: number[] = [];
  r.sections((id) => {
    if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.skipName(); r.skipName();
        const d = r.importDesc();
        if (d.kind === 3) types.push(VALTYPE[d.value] ?? -1);
      }
    } else if (id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        types.push(VALTYPE[r.byte()] ?? -1);
        r.p++; // mutability
        // the init expression: one constant or global.get, then `end`
        const op = r.byte();
        if (op === 0x41 || op === 0x42 || op === 0x23) r.u32();
        else if (op === 0x43) r.p += 4;
        else if (op === 0x44) r.p += 8;
        else throw new Error(`unexpected global initialiser opcode 0x${op.toString(16)}`);
        if (r.byte() !== 0x0b) throw new Error("malformed global initialiser");
      }
    }
  });
  return types;
}

export function moduleIdentity(wasmPath: string, exports: object): ModuleIdentity {
  const bytes = readFileSync(wasmPath);
  const types = globalTypes(bytes);
  const globals: SnapGlobal[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (!name.startsWith(GLOBAL_PREFIX) || !(value instanceof WebAssembly.Global)) continue;
    const index = Number(name.slice(GLOBAL_PREFIX.length));
    globals.push({ index, type: types[index] ?? -1, global: value });
  }
  globals.sort((a, b) => a.index - b.index);
  return { sha256: new Uint8Array(createHash("sha256").update(bytes).digest()), globals };
}

const scratch = new DataView(new ArrayBuffer(8));

/** A global's value as 64 raw bits (f32 in the low half). */
export function globalBits(g: SnapGlobal): bigint {
  const v = g.global.value as number | bigint;
  switch (g.type) {
    case GLOBAL_I32: return BigInt((v as number) >>> 0);
    case GLOBAL_I64: return BigInt.asUintN(64, v as bigint);
    case GLOBAL_F32: scratch.setFloat32(0, v as number, true); return BigInt(scratch.getUint32(0, true));
    default: scratch.setFloat64(0, v as number, true); return scratch.getBigUint64(0, true);
  }
}

export function setGlobalBits(g: SnapGlobal, bits: bigint): void {
  switch (g.type) {
    case GLOBAL_I32: g.global.value = Number(BigInt.asIntN(32, bits)); break;
    case GLOBAL_I64: g.global.value = BigInt.asIntN(64, bits); break;
    case GLOBAL_F32: scratch.setUint32(0, Number(bits & 0xffffffffn), true); g.global.value = scratch.getFloat32(0, true); break;
    default: scratch.setBigUint64(0, bits, true); g.global.value = scratch.getFloat64(0, true);
  }
}
