// CVE regression suite, e1000: the guest-side triggers of public e1000/e1000e/vmxnet3 emulator
// vulnerabilities (QEMU, VirtualBox), replayed against our device through the guest API. Each test
// names the CVE (or the class, where no single CVE matches) and ends with: no trap, a bounded
// walk (descriptor and byte counts, and wall time), DMA only inside the ring and the buffers the
// descriptors named, and the guest-visible outcome (frame dropped and counted, ring stopped).
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { bdfOf, type Guest } from "../../host/node/guest.ts";
import { NetPeer } from "../../host/node/backends/net-peer.ts";
import { DmaLog, assertDmaInside, assertServing, bounded, type Region } from "./cve-helpers.ts";

const BDF = bdfOf(0, 3, 0);
const BAR0 = 0xfebc0000;
const RAM = 16 << 20;
const R = {
  STATUS: 0x8, RCTL: 0x100, TCTL: 0x400, RDBAL: 0x2800, RDBAH: 0x2804, RDLEN: 0x2808, RDH: 0x2810, RDT: 0x2818,
  TDBAL: 0x3800, TDBAH: 0x3804, TDLEN: 0x3808, TDH: 0x3810, TDT: 0x3818, MPC: 0x4010, RUC: 0x40a4, ROC: 0x40ac,
  GPTC: 0x4080, TSCTC: 0x40f8, TSCTFC: 0x40fc,
} as const;
const RCTL_EN = 0x2, RCTL_SBP = 0x4, RCTL_LBM_MAC = 0x40, RCTL_BAM = 0x8000, RCTL_SECRC = 0x04000000;
const RCTL_BSIZE_256 = 3 << 16;
const TCTL_EN = 0x2, TCTL_PSP = 0x8;
const EOP = 0x01000000, RS = 0x08000000, DEXT = 0x20000000, TSE = 0x04000000, DTYP_D = 0x00100000;
const TUCMD_TCP = 0x01000000, TUCMD_IP = 0x02000000;
const MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
const PEER = [0x52, 0x55, 0x0a, 0x00, 0x02, 0x02];

const TX_RING = 0x100000, RX_RING = 0x110000, DATA = 0x200000, RX_BUFS = 0x400000;

interface Nic { m: Machine; g: Guest; peer: NetPeer; dma: DmaLog; r(off: number): number; w(off: number, v: number): void }

function nic(): Nic {
  const peer = new NetPeer();
  const m = createMachine([{ name: "e1000", config: "mac=52:54:00:12:34:56", net: peer }]);
  peer.schedule = (fn) => m.rt.defer(fn);
  const g = m.guest;
  g.pciWrite(BDF, 0x10, 4, BAR0);
  g.pciWrite(BDF, 0x04, 2, 0x0006); // memory decode + bus master
  const dma = new DmaLog(m);
  return { m, g, peer, dma, r: (off) => g.readl(BAR0 + off), w: (off, v) => g.writel(BAR0 + off, v) };
}

function setupTx(n: Nic, count: number, ring = TX_RING, tctl = TCTL_EN | TCTL_PSP): void {
  n.w(R.TDBAL, ring); n.w(R.TDBAH, 0); n.w(R.TDLEN, count * 16); n.w(R.TDH, 0); n.w(R.TDT, 0);
  n.w(R.TCTL, tctl);
}

function txd(n: Nic, i: number, addr: number, dw2: number, dw3 = 0, ring = TX_RING): void {
  const a = ring + 16 * i;
  n.g.poke32(a, addr); n.g.poke32(a + 4, 0); n.g.poke32(a + 8, dw2 >>> 0); n.g.poke32(a + 12, dw3 >>> 0);
}

/** A TSE context descriptor: header length, MSS, total payload, IPv4/TCP offsets of a plain frame. */
function tsoContext(n: Nic, i: number, hdrlen: number, mss: number, paylen: number): void {
  const a = TX_RING + 16 * i;
  n.g.poke32(a, 14 | (24 << 8) | (33 << 16));
  n.g.poke32(a + 4, 34 | (50 << 8));
  n.g.poke32(a + 8, (paylen | DEXT | TSE | TUCMD_TCP | TUCMD_IP) >>> 0);
  n.g.poke32(a + 12, ((hdrlen & 0xff) << 8) | ((mss & 0xffff) << 16));
}

function setupRx(n: Nic, count: number, rctl: number, bufAddr = (i: number) => RX_BUFS + i * 0x1000): void {
  for (let i = 0; i < count; i++) {
    const a = RX_RING + 16 * i;
    n.g.poke32(a, bufAddr(i)); n.g.poke32(a + 4, 0); n.g.poke32(a + 8, 0); n.g.poke32(a + 12, 0);
  }
  n.w(R.RDBAL, RX_RING); n.w(R.RDBAH, 0); n.w(R.RDLEN, count * 16); n.w(R.RDH, 0); n.w(R.RDT, count - 1);
  n.w(R.RCTL, rctl);
}

function frame(len: number, dst = MAC, src = PEER): Uint8Array {
  const f = new Uint8Array(len);
  f.set(dst.slice(0, Math.min(6, len)), 0);
  if (len > 6) f.set(src.slice(0, Math.min(6, len - 6)), 6);
  if (len >= 14) { f[12] = 0x88; f[13] = 0xb5; }
  for (let i = 14; i < len; i++) f[i] = (i * 7) & 0xff;
  return f;
}

function receive(n: Nic, f: Uint8Array): void { n.peer.inject(f); n.g.wait(0); }

/** The regions TX descriptors i in [0, count) name as buffers (data and legacy descriptors). */
function namedTxBuffers(n: Nic, count: number, ring = TX_RING): Region[] {
  const out: Region[] = [];
  for (let i = 0; i < count; i++) {
    const a = ring + 16 * i;
    const addr = n.g.peek32(a);
    const d2 = n.g.peek32(a + 8);
    const ext = (d2 & DEXT) !== 0;
    if (ext && (d2 & 0x00f00000) !== DTYP_D) continue; // context / reserved: names no buffer
    out.push([addr, ext ? d2 & 0xfffff : d2 & 0xffff]);
  }
  return out;
}

/** A seeded xorshift generator: the same garbage on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe("CVE suite: e1000", () => {
  // CVE-2016-1981 (QEMU e1000, verified: NVD/cvelist): "infinite loop ... provided the initial
  // receive/transmit descriptor head (TDH/RDH) is set outside the allocated descriptor buffer".
  it("CVE-2016-1981: TDH/RDH outside the ring stop the ring without reading a descriptor", () => {
    const n = nic();
    setupTx(n, 8);
    n.w(R.TDH, 100);
    bounded("TX kick with TDH outside the ring", 2000, () => n.w(R.TDT, 3));
    n.w(R.TDH, 2);
    bounded("TX kick with TDT outside the ring", 2000, () => n.w(R.TDT, 0xffff));
    assert.equal(n.dma.accesses.length, 0, "no descriptor fetched, inside the ring or past it");
    assert.equal(n.peer.fromDevice.length, 0);
    setupRx(n, 8, RCTL_EN | RCTL_BAM | RCTL_SECRC);
    n.w(R.RDH, 500); n.w(R.RDT, 900);
    n.dma.clear();
    bounded("RX with RDH outside the ring", 2000, () => receive(n, frame(100)));
    assert.equal(n.dma.accesses.length, 0, "no RX DMA at all");
    assert.equal(n.r(R.MPC), 1, "the frame is counted as missed");
    assertServing(n.m, "e1000");
  });

  // CVE-2021-20257 (QEMU e1000, verified): infinite loop in process_tx_desc "if various descriptor
  // fields are initialized with invalid values". Here a whole ring of seeded garbage descriptors.
  it("CVE-2021-20257: a ring of garbage TX descriptors is walked exactly once per kick", () => {
    const n = nic();
    const COUNT = 256;
    const rnd = rng(20257);
    for (let i = 0; i < COUNT; i++) {
      const kind = rnd() % 4;
      const addr = DATA + (rnd() & 0xffff);
      let d2 = rnd();
      if (kind === 0) d2 &= ~DEXT & ~0xffff;                            // legacy, length 0
      else if (kind === 1) d2 = (d2 & ~0x00f00000) | DEXT | DTYP_D;      // data, any length/flags
      else if (kind === 2) d2 = (d2 & ~0x00f00000) | DEXT;               // context (TSE or not)
      else d2 = (d2 & ~0x00f00000) | DEXT | 0x00f00000;                  // reserved type
      txd(n, i, addr, d2, rnd());
    }
    setupTx(n, COUNT);
    n.w(R.TDH, 1);
    bounded("kick over a garbage ring", 5000, () => { n.w(R.TDT, 0); n.g.wait(1_000_000); });
    assert.equal(n.r(R.TDH), 0, "walked round to TDT");
    assert.equal(n.dma.count("read", [TX_RING, COUNT * 16]), COUNT - 1, "each descriptor fetched exactly once");
    const before = n.dma.accesses.length;
    n.w(R.TDT, 0); // a second kick with head == tail does nothing
    assert.equal(n.dma.accesses.length, before);
    assertDmaInside(n.dma, [[TX_RING, COUNT * 16], ...namedTxBuffers(n, COUNT)], "TX DMA");
    assertServing(n.m, "e1000");
  });

  // CVE-2021-20257 again, through the TSO path: a TSE context with MSS 0 and header length 0 (a
  // segment of "header + 0 bytes" never fills, the classic non-advancing loop).
  it("CVE-2021-20257: a TSO context with MSS 0 / header length 0 drops the packet, bounded", () => {
    const n = nic();
    setupTx(n, 8);
    tsoContext(n, 0, 0, 0, 1000);
    txd(n, 1, DATA, 1000 | DEXT | DTYP_D | TSE | EOP | RS);
    bounded("TSO with MSS 0", 2000, () => n.w(R.TDT, 2));
    assert.equal(n.r(R.TDH), 2);
    assert.equal(n.peer.fromDevice.length, 0, "nothing sent");
    assert.equal(n.r(R.TSCTFC), 1, "counted as a failed TSO context");
    assert.equal(n.dma.count("read", [DATA, 1000]), 0, "the payload is not even read");
    assertServing(n.m, "e1000");
  });

  // CVE-2016-6835 (QEMU vmxnet3, verified: "failure to check IP header length", buffer over-read)
  // and the e1000e TSO header-length issues: the class is a guest-chosen header length larger than
  // the frame or than the device's assembly buffer.
  it("CVE-2016-6835 class: TSO header lengths larger than the frame or the assembly buffer", () => {
    const n = nic();
    setupTx(n, 8);
    tsoContext(n, 0, 255, 0xffff, 0xfffff);              // header + MSS past any buffer
    txd(n, 1, DATA, 0xfffff | DEXT | DTYP_D | TSE | EOP);   // 1 MiB of "payload"
    tsoContext(n, 2, 200, 100, 100);                       // header longer than the data given
    txd(n, 3, DATA, 60 | DEXT | DTYP_D | TSE | EOP);
    bounded("bogus TSO headers", 2000, () => n.w(R.TDT, 4));
    assert.equal(n.r(R.TDH), 4);
    assert.equal(n.peer.fromDevice.length, 0, "both packets dropped");
    assert.equal(n.r(R.TSCTFC), 1, "the oversized context is refused up front");
    assert.ok(n.dma.bytes("read", [DATA, 0x100000]) <= 60, `payload read: ${n.dma.bytes("read", [DATA, 0x100000])} bytes`);
    assertDmaInside(n.dma, [[TX_RING, 8 * 16], [DATA, 0xfffff]], "TX DMA");
    assertServing(n.m, "e1000");
  });

  // The same class, mid-packet: a new TSE context descriptor arrives between the data descriptors
  // of one TSO packet and shrinks (or grows past the buffer) the header + MSS the assembly uses.
  // Found by this suite: before the fix the segment "room" went negative (a trap on a negative
  // DMA length), zero (an endless loop), or a segment longer than the 64 KiB assembly limit was
  // sent. Now the packet is dropped.
  for (const [name, hdr, mss] of [["shrinks below the bytes already assembled", 20, 100], ["makes the segment exactly full (MSS 0)", 500, 0], ["grows past the assembly limit", 255, 0xffff]] as const) {
    it(`CVE-2016-6835 class: a TSO context that ${name} mid-packet drops the packet`, () => {
      const n = nic();
      setupTx(n, 8);
      tsoContext(n, 0, 54, 1000, 2000);
      txd(n, 1, DATA, 500 | DEXT | DTYP_D | TSE);                 // 500 bytes: header + 446 payload
      tsoContext(n, 2, hdr, mss, 2000);
      txd(n, 3, DATA + 0x1000, 0x20000 | DEXT | DTYP_D | TSE | EOP); // 128 KiB more
      txd(n, 4, DATA + 0x40000, 100 | EOP);                       // a legacy frame after it
      n.g.poke(DATA + 0x40000, frame(100, PEER, MAC));
      bounded("mid-packet TSO context change", 2000, () => n.w(R.TDT, 5));
      assertServing(n.m, "e1000");
      assert.equal(n.r(R.TDH), 5, "the ring advanced past every descriptor");
      assert.equal(n.peer.fromDevice.length, 1, "the TSO packet is dropped, the next frame goes out");
      assert.equal(n.peer.fromDevice[0]!.length, 100);
      assert.ok(n.dma.bytes("read", [DATA + 0x1000, 0x20000]) <= 0x10000, "no more than one assembly buffer is read");
      assertDmaInside(n.dma, [[TX_RING, 8 * 16], ...namedTxBuffers(n, 5)], "TX DMA");
    });
  }

  // CVE-2012-6075 (QEMU e1000, verified): e1000_receive buffer overflow "when the SBP and LPE flags
  // are disabled ... via a large packet". Receive buffers of 256 bytes here.
  it("CVE-2012-6075: oversized frames are refused, or split across whole small buffers with SBP", () => {
    const n = nic();
    const bufs: Region[] = Array.from({ length: 8 }, (_, i) => [RX_BUFS + i * 0x1000, 256] as const);
    setupRx(n, 8, RCTL_EN | RCTL_BAM | RCTL_SECRC | RCTL_BSIZE_256);
    bounded("1600-byte frame, no LPE/SBP", 2000, () => receive(n, frame(1600)));
    assert.equal(n.r(R.ROC), 1, "oversize counted");
    assert.equal(n.dma.count("write"), 0, "nothing written to the guest");
    n.w(R.RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC | RCTL_BSIZE_256 | RCTL_SBP);
    receive(n, frame(1600)); // SBP keeps the oversized frame: 7 buffers of 256 (the last partly)
    assert.equal(n.r(R.RDH), 7);
    const writes = n.dma.accesses.filter((a) => a.op === "write" && a.gpa >= RX_BUFS);
    assert.equal(writes.reduce((s, a) => s + a.len, 0), 1600);
    assert.ok(writes.every((a) => a.len <= 256), "no write longer than a buffer");
    n.dma.clear();
    receive(n, frame(1600)); // no descriptor left: the frame does not fit, nothing is written
    assert.equal(n.r(R.MPC), 1);
    assert.equal(n.dma.count("write"), 0);
    assertDmaInside(n.dma, [[RX_RING, 8 * 16], ...bufs], "RX DMA");
    assertServing(n.m, "e1000");
  });

  // CVE-2025-12464 (QEMU e1000, verified): stack overflow via "short frames in loopback mode"
  // (padding moved out of the device, the loopback path still handed it a short frame).
  it("CVE-2025-12464: short frames in MAC loopback are padded inside the device, runts dropped", () => {
    const n = nic();
    setupRx(n, 8, RCTL_EN | RCTL_BAM | RCTL_SECRC | RCTL_LBM_MAC);
    setupTx(n, 8, TX_RING, TCTL_EN); // no PSP: the device is handed 20- and 14-byte frames
    n.g.poke(DATA, frame(20, MAC, MAC));
    txd(n, 0, DATA, 20 | EOP | RS);
    txd(n, 1, DATA, 14 | EOP | RS);
    txd(n, 2, DATA, 13 | EOP | RS);
    bounded("short loopback frames", 2000, () => n.w(R.TDT, 3));
    assert.equal(n.peer.fromDevice.length, 0, "loopback: nothing reaches the wire");
    assert.equal(n.r(R.RDH), 2, "two frames received");
    for (let i = 0; i < 2; i++) assert.equal(n.g.peek32(RX_RING + 16 * i + 8) & 0xffff, 60, `frame ${i} padded to 60 bytes`);
    assert.deepEqual([...n.g.peek(RX_BUFS + 20, 40)], new Array(40).fill(0), "padding is zeros");
    assertDmaInside(n.dma, [[TX_RING, 8 * 16], [DATA, 20], [RX_RING, 8 * 16], [RX_BUFS, 60], [RX_BUFS + 0x1000, 60]], "loopback DMA");
    assertServing(n.m, "e1000");
  });

  // CVE-2020-28916 (QEMU e1000e, verified): infinite loop in e1000e_write_packet_to_guest "if the
  // receive descriptor had a NULL buffer address".
  it("CVE-2020-28916: RX descriptors with NULL buffer addresses are consumed once, no data written", () => {
    const n = nic();
    n.g.poke32(0, 0x5a5a5a5a);
    setupRx(n, 8, RCTL_EN | RCTL_BAM | RCTL_SECRC, () => 0);
    bounded("RX into NULL buffers", 2000, () => receive(n, frame(200)));
    assert.equal(n.r(R.RDH), 7, "stopped at RDT");
    assert.equal(n.dma.count("read", [RX_RING, 8 * 16]), 7, "each free descriptor read once");
    assert.equal(n.dma.count("write", [RX_RING, 8 * 16]), 7, "each written back once");
    assert.equal(n.dma.accesses.filter((a) => a.op === "write" && a.len > 8).length, 0, "no frame data written anywhere");
    assert.equal(n.g.peek32(0), 0x5a5a5a5a, "guest address 0 untouched");
    assertDmaInside(n.dma, [[RX_RING, 8 * 16]], "RX DMA");
    n.dma.clear();
    bounded("RX with a full ring", 2000, () => receive(n, frame(200)));
    assert.equal(n.dma.accesses.length, 0);
    assert.ok(n.r(R.MPC) >= 1, "missed frames counted");
    assertServing(n.m, "e1000");
  });

  // Class (QEMU e1000e/igb DMA-to-own-MMIO re-entrancy, VirtualBox E1000 ring corruption): rings
  // and buffers pointing at the device's own BAR, or hanging off the end of guest RAM.
  it("rings and buffers at the device's own MMIO or past the end of RAM abort cleanly", () => {
    const n = nic();
    // TX ring in the register file itself: the fetch faults; the registers are not touched
    setupTx(n, 8, BAR0 + R.TDBAL);
    bounded("TX ring on the BAR", 2000, () => n.w(R.TDT, 4));
    assert.equal(n.r(R.TDH), 0, "ring stopped");
    assert.equal(n.r(R.TDT), 4);
    assert.ok((n.g.pciRead(BDF, 0x06, 2) & 0x2000) !== 0, "master abort recorded");
    // a TX buffer pointing at TDT: the frame is dropped, TDT keeps the guest's value
    setupTx(n, 8);
    txd(n, 0, BAR0 + R.TDT, 64 | EOP | RS);
    n.w(R.TDT, 1);
    assert.equal(n.r(R.TDT), 1);
    assert.equal(n.r(R.TDH), 1);
    assert.equal(n.peer.fromDevice.length, 0);
    // an RX ring straddling the end of RAM: the descriptors inside work, the walk stops at the edge
    const ring = RAM - 32;
    n.g.poke32(ring, RX_BUFS); n.g.poke32(ring + 16, RX_BUFS + 0x1000);
    n.w(R.RDBAL, ring); n.w(R.RDLEN, 8 * 16); n.w(R.RDH, 0); n.w(R.RDT, 7);
    n.w(R.RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC | RCTL_BSIZE_256 | RCTL_SBP);
    bounded("RX ring off the end of RAM", 2000, () => receive(n, frame(700)));
    assert.equal(n.r(R.RDH), 2, "two descriptors used, the third is outside RAM");
    assert.ok(n.dma.accesses.every((a) => a.ok || a.gpa >= RAM || a.gpa + a.len > RAM), "only accesses beyond RAM fail");
    assertDmaInside(n.dma, [[TX_RING, 8 * 16], [BAR0 + R.TDBAL, 8 * 16], [BAR0 + R.TDT, 64], [ring, 8 * 16], [RX_BUFS, 256], [RX_BUFS + 0x1000, 256]], "DMA");
    assertServing(n.m, "e1000");
  });
});
