// TX offloads applied to an assembled frame: checksum insertion (a sum from a start offset to an
// end offset, inclusive, 0 = end of frame, stored at an offset) and the per-segment header fix-ups
// of TCP segmentation: IPv4 total length and incremented identification, IPv6 payload length,
// TCP sequence number advanced by the payload already sent, FIN/PSH only on the last segment,
// UDP length, and the pseudo-header length added to the seed the driver left in the L4 checksum.
import { TxContext } from "./state";
import { sumBytes, fold, load16be, store16be, load32be, store32be } from "./checksum";

const TCP_FLAG_FIN: u8 = 0x01;
const TCP_FLAG_PSH: u8 = 0x08;

// Stores the complement of the sum of bytes [css, cse] (cse 0 or past the end = the frame's
// last byte) at cso, as hardware does. A zero result is sent as 0xFFFF (same value in ones'
// complement, and the only legal form for UDP). Offsets outside the frame do nothing.
export function insertChecksum(base: usize, len: i32, css: i32, cso: i32, cse: i32): void {
  let end = len;
  if (cse != 0 && cse + 1 < len) end = cse + 1;
  if (css >= end || cso < 0 || cso + 2 > len) return;
  let c = ~fold(sumBytes(base, css, end, 0)) & 0xffff;
  if (c == 0) c = 0xffff;
  store16be(base, cso, c);
}

// Header fix-ups for one TSO segment of `segLen` bytes (header + `payload`), the `frame`-th
// (0-based), `sent` payload bytes having gone out before it.
export function tsoFixHeaders(base: usize, segLen: i32, ctx: TxContext, frame: i32, sent: i32, last: bool): void {
  const ipcss = ctx.ipcss;
  const tucss = ctx.tucss;
  if (ctx.ipv4) {
    if (ipcss + 6 <= segLen) {
      store16be(base, ipcss + 2, <u32>(segLen - ipcss));
      store16be(base, ipcss + 4, (load16be(base, ipcss + 4) + <u32>frame) & 0xffff);
    }
  } else if (ipcss + 6 <= segLen) {
    store16be(base, ipcss + 4, <u32>(segLen - ipcss - 40) & 0xffff); // IPv6 payload length
  }
  if (ctx.tcp) {
    if (tucss + 14 <= segLen) {
      store32be(base, tucss + 4, load32be(base, tucss + 4) + <u32>sent);
      if (!last) store<u8>(base + <usize>(tucss + 13), load<u8>(base + <usize>(tucss + 13)) & ~(TCP_FLAG_FIN | TCP_FLAG_PSH));
    }
  } else if (tucss + 6 <= segLen) {
    store16be(base, tucss + 4, <u32>(segLen - tucss)); // UDP length
  }
}

// The driver seeds the L4 checksum field with the pseudo-header sum without the length; the
// hardware adds this segment's L4 length before summing.
export function addPseudoLength(base: usize, segLen: i32, ctx: TxContext): void {
  const tucso = ctx.tucso;
  if (tucso + 2 > segLen || ctx.tucss >= segLen) return;
  const s = load16be(base, tucso) + <u32>(segLen - ctx.tucss);
  store16be(base, tucso, <u32>fold(s));
}
