// @ts-nocheck — AssemblyScript, compiled by asc (bench/bench.ts), not by tsc: tsconfig includes bench/**/*.ts
// bench/hot/csum.ts — the "small hot function written both ways" of `npm run bench`: the Internet
// checksum (RFC 1071, what a NIC's TX checksum offload computes) over a buffer in linear memory.
// Compiled by asc to a module with no imports, then by wasm2c to C; bench/native/hotc.c is the
// same function written directly in C. The ratio of the two is what the sandbox costs.
export function csum(ptr: usize, len: i32): u32 {
  let sum: u32 = 0;
  let i: i32 = 0;
  for (; i + 1 < len; i += 2) sum += <u32>load<u16>(ptr + <usize>i);
  if (i < len) sum += <u32>load<u8>(ptr + <usize>i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}
