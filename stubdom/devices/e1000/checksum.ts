// Checksums over frames in module memory: the Internet ones'-complement sum (IPv4, TCP, UDP;
// RFC 1071) and the Ethernet FCS (CRC-32, reflected polynomial 0xEDB88320) that the MAC appends
// to received frames unless RCTL.SECRC strips it. Callers pass ranges inside their own buffers.

// Adds bytes [start, end) of the frame at `base` to a running 32-bit sum, big-endian 16-bit words.
export function sumBytes(base: usize, start: i32, end: i32, sum: u32): u32 {
  let i = start;
  for (; i + 1 < end; i += 2) {
    sum += (<u32>load<u8>(base + <usize>i) << 8) | <u32>load<u8>(base + <usize>i + 1);
    if (sum >= 0x80000000) sum = (sum & 0xffff) + (sum >> 16);
  }
  if (i < end) sum += <u32>load<u8>(base + <usize>i) << 8;
  return sum;
}

export function fold(sum: u32): u16 {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return <u16>sum;
}

export function load16be(base: usize, off: i32): u32 {
  return (<u32>load<u8>(base + <usize>off) << 8) | <u32>load<u8>(base + <usize>off + 1);
}

export function store16be(base: usize, off: i32, v: u32): void {
  store<u8>(base + <usize>off, <u8>(v >> 8));
  store<u8>(base + <usize>off + 1, <u8>v);
}

export function load32be(base: usize, off: i32): u32 {
  return (load16be(base, off) << 16) | load16be(base, off + 2);
}

export function store32be(base: usize, off: i32, v: u32): void {
  store16be(base, off, v >> 16);
  store16be(base, off + 2, v & 0xffff);
}

// The CRC-32 lookup table: constant, filled by crcTableBuild() at dev_init (not device state).
const CRC_POLY: u32 = 0xedb88320;
const crcTable = new StaticArray<u32>(256);

export function crcTableBuild(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? CRC_POLY ^ (c >> 1) : c >> 1;
    unchecked(crcTable[n] = c);
  }
}

export function crc32(base: usize, len: i32): u32 {
  let c: u32 = 0xffffffff;
  for (let i = 0; i < len; i++) c = unchecked(crcTable[(c ^ <u32>load<u8>(base + <usize>i)) & 0xff]) ^ (c >> 8);
  return ~c;
}
