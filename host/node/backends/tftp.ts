// A read-only TFTP server (RFC 1350) with the option extension (RFC 2347) and the blksize
// (RFC 2348) and tsize (RFC 2349) options iPXE asks for, serving named in-memory files to the
// guest through the net peer. Lock-step: one DATA block in flight per transfer, resent when the
// client re-ACKs the previous block (iPXE retransmits on timeout). Bounded: the request's strings
// are parsed within the datagram, at most 16 option pairs, blksize clamped to what fits the MTU,
// at most MAX_TRANSFERS transfers (the oldest is dropped), block numbers wrap at 65536.
import { type UdpIn, type UdpOut, type UdpService, be16, put16, MAX_UDP_PAYLOAD } from "./udp.ts";

export const TFTP_PORT = 69;
const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;
const ERR = { NOT_FOUND: 1, ACCESS: 2, ILLEGAL: 4, UNKNOWN_TID: 5 } as const;
const DEFAULT_BLKSIZE = 512;
const MAX_BLKSIZE = MAX_UDP_PAYLOAD - 4;
const MAX_TRANSFERS = 8;
const MAX_OPTIONS = 16;

/** Looks a file up by the name the client asked for (leading '/' stripped); null: not found. */
export type TftpFiles = (name: string) => Uint8Array | null;

interface Transfer {
  file: Uint8Array;
  blksize: number;
  /** The last block sent (0: the OACK, awaiting ACK 0). */
  block: number;
  clientMac: Uint8Array;
  clientIp: Uint8Array;
  clientPort: number;
  serverPort: number;
  done: boolean;
}

/** The NUL-terminated strings of a TFTP request after its opcode; null when one is unterminated. */
export function tftpStrings(p: Uint8Array, max: number): string[] | null {
  const out: string[] = [];
  let i = 2;
  while (i < p.length && out.length < max) {
    const end = p.indexOf(0, i);
    if (end < 0) return null;
    out.push(String.fromCharCode(...p.subarray(i, Math.min(end, i + 512))));
    i = end + 1;
  }
  return out;
}

export class TftpServer implements UdpService {
  private readonly transfers = new Map<string, Transfer>();
  private nextPort = 49152;
  readonly counters = { requests: 0, notFound: 0, blocks: 0, resent: 0, completed: 0, dropped: 0 };
  readonly served: string[] = [];

  constructor(private readonly serverIp: Uint8Array, private readonly files: TftpFiles) {}

  handle(d: UdpIn): UdpOut | null {
    if (!d.dstIp.every((x, i) => x === this.serverIp[i])) return null;
    if (d.dstPort === TFTP_PORT) return this.request(d);
    const t = this.transfers.get(`${d.srcPort}/${d.dstPort}`);
    if (!t) return null; // not a transfer of ours (any other UDP): silently ignored
    if (d.payload.length < 4) { this.counters.dropped++; return null; }
    const op = be16(d.payload, 0);
    if (op === OP.ERROR) { this.transfers.delete(`${t.clientPort}/${t.serverPort}`); return null; }
    if (op !== OP.ACK) return this.error(d, d.dstPort, ERR.ILLEGAL, "expected an ACK");
    const acked = be16(d.payload, 2);
    if (acked === (t.block & 0xffff)) {
      if (t.done) { this.transfers.delete(`${t.clientPort}/${t.serverPort}`); this.counters.completed++; return null; }
      t.block++;
    } else if (acked === ((t.block - 1) & 0xffff)) {
      this.counters.resent++; // the client missed our last block: send it again
    } else return null; // a stale duplicate
    return this.data(t);
  }

  private request(d: UdpIn): UdpOut | null {
    const p = d.payload;
    if (p.length < 4) { this.counters.dropped++; return null; }
    const op = be16(p, 0);
    if (op === OP.WRQ) return this.error(d, TFTP_PORT, ERR.ACCESS, "read-only server");
    if (op !== OP.RRQ) return this.error(d, TFTP_PORT, ERR.ILLEGAL, "expected a read request");
    const s = tftpStrings(p, 2 + 2 * MAX_OPTIONS);
    if (!s || s.length < 2) return this.error(d, TFTP_PORT, ERR.ILLEGAL, "malformed request");
    const [name, mode] = [s[0]!, s[1]!.toLowerCase()];
    if (mode !== "octet" && mode !== "netascii") return this.error(d, TFTP_PORT, ERR.ILLEGAL, "unsupported mode");
    this.counters.requests++;
    const file = this.files(name.replace(/^\/+/, ""));
    if (!file) { this.counters.notFound++; return this.error(d, TFTP_PORT, ERR.NOT_FOUND, "file not found"); }
    const oack: string[] = [];
    let blksize = DEFAULT_BLKSIZE;
    for (let i = 2; i + 1 < s.length; i += 2) {
      const opt = s[i]!.toLowerCase(), val = s[i + 1]!;
      if (opt === "blksize" && /^\d{1,5}$/.test(val) && Number(val) >= 8) {
        blksize = Math.min(Number(val), MAX_BLKSIZE);
        oack.push("blksize", String(blksize));
      } else if (opt === "tsize" && /^\d{1,10}$/.test(val)) {
        oack.push("tsize", String(file.length));
      } // anything else is left out of the OACK (RFC 2347: the client then does without)
    }
    const serverPort = this.allocPort();
    if (this.transfers.size >= MAX_TRANSFERS) this.transfers.delete(this.transfers.keys().next().value!);
    const t: Transfer = { file, blksize, block: oack.length ? 0 : 1, clientMac: d.srcMac, clientIp: d.srcIp, clientPort: d.srcPort, serverPort, done: false };
    this.transfers.set(`${t.clientPort}/${t.serverPort}`, t);
    this.served.push(name);
    if (!oack.length) return this.data(t);
    const body = new TextEncoder().encode(oack.join("\0") + "\0");
    const out = new Uint8Array(2 + body.length);
    put16(out, 0, OP.OACK);
    out.set(body, 2);
    return this.to(t, out);
  }

  private allocPort(): number {
    const p = this.nextPort;
    this.nextPort = this.nextPort >= 65535 ? 49152 : this.nextPort + 1;
    return p;
  }

  private data(t: Transfer): UdpOut {
    const start = (t.block - 1) * t.blksize;
    const chunk = t.file.subarray(Math.min(start, t.file.length), Math.min(start + t.blksize, t.file.length));
    t.done = chunk.length < t.blksize;
    const out = new Uint8Array(4 + chunk.length);
    put16(out, 0, OP.DATA);
    put16(out, 2, t.block & 0xffff);
    out.set(chunk, 4);
    this.counters.blocks++;
    return this.to(t, out);
  }

  private to(t: Transfer, payload: Uint8Array): UdpOut {
    return { dstMac: t.clientMac, srcIp: this.serverIp, dstIp: t.clientIp, srcPort: t.serverPort, dstPort: t.clientPort, payload };
  }

  private error(d: UdpIn, from: number, code: number, msg: string): UdpOut {
    const m = new TextEncoder().encode(msg);
    const out = new Uint8Array(5 + m.length);
    put16(out, 0, OP.ERROR);
    put16(out, 2, code);
    out.set(m, 4);
    return { dstMac: d.srcMac, srcIp: this.serverIp, dstIp: d.srcIp, srcPort: from, dstPort: d.srcPort, payload: out };
  }
}
