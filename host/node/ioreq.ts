// Xen's ioreq_t (32 bytes, one slot per vCPU on the synchronous page) and the buffered-ioreq
// page, read and written field by field in Xen's exact binary layout (xen/include/public/hvm/
// ioreq.h, restated in ../shared/reference/xen-abi.md). Used by both sides of the simulated
// shared page: the hypervisor simulator fills slots, the runtime consumes and answers them.

export const PAGE_SIZE = 4096;
export const IOREQ_SIZE = 32;

export const STATE_NONE = 0;
export const STATE_IOREQ_READY = 1;
export const STATE_INPROCESS = 2;
export const STATE_IORESP_READY = 3;

export const IOREQ_TYPE_PIO = 0;
export const IOREQ_TYPE_COPY = 1; // MMIO
export const IOREQ_TYPE_PCI_CONFIG = 2;
export const IOREQ_TYPE_TIMEOFFSET = 7;
export const IOREQ_TYPE_INVALIDATE = 8;

export const DIR_WRITE = 0;
export const DIR_READ = 1;

const OFF_ADDR = 0;
const OFF_DATA = 8;
const OFF_COUNT = 16;
const OFF_SIZE = 20;
const OFF_VP_EPORT = 24;
const OFF_FLAGS = 30; // state:4 data_is_ptr:1 dir:1 df:1 pad:1
const OFF_TYPE = 31;

/** A decoded ioreq. 64-bit fields are numbers: exact below 2^53, which covers every address a
 *  guest can name here; PCI_CONFIG's SBDF lives in the upper half and is carried separately. */
export interface Ioreq {
  addr: number;
  data: number;
  count: number;
  size: number;
  vpEport: number;
  state: number;
  dataIsPtr: boolean;
  dir: number;
  df: boolean;
  type: number;
}

const TWO32 = 0x1_0000_0000;

function getU64(v: DataView, off: number): number {
  return v.getUint32(off, true) + v.getUint32(off + 4, true) * TWO32;
}

function setU64(v: DataView, off: number, x: number): void {
  v.setUint32(off, x >>> 0, true);
  v.setUint32(off + 4, Math.floor(x / TWO32) >>> 0, true);
}

/** The synchronous ioreq page: `ioreq_t[nr_vcpus]` indexed by vCPU id. */
export class IoreqPage {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array = new Uint8Array(PAGE_SIZE)) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get slots(): number {
    return Math.floor(this.bytes.byteLength / IOREQ_SIZE);
  }
  state(vcpu: number): number {
    return this.view.getUint8(vcpu * IOREQ_SIZE + OFF_FLAGS) & 0xf;
  }
  setState(vcpu: number, state: number): void {
    const off = vcpu * IOREQ_SIZE + OFF_FLAGS;
    this.view.setUint8(off, (this.view.getUint8(off) & 0xf0) | (state & 0xf));
  }
  read(vcpu: number): Ioreq {
    const b = vcpu * IOREQ_SIZE;
    const v = this.view;
    const flags = v.getUint8(b + OFF_FLAGS);
    return {
      addr: getU64(v, b + OFF_ADDR),
      data: getU64(v, b + OFF_DATA),
      count: v.getUint32(b + OFF_COUNT, true),
      size: v.getUint32(b + OFF_SIZE, true),
      vpEport: v.getUint32(b + OFF_VP_EPORT, true),
      state: flags & 0xf,
      dataIsPtr: (flags & 0x10) !== 0,
      dir: (flags >> 5) & 1,
      df: (flags & 0x40) !== 0,
      type: v.getUint8(b + OFF_TYPE),
    };
  }
  /** Upper 32 bits of `addr` (PCI_CONFIG: segment/bus/device/function). */
  addrHigh(vcpu: number): number {
    return this.view.getUint32(vcpu * IOREQ_SIZE + OFF_ADDR + 4, true);
  }
  write(vcpu: number, r: Ioreq): void {
    const b = vcpu * IOREQ_SIZE;
    const v = this.view;
    setU64(v, b + OFF_ADDR, r.addr);
    setU64(v, b + OFF_DATA, r.data);
    v.setUint32(b + OFF_COUNT, r.count, true);
    v.setUint32(b + OFF_SIZE, r.size, true);
    v.setUint32(b + OFF_VP_EPORT, r.vpEport, true);
    v.setUint16(b + 28, 0, true);
    v.setUint8(b + OFF_FLAGS, (r.state & 0xf) | (r.dataIsPtr ? 0x10 : 0) | ((r.dir & 1) << 5) | (r.df ? 0x40 : 0));
    v.setUint8(b + OFF_TYPE, r.type);
  }
  /** Writes `data` as the low and high 32-bit halves (the response path). */
  setData(vcpu: number, lo: number, hi: number): void {
    const b = vcpu * IOREQ_SIZE + OFF_DATA;
    this.view.setUint32(b, lo >>> 0, true);
    this.view.setUint32(b + 4, hi >>> 0, true);
  }
  dataLo(vcpu: number): number {
    return this.view.getUint32(vcpu * IOREQ_SIZE + OFF_DATA, true);
  }
  dataHi(vcpu: number): number {
    return this.view.getUint32(vcpu * IOREQ_SIZE + OFF_DATA + 4, true);
  }
  setAddr(vcpu: number, lo: number, hi: number): void {
    const b = vcpu * IOREQ_SIZE + OFF_ADDR;
    this.view.setUint32(b, lo >>> 0, true);
    this.view.setUint32(b + 4, hi >>> 0, true);
  }
}

// --- buffered ioreq page ----------------------------------------------------------------------
export const BUF_SLOTS = 511;
const BUF_OFF_READ = 0;
const BUF_OFF_WRITE = 4;
const BUF_OFF_SLOTS = 8;

/** One decoded buffered slot: always a write. */
export interface BufIoreq {
  type: number;
  size: number;
  addr: number; // 20 bits
  data: number; // 32 bits
}

const SIZE_CODE = [1, 2, 4, 8];

/** The buffered ring: read_pointer, write_pointer, 511 slots of 8 bytes. */
export class BufIoreqPage {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array = new Uint8Array(PAGE_SIZE)) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get readPointer(): number {
    return this.view.getUint32(BUF_OFF_READ, true);
  }
  set readPointer(v: number) {
    this.view.setUint32(BUF_OFF_READ, v >>> 0, true);
  }
  get writePointer(): number {
    return this.view.getUint32(BUF_OFF_WRITE, true);
  }
  set writePointer(v: number) {
    this.view.setUint32(BUF_OFF_WRITE, v >>> 0, true);
  }
  pending(): number {
    return (this.writePointer - this.readPointer) >>> 0;
  }
  slot(i: number): BufIoreq {
    const off = BUF_OFF_SLOTS + (i % BUF_SLOTS) * 8;
    const w0 = this.view.getUint32(off, true);
    return {
      type: w0 & 0xff,
      size: SIZE_CODE[(w0 >> 10) & 3]!,
      addr: w0 >>> 12,
      data: this.view.getUint32(off + 4, true),
    };
  }
  /** Producer side (the hypervisor): false when the ring is full or the request does not fit. */
  push(type: number, size: number, addr: number, dataLo: number, dataHi = 0): boolean {
    const slotsNeeded = size === 8 ? 2 : 1;
    if (this.pending() + slotsNeeded > BUF_SLOTS || addr >= 1 << 20) return false;
    const code = SIZE_CODE.indexOf(size);
    if (code < 0) return false;
    let wp = this.writePointer;
    const put = (d: number): void => {
      const off = BUF_OFF_SLOTS + (wp % BUF_SLOTS) * 8;
      // byte 0 type, byte 1: bit 1 dir (0 = write), bits 2-3 size code; bits 12-31 addr.
      this.view.setUint32(off, (type & 0xff) | (code << 10) | ((addr & 0xfffff) << 12), true);
      this.view.setUint32(off + 4, d >>> 0, true);
      wp = (wp + 1) >>> 0;
    };
    put(dataLo);
    if (size === 8) put(dataHi);
    this.writePointer = wp; // after the slot contents (the write barrier)
    return true;
  }
}
