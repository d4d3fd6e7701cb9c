// Shared helpers for the e1000 tests (a machine with the NIC and an in-memory peer, BAR set-up,
// descriptor rings in guest RAM, frame builders and an independent checksum/CRC implementation),
// and tests of those helpers themselves so the other tests rest on checked ground.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { Guest, bdfOf } from "../../host/node/guest.ts";
import { NetPeer } from "../../host/node/backends/net-peer.ts";

export const BDF = bdfOf(0, 3, 0);
export const BAR0 = 0xfebc0000;
export const IOBASE = 0xc000;
export const IRQ = 11;
export const MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
export const PEER_MAC = [0x52, 0x55, 0x0a, 0x00, 0x02, 0x02];
export const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

// Register offsets (8254x manual).
export const R = {
  CTRL: 0x0, STATUS: 0x8, EECD: 0x10, EERD: 0x14, CTRL_EXT: 0x18, MDIC: 0x20, FCAL: 0x28, FCAH: 0x2c,
  FCT: 0x30, VET: 0x38, ICR: 0xc0, ITR: 0xc4, ICS: 0xc8, IMS: 0xd0, IMC: 0xd8, RCTL: 0x100,
  TCTL: 0x400, TIPG: 0x410, LEDCTL: 0xe00, PBA: 0x1000, RDBAL: 0x2800, RDBAH: 0x2804, RDLEN: 0x2808,
  RDH: 0x2810, RDT: 0x2818, RDTR: 0x2820, RADV: 0x282c, TDBAL: 0x3800, TDBAH: 0x3804, TDLEN: 0x3808,
  TDH: 0x3810, TDT: 0x3818, TIDV: 0x3820, TADV: 0x382c, RXCSUM: 0x5000, MTA: 0x5200, RAL0: 0x5400,
  RAH0: 0x5404, VFTA: 0x5600, MANC: 0x5820,
  MPC: 0x4010, PRC64: 0x405c, GPRC: 0x4074, BPRC: 0x4078, MPRC: 0x407c, GPTC: 0x4080, GORCL: 0x4088,
  GORCH: 0x408c, GOTCL: 0x4090, GOTCH: 0x4094, RNBC: 0x40a0, RUC: 0x40a4, ROC: 0x40ac, TPR: 0x40d0,
  TPT: 0x40d4, PTC64: 0x40d8, MPTC: 0x40f0, BPTC: 0x40f4, TSCTC: 0x40f8, TSCTFC: 0x40fc,
} as const;

export const ICR_TXDW = 0x01, ICR_TXQE = 0x02, ICR_LSC = 0x04, ICR_RXDMT0 = 0x10, ICR_RXO = 0x40, ICR_RXT0 = 0x80, ICR_MDAC = 0x200;
export const RCTL_EN = 0x2, RCTL_UPE = 0x8, RCTL_MPE = 0x10, RCTL_LPE = 0x20, RCTL_BAM = 0x8000, RCTL_VFE = 0x40000, RCTL_BSEX = 0x02000000, RCTL_SECRC = 0x04000000;
export const TCTL_EN = 0x2, TCTL_PSP = 0x8;
// TX descriptor command bits (in dword 2) and types
export const EOP = 0x01000000, IFCS = 0x02000000, IC = 0x04000000, TSE = 0x04000000, RS = 0x08000000, DEXT = 0x20000000, VLE = 0x40000000, IDE = 0x80000000;
export const DTYP_D = 0x00100000;
export const TUCMD_TCP = 0x01000000, TUCMD_IP = 0x02000000;
export const POPTS_IXSM = 0x100, POPTS_TXSM = 0x200;

export interface Nic {
  m: Machine;
  g: Guest;
  peer: NetPeer;
  r(off: number): number;
  w(off: number, v: number): void;
}

/** A machine with the e1000 at 00:03.0 (BARs programmed, decoding and bus mastering on unless
 *  `enable` is false), INTA routed through PIRQ link 3 to ISA IRQ 11, and a NetPeer. */
export function nic(opts: { config?: string; enable?: boolean; peer?: NetPeer } = {}): Nic {
  const peer = opts.peer ?? new NetPeer();
  const m = createMachine([{ name: "e1000", config: opts.config ?? "mac=52:54:00:12:34:56", net: peer }]);
  peer.schedule = (fn) => m.rt.defer(fn);
  m.sim.setPciLinkRoute(3, IRQ);
  const g = m.guest;
  if (opts.enable !== false) {
    g.pciWrite(BDF, 0x10, 4, BAR0);
    g.pciWrite(BDF, 0x14, 4, IOBASE);
    g.pciWrite(BDF, 0x04, 2, 0x0007);
  }
  return { m, g, peer, r: (off) => g.readl(BAR0 + off), w: (off, v) => g.writel(BAR0 + off, v) };
}

export function noFailures(n: Nic): void {
  assert.deepEqual(n.m.rt.failures, [], "the device must not trap");
}

// --- rings -----------------------------------------------------------------------------------------

export const TX_RING = 0x100000;
export const RX_RING = 0x110000;
export const TX_DATA = 0x200000;
export const RX_BUFS = 0x400000;

export function setupTx(n: Nic, count = 8, tctl = TCTL_EN | TCTL_PSP, ring = TX_RING): void {
  n.w(R.TDBAL, ring); n.w(R.TDBAH, 0); n.w(R.TDLEN, count * 16); n.w(R.TDH, 0); n.w(R.TDT, 0);
  n.w(R.TCTL, tctl);
}

/** Writes TX descriptor `i`: address, dword2 (length | cmd | type), dword3. */
export function txd(n: Nic, i: number, addr: number, dw2: number, dw3 = 0, ring = TX_RING): void {
  const a = ring + 16 * i;
  n.g.poke32(a, addr); n.g.poke32(a + 4, 0); n.g.poke32(a + 8, dw2 >>> 0); n.g.poke32(a + 12, dw3 >>> 0);
}

export function contextDesc(n: Nic, i: number, c: { ipcss: number; ipcso: number; ipcse: number; tucss: number; tucso: number; tucse: number; paylen?: number; tucmd?: number; hdrlen?: number; mss?: number; tse?: boolean; rs?: boolean }): void {
  const a = TX_RING + 16 * i;
  n.g.poke32(a, c.ipcss | (c.ipcso << 8) | (c.ipcse << 16));
  n.g.poke32(a + 4, c.tucss | (c.tucso << 8) | (c.tucse << 16));
  n.g.poke32(a + 8, ((c.paylen ?? 0) | DEXT | (c.tucmd ?? 0) | (c.tse ? TSE : 0) | (c.rs ? RS : 0)) >>> 0);
  n.g.poke32(a + 12, ((c.hdrlen ?? 0) << 8) | ((c.mss ?? 0) << 16));
}

export function setupRx(n: Nic, count = 8, rctl = RCTL_EN | RCTL_BAM | RCTL_SECRC, bufSize = 2048, tail = count - 1): void {
  for (let i = 0; i < count; i++) {
    const a = RX_RING + 16 * i;
    n.g.poke32(a, RX_BUFS + i * bufSize); n.g.poke32(a + 4, 0); n.g.poke32(a + 8, 0); n.g.poke32(a + 12, 0);
  }
  n.w(R.RDBAL, RX_RING); n.w(R.RDBAH, 0); n.w(R.RDLEN, count * 16); n.w(R.RDH, 0); n.w(R.RDT, tail);
  n.w(R.RCTL, rctl);
}

export interface RxDesc { addr: number; length: number; csum: number; status: number; errors: number; special: number }
export function rxd(n: Nic, i: number): RxDesc {
  const a = RX_RING + 16 * i;
  const b = n.g.peek(a, 16);
  const dv = new DataView(b.buffer);
  return { addr: dv.getUint32(0, true), length: dv.getUint16(8, true), csum: dv.getUint16(10, true), status: b[12]!, errors: b[13]!, special: dv.getUint16(14, true) };
}

/** Delivers a frame from the peer and lets the runtime run deferred work. */
export function receive(n: Nic, frame: Uint8Array): void {
  n.peer.inject(frame);
  n.g.wait(0);
}

// --- frames and checksums (independent of the device and of net-peer) ------------------------------

export function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  for (let i = start; i < end; i += 2) acc += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  return acc;
}
export function foldSum(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
}
/** The checksum field value: ~fold(sum). */
export const csum = (b: Uint8Array, start: number, end: number, acc = 0): number => ~foldSum(sum16(b, start, end, acc)) & 0xffff;
/** A valid checksum region sums (folded) to 0xFFFF. */
export const sumsToOnes = (b: Uint8Array, start: number, end: number, acc = 0): boolean => foldSum(sum16(b, start, end, acc)) === 0xffff;

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

export const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const be32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
export function put16(b: Uint8Array, o: number, v: number): void { b[o] = (v >>> 8) & 0xff; b[o + 1] = v & 0xff; }
export function put32(b: Uint8Array, o: number, v: number): void { put16(b, o, v >>> 16); put16(b, o + 2, v & 0xffff); }

export function ether(dst: number[], src: number[], type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0); f.set(src, 6); put16(f, 12, type); f.set(payload, 14);
  return f;
}

export const IP_A = [10, 0, 2, 15];
export const IP_B = [10, 0, 2, 2];

/** IPv4 header (20 bytes) + L4 payload; `check` true fills a valid header checksum. */
export function ipv4(proto: number, l4: Uint8Array, o: { id?: number; check?: boolean; src?: number[]; dst?: number[] } = {}): Uint8Array {
  const p = new Uint8Array(20 + l4.length);
  p[0] = 0x45; put16(p, 2, p.length); put16(p, 4, o.id ?? 0x1234); put16(p, 6, 0x4000); p[8] = 64; p[9] = proto;
  p.set(o.src ?? IP_A, 12); p.set(o.dst ?? IP_B, 16);
  if (o.check !== false) put16(p, 10, csum(p, 0, 20));
  p.set(l4, 20);
  return p;
}

/** Pseudo-header sum (unfolded) for IPv4 src/dst/proto/length. */
export function pseudo(ip: Uint8Array, off: number, proto: number, len: number): number {
  return sum16(ip, off + 12, off + 20) + proto + len;
}

export function tcpSegment(payload: Uint8Array, o: { seq?: number; flags?: number } = {}): Uint8Array {
  const t = new Uint8Array(20 + payload.length);
  put16(t, 0, 40000); put16(t, 2, 80); put32(t, 4, o.seq ?? 1000); put32(t, 8, 1); t[12] = 0x50; t[13] = o.flags ?? 0x18; put16(t, 14, 65535);
  t.set(payload, 20);
  return t;
}

export function udpDatagram(payload: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + payload.length);
  put16(u, 0, 5000); put16(u, 2, 53); put16(u, 4, u.length); u.set(payload, 8);
  return u;
}

export function pattern(len: number, seed = 1): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + seed * 13) & 0xff;
  return b;
}

describe("e1000 test harness", () => {
  it("checksum helper matches RFC 1071's worked example", () => {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (folded).
    const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    assert.equal(foldSum(sum16(b, 0, 8)), 0xddf2);
    assert.equal(csum(b, 0, 8), 0x220d);
  });

  it("CRC-32 helper gives the standard check value", () => {
    assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  });

  it("ipv4() builds a header whose checksum verifies", () => {
    const p = ipv4(17, udpDatagram(pattern(10)));
    assert.ok(sumsToOnes(p, 0, 20));
    assert.equal(be16(p, 2), 20 + 8 + 10);
  });

  it("nic() gives a machine whose e1000 answers at 00:03.0 and routes INTA to IRQ 11", () => {
    const n = nic();
    assert.equal(n.g.pciRead(BDF, 0, 4), 0x100e8086);
    n.w(R.IMS, ICR_TXDW);
    n.w(R.ICS, ICR_TXDW);
    assert.equal(n.g.irq(IRQ), true);
    n.r(R.ICR);
    assert.equal(n.g.irq(IRQ), false);
    noFailures(n);
  });
});

// --- guest-driver routines shared by several tests --------------------------------------------------

const EECD_SK = 0x1, EECD_CS = 0x2, EECD_DI = 0x4, EECD_DO = 0x8, EECD_REQ = 0x40, EECD_GNT = 0x80;

/** Reads EEPROM words by bit-banging EECD the way Linux's e1000_read_eeprom does on an 82540
 *  (Microwire: acquire with REQ/GNT, CS, opcode 110b in 3 bits, 6 address bits, 16 data bits,
 *  standby between words, release). */
export function eepromReadBitBang(n: Nic, first: number, count: number): number[] {
  const w = (v: number) => n.w(R.EECD, v);
  let eecd = n.r(R.EECD);
  eecd |= EECD_REQ; w(eecd);
  for (let i = 0; i < 1000 && !(n.r(R.EECD) & EECD_GNT); i++) { /* wait for grant */ }
  assert.ok(n.r(R.EECD) & EECD_GNT, "EEPROM grant");
  eecd = n.r(R.EECD) & ~(EECD_DI | EECD_SK); w(eecd);
  eecd |= EECD_CS; w(eecd);
  const raise = () => { eecd |= EECD_SK; w(eecd); };
  const lower = () => { eecd &= ~EECD_SK; w(eecd); };
  const shiftOut = (data: number, bits: number) => {
    eecd = n.r(R.EECD) & ~EECD_DO;
    for (let mask = 1 << (bits - 1); mask; mask >>= 1) {
      eecd &= ~EECD_DI;
      if (data & mask) eecd |= EECD_DI;
      w(eecd); raise(); lower();
    }
    eecd &= ~EECD_DI; w(eecd);
  };
  const shiftIn = (bits: number) => {
    eecd = n.r(R.EECD) & ~(EECD_DO | EECD_DI);
    let data = 0;
    for (let i = 0; i < bits; i++) {
      data <<= 1; raise();
      eecd = n.r(R.EECD) & ~EECD_DI;
      if (eecd & EECD_DO) data |= 1;
      lower();
    }
    return data;
  };
  const standby = () => {
    eecd &= ~(EECD_CS | EECD_SK); w(eecd);
    eecd |= EECD_SK; w(eecd);
    eecd |= EECD_CS; w(eecd);
    eecd &= ~EECD_SK; w(eecd);
  };
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    shiftOut(0x6, 3);
    shiftOut(first + i, 6);
    out.push(shiftIn(16));
    standby();
  }
  eecd &= ~(EECD_CS | EECD_DI); w(eecd);
  eecd |= EECD_SK; w(eecd);
  eecd &= ~EECD_SK; w(eecd);
  eecd &= ~EECD_REQ; w(eecd);
  return out;
}

export function eepromReadEerd(n: Nic, addr: number): number {
  n.w(R.EERD, (addr << 8) | 1);
  const v = n.r(R.EERD);
  assert.ok(v & 0x10, "EERD done");
  return v >>> 16;
}

/** MDIC read of PHY register `reg` at PHY address `phy`; returns the whole MDIC value. */
export function mdic(n: Nic, reg: number, opts: { phy?: number; write?: number; ie?: boolean } = {}): number {
  const op = opts.write === undefined ? 0x08000000 : 0x04000000;
  n.w(R.MDIC, (op | ((opts.phy ?? 1) << 21) | (reg << 16) | (opts.write ?? 0) | (opts.ie ? 0x20000000 : 0)) >>> 0);
  return n.r(R.MDIC);
}
export const phyRead = (n: Nic, reg: number): number => {
  const v = mdic(n, reg);
  assert.ok(v & 0x10000000, "MDIC ready");
  assert.equal(v & 0x40000000, 0, `MDIC error reading PHY register ${reg}`);
  return v & 0xffff;
};
