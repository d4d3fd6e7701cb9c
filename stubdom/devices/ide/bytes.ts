// Byte helpers for the channel buffers: big-endian fields of SCSI replies, little-endian words of
// IDENTIFY data, ATA strings. Every index is masked to the buffer, so a bad length cannot trap.
import { BUF_SIZE } from "./regs";

const MASK: i32 = BUF_SIZE - 1;

export function put8(b: StaticArray<u8>, i: i32, v: i32): void { unchecked(b[i & MASK] = <u8>v); }
export function get8(b: StaticArray<u8>, i: i32): i32 { return <i32>unchecked(b[i & MASK]); }
export function put16be(b: StaticArray<u8>, i: i32, v: i32): void { put8(b, i, v >> 8); put8(b, i + 1, v); }
export function put32be(b: StaticArray<u8>, i: i32, v: u32): void { put16be(b, i, <i32>(v >> 16)); put16be(b, i + 2, <i32>(v & 0xffff)); }
export function get16be(b: StaticArray<u8>, i: i32): i32 { return (get8(b, i) << 8) | get8(b, i + 1); }
export function get32be(b: StaticArray<u8>, i: i32): u32 { return (<u32>get16be(b, i) << 16) | <u32>get16be(b, i + 2); }
export function putWord(b: StaticArray<u8>, word: i32, v: i32): void { put8(b, word * 2, v); put8(b, word * 2 + 1, v >> 8); }
export function getWord(b: StaticArray<u8>, word: i32): i32 { return get8(b, word * 2) | (get8(b, word * 2 + 1) << 8); }
export function zero(b: StaticArray<u8>, from: i32, len: i32): void {
  const n = min(len, BUF_SIZE);
  for (let i = 0; i < n; i++) put8(b, from + i, 0);
}

// An ATA string field: `words` words, space padded, the two bytes of each word swapped.
export function putAtaString(b: StaticArray<u8>, word: i32, words: i32, s: string): void {
  for (let i = 0; i < words * 2; i++) {
    const c = i < s.length ? s.charCodeAt(i) & 0x7f : 0x20;
    put8(b, word * 2 + (i ^ 1), c);
  }
}

// A SCSI string field: `len` bytes, space padded, in order.
export function putScsiString(b: StaticArray<u8>, at: i32, len: i32, s: string): void {
  for (let i = 0; i < len; i++) put8(b, at + i, i < s.length ? s.charCodeAt(i) & 0x7f : 0x20);
}
