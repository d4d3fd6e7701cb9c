// Guest RAM as the stub domain sees it on the development host: v86's own memory (the wasm
// memory region behind cpu.mem8), so device DMA reads and writes exactly what the guest CPU sees,
// as a foreign mapping does on Xen. The legacy VGA hole (0xA0000–0xBFFFF) is not RAM (v86 routes
// it to MMIO), and a DMA write drops v86's JIT code compiled from the bytes it replaces.
import { RamAccessor } from "../node/guest-memory.ts";
import type { V86Cpu } from "./v86-types.ts";

const HOLE_START = 0xa0000;
const HOLE_END = 0xc0000;

export class V86Ram extends RamAccessor {
  readonly size: number;
  private view: Uint8Array;

  constructor(private readonly cpu: V86Cpu) {
    super();
    this.size = cpu.memory_size[0]!;
    this.view = this.makeView();
  }

  private makeView(): Uint8Array {
    return new Uint8Array(this.cpu.wasm_memory.buffer, this.cpu.mem8.byteOffset, this.size);
  }

  /** The bytes of guest RAM (re-created if v86's wasm memory grew and detached the old view). */
  get bytes(): Uint8Array {
    if (this.view.buffer !== this.cpu.wasm_memory.buffer) this.view = this.makeView();
    return this.view;
  }

  /** RAM, less the legacy VGA hole. */
  override contains(gpa: number, len: number): boolean {
    if (!super.contains(gpa, len)) return false;
    return len === 0 || gpa + len <= HOLE_START || gpa >= HOLE_END;
  }

  protected override written(gpa: number, len: number): void {
    if (len) this.cpu.jit_dirty_cache(gpa, gpa + len);
  }
}
