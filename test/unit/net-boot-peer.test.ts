// The net peer's network-boot services (host/node/backends/dhcp.ts, tftp.ts, udp.ts): DHCP
// DISCOVER/REQUEST from an iPXE client answered with the lease and boot file, a TFTP read with
// blksize/tsize options transferred in lock-step with a resend, and hostile packets (truncated
// headers, lying lengths, option walks off the end, unterminated strings, unknown transfers)
// dropped without an exception or a reply.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { NetPeer, parseIpv4, parseMac } from "../../host/node/backends/net-peer.ts";
import { DhcpServer, dhcpOptions } from "../../host/node/backends/dhcp.ts";
import { TftpServer } from "../../host/node/backends/tftp.ts";
import { buildUdp, parseUdp, type UdpIn } from "../../host/node/backends/udp.ts";

const CLIENT_MAC = parseMac("52:54:00:12:34:56");
const SERVER = parseIpv4("10.0.2.2"), CLIENT = parseIpv4("10.0.2.15");
const FILE = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff);

function peer(): { p: NetPeer; dhcp: DhcpServer; tftp: TftpServer; out: Uint8Array[] } {
  const dhcp = new DhcpServer({ serverIp: SERVER, clientIp: CLIENT, ipxeBootFile: "boot.ipxe" });
  const tftp = new TftpServer(SERVER, (n) => (n === "f.bin" ? FILE : null));
  const out: Uint8Array[] = [];
  const p = new NetPeer({ services: [dhcp, tftp], schedule: (fn) => fn() });
  p.onReceive = (f) => out.push(f);
  return { p, dhcp, tftp, out };
}

function udpFrame(srcIp: Uint8Array, dstIp: Uint8Array, srcPort: number, dstPort: number, payload: Uint8Array, dstMac = new Uint8Array(6).fill(0xff)): Uint8Array {
  const f = buildUdp(CLIENT_MAC, { dstMac, srcIp, dstIp, srcPort, dstPort, payload });
  return f;
}

function dhcpMsg(type: number, opts: number[] = []): Uint8Array {
  const m = new Uint8Array(300);
  m[0] = 1; m[1] = 1; m[2] = 6; m.set([1, 2, 3, 4], 4); m.set(CLIENT_MAC, 28);
  m.set([0x63, 0x82, 0x53, 0x63], 236);
  const o = [53, 1, type, 77, 4, ...Array.from("iPXE", (c) => c.charCodeAt(0)), ...opts, 255];
  m.set(o, 240);
  return m;
}

const reply = (f: Uint8Array): UdpIn => { const d = parseUdp(f); assert.ok(d, "a UDP reply"); return d; };

function rrq(name: string, opts: string[] = []): Uint8Array {
  const s = [name, "octet", ...opts].join("\0") + "\0";
  return Uint8Array.from([0, 1, ...Array.from(s, (c) => c.charCodeAt(0))]);
}
const ack = (block: number): Uint8Array => Uint8Array.from([0, 4, block >> 8, block & 0xff]);

describe("net peer: DHCP and TFTP for network boot", () => {
  it("DHCP: DISCOVER → OFFER and REQUEST → ACK with the address, server, router and iPXE's boot file", () => {
    const { p, dhcp, out } = peer();
    p.send(udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, dhcpMsg(1)));
    const offer = reply(out.pop()!);
    assert.deepEqual([...offer.payload.subarray(16, 24)], [...CLIENT, ...SERVER]);
    const o = dhcpOptions(offer.payload)!;
    assert.deepEqual([...o.get(53)!], [2]);
    assert.equal(new TextDecoder().decode(o.get(67)), "boot.ipxe");
    p.send(udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, dhcpMsg(3, [50, 4, ...CLIENT, 54, 4, ...SERVER])));
    const a = reply(out.pop()!);
    assert.deepEqual([...dhcpOptions(a.payload)!.get(53)!], [5]);
    assert.deepEqual([...a.dstMac], [...CLIENT_MAC]);
    p.send(udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, dhcpMsg(3, [50, 4, 10, 0, 2, 99])));
    assert.deepEqual([...dhcpOptions(reply(out.pop()!).payload)!.get(53)!], [6], "another address: NAK");
    assert.equal(dhcp.lastUserClass, "iPXE");
    assert.deepEqual(dhcp.counters, { offers: 1, acks: 1, naks: 1, dropped: 0 });
  });

  it("TFTP: RRQ with blksize/tsize → OACK, lock-step DATA, a resend on a repeated ACK, the short last block", () => {
    const { p, tftp, out } = peer();
    p.send(udpFrame(CLIENT, SERVER, 1234, 69, rrq("/f.bin", ["blksize", "1432", "tsize", "0", "bogus", "1"])));
    const oack = reply(out.pop()!);
    assert.equal(new TextDecoder().decode(oack.payload.subarray(2)), "blksize\x001432\0tsize\x003000\0");
    const port = oack.srcPort;
    const got: number[] = [];
    let block = 0;
    for (;;) {
      p.send(udpFrame(CLIENT, SERVER, 1234, port, ack(block)));
      const d = out.pop();
      if (!d) break;
      const u = reply(d);
      assert.equal((u.payload[2]! << 8) | u.payload[3]!, block + 1);
      if (block === 1) { p.send(udpFrame(CLIENT, SERVER, 1234, port, ack(1))); assert.deepEqual(reply(out.pop()!).payload, u.payload, "resent"); }
      got.push(...u.payload.subarray(4));
      block++;
    }
    assert.deepEqual(Uint8Array.from(got), FILE);
    assert.equal(tftp.counters.completed, 1);
    p.send(udpFrame(CLIENT, SERVER, 1234, 69, rrq("missing")));
    const err = reply(out.pop()!);
    assert.deepEqual([...err.payload.subarray(0, 4)], [0, 5, 0, 1], "file not found");
    p.send(udpFrame(CLIENT, SERVER, 1234, 69, rrq("f.bin")));
    assert.equal(reply(out.pop()!).payload.length, 4 + 512, "no options: DATA 1 of 512 bytes");
  });

  it("hostile packets: truncations, lying lengths, bad option walks, unterminated strings — dropped, no exception", () => {
    const { p, out } = peer();
    const good = udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, dhcpMsg(1));
    for (let n = 0; n < good.length; n += 7) p.send(good.subarray(0, n)); // every truncation
    const lying = good.slice(); lying[16] = 0xff; lying[17] = 0xff; // IPv4 total length past the frame
    p.send(lying);
    const walk = dhcpMsg(1); walk.fill(0, 240); walk[240] = 53; walk[241] = 200; // option runs off the end
    p.send(udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, walk));
    const nocookie = dhcpMsg(1); nocookie[236] = 0;
    p.send(udpFrame(new Uint8Array(4), new Uint8Array(4).fill(255), 68, 67, nocookie));
    p.send(udpFrame(CLIENT, SERVER, 1234, 69, Uint8Array.from([0, 1, 0x41, 0x42]))); // unterminated name
    p.send(udpFrame(CLIENT, SERVER, 1234, 49999, ack(3))); // no such transfer
    const errs = out.map(reply).filter((u) => u.payload[1] === 5).length;
    assert.equal(out.length, errs, "only TFTP ERRORs (the malformed RRQ) answered");
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1600 }), fc.integer({ min: 0, max: 3 }), (junk, kind) => {
      const ports = [[68, 67], [1234, 69], [1234, 49152], [9, 9]][kind]!;
      p.send(udpFrame(CLIENT, SERVER, ports[0]!, ports[1]!, junk.subarray(0, 1400)));
      const raw = junk.slice(); if (raw.length >= 14) raw.set([0x08, 0x00], 12); p.send(raw);
    }), { numRuns: 2000 });
  });
});
