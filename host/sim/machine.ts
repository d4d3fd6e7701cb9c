// A development-host machine: v86 as the CPU (plus what Xen emulates in the hypervisor), the
// Xen-shaped simulator in front of it, the host/node stub-domain runtime behind it, and our
// device modules — the guest reaches them only through ioreqs. Built stopped; run() starts the
// CPU. A guest reset or power-off request, or a CPU halted for good, stops the run and is
// recorded in `ended`.
import { existsSync } from "node:fs";
import { StubdomRuntime, type DeviceSpec, type LogSink } from "../node/runtime.ts";
import type { DeviceFailure } from "../node/device.ts";
import { modulePath } from "../node/machine.ts";
import type { ShutdownReason } from "../node/hypervisor.ts";
import { startV86, type V86StartOptions } from "./v86-start.ts";
import type { V86Cpu, V86Emulator } from "./v86-types.ts";
import { V86Ram } from "./v86-ram.ts";
import { V86XenSim } from "./v86-xen.ts";
import { PortTakeover } from "./port-takeover.ts";
import { MmioTakeover } from "./mmio-takeover.ts";
import { CmosSplit } from "./cmos-split.ts";
import { BiosLog } from "./bios-log.ts";
import { WallClock } from "./wall-clock.ts";
import { settlePam } from "./firmware-setup.ts";
import { IoreqRecorder } from "./recorder.ts";

export type SimDeviceSpec = Omit<DeviceSpec, "wasm"> & { wasm?: string; module?: string };

export interface SimMachineOptions extends V86StartOptions {
  devices: SimDeviceSpec[];
  log?: LogSink;
  /** A device trapped (it is contained: its ranges read all-ones, the others keep serving). */
  onFailure?: (f: DeviceFailure) => void;
  /** Record mode: every ioreq the runtime serves, one JSON line each (recorder.ts). */
  record?: (line: string) => void;
  /** Runs after the devices are added, before the CPU starts (e.g. delivering the VGA ROM). */
  setup?: (rt: StubdomRuntime, sim: V86XenSim) => void;
}

export class MissingDeviceError extends Error {}

/** `halted`: the guest executed HLT with interrupts off, which nothing here can wake (no NMIs);
 * Linux's `poweroff -f` ends that way when it finds no ACPI power-off (the development host's
 * firmware builds no ACPI tables; under Xen, hvmloader's FADT points Linux at our pci module's
 * PM1a_CNT, which asks Xen for the power-off). */
export type EndReason = ShutdownReason | "halted" | "stopped" | "timeout" | "fault";

export class SimMachine {
  readonly biosLog = new BiosLog();
  ended: EndReason | null = null;
  /** The first exception the simulator caught while serving the guest (the run ends on it). */
  fault: Error | null = null;
  /** Wall time v86 took to load (wasm compile, BIOS load, its devices created). */
  v86StartMs = 0;
  /** Rising edges per ISA IRQ line delivered to v86's PIC/IO-APIC (set_isa_irq_level / INTx). */
  readonly irqRaised = new Array<number>(16).fill(0);
  /** Whether the PAM registers were set to match v86's memory (firmware-setup.ts). */
  pamSettled = false;
  readonly startedAt = performance.now();
  onEnd: ((why: EndReason) => void) | null = null;

  private constructor(
    readonly emulator: V86Emulator,
    readonly cpu: V86Cpu,
    readonly sim: V86XenSim,
    readonly rt: StubdomRuntime,
    readonly ports: PortTakeover,
    readonly mmio: MmioTakeover,
    readonly cmos: CmosSplit,
    readonly clock: WallClock,
  ) {}

  static async create(opts: SimMachineOptions): Promise<SimMachine> {
    const specs = opts.devices.map((d) => ({ ...d, wasm: d.wasm ?? modulePath(d.module ?? d.name) }));
    for (const d of specs) {
      if (!existsSync(d.wasm)) throw new MissingDeviceError(`device ${d.name}: ${d.wasm} is not built (node --import tsx build/build.ts ${d.module ?? d.name})`);
    }
    const t0 = performance.now();
    const { emulator, cpu } = await startV86(opts);
    const v86StartMs = performance.now() - t0;
    const sim = new V86XenSim(new V86Ram(cpu));
    const rt = new StubdomRuntime(sim, { log: opts.log, onFailure: opts.onFailure });
    sim.attach(opts.record ? new IoreqRecorder(rt, sim.clock, opts.record) : rt);
    const clock = new WallClock(sim);
    const before = (): void => clock.sync();
    const ports = new PortTakeover(cpu, sim, before);
    const mmio = new MmioTakeover(cpu, sim, before);
    const cmos = new CmosSplit(cpu, sim, before);
    const m = new SimMachine(emulator, cpu, sim, rt, ports, mmio, cmos, clock);
    m.v86StartMs = v86StartMs;
    ports.install();
    ports.fixPort(0x70, () => {});
    ports.fixPort(0x71, () => cmos.install());
    ports.fixPort(0x402, () => m.biosLog.install(cpu));
    mmio.install();
    sim.setRangeListener({
      mapped: (kind, s, e) => (kind === "port" ? ports.mapped(s, e) : mmio.mapped(s, e)),
      unmapped: (kind, s, e) => (kind === "port" ? ports.unmapped(s, e) : mmio.unmapped(s, e)),
    });
    sim.onIrq = (irq, level) => {
      if (level) { m.irqRaised[irq]!++; cpu.device_raise_irq(irq); } else cpu.device_lower_irq(irq);
    };
    sim.onShutdown = (reason) => m.end(reason);
    emulator.add_listener("cpu-event-halt", () => m.end("halted"));
    sim.onFault = (e) => { m.fault ??= e; m.end("fault"); };
    clock.hook(cpu);
    // A panic inside v86's wasm core (an instruction it does not implement) ends the run with
    // the error instead of an uncaught exception from a timer callback.
    const tick = emulator.v86.do_tick.bind(emulator.v86);
    emulator.v86.do_tick = () => {
      try {
        tick();
      } catch (e) {
        m.fault ??= e instanceof Error ? e : new Error(String(e));
        m.end("fault");
        if (emulator.v86.running) emulator.v86.running = false;
      }
    };
    for (const d of specs) rt.addDevice(d);
    opts.setup?.(rt, sim);
    m.pamSettled = settlePam(sim);
    return m;
  }

  run(): void {
    this.emulator.run();
  }

  /**
   * Stops the CPU (idempotent); `why` is kept if the run had not ended yet. The vCPU is frozen at
   * once — halted with interrupts off — because this is usually called from inside an I/O access
   * (a reset or power-off request) and the guest must not run on past it until v86's main loop
   * notices the stop: Linux, after asking for a reset, runs into code v86 cannot execute.
   */
  end(why: EndReason): void {
    if (this.ended) return;
    this.ended = why;
    this.cpu.flags[0] = this.cpu.flags[0]! & ~0x200;
    this.cpu.in_hlt[0] = 1;
    void this.emulator.stop();
    this.onEnd?.(why);
  }

  /** Releases v86 (timers, memory); the machine cannot run again. */
  async destroy(): Promise<void> {
    this.end("stopped");
    await this.emulator.destroy();
  }

  /** Resolves true once `pred` holds (checked every `pollMs`), false on timeout or end of run. */
  waitFor(pred: () => boolean, timeoutMs: number, pollMs = 20): Promise<boolean> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const tick = (): void => {
        if (pred()) return resolve(true);
        if (this.ended || performance.now() - t0 > timeoutMs) return resolve(false);
        setTimeout(tick, pollMs);
      };
      tick();
    });
  }

  /** Milliseconds since the machine was created. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** ioreqs served so far, per device (PCI config cycles and buffered writes included). */
  ioreqsByDevice(): Record<string, number> {
    return Object.fromEntries([...this.rt.stats.byDevice].sort((a, b) => b[1] - a[1]));
  }
}
