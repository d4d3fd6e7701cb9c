// Replays what Linux's e1000 driver (drivers/net/ethernet/intel/e1000) does to an 82540EM, from
// its documented sequence: probe (enable the PCI function, map BAR0 and the I/O BAR, reset the
// MAC through the I/O window, read and validate the EEPROM by bit-banging EECD, read the MAC
// address, detect the PHY, init_hw: clear VFTA/MTA, program RAR, copper link set-up through MDIC
// with autoneg restart, flow control registers, clear the statistics) and open (rings, TX/RX
// configuration, interrupt enable, the LSC kick for the watchdog); then it talks to the in-memory
// peer: ARP request → reply, ICMP echo request → reply, handled the way the driver's interrupt
// handler and clean-up routines do (ICR read, descriptor DD/EOP, length minus the FCS).
import { strict as assert } from "node:assert";
import {
  nic, noFailures, BDF, BAR0, IOBASE, IRQ, R, MAC, ether, put16, be16, csum, sumsToOnes,
  eepromReadBitBang, mdic, phyRead, type Nic,
} from "./e1000-harness.test.ts";
import { NetPeer } from "../../host/node/backends/net-peer.ts";

// e1000_hw.h values
const CTRL_SLU = 0x40, CTRL_FRCSPD = 0x800, CTRL_FRCDPLX = 0x1000, CTRL_RST = 0x04000000, CTRL_PHY_RST = 0x80000000;
const CTRL_EXT_EE_RST = 0x2000, MANC_ARP_EN = 0x2000;
const TCTL_EN = 0x2, TCTL_PSP = 0x8, TCTL_CT = 0x0f << 4, TCTL_COLD = 0x40 << 12;
const RCTL_EN = 0x2, RCTL_BAM = 0x8000, RCTL_SZ_2048 = 0, RCTL_RDMTS_HALF = 0;
const IMS_ENABLE_MASK = 0x80 | 0x01 | 0x10 | 0x08 | 0x04; // RXT0 | TXDW | RXDMT0 | RXSEQ | LSC
const TXD_CMD_EOP = 0x01000000, TXD_CMD_IFCS = 0x02000000, TXD_CMD_RS = 0x08000000, TXD_CMD_IDE = 0x80000000;
const M88E1011_I_PHY_ID = 0x01410c20;

const TX_RING = 0x300000, RX_RING = 0x310000, TX_BUF = 0x320000, RX_BUF = 0x340000;
const RING = 256;

class LinuxE1000 {
  mac: number[] = [];
  txNext = 0;
  rxNext = 0;
  log: string[] = [];
  constructor(readonly n: Nic) {}
  r(off: number) { return this.n.r(off); }
  w(off: number, v: number) { this.n.w(off, v >>> 0); }
  flush() { this.r(R.STATUS); }
  sleep(ms: number) { this.n.g.wait(ms * 1_000_000); }

  // pci_enable_device + pci_set_master + BAR mapping (BAR0 memory, BAR1 I/O: e1000_is_need_ioport)
  enable() {
    const g = this.n.g;
    assert.equal(g.pciRead(BDF, 0, 4), 0x100e8086);
    g.pciWrite(BDF, 0x10, 4, BAR0);
    g.pciWrite(BDF, 0x14, 4, IOBASE | 1);
    g.pciWrite(BDF, 0x04, 2, g.pciRead(BDF, 0x04, 2) | 0x7);
    assert.equal(g.pciRead(BDF, 0x14, 4) & ~0x3, IOBASE);
  }

  writeRegIo(off: number, v: number) { this.n.g.outl(IOBASE, off); this.n.g.outl(IOBASE + 4, v >>> 0); }

  // e1000_reset_hw
  resetHw() {
    this.w(R.IMC, 0xffffffff);
    this.w(R.RCTL, 0);
    this.w(R.TCTL, TCTL_PSP);
    this.flush();
    this.sleep(10);
    const ctrl = this.r(R.CTRL);
    this.writeRegIo(R.CTRL, ctrl | CTRL_RST); // 82540: via the I/O BAR
    this.sleep(5);
    const ext = this.r(R.CTRL_EXT);
    this.w(R.CTRL_EXT, ext | CTRL_EXT_EE_RST);
    this.flush();
    this.sleep(2);
    this.w(R.MANC, this.r(R.MANC) & ~MANC_ARP_EN);
    this.w(R.IMC, 0xffffffff);
    this.r(R.ICR);
  }

  // e1000_init_eeprom_params + e1000_validate_eeprom_checksum + e1000_read_mac_addr
  eeprom() {
    const eecd = this.r(R.EECD);
    assert.equal(eecd & 0x200, 0, "EECD.SIZE 0: 64-word Microwire part");
    const words = eepromReadBitBang(this.n, 0, 64);
    const sum = words.reduce((a, b) => (a + b) & 0xffff, 0);
    assert.equal(sum, 0xbaba, "The EEPROM Checksum Is Not Valid");
    this.mac = [];
    for (let i = 0; i < 3; i++) this.mac.push(words[i]! & 0xff, words[i]! >> 8);
    assert.deepEqual(this.mac, MAC);
  }

  // e1000_copper_link_preconfig (incl. e1000_detect_gig_phy, e1000_phy_hw_reset)
  copperPreconfig() {
    let ctrl = this.r(R.CTRL);
    ctrl |= CTRL_SLU;
    ctrl &= ~(CTRL_FRCSPD | CTRL_FRCDPLX);
    this.w(R.CTRL, ctrl);
    const id = ((phyRead(this.n, 2) << 16) | (phyRead(this.n, 3) & 0xfff0)) >>> 0;
    assert.equal(id, M88E1011_I_PHY_ID, "Invalid PHY ID");
    this.w(R.CTRL, ctrl | CTRL_PHY_RST);
    this.flush();
    this.sleep(10);
    this.w(R.CTRL, ctrl);
    this.flush();
  }

  // e1000_copper_link_mgp_setup + e1000_copper_link_autoneg + the link check loop
  copperSetup() {
    let pscr = phyRead(this.n, 0x10);
    pscr |= 0x0060; // M88E1000_PSCR_AUTO_X_MODE
    pscr &= ~0x0002; // polarity reversal enabled
    mdic(this.n, 0x10, { write: pscr });
    let epscr = phyRead(this.n, 0x14);
    epscr = (epscr & ~0x0f00) | 0x0100 | 0x0060;
    mdic(this.n, 0x14, { write: epscr });
    mdic(this.n, 0, { write: phyRead(this.n, 0) | 0x8000 }); // e1000_phy_reset: BMCR.RESET
    // e1000_phy_setup_autoneg: advertise 10/100/1000 full+half, pause
    mdic(this.n, 4, { write: (phyRead(this.n, 4) & ~0x0de0) | 0x01e0 | 0x0c00 });
    mdic(this.n, 9, { write: (phyRead(this.n, 9) & ~0x0300) | 0x0200 });
    mdic(this.n, 0, { write: phyRead(this.n, 0) | 0x1000 | 0x0200 }); // autoneg enable + restart
    for (let i = 0; i < 10; i++) { phyRead(this.n, 1); phyRead(this.n, 1); } // link not up yet: fine
  }

  // e1000_init_hw
  initHw() {
    this.w(R.VET, 0);
    for (let i = 0; i < 128; i++) this.w(R.VFTA + 4 * i, 0);
    const m = this.mac;
    this.w(R.RAL0, m[0]! | (m[1]! << 8) | (m[2]! << 16) | (m[3]! << 24));
    this.w(R.RAH0, m[4]! | (m[5]! << 8) | 0x80000000);
    for (let i = 1; i < 16; i++) { this.w(R.RAL0 + 8 * i, 0); this.w(R.RAH0 + 8 * i, 0); }
    for (let i = 0; i < 128; i++) this.w(R.MTA + 4 * i, 0);
    this.copperPreconfig();
    this.copperSetup();
    this.w(R.FCT, 0x8808); this.w(R.FCAH, 0x0100); this.w(R.FCAL, 0x00c28001);
    this.w(0x0170 /* FCTTV */, 0x0680);
    this.w(0x2168 /* FCRTH */, 0x7000); this.w(0x2160 /* FCRTL */, 0x80006000);
    this.w(0x3828 /* TXDCTL */, (this.r(0x3828) & ~0x003f0000) | 0x01000000);
    for (let off = 0x4000; off <= 0x40fc; off += 4) this.r(off); // e1000_clear_hw_cntrs
  }

  probe() {
    this.enable();
    this.resetHw();
    this.eeprom();
    this.w(R.PBA, 0x30); // e1000_reset: 48 KiB RX packet buffer
    this.resetHw();
    this.initHw();
  }

  // e1000_open → e1000_configure → configure_tx, setup_rctl, configure_rx, alloc_rx_buffers, irq_enable
  open() {
    const g = this.n.g;
    for (let i = 0; i < RING; i++) { g.poke32(TX_RING + 16 * i, 0); g.poke32(TX_RING + 16 * i + 4, 0); g.poke32(TX_RING + 16 * i + 8, 0); g.poke32(TX_RING + 16 * i + 12, 0); }
    mdic(this.n, 0, { write: phyRead(this.n, 0) & ~0x0800 }); // e1000_power_up_phy
    this.w(R.RCTL, this.r(R.RCTL) & ~0x18); // set_rx_mode: no promiscuity
    this.w(R.TDBAL, TX_RING); this.w(R.TDBAH, 0); this.w(R.TDLEN, RING * 16);
    this.w(R.TDH, 0); this.w(R.TDT, 0);
    this.w(R.TIPG, 8 | (8 << 10) | (6 << 20));
    this.w(R.TIDV, 8); this.w(R.TADV, 32);
    this.w(R.TCTL, TCTL_PSP | TCTL_EN | TCTL_CT | TCTL_COLD);
    const rctl = (this.r(R.RCTL) & ~(3 << 12)) | RCTL_EN | RCTL_BAM | RCTL_RDMTS_HALF | RCTL_SZ_2048;
    this.w(R.RCTL, rctl & ~RCTL_EN);
    this.w(R.RDTR, 0); this.w(R.RADV, 8);
    this.w(R.ITR, Math.floor(1_000_000_000 / (20000 * 256)));
    this.w(R.RDBAL, RX_RING); this.w(R.RDBAH, 0); this.w(R.RDLEN, RING * 16);
    this.w(R.RDH, 0); this.w(R.RDT, 0);
    this.w(R.RXCSUM, this.r(R.RXCSUM) | 0x200); // TUOFL
    this.w(R.RCTL, rctl);
    for (let i = 0; i < RING; i++) { g.poke32(RX_RING + 16 * i, RX_BUF + 2048 * i); g.poke32(RX_RING + 16 * i + 4, 0); g.poke32(RX_RING + 16 * i + 8, 0); g.poke32(RX_RING + 16 * i + 12, 0); }
    this.w(R.RDT, RING - 1);
    this.w(R.IMS, IMS_ENABLE_MASK);
    this.flush();
    this.w(R.ICS, 0x04); // LSC: start the watchdog
  }

  // e1000_intr: the causes this interrupt reports (0 = not ours)
  intr(): number { return this.r(R.ICR); }

  // e1000_xmit_frame for a linear skb: one descriptor, IFCS | IDE | EOP | RS
  xmit(frame: Uint8Array) {
    const i = this.txNext;
    this.n.g.poke(TX_BUF + 2048 * i, frame);
    const d = TX_RING + 16 * i;
    this.n.g.poke32(d, TX_BUF + 2048 * i); this.n.g.poke32(d + 4, 0);
    this.n.g.poke32(d + 8, (frame.length | TXD_CMD_IFCS | TXD_CMD_IDE | TXD_CMD_EOP | TXD_CMD_RS) >>> 0);
    this.n.g.poke32(d + 12, 0);
    this.txNext = (i + 1) % RING;
    this.w(R.TDT, this.txNext);
  }

  // e1000_clean_tx_irq: descriptors with DD are done
  cleanTx(): number {
    let done = 0;
    for (let i = 0; i < RING; i++) {
      const st = this.n.g.peek(TX_RING + 16 * i + 12, 1)[0]!;
      if (st & 1) { done++; this.n.g.poke32(TX_RING + 16 * i + 12, 0); }
    }
    return done;
  }

  // e1000_clean_rx_irq: DD + EOP frames, length minus the FCS, descriptors given back
  cleanRx(): Array<{ frame: Uint8Array; status: number; errors: number }> {
    const out: Array<{ frame: Uint8Array; status: number; errors: number }> = [];
    for (let k = 0; k < RING; k++) {
      const d = RX_RING + 16 * this.rxNext;
      const desc = this.n.g.peek(d, 16);
      if (!(desc[12]! & 1)) break;
      assert.ok(desc[12]! & 2, "EOP (2048-byte buffers hold a whole frame)");
      const len = (desc[8]! | (desc[9]! << 8)) - 4;
      out.push({ frame: this.n.g.peek(RX_BUF + 2048 * this.rxNext, len), status: desc[12]!, errors: desc[13]! });
      this.n.g.poke32(d + 8, 0); this.n.g.poke32(d + 12, 0);
      this.w(R.RDT, this.rxNext);
      this.rxNext = (this.rxNext + 1) % RING;
    }
    return out;
  }
}

const OUR_IP = [10, 0, 2, 15];
const PEER_IP = [10, 0, 2, 2];

function arpRequest(mac: number[]): Uint8Array {
  const p = new Uint8Array(28);
  put16(p, 0, 1); put16(p, 2, 0x0800); p[4] = 6; p[5] = 4; put16(p, 6, 1);
  p.set(mac, 8); p.set(OUR_IP, 14); p.set(PEER_IP, 24);
  return ether([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], mac, 0x0806, p);
}

function icmpEcho(mac: number[], peerMac: number[], id: number, seq: number, data: Uint8Array): Uint8Array {
  const icmp = new Uint8Array(8 + data.length);
  icmp[0] = 8; put16(icmp, 4, id); put16(icmp, 6, seq); icmp.set(data, 8);
  put16(icmp, 2, csum(icmp, 0, icmp.length));
  const ip = new Uint8Array(20 + icmp.length);
  ip[0] = 0x45; put16(ip, 2, ip.length); put16(ip, 4, 0x4242); put16(ip, 6, 0x4000); ip[8] = 64; ip[9] = 1;
  ip.set(OUR_IP, 12); ip.set(PEER_IP, 16); put16(ip, 10, csum(ip, 0, 20)); ip.set(icmp, 20);
  return ether(peerMac, mac, 0x0800, ip);
}

describe("e1000: Linux driver replay", () => {
  it("probe and open: reset, EEPROM checksum, PHY set-up, rings, interrupts, link up", () => {
    const n = nic({ enable: false });
    const drv = new LinuxE1000(n);
    drv.probe();
    assert.equal(n.r(R.CTRL) & CTRL_RST, 0);
    assert.equal(n.r(R.MANC) & MANC_ARP_EN, 0);
    drv.open();
    assert.equal(n.g.irq(IRQ), true, "the LSC kick interrupts");
    assert.equal(drv.intr() & 0x04, 0x04);
    assert.equal(n.g.irq(IRQ), false);
    // the watchdog: link is renegotiating after the autoneg restart, up within a second
    assert.equal(n.r(R.STATUS) & 2, 0);
    n.g.wait(600_000_000);
    assert.equal(n.r(R.STATUS) & 0x83, 0x83, "link up, 1000 Mb/s, full duplex");
    assert.equal(n.g.irq(IRQ), true, "LSC when the link came up");
    assert.equal(drv.intr() & 0x04, 0x04);
    const bmsr = (phyRead(n, 1), phyRead(n, 1));
    assert.equal(bmsr & 0x24, 0x24);
    noFailures(n);
  });

  it("ARP request/reply and ICMP echo with the in-memory peer", () => {
    const peer = new NetPeer({ mac: "52:55:0a:00:02:02", ip: "10.0.2.2" });
    const n = nic({ enable: false, peer });
    const drv = new LinuxE1000(n);
    drv.probe();
    drv.open();
    n.g.wait(600_000_000);
    drv.intr();

    drv.xmit(arpRequest(drv.mac));
    assert.equal(peer.fromDevice.length, 1);
    assert.equal(peer.fromDevice[0]!.length, 60, "padded by PSP");
    n.g.wait(100_000);
    assert.equal(n.g.irq(IRQ), true);
    const icr = drv.intr();
    assert.equal(icr & 0x81, 0x81, "RXT0 and TXDW");
    assert.equal(drv.cleanTx(), 1);
    const rx = drv.cleanRx();
    assert.equal(rx.length, 1);
    const reply = rx[0]!.frame;
    assert.equal(reply.length, 64, "the peer pads ARP replies to 64 bytes, as libslirp does");
    assert.equal(be16(reply, 12), 0x0806);
    assert.equal(be16(reply, 20), 2, "ARP reply");
    assert.deepEqual([...reply.subarray(0, 6)], MAC);
    const peerMac = [...reply.subarray(22, 28)];
    assert.deepEqual(peerMac, [...peer.mac]);
    assert.deepEqual([...reply.subarray(28, 32)], PEER_IP);

    const data = Uint8Array.from({ length: 56 }, (_, i) => i);
    drv.xmit(icmpEcho(drv.mac, peerMac, 0x77, 1, data));
    n.g.wait(100_000);
    assert.equal(drv.intr() & 0x81, 0x81);
    drv.cleanTx();
    const rx2 = drv.cleanRx();
    assert.equal(rx2.length, 1);
    const echo = rx2[0]!.frame;
    assert.equal(echo.length, 14 + 20 + 8 + 56);
    assert.deepEqual([...echo.subarray(0, 6)], MAC);
    assert.equal(echo[23], 1, "ICMP");
    assert.deepEqual([...echo.subarray(26, 30)], PEER_IP);
    assert.deepEqual([...echo.subarray(30, 34)], OUR_IP);
    assert.ok(sumsToOnes(echo, 14, 34), "IP header checksum of the reply");
    assert.equal(echo[34], 0, "echo reply");
    assert.ok(sumsToOnes(echo, 34, echo.length), "ICMP checksum of the reply");
    assert.equal(be16(echo, 38), 0x77);
    assert.equal(be16(echo, 40), 1);
    assert.deepEqual(echo.subarray(42), data);
    assert.equal(rx2[0]!.status & 0x04, 0, "RXCSUM.TUOFL: checksum indication not ignored");
    assert.equal(peer.counters.arpReplies, 1);
    assert.equal(peer.counters.echoReplies, 1);
    assert.equal(n.r(R.GPRC), 2);
    assert.equal(n.r(R.GPTC), 2);
    noFailures(n);
  });
});
