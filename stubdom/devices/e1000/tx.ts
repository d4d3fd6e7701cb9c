// Transmit: walks the TX ring from TDH to TDT (at most one lap per kick, and at most TX_BUDGET
// bytes before yielding to a resume timer), decoding legacy, context and data descriptors;
// assembles frames, applies checksum offload (legacy CSO/CSS, or the IP/TCP/UDP context with
// POPTS) or TCP segmentation, inserts the VLAN tag, pads (TCTL.PSP), counts and sends them
// (net_send, or back into RX in MAC/PHY loopback). Descriptors with RS/RPS get DD written back,
// then TXDW (delayed by TIDV/TADV when IDE); TXQE when the ring drains.
import { dma_read, dma_write, net_send, DMA_OK } from "../../lib/abi";
import { warn } from "./diag";
import { S, reg, setReg, TxContext, TX_BUF_SIZE } from "./state";
import {
  CTRL, CTRL_VME, VET, RCTL, RCTL_LBM_MASK, RCTL_LBM_MAC, TCTL, TCTL_EN, TCTL_PSP,
  TDBAL, TDBAH, TDLEN, TDH, TDT, TXD_CMD_EOP, TXD_CMD_IC, TXD_CMD_TSE, TXD_CMD_RS, TXD_CMD_RPS,
  TXD_CMD_DEXT, TXD_CMD_VLE, TXD_CMD_IDE, TXD_DTYP_MASK, TXD_DTYP_CONTEXT, TXD_DTYP_DATA,
  TXD_TUCMD_TCP, TXD_TUCMD_IP, TXD_STAT_DD, TXD_POPTS_IXSM, TXD_POPTS_TXSM, ICR_TXQE,
  TXD_LEN_MASK, TXD_LEGACY_LEN_MASK, TXD_LEGACY_CSO_SHIFT, TXD_LEGACY_CSS_SHIFT, TXD_SPECIAL_SHIFT,
  DESC_SIZE, DESC_SIZE_SHIFT, DESC_BASE_MASK,
} from "./regs";
import { busMaster, noteMasterAbort } from "./pcidev";
import { raise, txDescDone, armNs, TIMER_TX_RESUME } from "./irq";
import { insertChecksum, tsoFixHeaders, addPseudoLength } from "./offload";
import { store16be } from "./checksum";
import { countTx, statInc, TSCTC, TSCTFC } from "./stats";
import { phyLoopback } from "./phy";
import { rxFrame, MIN_FRAME } from "./rx";

const MAX_FRAME: i32 = 16384; // largest non-TSO frame (jumbo), without FCS
const ASSEMBLY_LIMIT: i32 = TX_BUF_SIZE - 512; // room kept for a VLAN tag, padding and an FCS
const TX_BUDGET: i32 = 4 << 20; // bytes per kick before yielding
const TX_RESUME_NS: i64 = 10_000;

// --- sending ------------------------------------------------------------------------------------

function sendFrame(base: usize, len: i32): void {
  if (S.txVlan && (reg(CTRL) & CTRL_VME) != 0) {
    memory.copy(base + 16, base + 12, <usize>(len - 12));
    store16be(base, 12, reg(VET));
    store16be(base, 14, S.txSpecial);
    len += 4;
  }
  if (len < MIN_FRAME && (reg(TCTL) & TCTL_PSP) != 0) {
    memory.fill(base + <usize>len, 0, <usize>(MIN_FRAME - len));
    len = MIN_FRAME;
  }
  countTx(base, len);
  if ((reg(RCTL) & RCTL_LBM_MASK) == RCTL_LBM_MAC || phyLoopback()) rxFrame(base, len);
  else net_send(base, len);
}

function drop(why: string): void {
  S.txDrops++;
  warn(why);
}

// --- plain (non-TSO) frames ------------------------------------------------------------------------

function appendPlain(addr: u64, len: i32): i32 {
  if (len == 0 || S.txOverflow) return 0;
  if (S.txLen + len > ASSEMBLY_LIMIT) { S.txOverflow = true; return 0; }
  if (dma_read(<i32>addr, <i32>(addr >> 32), changetype<usize>(S.txBuf) + <usize>S.txLen, len) != DMA_OK) {
    noteMasterAbort();
    S.txOverflow = true;
    return 0;
  }
  S.txLen += len;
  return len;
}

function finishPlain(): void {
  const base = changetype<usize>(S.txBuf);
  const len = S.txLen;
  if (S.txOverflow) { drop("TX frame dropped: data unreadable or larger than the assembly buffer"); return; }
  if (len < 14) { if (len > 0) drop("TX frame dropped: runt"); else S.txDrops++; return; }
  if (len > MAX_FRAME) { drop("TX frame dropped: oversize"); return; }
  if (S.txLegacyCso >= 0) insertChecksum(base, len, S.txLegacyCss, S.txLegacyCso, 0);
  const c = S.ctxCsum;
  if ((S.txPopts & TXD_POPTS_IXSM) != 0) insertChecksum(base, len, c.ipcss, c.ipcso, c.ipcse);
  if ((S.txPopts & TXD_POPTS_TXSM) != 0) insertChecksum(base, len, c.tucss, c.tucso, c.tucse);
  sendFrame(base, len);
}

// --- TCP segmentation -------------------------------------------------------------------------------

function tsoValid(c: TxContext): bool {
  return c.hdrlen >= 14 && c.mss > 0 && c.hdrlen + c.mss <= ASSEMBLY_LIMIT;
}

function emitSegment(last: bool): void {
  const c = S.ctxTso;
  const payload = S.txLen - c.hdrlen;
  const seg = changetype<usize>(S.segBuf);
  memory.copy(seg, changetype<usize>(S.txBuf), <usize>S.txLen);
  const len = S.txLen;
  tsoFixHeaders(seg, len, c, S.tsoFrames, S.tsoSent, last);
  if ((S.txPopts & TXD_POPTS_IXSM) != 0) {
    if (c.ipv4 && c.ipcso + 2 <= len) store16be(seg, c.ipcso, 0);
    insertChecksum(seg, len, c.ipcss, c.ipcso, c.ipcse);
  }
  if ((S.txPopts & TXD_POPTS_TXSM) != 0) {
    addPseudoLength(seg, len, c);
    insertChecksum(seg, len, c.tucss, c.tucso, c.tucse);
  }
  sendFrame(seg, len);
  S.tsoSent += payload;
  S.tsoFrames++;
  S.txLen = c.hdrlen;
}

// Streams a descriptor's data into header + one MSS of payload, emitting each full segment.
function appendTso(addr: u64, len: i32): i32 {
  if (S.txOverflow) return 0;
  const c = S.ctxTso;
  const full = c.hdrlen + c.mss;
  // A TSE context descriptor between the data descriptors of one packet may have changed the
  // header length or MSS (checked only at packet start): if the context is no longer valid, or
  // what is already assembled leaves no room in a segment, the packet is dropped (otherwise the
  // room below would be zero or negative: an endless loop, or a negative DMA length).
  if (!tsoValid(c) || S.txLen >= full) {
    statInc(TSCTFC);
    S.txOverflow = true;
    return 0;
  }
  let left = len;
  while (left > 0) { // each pass consumes at least one byte
    const room = S.txLen < c.hdrlen ? c.hdrlen - S.txLen : full - S.txLen;
    const chunk = min(room, left);
    if (dma_read(<i32>addr, <i32>(addr >> 32), changetype<usize>(S.txBuf) + <usize>S.txLen, chunk) != DMA_OK) {
      noteMasterAbort();
      S.txOverflow = true;
      return len - left;
    }
    S.txLen += chunk;
    addr += <u64>chunk;
    left -= chunk;
    if (S.txLen == full) emitSegment(S.tsoSent + c.mss >= c.paylen && left == 0);
  }
  return len;
}

function finishTso(): void {
  const c = S.ctxTso;
  if (S.txOverflow) { drop("TX TSO packet dropped: data unreadable or bad context"); return; }
  if (S.txLen > c.hdrlen || (S.txLen == c.hdrlen && S.tsoFrames == 0)) emitSegment(true);
  else if (S.txLen < c.hdrlen) drop("TX TSO packet dropped: shorter than its header");
}

// --- descriptors --------------------------------------------------------------------------------------

function startPacket(tse: bool, popts: u32): void {
  S.txFirst = false;
  S.txTse = tse;
  S.txPopts = popts;
  S.txLen = 0;
  S.txOverflow = false;
  S.txLegacyCso = -1;
  S.tsoSent = 0;
  S.tsoFrames = 0;
  if (tse && !tsoValid(S.ctxTso)) {
    statInc(TSCTFC);
    S.txOverflow = true;
  }
}

function endPacket(cmd: u32, special: u32): void {
  S.txVlan = (cmd & TXD_CMD_VLE) != 0;
  S.txSpecial = special;
  if (S.txTse) finishTso(); else finishPlain();
  S.txFirst = true;
}

function contextDescriptor(d0: u32, d1: u32, d2: u32, d3: u32): void {
  const tse = (d2 & TXD_CMD_TSE) != 0;
  const c = tse ? S.ctxTso : S.ctxCsum;
  c.ipcss = <i32>(d0 & 0xff);
  c.ipcso = <i32>((d0 >> 8) & 0xff);
  c.ipcse = <i32>(d0 >> 16);
  c.tucss = <i32>(d1 & 0xff);
  c.tucso = <i32>((d1 >> 8) & 0xff);
  c.tucse = <i32>(d1 >> 16);
  c.paylen = <i32>(d2 & TXD_LEN_MASK);
  c.tcp = (d2 & TXD_TUCMD_TCP) != 0;
  c.ipv4 = (d2 & TXD_TUCMD_IP) != 0;
  c.hdrlen = <i32>((d3 >> 8) & 0xff);
  c.mss = <i32>(d3 >> 16);
  if (tse) statInc(TSCTC);
}

function dataDescriptor(addr: u64, d2: u32, d3: u32): i32 {
  const len = <i32>(d2 & TXD_LEN_MASK);
  if (S.txFirst) startPacket((d2 & TXD_CMD_TSE) != 0, d3 & (TXD_POPTS_IXSM | TXD_POPTS_TXSM));
  const n = S.txTse ? appendTso(addr, len) : appendPlain(addr, len);
  if ((d2 & TXD_CMD_EOP) != 0) endPacket(d2, d3 >> TXD_SPECIAL_SHIFT);
  return n;
}

function legacyDescriptor(addr: u64, d2: u32, d3: u32): i32 {
  const len = <i32>(d2 & TXD_LEGACY_LEN_MASK);
  if (S.txFirst) startPacket(false, 0);
  const n = appendPlain(addr, len);
  if ((d2 & TXD_CMD_EOP) != 0) {
    if ((d2 & TXD_CMD_IC) != 0) {
      S.txLegacyCso = <i32>((d2 >> TXD_LEGACY_CSO_SHIFT) & 0xff);
      S.txLegacyCss = <i32>((d3 >> TXD_LEGACY_CSS_SHIFT) & 0xff);
    }
    endPacket(d2, d3 >> TXD_SPECIAL_SHIFT);
  }
  return n;
}

// Processes one descriptor; returns the bytes it moved.
function processDescriptor(d0: u32, d1: u32, d2: u32, d3: u32): i32 {
  const addr = (<u64>d1 << 32) | <u64>d0;
  if ((d2 & TXD_CMD_DEXT) == 0) return legacyDescriptor(addr, d2, d3);
  const dtyp = d2 & TXD_DTYP_MASK;
  if (dtyp == TXD_DTYP_CONTEXT) { contextDescriptor(d0, d1, d2, d3); return 0; }
  if (dtyp == TXD_DTYP_DATA) return dataDescriptor(addr, d2, d3);
  warn("TX descriptor of reserved type");
  return 0;
}

// --- the ring -----------------------------------------------------------------------------------------

export function txKick(): void {
  if ((reg(TCTL) & TCTL_EN) == 0 || !busMaster()) return;
  const n = <i32>(reg(TDLEN) >> DESC_SIZE_SHIFT);
  if (n == 0) return;
  let head = <i32>reg(TDH);
  const tail = <i32>reg(TDT);
  if (head >= n || tail >= n) { warn("TDH/TDT outside the TX ring: ring stopped"); return; }
  const ring = (<u64>reg(TDBAH) << 32) | <u64>(reg(TDBAL) & DESC_BASE_MASK);
  const p = changetype<usize>(S.txDesc);
  let written = false;
  let ide = false;
  let budget = TX_BUDGET;
  for (let i = 0; i < n && head != tail; i++) {
    const da = ring + <u64>head * DESC_SIZE;
    if (dma_read(<i32>da, <i32>(da >> 32), p, DESC_SIZE) != DMA_OK) { noteMasterAbort(); break; }
    const d2 = load<u32>(p, 8);
    const d3 = load<u32>(p, 12);
    budget -= processDescriptor(load<u32>(p), load<u32>(p, 4), d2, d3) + DESC_SIZE;
    if ((d2 & (TXD_CMD_RS | TXD_CMD_RPS)) != 0) {
      store<u32>(p, d3 | TXD_STAT_DD, 12);
      if (dma_write(<i32>(da + 12), <i32>((da + 12) >> 32), p + 12, 4) != DMA_OK) noteMasterAbort();
      written = true;
      if ((d2 & TXD_CMD_IDE) != 0) ide = true;
    }
    head = (head + 1) % n;
    setReg(TDH, <u32>head);
    if (budget <= 0 && head != tail) { armNs(TIMER_TX_RESUME, TX_RESUME_NS); break; }
  }
  if (written) txDescDone(ide);
  if (head == tail) raise(ICR_TXQE);
}

export function txReset(): void {
  S.ctxTso.clear();
  S.ctxCsum.clear();
  S.txLen = 0;
  S.txOverflow = false;
  S.txFirst = true;
  S.txTse = false;
  S.txPopts = 0;
  S.txLegacyCso = -1;
  S.tsoSent = 0;
  S.tsoFrames = 0;
  S.txVlan = false;
  S.txSpecial = 0;
}
