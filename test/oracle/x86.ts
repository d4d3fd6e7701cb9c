// A minimal x86 machine-code emitter: exactly the instructions the oracle firmware needs, encoded by
// hand from the Intel SDM opcode tables. 32-bit operand size is the default (protected-mode code);
// the few real-mode instructions of the boot stub are emitted with explicit prefixes by firmware.ts.

export type Width = 1 | 2 | 4;

const OPSIZE = 0x66; // operand-size override prefix

export class X86 {
  readonly bytes: number[] = [];

  get length(): number { return this.bytes.length; }

  u8(...v: number[]): this { for (const b of v) this.bytes.push(b & 0xff); return this; }
  u16(v: number): this { return this.u8(v, v >>> 8); }
  u32(v: number): this { return this.u8(v, v >>> 8, v >>> 16, v >>> 24); }

  // --- data movement (32-bit code) ---
  /** mov eax, imm32 */ movEaxImm(v: number): this { return this.u8(0xb8).u32(v); }
  /** mov ebx, imm32 */ movEbxImm(v: number): this { return this.u8(0xbb).u32(v); }
  /** mov ecx, imm32 */ movEcxImm(v: number): this { return this.u8(0xb9).u32(v); }
  /** mov edx, imm32 */ movEdxImm(v: number): this { return this.u8(0xba).u32(v); }
  /** mov esi, imm32 */ movEsiImm(v: number): this { return this.u8(0xbe).u32(v); }
  /** mov esp, imm32 */ movEspImm(v: number): this { return this.u8(0xbc).u32(v); }
  /** xor eax, eax */ zeroEax(): this { return this.u8(0x31, 0xc0); }
  /** mov [moffs32], eax */ storeEaxAbs(addr: number): this { return this.u8(0xa3).u32(addr); }
  /** mov ax, imm16 ; mov ds/es/fs/gs/ss, ax */
  loadDataSegments(sel: number): this {
    this.u8(OPSIZE, 0xb8).u16(sel);
    for (const modrm of [0xd8 /*ds*/, 0xc0 /*es*/, 0xe0 /*fs*/, 0xe8 /*gs*/, 0xd0 /*ss*/]) this.u8(0x8e, modrm);
    return this;
  }

  // --- port I/O through dx ---
  /** in al|ax|eax, dx (upper bits of eax untouched: zero eax first) */
  inDx(size: Width): this { return size === 1 ? this.u8(0xec) : size === 2 ? this.u8(OPSIZE, 0xed) : this.u8(0xed); }
  /** out dx, al|ax|eax */
  outDx(size: Width): this { return size === 1 ? this.u8(0xee) : size === 2 ? this.u8(OPSIZE, 0xef) : this.u8(0xef); }
  /** rep outsb (dx = port, esi = source, ecx = count) */
  repOutsb(): this { return this.u8(0xf3, 0x6e); }

  // --- memory through [ebx] ---
  /** movzx eax, byte [ebx] | movzx eax, word [ebx] | mov eax, [ebx] */
  loadEbx(size: Width): this {
    return size === 1 ? this.u8(0x0f, 0xb6, 0x03) : size === 2 ? this.u8(0x0f, 0xb7, 0x03) : this.u8(0x8b, 0x03);
  }
  /** mov [ebx], al | mov [ebx], ax | mov [ebx], eax */
  storeEbx(size: Width): this {
    return size === 1 ? this.u8(0x88, 0x03) : size === 2 ? this.u8(OPSIZE, 0x89, 0x03) : this.u8(0x89, 0x03);
  }

  // --- control ---
  /** loop $ (spin ecx times; ecx must be non-zero) */ loopSelf(): this { return this.u8(0xe2, 0xfe); }
  /** cli */ cli(): this { return this.u8(0xfa); }
  /** cld */ cld(): this { return this.u8(0xfc); }
  /** hlt ; jmp back to the hlt */ haltForever(): this { return this.u8(0xf4, 0xeb, 0xfd); }
}
