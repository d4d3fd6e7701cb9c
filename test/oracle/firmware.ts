// Compiles a register script into a flat x86 firmware image for QEMU's `-bios`.
//
// Image layout (size S, a multiple of 64 KiB, mapped at 4 GiB - S; its last 128 KiB also alias
// below 1 MiB, which we do not use):
//   offset 0 ............ 32-bit straight-line code, one block per op, then the dump and exit
//   S - 0x200 ........... GDT (null, flat 32-bit code 0x08, flat data 0x10) and its descriptor
//   S - 0x1C0 ........... real-mode stub: cli, cld, lgdt, CR0.PE=1, far jmp 0x08:(4 GiB - S)
//   S - 0x10 ............ reset vector (CS base 0xFFFF0000, IP 0xFFF0): jmp to the stub
// Answers are stored as little-endian u32s at RESULT_BASE in low RAM, then dumped with `rep outsb`
// to the debugcon port, framed by a header and a trailer so the reader can tell a finished run from
// a crashed one; finally a write to isa-debug-exit ends QEMU. Paging is off and A20 is enabled at
// reset on QEMU, so MMIO anywhere below 4 GiB is reachable with [ebx].

import { countReads, validateScript, type Op } from "./script.ts";
import { X86 } from "./x86.ts";

export const DEBUGCON_PORT = 0xe9;
export const DEBUG_EXIT_PORT = 0xf4;
/** Low RAM where answers are collected (64 KiB .. 640 KiB). Scripts must not write there. */
export const RESULT_BASE = 0x10000;
export const RESULT_END = 0xa0000;
export const MAX_READS = (RESULT_END - RESULT_BASE) / 4;
/** The image sits at [4 GiB - size, 4 GiB); capped so it stays clear of the IOAPIC, HPET and
 *  LAPIC at 0xFEC00000 and up. Scripts must not place BARs inside the image. */
export const MAX_IMAGE = 8 << 20;
export const HEADER = Buffer.from("ORACLE<", "latin1");
export const TRAILER = Buffer.from(">ELCARO\n", "latin1");
/** Value written to isa-debug-exit; QEMU then exits with (v << 1) | 1. Not 0: QEMU's own
 *  start-up errors also exit with status 1. */
export const EXIT_VALUE = 0x2a;
export const EXIT_STATUS = (EXIT_VALUE << 1) | 1;

const STACK_TOP = 0x8000;
const CODE_SEL = 0x08;
const DATA_SEL = 0x10;
const TAIL = 0x200; // reserved at the end of the image for the GDT, stub and reset vector
const GDT_OFF = TAIL; // distance from the end
const GDTR_OFF = TAIL - 0x20;
const STUB_OFF = TAIL - 0x40;
const RESET_OFF = 0x10;
const PCI_ADDR = 0xcf8;
const PCI_DATA = 0xcfc;

export interface Firmware {
  image: Uint8Array;
  /** number of answers (u32 each) between HEADER and TRAILER in the debugcon output */
  reads: number;
}

/** Emit one op's block. `slot` is the answer index for reads. */
function emitOp(a: X86, o: Op, slot: () => number): void {
  const store = () => a.storeEaxAbs(RESULT_BASE + 4 * slot());
  switch (o.op) {
    case "in":
      a.movEdxImm(o.port).zeroEax().inDx(o.size); store(); break;
    case "out":
      a.movEdxImm(o.port).movEaxImm(o.value).outDx(o.size); break;
    case "rd":
      a.movEbxImm(o.addr).loadEbx(o.size); store(); break;
    case "wr":
      a.movEbxImm(o.addr).movEaxImm(o.value).storeEbx(o.size); break;
    case "cfgrd":
    case "cfgwr": {
      const addr = (0x80000000 | (o.bdf << 8) | (o.reg & 0xfc)) >>> 0;
      a.movEdxImm(PCI_ADDR).movEaxImm(addr).outDx(4).movEdxImm(PCI_DATA + (o.reg & 3));
      if (o.op === "cfgrd") { a.zeroEax().inDx(o.size); store(); }
      else a.movEaxImm(o.value).outDx(o.size);
      break;
    }
    case "delay":
      if (o.loops > 0) a.movEcxImm(o.loops).loopSelf();
      break;
  }
}

/** The 32-bit part: segment set-up, the ops, the framed dump, the exit. */
function emitBody(script: readonly Op[], reads: number): X86 {
  const a = new X86();
  a.loadDataSegments(DATA_SEL).movEspImm(STACK_TOP);
  a.movEdxImm(DEBUGCON_PORT);
  for (const c of HEADER) a.movEaxImm(c).outDx(1);
  let next = 0;
  for (const o of script) emitOp(a, o, () => next++);
  if (next !== reads) throw new Error("firmware: read count mismatch");
  a.movEdxImm(DEBUGCON_PORT).movEsiImm(RESULT_BASE).movEcxImm(reads * 4);
  if (reads > 0) a.repOutsb();
  for (const c of TRAILER) a.movEaxImm(c).outDx(1);
  a.movEdxImm(DEBUG_EXIT_PORT).movEaxImm(EXIT_VALUE).outDx(1);
  a.haltForever();
  return a;
}

/** GDT entry: flat 4 GiB, 4 KiB granularity, 32-bit, with the given access byte. */
function flatDescriptor(access: number): number[] {
  return [0xff, 0xff, 0x00, 0x00, 0x00, access, 0xcf, 0x00];
}

export function buildFirmware(script: readonly Op[]): Firmware {
  validateScript(script);
  const reads = countReads(script);
  if (reads > MAX_READS) throw new Error(`firmware: ${reads} reads exceed the ${MAX_READS}-answer buffer`);
  const body = emitBody(script, reads).bytes;
  const size = Math.ceil((body.length + TAIL) / 0x10000) * 0x10000;
  if (size > MAX_IMAGE) throw new Error(`firmware: script needs a ${size >> 10} KiB image, more than ${MAX_IMAGE >> 10} KiB; split it`);
  const base = 2 ** 32 - size; // physical address of offset 0
  const img = new Uint8Array(size).fill(0xf4); // unused space is hlt
  img.set(body, 0);

  // GDT and GDTR (limit, 32-bit base) in the last 64 KiB.
  const gdtAt = size - GDT_OFF;
  img.set([0, 0, 0, 0, 0, 0, 0, 0, ...flatDescriptor(0x9a), ...flatDescriptor(0x92)], gdtAt);
  const gdtr = new X86().u16(3 * 8 - 1).u32(base + gdtAt).bytes;
  img.set(gdtr, size - GDTR_OFF);

  // Real-mode stub; IPs are relative to the reset CS base 0xFFFF0000 = image offset size - 64 KiB.
  const ip = (off: number) => off - (size - 0x10000);
  const stub = new X86().cli().cld()
    .u8(0x66, 0x2e, 0x0f, 0x01, 0x16).u16(ip(size - GDTR_OFF)) // o32 lgdt cs:[gdtr]
    .u8(0x0f, 0x20, 0xc0) // mov eax, cr0
    .u8(0x0c, 0x01) //       or al, 1 (PE)
    .u8(0x0f, 0x22, 0xc0) // mov cr0, eax
    .u8(0x66, 0xea).u32(base).u16(CODE_SEL) // o32 jmp far CODE_SEL:base
    .bytes;
  img.set(stub, size - STUB_OFF);

  // Reset vector: jmp near rel16 to the stub.
  const resetIp = ip(size - RESET_OFF);
  const rel = (ip(size - STUB_OFF) - (resetIp + 3)) & 0xffff;
  img.set(new X86().u8(0xe9).u16(rel).bytes, size - RESET_OFF);
  return { image: img, reads };
}

/** Extract the answers from the debugcon output; throws a descriptive error if the run did not finish. */
export function parseOutput(out: Uint8Array, reads: number): number[] {
  const buf = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  if (buf.length === 0) throw new Error("oracle firmware produced no output (it never reached 32-bit code?)");
  if (!buf.subarray(0, HEADER.length).equals(HEADER)) throw new Error(`oracle output does not start with the header: ${JSON.stringify(buf.subarray(0, 16).toString("latin1"))}`);
  const want = HEADER.length + 4 * reads + TRAILER.length;
  if (buf.length !== want || !buf.subarray(want - TRAILER.length).equals(TRAILER)) {
    throw new Error(`oracle output is ${buf.length} bytes, expected ${want} (header + ${reads} answers + trailer): the firmware did not finish`);
  }
  const answers: number[] = [];
  for (let i = 0; i < reads; i++) answers.push(buf.readUInt32LE(HEADER.length + 4 * i));
  return answers;
}
