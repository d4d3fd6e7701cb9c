// Guest RAM as the stub domain sees it: Xen maps guest frames into the device-model domain
// (foreign mapping); here it is one buffer shared by the hypervisor simulator and the runtime
// (host/sim's V86Ram is the same accessor over v86's memory). Accesses outside RAM fail (return
// false), as a foreign map of a hole does.

export interface GuestMemory {
  /** Copies guest [gpa, gpa+len) into `dst`; false if any byte lies outside guest RAM. */
  read(gpa: number, dst: Uint8Array): boolean;
  /** Copies `src` to guest [gpa, gpa+len); false (and nothing written) if outside guest RAM. */
  write(gpa: number, src: Uint8Array): boolean;
  contains(gpa: number, len: number): boolean;
}

/** The one guest-RAM accessor (host/node's flat buffer, host/sim's v86 memory): bytes at their
 *  guest-physical offsets, bounded by `contains`; a subclass says where the bytes are, may narrow
 *  `contains` (holes) and hears of every write through `written`. */
export abstract class RamAccessor implements GuestMemory {
  abstract readonly size: number;
  /** Guest RAM from guest-physical 0; index = gpa. */
  abstract readonly bytes: Uint8Array;
  contains(gpa: number, len: number): boolean {
    return Number.isInteger(gpa) && gpa >= 0 && len >= 0 && gpa + len <= this.size;
  }
  read(gpa: number, dst: Uint8Array): boolean {
    if (!this.contains(gpa, dst.length)) return false;
    dst.set(this.bytes.subarray(gpa, gpa + dst.length));
    return true;
  }
  write(gpa: number, src: Uint8Array): boolean {
    if (!this.contains(gpa, src.length)) return false;
    this.bytes.set(src, gpa);
    this.written(gpa, src.length);
    return true;
  }
  /** After `len` bytes at `gpa` were written through write(). */
  protected written(_gpa: number, _len: number): void {}
}

/** Flat RAM from guest-physical 0 up to `size`. */
export class GuestRam extends RamAccessor {
  readonly bytes: Uint8Array;
  constructor(readonly size: number) {
    super();
    this.bytes = new Uint8Array(size);
  }
}
