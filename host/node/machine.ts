// Assembles a simulated machine: the hypervisor simulator, the stub-domain runtime attached to
// it, the devices, and a guest CPU handle. Tests and the demo build machines with this.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { XenSim, type XenSimOptions } from "./xen-sim.ts";
import { StubdomRuntime, type DeviceSpec, type RuntimeOptions } from "./runtime.ts";
import { Guest } from "./guest.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of a built device module (npm run build): build/out/<name>.wasm. */
export function modulePath(name: string, opts: { debug?: boolean; fixture?: boolean } = {}): string {
  return join(root, "build/out", opts.fixture ? "fixtures" : "", `${name}${opts.debug ? ".debug" : ""}.wasm`);
}

export interface Machine {
  sim: XenSim;
  rt: StubdomRuntime;
  guest: Guest;
  logs: Array<{ device: string; level: number; text: string }>;
}

export function createMachine(devices: Array<Omit<DeviceSpec, "wasm"> & { wasm?: string; module?: string }>, opts: { sim?: XenSimOptions; runtime?: RuntimeOptions } = {}): Machine {
  const sim = new XenSim(opts.sim);
  const logs: Machine["logs"] = [];
  const rt = new StubdomRuntime(sim, { log: (device, level, text) => logs.push({ device, level, text }), ...opts.runtime });
  sim.attach(rt);
  for (const d of devices) rt.addDevice({ ...d, wasm: d.wasm ?? modulePath(d.module ?? d.name) });
  return { sim, rt, guest: new Guest(sim), logs };
}
