// Receive: a frame from the backend (or from TX in loopback) is checked (size, filters), the
// VLAN tag stripped when CTRL.VME, the FCS appended unless RCTL.SECRC, the receive checksums
// checked (RXCSUM), and the frame written into the buffers of legacy descriptors from RDH,
// split by the RCTL buffer size; each descriptor is written back with length and DD, the last
// with EOP, status and errors. No free descriptors: RXO and the frame is missed (MPC, RNBC).
// The walk visits each descriptor at most once per frame.
import { dma_read, dma_write, DMA_OK } from "../../lib/abi";
import { warn } from "./diag";
import { S, reg, setReg } from "./state";
import {
  CTRL, CTRL_VME, STATUS, STATUS_LU, RCTL, RCTL_EN, RCTL_SBP, RCTL_LPE, RCTL_BSEX, RCTL_SECRC,
  RCTL_BSIZE_SHIFT, RCTL_RDMTS_SHIFT, RDBAL, RDBAH, RDLEN, RDH, RDT, RXCSUM, RXCSUM_IPOFL,
  RXCSUM_TUOFL, RXCSUM_PCSS_MASK, DESC_SIZE, DESC_SIZE_SHIFT, DESC_BASE_MASK, RXD_STAT_DD,
  RXD_STAT_EOP, RXD_STAT_IXSM, RXD_STAT_VP, RXD_STAT_TCPCS, RXD_STAT_IPCS, RXD_ERR_TCPE, RXD_ERR_IPE,
  RXD_ERR_RXE, ICR_RXO, ICR_RXDMT0,
} from "./regs";
import { busMaster, noteMasterAbort } from "./pcidev";
import { filterAccept, isVlanTagged } from "./filter";
import { sumBytes, fold, load16be, crc32 } from "./checksum";
import { raise, rxFrameDone } from "./irq";
import { statInc, countRx, MPC, RNBC, RUC, ROC } from "./stats";

export const MIN_FRAME: i32 = 60; // without FCS
const HEADER_LEN: i32 = 14;
const MAX_STD: i32 = 1522; // with FCS and a VLAN tag
const MAX_LPE: i32 = 16384;
const FCS_LEN: i32 = 4;
const VLAN_TAG_LEN: i32 = 4;
const ETHERTYPE_IPV4: u32 = 0x0800;
const IPV4_MIN_HEADER: i32 = 20;
const IP_PROTO_TCP: u8 = 6;
const IP_PROTO_UDP: u8 = 17;
const IPV4_FRAG_MASK: u32 = 0x3fff; // MF and the fragment offset
const SUM_OK: u16 = 0xffff; // a ones'-complement sum over data that includes a correct checksum

export function rxReady(): bool {
  return (reg(RCTL) & RCTL_EN) != 0 && (reg(STATUS) & STATUS_LU) != 0 && busMaster();
}

export function rxBufSize(): i32 {
  const rctl = reg(RCTL);
  const bs = (rctl >> RCTL_BSIZE_SHIFT) & 3;
  if ((rctl & RCTL_BSEX) != 0) {
    if (bs == 1) return 16384;
    if (bs == 2) return 8192;
    if (bs == 3) return 4096;
    return 2048; // BSIZE 00 with BSEX is reserved
  }
  return 2048 >> <i32>bs;
}

function ringSize(): i32 { return <i32>(reg(RDLEN) >> DESC_SIZE_SHIFT); }

function freeDescriptors(n: i32): i32 {
  return (<i32>reg(RDT) - <i32>reg(RDH) + n) % n;
}

// Receive checksum verification for an untagged or stripped frame: the descriptor's status bits,
// and its error bits in 15:8.
function checkSums(base: usize, len: i32, l3: i32): u32 {
  const rxcsum = reg(RXCSUM);
  if ((rxcsum & (RXCSUM_IPOFL | RXCSUM_TUOFL)) == 0) return RXD_STAT_IXSM;
  if (l3 + IPV4_MIN_HEADER > len || load16be(base, l3 - 2) != ETHERTYPE_IPV4) return RXD_STAT_IXSM;
  const vihl = load<u8>(base + <usize>l3);
  const ihl = <i32>(vihl & 0xf) * 4;
  if ((vihl >> 4) != 4 || ihl < IPV4_MIN_HEADER || l3 + ihl > len) return RXD_STAT_IXSM;
  let status: u8 = 0;
  let errors: u8 = 0;
  if ((rxcsum & RXCSUM_IPOFL) != 0) {
    status |= RXD_STAT_IPCS;
    if (fold(sumBytes(base, l3, l3 + ihl, 0)) != SUM_OK) errors |= RXD_ERR_IPE;
  }
  if ((rxcsum & RXCSUM_TUOFL) != 0) {
    const l4 = l4Sum(base, len, l3, ihl);
    if (l4 >= 0) {
      status |= RXD_STAT_TCPCS;
      if (<u16>l4 != SUM_OK) errors |= RXD_ERR_TCPE;
    }
  }
  return <u32>status | (<u32>errors << 8);
}

// The folded TCP/UDP sum over pseudo-header and segment, or -1 when the frame carries no L4
// checksum to verify (another protocol, a fragment, a truncated segment, UDP without checksum).
function l4Sum(base: usize, len: i32, l3: i32, ihl: i32): i32 {
  const proto = load<u8>(base + <usize>(l3 + 9));
  const frag = load16be(base, l3 + 6) & IPV4_FRAG_MASK;
  const total = <i32>load16be(base, l3 + 2);
  if ((proto != IP_PROTO_TCP && proto != IP_PROTO_UDP) || frag != 0 || total < ihl || l3 + total > len) return -1;
  const l4 = l3 + ihl;
  const l4len = total - ihl;
  if (proto == IP_PROTO_UDP && (l4len < 8 || load16be(base, l4 + 6) == 0)) return -1;
  if (proto == IP_PROTO_TCP && l4len < 20) return -1;
  let s = sumBytes(base, l3 + 12, l3 + 20, 0); // source and destination address
  s += <u32>proto + <u32>l4len;
  return <i32>fold(sumBytes(base, l4, l4 + l4len, s));
}

function overrun(): void {
  statInc(MPC);
  statInc(RNBC);
  raise(ICR_RXO);
}

// `base` points at `len` bytes in module memory with at least 64 bytes of room after them.
export function rxFrame(base: usize, len: i32): void {
  if (!rxReady()) return;
  if (len < HEADER_LEN) { statInc(RUC); return; }
  const rctl = reg(RCTL);
  const max = (rctl & RCTL_LPE) != 0 ? MAX_LPE : MAX_STD;
  if (len + FCS_LEN > max && (rctl & RCTL_SBP) == 0) { statInc(ROC); return; }
  if (len + FCS_LEN > MAX_LPE) { statInc(ROC); return; }
  if (len < MIN_FRAME) { // the wire carried padding the backend did not keep
    memory.fill(base + <usize>len, 0, <usize>(MIN_FRAME - len));
    len = MIN_FRAME;
  }
  if (!filterAccept(base, len)) return;

  let status: u8 = 0;
  let special: u16 = 0;
  if ((reg(CTRL) & CTRL_VME) != 0 && isVlanTagged(base, len)) {
    special = <u16>load16be(base, 14);
    memory.copy(base + 12, base + 16, <usize>(len - 16));
    len -= VLAN_TAG_LEN;
    status |= RXD_STAT_VP;
  }
  const sums = checkSums(base, len, isVlanTagged(base, len) ? HEADER_LEN + VLAN_TAG_LEN : HEADER_LEN);
  status |= <u8>sums;
  const csErrors = <u8>(sums >> 8);
  const pcss = <i32>(reg(RXCSUM) & RXCSUM_PCSS_MASK);
  const pktsum: u16 = pcss < len ? fold(sumBytes(base, pcss, len, 0)) : 0;
  let total = len;
  if ((rctl & RCTL_SECRC) == 0) {
    store<u32>(base + <usize>len, crc32(base, len));
    total += FCS_LEN;
  }

  const n = ringSize();
  if (n == 0 || reg(RDH) >= <u32>n || reg(RDT) >= <u32>n) {
    if (n != 0) warn("RDH/RDT outside the RX ring: frame missed");
    overrun();
    return;
  }
  const bufSize = rxBufSize();
  const needed = (total + bufSize - 1) / bufSize;
  if (freeDescriptors(n) < needed) { overrun(); return; }

  const ring = (<u64>reg(RDBAH) << 32) | <u64>(reg(RDBAL) & DESC_BASE_MASK);
  const descPtr = changetype<usize>(S.rxDesc);
  const wbPtr = changetype<usize>(S.rxWriteBack);
  let head = <i32>reg(RDH);
  let done: i32 = 0;
  let complete = false;
  for (let i = 0; i < n; i++) {
    const da = ring + <u64>head * DESC_SIZE;
    if (dma_read(<i32>da, <i32>(da >> 32), descPtr, DESC_SIZE) != DMA_OK) { noteMasterAbort(); return; }
    const buf = load<u64>(descPtr);
    let chunk: i32 = 0;
    let errors: u8 = 0;
    if (buf != 0) {
      chunk = min(bufSize, total - done);
      if (dma_write(<i32>buf, <i32>(buf >> 32), base + <usize>done, chunk) != DMA_OK) {
        noteMasterAbort();
        errors |= RXD_ERR_RXE;
      }
      done += chunk;
    }
    let st: u8 = RXD_STAT_DD;
    const last = done >= total || errors != 0;
    if (last) { st |= RXD_STAT_EOP | status; errors |= csErrors; }
    store<u16>(wbPtr, <u16>chunk);
    store<u16>(wbPtr + 2, last ? pktsum : 0);
    store<u8>(wbPtr + 4, st);
    store<u8>(wbPtr + 5, errors);
    store<u16>(wbPtr + 6, last ? special : 0);
    const wa = da + 8;
    if (dma_write(<i32>wa, <i32>(wa >> 32), wbPtr, 8) != DMA_OK) noteMasterAbort();
    head = (head + 1) % n;
    setReg(RDH, <u32>head);
    if (last) { complete = errors == 0 || (errors & RXD_ERR_RXE) == 0; break; }
    if (head == <i32>reg(RDT)) { overrun(); return; } // ran out inside the frame
  }
  if (complete) countRx(base, len);
  rxFrameDone();
  const threshold = n >> <i32>(((reg(RCTL) >> RCTL_RDMTS_SHIFT) & 3) + 1);
  if (freeDescriptors(n) <= threshold) raise(ICR_RXDMT0);
}
