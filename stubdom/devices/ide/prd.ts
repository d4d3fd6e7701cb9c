// The bus master's Physical Region Descriptor walker. A PRD table is a dword-aligned list of
// 8-byte entries in guest memory: 32-bit buffer address (bit 0 ignored), 16-bit byte count (bit 0
// ignored, 0 = 64 KiB), bit 31 of the second dword = end of table. Hard bounds: the table may not
// cross a 64 KiB boundary (so at most 8192 entries, fewer when it starts mid-page), a transfer
// moves at most the bytes it asks for, every entry is read and every byte moved through dma_read/
// dma_write (a fault is a master abort, reported as -1), and only the bytes each entry names are
// touched. A region that crosses a 64 KiB boundary (the spec forbids it) is moved as named and
// logged once.
import { dma_read, dma_write, DMA_OK } from "../../lib/abi";
import { guestError } from "../../lib/log";
import { Channel, S } from "./state";

const PRD_EOT: u32 = 0x80000000;
const TABLE_SPAN: u32 = 0x10000;
const MAX_STEPS: i32 = 8192 * 2 + 0x20000; // entries + bytes: a hard stop for the loop below

// Entries the current table may hold before it would cross its 64 KiB boundary.
function maxEntries(ch: Channel): i32 { return <i32>((TABLE_SPAN - (ch.prdBase & 0xffff)) >> 3); }

// START was written: walk from the first entry of the table at BM_PRD.
export function prdRestart(ch: Channel): void {
  ch.prdBase = ch.bmPrd & 0xfffffffc;
  ch.prdIndex = 0;
  ch.prdAddr = 0;
  ch.prdLeft = 0;
  ch.prdLast = false;
}

// True when no entry and no byte of the table is left.
export function prdExhausted(ch: Channel): bool {
  return ch.prdLeft == 0 && (ch.prdLast || ch.prdIndex >= maxEntries(ch));
}

function loadEntry(ch: Channel): bool {
  const at = ch.prdBase + (<u32>ch.prdIndex << 3);
  const e = changetype<usize>(ch.prdEntry);
  if (dma_read(<i32>at, 0, e, 8) != DMA_OK) return false;
  ch.prdIndex++;
  const addr = load<u32>(e);
  const ctl = load<u32>(e, 4);
  let count = ctl & 0xfffe;
  if (count == 0) count = 0x10000;
  ch.prdAddr = addr & 0xfffffffe;
  ch.prdLeft = count;
  ch.prdLast = (ctl & PRD_EOT) != 0;
  if (!S.prdCrossLogged && (<u64>(ch.prdAddr & 0xffff) + <u64>count) > 0x10000) {
    S.prdCrossLogged = true;
    guestError("ide: PRD region crosses a 64 KiB boundary");
  }
  return true;
}

// Moves up to `len` bytes between module memory at `ptr` and the table's buffers. Returns the
// bytes moved (less than `len` when the table ends first) or -1 on a master abort.
export function prdTransfer(ch: Channel, ptr: usize, len: i32, toGuest: bool): i32 {
  let done: i32 = 0;
  for (let step = 0; done < len && step < MAX_STEPS; step++) {
    if (ch.prdLeft == 0) {
      if (ch.prdLast || ch.prdIndex >= maxEntries(ch)) break;
      if (!loadEntry(ch)) return -1;
    }
    const n = <i32>min(<u32>(len - done), ch.prdLeft);
    const p = ptr + <usize>done;
    const rc = toGuest ? dma_write(<i32>ch.prdAddr, 0, p, n) : dma_read(<i32>ch.prdAddr, 0, p, n);
    if (rc != DMA_OK) return -1;
    done += n;
    ch.prdLeft -= <u32>n;
    ch.prdAddr += <u32>n;
  }
  return done;
}
