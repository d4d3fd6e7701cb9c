// IPv4/UDP framing for the net peer's services (DHCP, TFTP): parses a frame from the guest with
// every length checked against the frame (a hostile guest picks them all), and builds replies
// with valid IPv4 and UDP checksums. Nothing here trusts a length field it has not bounded.
import { internetChecksum } from "./net-peer.ts";

export const ETHERTYPE_IPV4 = 0x0800;
export const IPPROTO_UDP = 17;
const ETH = 14;
/** The largest frame the services send (Ethernet without FCS, standard MTU). */
export const MAX_FRAME = 1514;
export const MAX_UDP_PAYLOAD = MAX_FRAME - ETH - 20 - 8;

export interface UdpIn {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** A datagram a service sends (the peer's MAC is the source). */
export type UdpOut = Omit<UdpIn, "srcMac">;

/** A service behind the peer: a datagram in, at most one datagram back. */
export interface UdpService {
  handle(d: UdpIn): UdpOut | null;
}

export const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const put16 = (b: Uint8Array, o: number, v: number): void => { b[o] = (v >>> 8) & 0xff; b[o + 1] = v & 0xff; };

/** The UDP datagram in an Ethernet frame, or null (not IPv4/UDP, a fragment, bad lengths or checksums). */
export function parseUdp(f: Uint8Array): UdpIn | null {
  if (f.length < ETH + 20 + 8 || be16(f, 12) !== ETHERTYPE_IPV4) return null;
  const vihl = f[ETH]!;
  const ihl = (vihl & 0xf) * 4;
  if (vihl >> 4 !== 4 || ihl < 20) return null;
  const total = be16(f, ETH + 2);
  if (total < ihl + 8 || ETH + total > f.length) return null;
  if (f[ETH + 9] !== IPPROTO_UDP || (be16(f, ETH + 6) & 0x3fff) !== 0) return null; // fragments: not ours
  if (internetChecksum(f, ETH, ETH + ihl) !== 0) return null;
  const u = ETH + ihl;
  const ulen = be16(f, u + 4);
  if (ulen < 8 || u + ulen > ETH + total) return null;
  if (be16(f, u + 6) !== 0) { // UDP checksum present: check it over the pseudo-header
    const pseudo = sumWords(f, ETH + 12, ETH + 20) + IPPROTO_UDP + ulen;
    if (internetChecksum(f, u, u + ulen, pseudo) !== 0) return null;
  }
  return {
    dstMac: f.slice(0, 6), srcMac: f.slice(6, 12), srcIp: f.slice(ETH + 12, ETH + 16), dstIp: f.slice(ETH + 16, ETH + 20),
    srcPort: be16(f, u), dstPort: be16(f, u + 2), payload: f.slice(u + 8, u + ulen),
  };
}

function sumWords(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i += 2) s += be16(b, i);
  return s;
}

/** An Ethernet frame carrying `d` from `srcMac`, with the IPv4 and UDP checksums filled in. */
export function buildUdp(srcMac: Uint8Array, d: UdpOut): Uint8Array {
  if (d.payload.length > MAX_UDP_PAYLOAD) throw new Error(`UDP payload of ${d.payload.length} bytes exceeds the MTU`);
  const ulen = 8 + d.payload.length;
  const f = new Uint8Array(Math.max(60, ETH + 20 + ulen));
  f.set(d.dstMac, 0); f.set(srcMac, 6); put16(f, 12, ETHERTYPE_IPV4);
  f[ETH] = 0x45; put16(f, ETH + 2, 20 + ulen); f[ETH + 8] = 64; f[ETH + 9] = IPPROTO_UDP;
  f.set(d.srcIp, ETH + 12); f.set(d.dstIp, ETH + 16);
  put16(f, ETH + 10, internetChecksum(f, ETH, ETH + 20));
  const u = ETH + 20;
  put16(f, u, d.srcPort); put16(f, u + 2, d.dstPort); put16(f, u + 4, ulen);
  f.set(d.payload, u + 8);
  const c = internetChecksum(f, u, u + ulen, sumWords(f, ETH + 12, ETH + 20) + IPPROTO_UDP + ulen);
  put16(f, u + 6, c === 0 ? 0xffff : c);
  return f;
}
