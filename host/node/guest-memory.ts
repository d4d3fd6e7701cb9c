// Guest RAM as the stub domain sees it: Xen maps guest frames into the device-model domain
// (foreign mapping); here it is one buffer shared by the hypervisor simulator and the runtime.
// Accesses outside RAM fail (return false), as a foreign map of a hole does.

export interface GuestMemory {
  /** Copies guest [gpa, gpa+len) into `dst`; false if any byte lies outside guest RAM. */
  read(gpa: number, dst: Uint8Array): boolean;
  /** Copies `src` to guest [gpa, gpa+len); false (and nothing written) if outside guest RAM. */
  write(gpa: number, src: Uint8Array): boolean;
  contains(gpa: number, len: number): boolean;
}

/** Flat RAM from guest-physical 0 up to `size`, optionally with a high part above 4 GiB. */
export class GuestRam implements GuestMemory {
  readonly bytes: Uint8Array;
  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
  }
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
    return true;
  }
}
