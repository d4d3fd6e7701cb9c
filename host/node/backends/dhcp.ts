// A DHCP server (RFC 2131/2132) for the net peer: one client address on the peer's /24, offered
// to whoever asks (DISCOVER → OFFER, REQUEST → ACK or NAK), with the peer as router and next
// server and a boot file name: `ipxeBootFile` for a client whose user-class (option 77) is
// "iPXE" (the e1000's option ROM), `bootFile` for any other PXE client. Parsing is bounded: the
// fixed header is length-checked, the option walk stops at the datagram's end, a truncated option
// or a missing magic cookie drops the packet.
import type { UdpIn, UdpOut, UdpService } from "./udp.ts";

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const MAGIC = [0x63, 0x82, 0x53, 0x63];
const FIXED = 236; // op..file, then the magic cookie and options
export const DHCP = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;
const OPT = { PAD: 0, SUBNET: 1, ROUTER: 3, REQUESTED_IP: 50, LEASE: 51, MSG_TYPE: 53, SERVER_ID: 54, BOOTFILE: 67, USER_CLASS: 77, END: 255 } as const;
const BROADCAST_MAC = new Uint8Array(6).fill(0xff);
const BROADCAST_IP = new Uint8Array(4).fill(0xff);

export interface DhcpServerOptions {
  serverIp: Uint8Array;
  clientIp: Uint8Array;
  /** The boot file for iPXE clients (user-class "iPXE"): e.g. an iPXE script on the TFTP server. */
  ipxeBootFile?: string;
  /** The boot file for other PXE clients (none: no file offered). */
  bootFile?: string;
}

/** The options of a DHCP message (code → value), or null when the walk runs off the end. */
export function dhcpOptions(p: Uint8Array): Map<number, Uint8Array> | null {
  if (p.length < FIXED + 4 || MAGIC.some((m, i) => p[FIXED + i] !== m)) return null;
  const opts = new Map<number, Uint8Array>();
  let i = FIXED + 4;
  while (i < p.length) {
    const code = p[i]!;
    if (code === OPT.END) return opts;
    if (code === OPT.PAD) { i++; continue; }
    if (i + 1 >= p.length) return null;
    const len = p[i + 1]!;
    if (i + 2 + len > p.length) return null;
    if (!opts.has(code)) opts.set(code, p.slice(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return opts; // no END: tolerated (some clients pad to the datagram's end)
}

/** Whether option 77 names iPXE (RFC 3004 says length-prefixed classes; iPXE sends the bare string). */
function isIpxe(uc: Uint8Array | undefined): boolean {
  if (!uc) return false;
  const s = String.fromCharCode(...uc);
  return s === "iPXE" || s.slice(1) === "iPXE";
}

export class DhcpServer implements UdpService {
  readonly counters = { offers: 0, acks: 0, naks: 0, dropped: 0 };
  /** The user class of the last client that asked (diagnostics: "iPXE" for our option ROM). */
  lastUserClass = "";

  constructor(private readonly o: DhcpServerOptions) {}

  handle(d: UdpIn): UdpOut | null {
    if (d.dstPort !== DHCP_SERVER_PORT) return null;
    const p = d.payload;
    const opts = dhcpOptions(p);
    if (!opts || p[0] !== 1 || p[1] !== 1 || p[2] !== 6) { this.counters.dropped++; return null; }
    const type = opts.get(OPT.MSG_TYPE);
    if (!type || type.length !== 1) { this.counters.dropped++; return null; }
    const uc = opts.get(OPT.USER_CLASS);
    this.lastUserClass = uc ? String.fromCharCode(...uc).replace(/[^\x20-\x7e]/g, "?") : "";
    let reply: number;
    if (type[0] === DHCP.DISCOVER) reply = DHCP.OFFER;
    else if (type[0] === DHCP.REQUEST) {
      const sid = opts.get(OPT.SERVER_ID);
      if (sid && !this.same(sid, this.o.serverIp)) return null; // the client chose another server
      const want = opts.get(OPT.REQUESTED_IP) ?? p.slice(12, 16);
      reply = this.same(want, this.o.clientIp) ? DHCP.ACK : DHCP.NAK;
    } else return null; // DECLINE, RELEASE, INFORM: nothing to answer for a single static lease
    const bootFile = isIpxe(uc) ? this.o.ipxeBootFile : this.o.bootFile;
    const out = this.message(p, reply, reply === DHCP.NAK ? undefined : bootFile);
    if (reply === DHCP.OFFER) this.counters.offers++;
    else if (reply === DHCP.ACK) this.counters.acks++;
    else this.counters.naks++;
    const broadcast = reply === DHCP.NAK || (p[10]! & 0x80) !== 0;
    return {
      dstMac: broadcast ? BROADCAST_MAC : p.slice(28, 34), srcIp: this.o.serverIp,
      dstIp: broadcast ? BROADCAST_IP : this.o.clientIp, srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT, payload: out,
    };
  }

  private same(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  private message(req: Uint8Array, type: number, bootFile: string | undefined): Uint8Array {
    const file = new TextEncoder().encode(bootFile ?? "").subarray(0, 127);
    const m = new Uint8Array(FIXED + 4 + 64 + file.length);
    m[0] = 2; m[1] = 1; m[2] = 6;
    m.set(req.subarray(4, 8), 4);   // xid
    m.set(req.subarray(10, 12), 10); // flags
    if (type !== DHCP.NAK) { m.set(this.o.clientIp, 16); m.set(this.o.serverIp, 20); } // yiaddr, siaddr
    m.set(req.subarray(24, 44), 24); // giaddr, chaddr
    m.set(file, 108);
    m.set(MAGIC, FIXED);
    let i = FIXED + 4;
    const put = (code: number, v: ArrayLike<number>): void => { m[i] = code; m[i + 1] = v.length; m.set(v, i + 2); i += 2 + v.length; };
    put(OPT.MSG_TYPE, [type]);
    put(OPT.SERVER_ID, this.o.serverIp);
    if (type !== DHCP.NAK) {
      put(OPT.LEASE, [0, 1, 0x51, 0x80]); // a day
      put(OPT.SUBNET, [255, 255, 255, 0]);
      put(OPT.ROUTER, this.o.serverIp);
      if (file.length) put(OPT.BOOTFILE, file);
    }
    m[i++] = OPT.END;
    return m.subarray(0, Math.max(i, 300)); // BOOTP's minimum message size
  }
}
