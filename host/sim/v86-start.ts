// Starts v86 (npm `v86` 0.5.462) in Node as the CPU of the development host: SeaBIOS as its BIOS,
// no VGA BIOS (our VGA serves its ROM from its PCI ROM BAR), no network card, no keyboard/mouse
// adapters, the smallest SVGA memory it accepts (its LFB is switched off by the takeover). It is
// created stopped: the caller takes its devices over before the first instruction runs.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { V86Emulator, V86Cpu } from "./v86-types.ts";

export interface V86StartOptions {
  /** Guest RAM in bytes (rounded up by v86 to 128 KiB). */
  memoryBytes: number;
  /** Path of the BIOS image (Debian's SeaBIOS by default). */
  biosPath?: string;
  /** v86's ACPI PM timer and local/I/O APIC (what Xen emulates in the hypervisor). */
  acpi?: boolean;
  /** Linux direct boot: a bzImage (and initrd) loaded by v86, started by SeaBIOS through the
   *  option ROM v86 serves over fw_cfg (as QEMU's -kernel/-initrd/-append). */
  kernelPath?: string;
  initrdPath?: string;
  cmdline?: string;
}

export const DEFAULT_BIOS = "/usr/share/seabios/bios.bin";

export class V86StartError extends Error {}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Resolves once v86 is initialised (devices created, BIOS loaded) and not yet running. */
export async function startV86(opts: V86StartOptions): Promise<{ emulator: V86Emulator; cpu: V86Cpu }> {
  const biosPath = opts.biosPath ?? DEFAULT_BIOS;
  if (!existsSync(biosPath)) throw new V86StartError(`BIOS image ${biosPath} not found (Debian: apt-get install seabios)`);
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve("v86");
  } catch {
    throw new V86StartError("the v86 package is not installed (npm install)");
  }
  for (const [what, p] of [["kernel", opts.kernelPath], ["initrd", opts.initrdPath]] as const) {
    if (p !== undefined && !existsSync(p)) throw new V86StartError(`${what} image ${p} not found`);
  }
  if (opts.kernelPath !== undefined) {
    // A Linux bzImage carries the boot-sector signature 0xAA55 at 0x1FE and "HdrS" at 0x202
    // (the x86 boot protocol); anything else would boot into nothing and time out.
    const k = readFileSync(opts.kernelPath);
    if (k.length < 0x206 || k.readUInt16LE(0x1fe) !== 0xaa55 || k.toString("latin1", 0x202, 0x206) !== "HdrS") {
      throw new V86StartError(`kernel image ${opts.kernelPath} is not a Linux bzImage (no 0xAA55 at 0x1FE and "HdrS" at 0x202)`);
    }
  }
  const file = (p: string | undefined): { buffer: ArrayBuffer } | undefined => (p === undefined ? undefined : { buffer: toArrayBuffer(readFileSync(p)) });
  const { V86 } = (await import("v86")) as unknown as { V86: new (o: object) => V86Emulator };
  const emulator = new V86({
    wasm_path: join(dirname(main), "v86.wasm"),
    bios: { buffer: toArrayBuffer(readFileSync(biosPath)) },
    memory_size: opts.memoryBytes,
    vga_memory_size: 256 << 10,
    autostart: false,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
    acpi: opts.acpi ?? true,
    net_device: { type: "none" },
    log_level: 0,
    bzimage: file(opts.kernelPath),
    initrd: file(opts.initrdPath),
    cmdline: opts.cmdline,
  });
  await new Promise<void>((resolve) => emulator.add_listener("emulator-loaded", () => resolve()));
  return { emulator, cpu: emulator.v86.cpu };
}
