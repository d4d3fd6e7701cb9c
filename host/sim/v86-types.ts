// The slice of v86's internals (npm `v86`, pinned 0.5.462) that the development host touches:
// the I/O port table, the 128 KiB MMIO block tables, IRQ lines, guest memory and the wasm
// exports we call. v86 ships no types for these; they keep their names in the release build
// (checked in reference/test-platforms.md). Everything here is read from v86's source, not guessed.

export type PortRead = (port: number) => number;
export type PortWrite = (value: number) => void;

/** One entry of `cpu.io.ports` (65536 of them). `device` is the object handlers are called on. */
export interface V86PortEntry {
  read8: PortRead;
  read16: PortRead;
  read32: PortRead;
  write8: PortWrite;
  write16: PortWrite;
  write32: PortWrite;
  device: object | undefined;
}

export type MmapRead = (addr: number) => number;
export type MmapWrite = (addr: number, value: number) => void;

export interface V86Io {
  ports: V86PortEntry[];
  register_read(port: number, device: object, r8?: PortRead, r16?: PortRead, r32?: PortRead): void;
  register_write(port: number, device: object, w8?: PortWrite, w16?: PortWrite, w32?: PortWrite): void;
  /** `addr` and `size` in whole 128 KiB blocks. */
  mmap_register(addr: number, size: number, r8: MmapRead, w8: MmapWrite, r32?: MmapRead, w32?: MmapWrite): void;
}

export interface V86Cpu {
  io: V86Io;
  devices: Record<string, object | undefined>;
  wasm_memory: WebAssembly.Memory;
  /** A proxy over the wasm memory: only its byteOffset/length are read here. */
  mem8: { byteOffset: number; length: number };
  memory_size: Uint32Array;
  memory_map_read8: Array<MmapRead | undefined>;
  memory_map_write8: Array<MmapWrite | undefined>;
  memory_map_read32: Array<MmapRead | undefined>;
  memory_map_write32: Array<MmapWrite | undefined>;
  device_raise_irq(irq: number): void;
  device_lower_irq(irq: number): void;
  /** Drops JIT-compiled code for guest-physical [start, end) (after a DMA write). */
  jit_dirty_cache(start: number, end: number): void;
  /** (Re)sizes v86's own SVGA framebuffer, hard-wired at 0xE0000000 in its memory path. */
  svga_allocate_memory(size: number): number;
  /** Called by v86's main loop: runs PIT/RTC/APIC timers, returns ms until the next is due. */
  run_hardware_timers(acpiEnabled: number, now: number): number;
  /** wasm `read8`: a guest-physical byte load through v86's own memory path. */
  read8(addr: number): number;
  write8(addr: number, value: number): void;
  reboot_internal(): void;
  /** Called (through v86's wasm imports, looked up on each call) for 16/64/128-bit MMIO stores;
   *  v86's own versions split them into byte or dword stores on the block tables. */
  mmap_write16(addr: number, value: number): void;
  mmap_write64(addr: number, lo: number, hi: number): void;
  mmap_write128(addr: number, v0: number, v1: number, v2: number, v3: number): void;
  /** Views into v86's wasm state: the halt flag and EFLAGS. */
  in_hlt: { [i: number]: number };
  flags: { [i: number]: number };
}

/** The V86 starter object as far as we use it (`emulator.v86.cpu` after "emulator-loaded"). */
export interface V86Emulator {
  v86: { cpu: V86Cpu; running?: boolean; do_tick(): void };
  add_listener(event: string, fn: (...args: unknown[]) => void): void;
  run(): void;
  stop(): void | Promise<void>;
  destroy(): void | Promise<void>;
  is_running(): boolean;
}
