// Save and restore of the whole device model on V8 (docs/snapshot-format.md): per device its
// linear memory, its mutable globals and what the runtime holds for it (claimed ranges and BAR
// placement, VRAM maps, PCI functions, IRQ pins high, armed timers as remaining time, queued
// character input and flow-control room, the published display surface, a failure), plus the
// virtual time. Restore decodes and checks everything against the running machine first — magic,
// version, checksum, truncation, module identity, device set, sizes, engine limits — and only
// then replaces the devices' state; on any error nothing has been touched. runtime/core/snapshot.c
// is the same natively.
import { ABI_VERSION } from "./abi.ts";
import type { DeviceInstance } from "./device.ts";
import { RANGE_PCI } from "./hypervisor.ts";
import type { StubdomRuntime } from "./runtime.ts";
import { routeText } from "./trace.ts";
import {
  encodeSnapshot, decodeSnapshot, checkMachineWide, hex, SnapshotError, PAGE,
  type Snapshot, type SnapDevice, type SnapTimer,
} from "./snapshot-format.ts";
import { globalBits, setGlobalBits } from "./snapshot-module.ts";

/** The most bytes host/node queues for a chr device (runtime.ts CHR_QUEUE_LIMIT). */
const CHR_QUEUE_LIMIT = 65536;

function routesOf(rt: StubdomRuntime, dev: DeviceInstance): string {
  const irqs = rt.specs.get(dev)?.irqs;
  return irqs?.length ? irqs.map(routeText).join(",") : "-";
}

/**
 * The device model's state now. Deferred backend work runs first; a block request a backend still
 * holds must complete before (host/sim waits for its backends: `quiesce`), else this throws.
 */
export function saveSnapshot(rt: StubdomRuntime): Uint8Array {
  rt.runDeferred();
  const busy = rt.devices.find((d) => d.blkInflight > 0);
  if (busy) throw new Error(`snapshot: ${busy.name} has ${busy.blkInflight} block request(s) in flight; let them complete first`);
  const clock = rt.hv.clock;
  const now = clock.now();
  // every armed timer, in firing order (deadline, then arm order): its rank
  const all: Array<{ dev: DeviceInstance; id: number; deadline: bigint; seq: number }> = [];
  for (const dev of rt.devices) {
    for (const [id, h] of dev.timers) {
      const info = clock.info(h);
      if (info) all.push({ dev, id, ...info });
    }
  }
  all.sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.seq - b.seq));
  const devices = rt.devices.map((dev): SnapDevice => {
    const id = dev.identity;
    if (!id) throw new Error(`snapshot: ${dev.name} has no module identity`);
    const mem = dev.memory();
    const vram = [...(rt.vram.get(dev) ?? new Map<number, { ptr: number; len: number }>())].map(([region, v]) => ({ region, ptr: v.ptr, len: v.len }));
    const timers: SnapTimer[] = [];
    all.forEach((t, rank) => { if (t.dev === dev) timers.push({ id: t.id, rank, remaining: t.deadline - now }); });
    return {
      sha256: id.sha256,
      name: dev.name,
      config: rt.specs.get(dev)?.config ?? "",
      routes: routesOf(rt, dev),
      failed: dev.failed ? { error: dev.failed.error.slice(0, 255), during: dev.failed.during.slice(0, 255) } : null,
      pages: mem.length / PAGE,
      globals: id.globals.map((g) => ({ type: g.type, bits: globalBits(g) })),
      ranges: rt.ranges.ownedBy(dev).map((r) => ({ region: r.region, space: r.space, base: BigInt(r.base), len: r.len })).sort((a, b) => a.region - b.region),
      vram: vram.sort((a, b) => a.region - b.region),
      bdfs: [...dev.bdfs],
      pins: [...dev.irqLevels.keys()],
      timers,
      chrRoom: dev.chrRoom,
      chrQueue: Uint8Array.from(dev.chrQueue),
      surface: dev.surface ?? { kind: 0, width: 0, height: 0, stride: 0, ptr: 0 },
      memory: mem,
    };
  });
  return encodeSnapshot({ abi: ABI_VERSION, now, devices });
}

/** Checks a decoded snapshot against this machine; throws SnapshotError naming the cause. */
function checkAgainst(rt: StubdomRuntime, s: Snapshot): void {
  if (s.abi !== ABI_VERSION) throw new SnapshotError("version", `device ABI version ${s.abi}, this runtime speaks ${ABI_VERSION}`);
  checkMachineWide(s);
  const names = (xs: Array<{ name: string }>): string => xs.map((x) => x.name).join(", ") || "none";
  if (s.devices.length !== rt.devices.length || s.devices.some((d, i) => d.name !== rt.devices[i]!.name)) {
    throw new SnapshotError("device set", `the snapshot has devices [${names(s.devices)}], this machine [${names(rt.devices)}]`);
  }
  s.devices.forEach((d, i) => {
    const dev = rt.devices[i]!;
    const id = dev.identity!;
    if (hex(d.sha256) !== hex(id.sha256)) throw new SnapshotError("module identity", `${d.name}: saved from module sha-256 ${hex(d.sha256)}, this machine runs ${hex(id.sha256)} (a different build)`);
    const config = rt.specs.get(dev)?.config ?? "";
    if (d.config !== config) throw new SnapshotError("device set", `${d.name}: saved with config '${d.config}', this machine has '${config}'`);
    if (d.routes !== routesOf(rt, dev)) throw new SnapshotError("device set", `${d.name}: saved with irq routes ${d.routes}, this machine has ${routesOf(rt, dev)}`);
    if (d.globals.length !== id.globals.length || d.globals.some((g, k) => g.type !== id.globals[k]!.type)) {
      throw new SnapshotError("size", `${d.name}: ${d.globals.length} globals of other types than the module's ${id.globals.length}`);
    }
    const max = dev.exports.memory.buffer.byteLength / PAGE;
    if (d.pages < max) throw new SnapshotError("size", `${d.name}: ${d.pages} memory pages, fewer than the ${max} the module already has`);
    if (d.chrQueue.length > CHR_QUEUE_LIMIT) throw new SnapshotError("size", `${d.name}: ${d.chrQueue.length} queued chr bytes (at most ${CHR_QUEUE_LIMIT})`);
    const spec = rt.specs.get(dev)!;
    for (const pin of d.pins) {
      if (!spec.irqs?.[pin] && !(pin === 0 && d.bdfs.length)) throw new SnapshotError("malformed", `${d.name}: irq pin ${pin} is high but not routed`);
    }
    if (d.surface.kind && !spec.display) throw new SnapshotError("device set", `${d.name}: has a display surface but no display here`);
  });
}

/** Grows every memory first (the one step that can fail for lack of resources), undoing nothing
 *  visible: growth only adds zero pages the restore then overwrites. */
function growMemories(rt: StubdomRuntime, s: Snapshot): void {
  s.devices.forEach((d, i) => {
    const m = rt.devices[i]!.exports.memory;
    const have = m.buffer.byteLength / PAGE;
    try {
      if (d.pages > have) m.grow(d.pages - have);
    } catch (e) {
      throw new SnapshotError("size", `${d.name}: cannot grow its memory to ${d.pages} pages: ${(e as Error).message}`);
    }
  });
}

/** Drops what the runtime holds for `dev`: claims (unmapped), PCI functions, VRAM, IRQs, timers. */
function teardown(rt: StubdomRuntime, dev: DeviceInstance): void {
  for (const h of dev.timers.values()) rt.hv.clock.cancel(h);
  dev.timers.clear();
  for (const pin of [...dev.irqLevels.keys()]) rt.setIrq(dev, pin, 0);
  for (const r of rt.ranges.ownedBy(dev)) rt.unclaim(dev, r.region);
  rt.vram.delete(dev);
  for (const bdf of dev.bdfs) { rt.pciOwners.delete(bdf); rt.hv.unmapIoRange(RANGE_PCI, bdf, bdf); }
  dev.bdfs.length = 0;
}

function install(rt: StubdomRuntime, dev: DeviceInstance, d: SnapDevice): void {
  dev.memory().set(d.memory);
  dev.identity!.globals.forEach((g, k) => setGlobalBits(g, d.globals[k]!.bits));
  dev.failed = d.failed ? { device: dev.name, ...d.failed } : null;
  if (d.vram.length) rt.vram.set(dev, new Map(d.vram.map((v) => [v.region, { ptr: v.ptr, len: v.len }])));
  for (const bdf of d.bdfs) { rt.pciOwners.set(bdf, dev); dev.bdfs.push(bdf); rt.hv.mapIoRange(RANGE_PCI, bdf, bdf); }
  for (const r of d.ranges) {
    const base = Number(r.base);
    rt.ranges.set(dev, r.region, r.space, base, r.len);
    rt.mapRange(dev, r.region, r.space, base, r.len);
  }
  for (const pin of d.pins) rt.setIrq(dev, pin, 1);
  dev.chrRoom = d.chrRoom;
  dev.chrQueue = Array.from(d.chrQueue);
  dev.chrPumpQueued = false;
  const display = rt.specs.get(dev)?.display;
  const srf = d.surface;
  dev.surface = srf.kind ? { ...srf } : null;
  if (display && srf.kind) {
    const bytes = srf.stride * srf.height;
    display.setSurface({ kind: srf.kind, width: srf.width, height: srf.height, stride: srf.stride, pixels: () => dev.memory().subarray(srf.ptr, srf.ptr + bytes) });
  } else if (display) display.setSurface(null);
}

/**
 * Replaces the state of every device of `rt` with the snapshot's. The machine must have the same
 * devices (names, modules, configurations, IRQ routes) in the same order — normally a machine
 * built fresh from the same configuration. Throws SnapshotError (nothing changed) when the file
 * is malformed or does not fit this machine. Afterwards each device that exports dev_post_load
 * gets it, in device order, before anything else reaches the devices.
 */
export function restoreSnapshot(rt: StubdomRuntime, file: Uint8Array): void {
  const s = decodeSnapshot(file);
  checkAgainst(rt, s);
  rt.runDeferred();
  growMemories(rt, s);
  // --- from here on nothing can fail: the checks above covered every input ---
  for (const dev of rt.devices) teardown(rt, dev);
  rt.hv.clock.setNow(s.now);
  s.devices.forEach((d, i) => install(rt, rt.devices[i]!, d));
  const timers = s.devices.flatMap((d, i) => d.timers.map((t) => ({ ...t, dev: rt.devices[i]! }))).sort((a, b) => a.rank - b.rank);
  for (const t of timers) rt.armTimer(t.dev, t.id, t.remaining);
  for (const dev of rt.devices) {
    if (dev.exports.dev_post_load) dev.call(() => "dev_post_load", undefined, (x) => x.dev_post_load!());
  }
  rt.runDeferred();
}
