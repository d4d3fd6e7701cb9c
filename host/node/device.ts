// One device module instance: loads the .wasm and its manifest, grants exactly the imports the
// manifest's capabilities allow (a module importing anything else is refused before it runs),
// and wraps every call into the module so that a trap marks the device failed instead of
// unwinding into the runtime (containment, ARCHITECTURE.md §3).
import { readFileSync, existsSync } from "node:fs";
import { IMPORTS, IMPORT_MODULE, EXPORTS, ABI_VERSION, type ImportName } from "./abi.ts";
import type { ModuleIdentity } from "./snapshot-module.ts";

export interface Manifest {
  name: string;
  description?: string;
  capabilities: string[];
}

export type ImportFns = { [K in ImportName]: (...args: number[]) => number | void };

export class DeviceLoadError extends Error {}

export interface DeviceExports {
  memory: WebAssembly.Memory;
  abi_version(): number;
  dev_alloc(len: number): number;
  dev_init(ptr: number, len: number): number;
  dev_reset(): void;
  dev_read(region: number, offset: number, size: number): number;
  dev_write(region: number, offset: number, size: number, value: number): void;
  pci_cfg_read?(bdf: number, reg: number, size: number): number;
  pci_cfg_write?(bdf: number, reg: number, size: number, value: number): void;
  dev_timer?(id: number): void;
  dev_event?(kind: number, ptr: number, arg: number): void;
  dev_post_load?(): void;
}

export function loadManifest(wasmPath: string): Manifest {
  const path = wasmPath.replace(/(\.debug)?\.wasm$/, ".manifest.json");
  if (!existsSync(path)) throw new DeviceLoadError(`no manifest for ${wasmPath} (expected ${path})`);
  const m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  if (typeof m.name !== "string" || !Array.isArray(m.capabilities)) throw new DeviceLoadError(`malformed manifest ${path}`);
  return m;
}

/** Checks a compiled module against the ABI and the manifest; throws a clear error otherwise. */
export function checkModule(name: string, mod: WebAssembly.Module, manifest: Manifest): void {
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (imp.module !== IMPORT_MODULE || imp.kind !== "function" || !(imp.name in IMPORTS)) {
      throw new DeviceLoadError(`device ${name}: import ${imp.module}.${imp.name} is not part of device ABI v${ABI_VERSION}`);
    }
    const cap = IMPORTS[imp.name as ImportName].capability;
    if (!manifest.capabilities.includes(cap)) {
      throw new DeviceLoadError(`device ${name}: imports ${imp.module}.${imp.name}, capability '${cap}' not granted by its manifest`);
    }
  }
  const exported = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  for (const [n, sig] of Object.entries(EXPORTS)) {
    if (sig.required && !exported.has(n)) throw new DeviceLoadError(`device ${name}: required export ${n} missing`);
  }
  if (!exported.has("memory")) throw new DeviceLoadError(`device ${name}: exports no memory`);
}

/** The trap, and the request during which it happened, reported when a device fails. */
export interface DeviceFailure {
  device: string;
  error: string;
  during: string;
}

export class DeviceInstance {
  failed: DeviceFailure | null = null;
  readonly exports: DeviceExports;
  readonly bdfs: number[] = [];
  /** Current level of each irq_set pin. */
  readonly irqLevels = new Map<number, number>();
  readonly timers = new Map<number, number>();
  /** Received bytes not yet delivered (chr flow control, runtime.ts) and the room the device
   *  last reported through chr_rx_room (-1: never reported, no flow control). */
  chrQueue: number[] = [];
  chrRoom = -1;
  chrPumpQueued = false;
  /** For snapshots: the module's sha-256 and its exported mutable globals (snapshot-module.ts),
   *  the display surface it published (null: none), block requests a backend still holds. */
  identity: ModuleIdentity | null = null;
  surface: { kind: number; width: number; height: number; stride: number; ptr: number } | null = null;
  blkInflight = 0;

  constructor(
    readonly name: string,
    readonly manifest: Manifest,
    mod: WebAssembly.Module,
    imports: ImportFns,
    private readonly onFail: (f: DeviceFailure) => void,
  ) {
    checkModule(name, mod, manifest);
    const granted: Record<string, (...a: number[]) => number | void> = {};
    for (const [n, sig] of Object.entries(IMPORTS)) if (manifest.capabilities.includes(sig.capability)) granted[n] = imports[n as ImportName];
    let inst: WebAssembly.Instance;
    try {
      inst = new WebAssembly.Instance(mod, { [IMPORT_MODULE]: granted });
    } catch (e) {
      throw new DeviceLoadError(`device ${name}: instantiation failed: ${(e as Error).message}`);
    }
    this.exports = inst.exports as unknown as DeviceExports;
    const v = this.exports.abi_version();
    if (v !== ABI_VERSION) throw new DeviceLoadError(`device ${name}: ABI version ${v}, runtime speaks ${ABI_VERSION}`);
  }

  memory(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  /** Runs `fn` inside the sandbox boundary: a trap marks the device failed and yields `dflt`. */
  call<T>(during: () => string, dflt: T, fn: (x: DeviceExports) => T): T {
    if (this.failed) return dflt;
    try {
      return fn(this.exports);
    } catch (e) {
      const error = e instanceof WebAssembly.RuntimeError ? `trap: ${e.message}` : `${(e as Error).name}: ${(e as Error).message}`;
      this.failed = { device: this.name, error, during: during() };
      this.onFail(this.failed);
      return dflt;
    }
  }

  /** Copies `bytes` into the device's staging buffer (dev_alloc); returns its pointer or -1. */
  stage(bytes: Uint8Array, during: () => string): number {
    const ptr = this.call(during, 0, (x) => x.dev_alloc(bytes.length));
    if (!ptr && bytes.length) return -1;
    const mem = this.memory();
    if (ptr + bytes.length > mem.length) return -1;
    mem.set(bytes, ptr);
    return ptr;
  }
}

export function loadModule(path: string): WebAssembly.Module {
  if (!existsSync(path)) throw new DeviceLoadError(`device module ${path} not found (run npm run build)`);
  return new WebAssembly.Module(readFileSync(path));
}
