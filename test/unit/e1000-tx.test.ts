// e1000 transmit: legacy descriptors (single and multi-buffer frames, CSO/CSS checksum), context +
// data descriptors with IP/TCP/UDP checksum offload (verified by recomputing every sum here), TCP
// segmentation (each segment's lengths, IP id, sequence number, flags and checksums), the two
// offload contexts, VLAN insertion, padding, DD write-back honouring RS, TXDW/TXQE, statistics.
import { strict as assert } from "node:assert";
import {
  nic, noFailures, setupTx, txd, contextDesc, R, MAC, PEER_MAC, BCAST, TX_RING, TX_DATA, IRQ,
  EOP, IFCS, IC, TSE, RS, DEXT, VLE, DTYP_D, TUCMD_TCP, TUCMD_IP, POPTS_IXSM, POPTS_TXSM,
  ICR_TXDW, ICR_TXQE, TCTL_EN, ether, ipv4, tcpSegment, udpDatagram, pattern, sum16, foldSum,
  sumsToOnes, pseudo, be16, be32, put16, type Nic,
} from "./e1000-harness.test.ts";

function placeData(n: Nic, off: number, bytes: Uint8Array): number {
  n.g.poke(TX_DATA + off, bytes);
  return TX_DATA + off;
}

describe("e1000: TX legacy descriptors", () => {
  it("sends a single-descriptor frame, writes DD back and raises TXDW and TXQE", () => {
    const n = nic();
    setupTx(n);
    n.w(R.IMS, ICR_TXDW);
    const f = ether(PEER_MAC, MAC, 0x88b5, pattern(100));
    txd(n, 0, placeData(n, 0, f), f.length | EOP | IFCS | RS);
    n.w(R.TDT, 1);
    assert.equal(n.peer.fromDevice.length, 1);
    assert.deepEqual(n.peer.fromDevice[0], f);
    assert.equal(n.r(R.TDH), 1);
    assert.equal(n.g.peek(TX_RING + 12, 1)[0]! & 1, 1, "DD");
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(R.ICR), ICR_TXDW | ICR_TXQE);
    assert.equal(n.g.irq(IRQ), false);
    noFailures(n);
  });

  it("gathers a frame from three descriptors; DD only where RS is set", () => {
    const n = nic();
    setupTx(n);
    const f = ether(PEER_MAC, MAC, 0x88b5, pattern(1000, 3));
    txd(n, 0, placeData(n, 0, f.subarray(0, 14)), 14);
    txd(n, 1, placeData(n, 0x1000, f.subarray(14, 500)), 486);
    txd(n, 2, placeData(n, 0x2000, f.subarray(500)), (f.length - 500) | EOP | IFCS | RS);
    n.w(R.TDT, 3);
    assert.equal(n.peer.fromDevice.length, 1);
    assert.deepEqual(n.peer.fromDevice[0], f);
    assert.deepEqual([0, 1, 2].map((i) => n.g.peek(TX_RING + 16 * i + 12, 1)[0]! & 1), [0, 0, 1]);
    assert.equal(n.r(R.GPTC), 1);
    assert.equal(n.r(R.GPTC), 0, "statistics clear on read");
    noFailures(n);
  });

  it("wraps around the ring and sends frames in order", () => {
    const n = nic();
    setupTx(n, 8);
    n.w(R.TDH, 6); n.w(R.TDT, 6);
    const frames = [0, 1, 2, 3].map((k) => ether(PEER_MAC, MAC, 0x88b5, pattern(60 + k, k)));
    frames.forEach((f, k) => txd(n, (6 + k) % 8, placeData(n, 0x1000 * k, f), f.length | EOP | RS));
    n.w(R.TDT, 2);
    assert.equal(n.r(R.TDH), 2);
    assert.deepEqual(n.peer.fromDevice, frames);
    noFailures(n);
  });

  it("pads short frames to 60 bytes when TCTL.PSP, not otherwise", () => {
    const n = nic();
    setupTx(n);
    const f = ether(BCAST, MAC, 0x0806, pattern(28));
    txd(n, 0, placeData(n, 0, f), f.length | EOP);
    n.w(R.TDT, 1);
    assert.equal(n.peer.fromDevice[0]!.length, 60);
    assert.deepEqual(n.peer.fromDevice[0]!.subarray(0, 42), f);
    assert.ok(n.peer.fromDevice[0]!.subarray(42).every((x) => x === 0));
    n.w(R.TCTL, TCTL_EN);
    txd(n, 1, placeData(n, 0, f), f.length | EOP);
    n.w(R.TDT, 2);
    assert.equal(n.peer.fromDevice[1]!.length, 42);
    assert.equal(n.r(R.BPTC), 2, "broadcast frames counted");
    noFailures(n);
  });

  it("inserts a legacy checksum (IC, CSS, CSO) over CSS..end", () => {
    const n = nic();
    setupTx(n);
    const udp = udpDatagram(pattern(33));
    const ip = ipv4(17, udp);
    const f = ether(PEER_MAC, MAC, 0x0800, ip);
    const css = 14 + 20, cso = css + 6;
    put16(f, cso, foldSum(pseudo(f, 14, 17, udp.length))); // pseudo-header seed, as a driver would
    txd(n, 0, placeData(n, 0, f), f.length | EOP | IC | (cso << 16), css << 8);
    n.w(R.TDT, 1);
    const out = n.peer.fromDevice[0]!;
    assert.ok(sumsToOnes(out, css, out.length, pseudo(out, 14, 17, udp.length)), "UDP checksum verifies");
    noFailures(n);
  });
});

describe("e1000: TX checksum offload (context + data descriptors)", () => {
  it("fills the IPv4 header and TCP checksums (POPTS IXSM|TXSM)", () => {
    const n = nic();
    setupTx(n);
    const tcp = tcpSegment(pattern(301, 5));
    const ip = ipv4(6, tcp, { check: false });
    const f = ether(PEER_MAC, MAC, 0x0800, ip);
    put16(f, 14 + 20 + 16, foldSum(pseudo(f, 14, 6, tcp.length))); // Linux's CHECKSUM_PARTIAL seed
    contextDesc(n, 0, { ipcss: 14, ipcso: 24, ipcse: 33, tucss: 34, tucso: 50, tucse: 0, tucmd: TUCMD_TCP | TUCMD_IP });
    txd(n, 1, placeData(n, 0, f.subarray(0, 54)), 54 | DEXT | DTYP_D, POPTS_IXSM | POPTS_TXSM);
    txd(n, 2, placeData(n, 0x1000, f.subarray(54)), (f.length - 54) | DEXT | DTYP_D | EOP | RS);
    n.w(R.TDT, 3);
    const out = n.peer.fromDevice[0]!;
    assert.equal(out.length, f.length);
    assert.ok(sumsToOnes(out, 14, 34), "IP header checksum");
    assert.notEqual(be16(out, 24), 0);
    assert.ok(sumsToOnes(out, 34, out.length, pseudo(out, 14, 6, tcp.length)), "TCP checksum with the pseudo-header");
    assert.deepEqual(out.subarray(54), f.subarray(54), "payload untouched");
    noFailures(n);
  });

  it("fills a UDP checksum only (TXSM) and leaves the IP header alone", () => {
    const n = nic();
    setupTx(n);
    const udp = udpDatagram(pattern(77, 9));
    const f = ether(PEER_MAC, MAC, 0x0800, ipv4(17, udp));
    put16(f, 40, foldSum(pseudo(f, 14, 17, udp.length)));
    const ipBefore = f.slice(14, 34);
    contextDesc(n, 0, { ipcss: 14, ipcso: 24, ipcse: 33, tucss: 34, tucso: 40, tucse: 0, tucmd: TUCMD_IP });
    txd(n, 1, placeData(n, 0, f), f.length | DEXT | DTYP_D | EOP, POPTS_TXSM);
    n.w(R.TDT, 2);
    const out = n.peer.fromDevice[0]!;
    assert.deepEqual(out.subarray(14, 34), ipBefore);
    assert.ok(sumsToOnes(out, 34, out.length, pseudo(out, 14, 17, udp.length)));
    noFailures(n);
  });

  it("keeps the TSO and the checksum contexts apart", () => {
    const n = nic();
    setupTx(n, 16);
    const udp = udpDatagram(pattern(40));
    const f = ether(PEER_MAC, MAC, 0x0800, ipv4(17, udp, { check: false }));
    contextDesc(n, 0, { ipcss: 14, ipcso: 24, ipcse: 33, tucss: 34, tucso: 40, tucse: 0, tucmd: TUCMD_IP });
    // a TSO context with nonsense offsets must not disturb the checksum context
    contextDesc(n, 1, { ipcss: 0, ipcso: 2, ipcse: 5, tucss: 1, tucso: 3, tucse: 9, tse: true, hdrlen: 54, mss: 100, paylen: 1000, tucmd: TUCMD_TCP });
    txd(n, 2, placeData(n, 0, f), f.length | DEXT | DTYP_D | EOP, POPTS_IXSM);
    n.w(R.TDT, 3);
    const out = n.peer.fromDevice[0]!;
    assert.ok(sumsToOnes(out, 14, 34), "IP checksum at the checksum context's offsets");
    assert.equal(n.r(R.TSCTC), 1, "one TSO context counted");
    noFailures(n);
  });
});

describe("e1000: TCP segmentation offload", () => {
  function tso(n: Nic, payloadLen: number, mss: number, opts: { flags?: number; descSplit?: number[] } = {}) {
    setupTx(n, 32);
    const payload = pattern(payloadLen, 11);
    const tcp = tcpSegment(payload, { seq: 0xfffff000, flags: opts.flags ?? 0x19 /* FIN|PSH|ACK */ });
    const ip = ipv4(6, tcp, { id: 0x7ffe, check: false });
    put16(ip, 2, 0); // Linux's e1000_tso: tot_len = 0, check = 0
    const f = ether(PEER_MAC, MAC, 0x0800, ip);
    // seed: pseudo-header sum without the length
    put16(f, 50, foldSum(sum16(f, 26, 34) + 6));
    const hdr = 54;
    contextDesc(n, 0, { ipcss: 14, ipcso: 24, ipcse: 33, tucss: 34, tucso: 50, tucse: 0, tse: true, hdrlen: hdr, mss, paylen: payloadLen, tucmd: TUCMD_TCP | TUCMD_IP });
    const cuts = [0, hdr, ...(opts.descSplit ?? []), f.length];
    let i = 1;
    for (let k = 0; k + 1 < cuts.length; k++, i++) {
      const last = k + 2 === cuts.length;
      txd(n, i, placeData(n, 0x4000 * k, f.subarray(cuts[k], cuts[k + 1])), (cuts[k + 1]! - cuts[k]!) | DEXT | DTYP_D | TSE | (last ? EOP | RS : 0), k === 0 ? POPTS_IXSM | POPTS_TXSM : 0);
    }
    n.w(R.TDT, i);
    return { f, payload, hdr };
  }

  function checkSegments(n: Nic, payload: Uint8Array, mss: number, flags: number) {
    const segs = n.peer.fromDevice;
    assert.equal(segs.length, Math.ceil(payload.length / mss));
    let off = 0;
    segs.forEach((s, k) => {
      const last = k === segs.length - 1;
      const len = last ? payload.length - off : mss;
      assert.equal(s.length, 54 + len, `segment ${k} length`);
      assert.equal(be16(s, 16), 40 + len, "IP total length");
      assert.equal(be16(s, 18), (0x7ffe + k) & 0xffff, "IP id increments per segment");
      assert.ok(sumsToOnes(s, 14, 34), `segment ${k} IP checksum`);
      assert.equal(be32(s, 38), (0xfffff000 + off) >>> 0, "sequence number advances by the payload sent");
      assert.equal(s[47], last ? flags : flags & ~0x09, last ? "FIN/PSH kept on the last" : "FIN/PSH cleared");
      assert.ok(sumsToOnes(s, 34, s.length, pseudo(s, 14, 6, 20 + len)), `segment ${k} TCP checksum`);
      assert.deepEqual(s.subarray(54), payload.subarray(off, off + len), "payload");
      off += len;
    });
    assert.equal(off, payload.length);
  }

  it("cuts 4000 bytes into MSS 1448 segments with correct headers and checksums", () => {
    const n = nic();
    const { payload } = tso(n, 4000, 1448);
    checkSegments(n, payload, 1448, 0x19);
    assert.equal(n.r(R.GPTC), 3);
    assert.equal(n.r(R.TSCTC), 1);
    noFailures(n);
  });

  it("handles payload split over several descriptors and an exact multiple of MSS", () => {
    const n = nic();
    const { payload } = tso(n, 3000, 1000, { descSplit: [54 + 123, 54 + 1500, 54 + 2999] });
    checkSegments(n, payload, 1000, 0x19);
    noFailures(n);
  });

  it("segments TCP over IPv6: payload length per segment, pseudo-header checksums", () => {
    const n = nic();
    setupTx(n, 16);
    const payload = pattern(2500, 4);
    const tcp = tcpSegment(payload, { seq: 5000, flags: 0x18 });
    const ip6 = new Uint8Array(40);
    ip6[0] = 0x60; ip6[6] = 6; ip6[7] = 64;
    for (let i = 0; i < 16; i++) { ip6[8 + i] = 0x20 + i; ip6[24 + i] = 0x40 + i; }
    const f = ether(PEER_MAC, MAC, 0x86dd, new Uint8Array([...ip6, ...tcp]));
    put16(f, 14 + 40 + 16, foldSum(sum16(f, 22, 54) + 6)); // seed: addresses + next header, no length
    const hdr = 14 + 40 + 20;
    contextDesc(n, 0, { ipcss: 14, ipcso: 0, ipcse: 0, tucss: 54, tucso: 70, tucse: 0, tse: true, hdrlen: hdr, mss: 1000, paylen: payload.length, tucmd: TUCMD_TCP });
    txd(n, 1, placeData(n, 0, f), f.length | DEXT | DTYP_D | TSE | EOP | RS, POPTS_TXSM);
    n.w(R.TDT, 2);
    const segs = n.peer.fromDevice;
    assert.equal(segs.length, 3);
    let off = 0;
    segs.forEach((sg, k) => {
      const len = Math.min(1000, payload.length - off);
      assert.equal(be16(sg, 18), 20 + len, "IPv6 payload length");
      assert.equal(be32(sg, 58), 5000 + off);
      assert.equal(sg[67], k === 2 ? 0x18 : 0x10, "PSH only on the last");
      assert.ok(sumsToOnes(sg, 54, sg.length, sum16(sg, 22, 54) + 6 + 20 + len), `segment ${k} TCP checksum (IPv6 pseudo-header)`);
      assert.deepEqual(sg.subarray(hdr), payload.subarray(off, off + len));
      off += len;
    });
    noFailures(n);
  });

  it("a TSO context with MSS 0 drops the packet and counts TSCTFC", () => {
    const n = nic();
    setupTx(n);
    contextDesc(n, 0, { ipcss: 14, ipcso: 24, ipcse: 33, tucss: 34, tucso: 50, tucse: 0, tse: true, hdrlen: 54, mss: 0, paylen: 100, tucmd: TUCMD_TCP | TUCMD_IP });
    txd(n, 1, placeData(n, 0, pattern(154)), 154 | DEXT | DTYP_D | TSE | EOP | RS, POPTS_TXSM);
    n.w(R.TDT, 2);
    assert.equal(n.peer.fromDevice.length, 0);
    assert.equal(n.r(R.TSCTFC), 1);
    assert.equal(n.r(R.TDH), 2, "the ring still advances");
    noFailures(n);
  });
});

describe("e1000: TX VLAN insertion and statistics", () => {
  it("inserts the 802.1Q tag from VET and the descriptor's special field when CTRL.VME and VLE", () => {
    const n = nic();
    setupTx(n);
    n.w(R.CTRL, n.r(R.CTRL) | 0x40000000);
    const f = ether(PEER_MAC, MAC, 0x0800, pattern(80));
    txd(n, 0, placeData(n, 0, f), f.length | EOP | VLE, 0x0123 << 16);
    n.w(R.TDT, 1);
    const out = n.peer.fromDevice[0]!;
    assert.equal(out.length, f.length + 4);
    assert.equal(be16(out, 12), 0x8100);
    assert.equal(be16(out, 14), 0x0123);
    assert.deepEqual(out.subarray(16), f.subarray(12));
    noFailures(n);
  });

  it("measures transmit cost: 2000 full-size frames through a 256-descriptor ring", () => {
    const n = nic();
    setupTx(n, 256);
    const f = ether(PEER_MAC, MAC, 0x88b5, pattern(1500));
    n.g.poke(TX_DATA, f);
    for (let i = 0; i < 256; i++) txd(n, i, TX_DATA, f.length | EOP | RS);
    const t = process.hrtime.bigint();
    for (let k = 1; k <= 2000; k++) n.w(R.TDT, k % 256);
    const ns = Number(process.hrtime.bigint() - t);
    assert.equal(n.peer.fromDevice.length, 2000);
    console.log(`      (${(ns / 2000 / 1000).toFixed(1)} us per 1514-byte frame incl. the TDT ioreq: ${(2000 * 1514 * 8 / ns).toFixed(2)} Gbit/s)`);
    noFailures(n);
  });

  it("counts good octets in a 64-bit pair cleared by reading the high half", () => {
    const n = nic();
    setupTx(n);
    const f = ether(PEER_MAC, MAC, 0x88b5, pattern(96));
    txd(n, 0, placeData(n, 0, f), f.length | EOP);
    txd(n, 1, placeData(n, 0, f), f.length | EOP);
    n.w(R.TDT, 2);
    assert.equal(n.r(R.GOTCL), 2 * (f.length + 4), "octets include the FCS");
    assert.equal(n.r(R.GOTCL), 2 * (f.length + 4), "reading the low half does not clear");
    assert.equal(n.r(R.GOTCH), 0);
    assert.equal(n.r(R.GOTCL), 0, "reading the high half cleared both");
    assert.equal(n.r(R.TPT), 2);
    assert.equal(n.r(R.PTC64 + 4), 2, "65-127 byte bucket (114 bytes with FCS)");
    noFailures(n);
  });
});
