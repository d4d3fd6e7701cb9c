// e1000 receive: descriptor write-back (length, status, errors), FCS handling (SECRC), ring wrap
// and overrun (RXO, MPC), buffer sizes incl. BSEX, every address filter (exact RA entries,
// multicast hash with each MO, broadcast, promiscuous, VLAN filter), size limits (runt, LPE),
// receive checksum status, VLAN stripping, RXDMT0, readiness conditions and MAC loopback.
import { strict as assert } from "node:assert";
import {
  nic, noFailures, setupRx, setupTx, txd, rxd, receive, R, MAC, PEER_MAC, BCAST, RX_BUFS, TX_DATA, IRQ,
  RCTL_EN, RCTL_UPE, RCTL_MPE, RCTL_LPE, RCTL_BAM, RCTL_VFE, RCTL_BSEX, RCTL_SECRC, ICR_RXT0, ICR_RXO,
  ICR_RXDMT0, EOP, sum16, ether, ipv4, tcpSegment, pattern, crc32, put16, pseudo, foldSum, csum, type Nic,
} from "./e1000-harness.test.ts";

const DD = 0x01, STAT_EOP = 0x02, IXSM = 0x04, VP = 0x08, TCPCS = 0x20, IPCS = 0x40;
const TCPE = 0x20, IPE = 0x40;

const toUs = (len: number, seed = 1) => ether(MAC, PEER_MAC, 0x88b5, pattern(len - 14, seed));
const accepted = (n: Nic, before: number) => n.r(R.RDH) !== before;

describe("e1000: RX descriptors", () => {
  it("writes a frame to the buffer and the descriptor back with length, DD, EOP; RXT0", () => {
    const n = nic();
    setupRx(n);
    n.w(0xd0, ICR_RXT0);
    const f = toUs(200);
    receive(n, f);
    const d = rxd(n, 0);
    assert.equal(d.length, 200);
    assert.equal(d.status, DD | STAT_EOP | IXSM);
    assert.equal(d.errors, 0);
    assert.equal(d.csum, foldSum(sum16(f, 0, 200)), "packet checksum from RXCSUM.PCSS (0) to the end");
    assert.deepEqual(n.g.peek(RX_BUFS, 200), f);
    assert.equal(n.r(R.RDH), 1);
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(0xc0) & ICR_RXT0, ICR_RXT0);
    assert.equal(n.r(R.GPRC), 1);
    assert.equal(n.r(R.GORCL), 204);
    noFailures(n);
  });

  it("appends the FCS (CRC-32) unless RCTL.SECRC; pads short frames to 60 bytes", () => {
    const n = nic();
    setupRx(n, 8, RCTL_EN | RCTL_BAM);
    const arp = ether(BCAST, PEER_MAC, 0x0806, pattern(28));
    receive(n, arp);
    const d = rxd(n, 0);
    assert.equal(d.length, 64, "60 bytes padded + 4 FCS");
    const got = n.g.peek(RX_BUFS, 64);
    const padded = new Uint8Array(60); padded.set(arp);
    assert.deepEqual(got.subarray(0, 60), padded);
    const fcs = new DataView(got.buffer).getUint32(60, true);
    assert.equal(fcs, crc32(padded));
    noFailures(n);
  });

  it("wraps around the ring, reports overrun (RXO, MPC, RNBC) when full and resumes after RDT moves", () => {
    const n = nic();
    setupRx(n, 8);
    n.w(0xd0, ICR_RXO);
    for (let k = 0; k < 7; k++) receive(n, toUs(100, k));
    assert.equal(n.r(R.RDH), 7);
    assert.equal(n.g.irq(IRQ), false);
    receive(n, toUs(100, 99)); // RDH == RDT: no free descriptor
    assert.equal(n.r(R.RDH), 7);
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(0xc0) & ICR_RXO, ICR_RXO);
    assert.equal(n.r(R.MPC), 1);
    assert.equal(n.r(R.RNBC), 1);
    // the guest consumes 0..5 and gives them back
    for (let i = 0; i < 8; i++) n.g.poke32(0x110000 + 16 * i + 12, 0);
    n.w(R.RDT, 6);
    receive(n, toUs(100, 7));
    receive(n, toUs(100, 8));
    assert.equal(n.r(R.RDH), 1, "wrapped");
    assert.deepEqual(n.g.peek(RX_BUFS + 7 * 2048, 100), toUs(100, 7));
    assert.deepEqual(n.g.peek(RX_BUFS, 100), toUs(100, 8));
    assert.equal(rxd(n, 7).status & DD, DD);
    noFailures(n);
  });

  it("splits a frame over 256-byte buffers (BSIZE 11b), EOP on the last only", () => {
    const n = nic();
    setupRx(n, 8, RCTL_EN | RCTL_SECRC | (3 << 16), 256);
    const f = toUs(600);
    receive(n, f);
    const ds = [0, 1, 2].map((i) => rxd(n, i));
    assert.deepEqual(ds.map((d) => d.length), [256, 256, 88]);
    assert.deepEqual(ds.map((d) => d.status & (DD | STAT_EOP)), [DD, DD, DD | STAT_EOP]);
    const got = new Uint8Array(600);
    for (let i = 0; i < 3; i++) got.set(n.g.peek(RX_BUFS + 256 * i, ds[i]!.length), 256 * i);
    assert.deepEqual(got, f);
    noFailures(n);
  });

  it("takes jumbo frames with LPE into 16 KiB buffers (BSEX + BSIZE 01b); drops them without LPE (ROC)", () => {
    const n = nic();
    setupRx(n, 8, RCTL_EN | RCTL_SECRC | RCTL_LPE | RCTL_BSEX | (1 << 16), 16384);
    receive(n, toUs(9000));
    assert.equal(rxd(n, 0).length, 9000);
    assert.equal(rxd(n, 0).status & STAT_EOP, STAT_EOP);
    n.w(R.RCTL, RCTL_EN | RCTL_SECRC | RCTL_BSEX | (1 << 16));
    receive(n, toUs(1519));
    assert.equal(n.r(R.RDH), 1, "1519 + FCS > 1522 dropped without LPE");
    assert.equal(n.r(R.ROC), 1);
    receive(n, toUs(1518));
    assert.equal(n.r(R.RDH), 2, "1518 + FCS = 1522 accepted");
    receive(n, Uint8Array.from([...MAC, 1, 2, 3, 4]));
    assert.equal(n.r(R.RUC), 1, "runt without an Ethernet header counted");
    noFailures(n);
  });
});

describe("e1000: RX filters", () => {
  const other = [0x52, 0x54, 0x00, 0x99, 0x99, 0x99];
  function frameTo(dst: number[]) { return ether(dst, PEER_MAC, 0x88b5, pattern(50)); }
  function tryRx(n: Nic, dst: number[]): boolean {
    const before = n.r(R.RDH);
    receive(n, frameTo(dst));
    return accepted(n, before);
  }

  it("exact match on RA entries with AV; promiscuous unicast (UPE)", () => {
    const n = nic();
    setupRx(n, 32, RCTL_EN | RCTL_SECRC);
    assert.equal(tryRx(n, MAC), true, "RA[0] from the EEPROM");
    assert.equal(tryRx(n, other), false);
    n.w(R.RAL0 + 8 * 5, 0x99005452); n.w(R.RAH0 + 8 * 5, 0x9999);
    assert.equal(tryRx(n, other), false, "RA[5] without AV");
    n.w(R.RAH0 + 8 * 5, 0x80009999);
    assert.equal(tryRx(n, other), true, "RA[5] with AV");
    n.w(R.RAH0 + 8 * 5, 0);
    n.w(R.RCTL, RCTL_EN | RCTL_SECRC | RCTL_UPE);
    assert.equal(tryRx(n, other), true, "UPE");
    assert.equal(tryRx(n, [0x01, 0, 0x5e, 0, 0, 1]), false, "UPE does not take multicast");
    noFailures(n);
  });

  it("broadcast only with BAM; multicast by MTA hash for every MO; MPE takes all multicast", () => {
    const n = nic();
    setupRx(n, 64, RCTL_EN | RCTL_SECRC);
    assert.equal(tryRx(n, BCAST), false, "broadcast without BAM");
    n.w(R.RCTL, RCTL_EN | RCTL_SECRC | RCTL_BAM);
    assert.equal(tryRx(n, BCAST), true, "BAM");
    const mc = [0x01, 0x00, 0x5e, 0x12, 0xab, 0xcd];
    const hashes = [((0xab >> 4) | (0xcd << 4)) & 0xfff, ((0xab >> 3) | (0xcd << 5)) & 0xfff, ((0xab >> 2) | (0xcd << 6)) & 0xfff, (0xab | (0xcd << 8)) & 0xfff];
    for (let mo = 0; mo < 4; mo++) {
      n.w(R.RCTL, RCTL_EN | RCTL_SECRC | (mo << 12));
      for (let i = 0; i < 128; i++) n.w(R.MTA + 4 * i, 0);
      assert.equal(tryRx(n, mc), false, `MO ${mo}: hash bit clear`);
      const h = hashes[mo]!;
      n.w(R.MTA + 4 * (h >> 5), 1 << (h & 31));
      assert.equal(tryRx(n, mc), true, `MO ${mo}: hash bit ${h}`);
    }
    for (let i = 0; i < 128; i++) n.w(R.MTA + 4 * i, 0);
    n.w(R.RCTL, RCTL_EN | RCTL_SECRC | RCTL_MPE);
    assert.equal(tryRx(n, mc), true, "MPE");
    assert.equal(tryRx(n, [0x33, 0x33, 0, 0, 0, 1]), true, "MPE");
    assert.equal(tryRx(n, other), false, "MPE does not take foreign unicast");
    assert.equal(n.r(R.BPRC), 1);
    assert.equal(n.r(R.MPRC), 6);
    noFailures(n);
  });

  it("VLAN filter table (RCTL.VFE) passes only VIDs set in VFTA", () => {
    const n = nic();
    setupRx(n, 16, RCTL_EN | RCTL_SECRC | RCTL_VFE);
    const tagged = (vid: number) => { const f = new Uint8Array(64); f.set(MAC); f.set(PEER_MAC, 6); put16(f, 12, 0x8100); put16(f, 14, vid); put16(f, 16, 0x88b5); return f; };
    let before = n.r(R.RDH);
    receive(n, tagged(100));
    assert.equal(accepted(n, before), false);
    n.w(R.VFTA + 4 * (100 >> 5), 1 << (100 & 31));
    before = n.r(R.RDH);
    receive(n, tagged(100));
    assert.equal(accepted(n, before), true);
    before = n.r(R.RDH);
    receive(n, toUs(80));
    assert.equal(accepted(n, before), true, "untagged frames are not VLAN-filtered");
    noFailures(n);
  });
});

describe("e1000: RX offloads and conditions", () => {
  it("reports IP/TCP checksum status when RXCSUM enables it, with IPE/TCPE on bad sums", () => {
    const n = nic();
    setupRx(n, 8);
    const make = (badIp: boolean, badTcp: boolean) => {
      const tcp = tcpSegment(pattern(64));
      const ip = ipv4(6, tcp);
      const f = ether(MAC, PEER_MAC, 0x0800, ip);
      put16(f, 50, csum(f, 34, f.length, pseudo(f, 14, 6, tcp.length)));
      if (badIp) f[24]! ^= 1;
      if (badTcp) f[60]! ^= 0xff;
      return f;
    };
    receive(n, make(false, false));
    assert.equal(rxd(n, 0).status & (IXSM | IPCS | TCPCS), IXSM, "RXCSUM 0: checksums ignored (IXSM)");
    n.w(R.RXCSUM, 0x300);
    receive(n, make(false, false));
    assert.equal(rxd(n, 1).status & (IXSM | IPCS | TCPCS), IPCS | TCPCS);
    assert.equal(rxd(n, 1).errors, 0);
    receive(n, make(true, false));
    assert.equal(rxd(n, 2).errors & (IPE | TCPE), IPE);
    receive(n, make(false, true));
    assert.equal(rxd(n, 3).errors & (IPE | TCPE), TCPE);
    noFailures(n);
  });

  it("strips the VLAN tag with CTRL.VME: VP status, tag in special", () => {
    const n = nic();
    setupRx(n);
    n.w(R.CTRL, n.r(R.CTRL) | 0x40000000);
    const inner = toUs(100);
    const f = new Uint8Array(104);
    f.set(inner.subarray(0, 12)); put16(f, 12, 0x8100); put16(f, 14, 0x2005); f.set(inner.subarray(12), 16);
    receive(n, f);
    const d = rxd(n, 0);
    assert.equal(d.status & VP, VP);
    assert.equal(d.special, 0x2005);
    assert.equal(d.length, 100);
    assert.deepEqual(n.g.peek(RX_BUFS, 100), inner);
    noFailures(n);
  });

  it("raises RXDMT0 when free descriptors fall to RDLEN/2 (RDMTS 00b)", () => {
    const n = nic();
    setupRx(n, 8);
    n.w(0xd0, ICR_RXDMT0);
    for (let k = 0; k < 2; k++) receive(n, toUs(80, k));
    assert.equal(n.g.irq(IRQ), false, "5 free > 4");
    receive(n, toUs(80, 2));
    assert.equal(n.g.irq(IRQ), true, "4 free");
    assert.equal(n.r(0xc0) & ICR_RXDMT0, ICR_RXDMT0);
    noFailures(n);
  });

  it("receives nothing while RCTL.EN, bus mastering or the link is off", () => {
    const n = nic();
    setupRx(n, 8, RCTL_SECRC);
    receive(n, toUs(80));
    assert.equal(n.r(R.RDH), 0, "RCTL.EN off");
    n.w(R.RCTL, RCTL_EN | RCTL_SECRC);
    n.g.pciWrite(0x18, 0x04, 2, 0x0003);
    receive(n, toUs(80));
    assert.equal(n.r(R.RDH), 0, "bus master off");
    n.g.pciWrite(0x18, 0x04, 2, 0x0007);
    n.m.rt.deliverEvent(n.m.rt.device("e1000"), 7, null, 0);
    receive(n, toUs(80));
    assert.equal(n.r(R.RDH), 0, "link down");
    assert.equal(n.r(R.STATUS) & 2, 0);
    receive(n, toUs(80)); // still nothing
    n.m.rt.deliverEvent(n.m.rt.device("e1000"), 7, null, 1);
    n.g.wait(600_000_000);
    receive(n, toUs(80));
    assert.equal(n.r(R.RDH), 1, "link back after autoneg");
    noFailures(n);
  });

  it("PHY loopback (BMCR bit 14) also returns transmitted frames", () => {
    const n = nic();
    setupRx(n);
    setupTx(n);
    n.w(0x20, 0x04000000 | (1 << 21) | 0x4140); // MDIC write BMCR: loopback, 1000, full duplex
    const f = toUs(70);
    n.g.poke(TX_DATA, f);
    txd(n, 0, TX_DATA, f.length | EOP);
    n.w(R.TDT, 1);
    assert.equal(n.peer.fromDevice.length, 0);
    assert.equal(rxd(n, 0).length, 70);
    noFailures(n);
  });

  it("measures receive cost: 5000 full-size frames", () => {
    const n = nic();
    setupRx(n, 256);
    const f = toUs(1514);
    const t = process.hrtime.bigint();
    for (let k = 0; k < 5000; k++) { n.peer.onReceive!(f); if ((k & 127) === 127) n.w(R.RDT, (n.r(R.RDH) + 255) % 256); }
    const ns = Number(process.hrtime.bigint() - t);
    assert.equal(n.r(R.GPRC), 5000);
    console.log(`      (${(ns / 5000 / 1000).toFixed(1)} us per 1514-byte frame: ${(5000 * 1514 * 8 / ns).toFixed(2)} Gbit/s)`);
    noFailures(n);
  });

  it("MAC loopback (RCTL.LBM 01b) turns transmitted frames into received ones", () => {
    const n = nic();
    setupRx(n, 8, RCTL_EN | RCTL_SECRC | (1 << 6));
    setupTx(n);
    const f = toUs(90);
    n.g.poke(TX_DATA, f);
    txd(n, 0, TX_DATA, f.length | EOP);
    n.w(R.TDT, 1);
    assert.equal(n.peer.fromDevice.length, 0, "nothing on the wire");
    assert.equal(rxd(n, 0).length, 90);
    assert.deepEqual(n.g.peek(RX_BUFS, 90), f);
    noFailures(n);
  });
});
