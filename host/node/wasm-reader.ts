// A minimal reader of the Wasm binary format: LEB128 numbers, names, the section loop and import
// descriptors. snapshot-module.ts reads global types with it, test/unit/wasm-signatures.ts
// function signatures.

export class WasmReader {
  /** Read position (past the 8-byte magic and version to start with). */
  p = 8;

  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    return this.bytes[this.p++]!;
  }

  /** An unsigned LEB128 number (at most 10 bytes are read). */
  u32(): number {
    let r = 0, shift = 0, b = 0;
    do { b = this.bytes[this.p++]!; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80 && shift < 70);
    return r >>> 0;
  }

  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }

  skipName(): void {
    const n = this.u32();
    this.p += n;
  }

  /** Calls `fn` with each section's id, positioned at its contents; then moves to the next one. */
  sections(fn: (id: number) => void): void {
    while (this.p < this.bytes.length) {
      const id = this.byte();
      const size = this.u32();
      const end = this.p + size;
      fn(id);
      this.p = end;
    }
  }

  /** One import's descriptor (after its two names): the kind (0 function, 1 table, 2 memory,
   *  3 global) and, for a function its type index, for a global its value type byte. */
  importDesc(): { kind: number; value: number } {
    const kind = this.byte();
    let value = 0;
    if (kind === 0) value = this.u32();
    else if (kind === 1) { this.p++; this.limits(); }
    else if (kind === 2) this.limits();
    else if (kind === 3) { value = this.bytes[this.p]!; this.p += 2; } // value type, mutability
    return { kind, value };
  }

  private limits(): void {
    const f = this.u32();
    this.u32();
    if (f & 1) this.u32();
  }
}
