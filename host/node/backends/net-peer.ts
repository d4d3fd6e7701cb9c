// An in-memory network peer implementing NetBackend: one host on the other end of the cable with
// its own MAC and IPv4 address. It answers ARP requests for its address and ICMP echo requests
// to it (recomputing the IPv4 header and ICMP checksums), records every frame in both directions,
// and can inject arbitrary frames. Replies are delivered through `schedule` (asynchronously, as
// a wire would): tests pass the runtime's `defer`, so a reply never re-enters the device inside
// the net_send that caused it. UDP services (udp.ts: the DHCP and TFTP servers of dhcp.ts and
// tftp.ts, for network boot) answer datagrams. Used by the e1000 tests and the development host.
import type { NetBackend } from "../backends.ts";
import { parseUdp, buildUdp, type UdpService } from "./udp.ts";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;

export interface NetPeerOptions {
  /** The peer's MAC address, "aa:bb:cc:dd:ee:ff" (default 52:55:0a:00:02:02). */
  mac?: string;
  /** The peer's IPv4 address, dotted quad (default 10.0.2.2). */
  ip?: string;
  /** How replies reach the device later (default: queued until flush()). */
  schedule?: (deliver: () => void) => void;
  /** UDP services (DHCP, TFTP) asked in order; the first answer is sent. */
  services?: UdpService[];
}

export function parseMac(s: string): Uint8Array {
  const parts = s.split(":");
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`bad MAC address '${s}'`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`bad IPv4 address '${s}'`);
  return Uint8Array.from(parts.map(Number));
}

/** The Internet checksum (RFC 1071) of bytes [start, end): the complement of the ones'-complement sum. */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const put16 = (b: Uint8Array, o: number, v: number): void => { b[o] = (v >>> 8) & 0xff; b[o + 1] = v & 0xff; };
const same = (a: Uint8Array, ao: number, b: Uint8Array): boolean => b.every((x, i) => a[ao + i] === x);

export class NetPeer implements NetBackend {
  readonly mac: Uint8Array;
  readonly ip: Uint8Array;
  onReceive?: (frame: Uint8Array) => void;
  /** Frames the device transmitted, in order. */
  readonly fromDevice: Uint8Array[] = [];
  /** Frames the peer sent toward the device (replies and injected ones), in order. */
  readonly toDevice: Uint8Array[] = [];
  readonly counters = { arpReplies: 0, echoReplies: 0, ignored: 0 };
  schedule: (deliver: () => void) => void;
  readonly services: UdpService[];
  private readonly pending: Array<() => void> = [];

  constructor(opts: NetPeerOptions = {}) {
    this.mac = parseMac(opts.mac ?? "52:55:0a:00:02:02");
    this.ip = parseIpv4(opts.ip ?? "10.0.2.2");
    this.schedule = opts.schedule ?? ((fn) => { this.pending.push(fn); });
    this.services = opts.services ?? [];
  }

  /** NetBackend: a frame from the device. */
  send(frame: Uint8Array): void {
    const f = frame.slice();
    this.fromDevice.push(f);
    const reply = this.answer(f);
    if (reply) this.inject(reply);
    else this.counters.ignored++;
  }

  /** Sends a frame toward the device (through `schedule`). */
  inject(frame: Uint8Array): void {
    const f = frame.slice();
    this.toDevice.push(f);
    this.schedule(() => this.onReceive?.(f));
  }

  /** Delivers replies queued by the default scheduler. */
  flush(): void {
    for (let n = 0; this.pending.length && n < 10000; n++) this.pending.shift()!();
  }

  private answer(f: Uint8Array): Uint8Array | null {
    if (f.length < 14) return null;
    const type = be16(f, 12);
    if (type === ETHERTYPE_ARP) return this.answerArp(f);
    if (type === ETHERTYPE_IPV4) return this.answerUdp(f) ?? this.answerIpv4(f);
    return null;
  }

  private answerUdp(f: Uint8Array): Uint8Array | null {
    if (!this.services.length) return null;
    const d = parseUdp(f);
    if (!d) return null;
    for (const s of this.services) {
      const r = s.handle(d);
      if (r) return buildUdp(this.mac, r);
    }
    return null;
  }

  // ARP request (htype 1 Ethernet, ptype IPv4, hlen 6, plen 4, op 1) for our IP → reply (op 2),
  // zero-padded to 64 bytes as QEMU's user-mode network (libslirp) sends it, so differential
  // tests against QEMU see the same frame.
  private answerArp(f: Uint8Array): Uint8Array | null {
    if (f.length < 42 || be16(f, 14) !== 1 || be16(f, 16) !== ETHERTYPE_IPV4 || f[18] !== 6 || f[19] !== 4 || be16(f, 20) !== 1) return null;
    if (!same(f, 38, this.ip)) return null;
    const r = new Uint8Array(64);
    r.set(f.subarray(6, 12), 0); // to the requester
    r.set(this.mac, 6);
    put16(r, 12, ETHERTYPE_ARP);
    put16(r, 14, 1); put16(r, 16, ETHERTYPE_IPV4); r[18] = 6; r[19] = 4; put16(r, 20, 2);
    r.set(this.mac, 22); r.set(this.ip, 28); // sender: us
    r.set(f.subarray(22, 28), 32); r.set(f.subarray(28, 32), 38); // target: the requester
    this.counters.arpReplies++;
    return r;
  }

  // ICMP echo request to our IP (and our MAC) with valid checksums → echo reply.
  private answerIpv4(f: Uint8Array): Uint8Array | null {
    if (!same(f, 0, this.mac) || f.length < 34) return null;
    const ihl = (f[14]! & 0xf) * 4;
    const total = be16(f, 16);
    if (f[14]! >> 4 !== 4 || ihl < 20 || total < ihl + 8 || 14 + total > f.length) return null;
    if (f[23] !== IPPROTO_ICMP || !same(f, 30, this.ip) || (be16(f, 20) & 0x3fff) !== 0) return null;
    if (internetChecksum(f, 14, 14 + ihl) !== 0) return null;
    const icmp = 14 + ihl;
    if (f[icmp] !== 8 || internetChecksum(f, icmp, 14 + total) !== 0) return null;
    const r = f.slice(0, 14 + total);
    r.set(f.subarray(6, 12), 0);
    r.set(this.mac, 6);
    r.set(f.subarray(30, 34), 14 + 12); // source: us
    r.set(f.subarray(26, 30), 14 + 16); // destination: the requester
    r[14 + 8] = 64; // TTL
    put16(r, 14 + 10, 0);
    put16(r, 14 + 10, internetChecksum(r, 14, 14 + ihl));
    r[icmp] = 0; // echo reply
    put16(r, icmp + 2, 0);
    put16(r, icmp + 2, internetChecksum(r, icmp, 14 + total));
    this.counters.echoReplies++;
    return r;
  }
}
