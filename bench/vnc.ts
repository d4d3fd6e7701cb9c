// The VNC server's figures for `npm run bench` (bench/bench.ts prints them): a full-screen update
// loop at 1024x768x32 — every frame the guest rewrites the whole framebuffer (a moving pattern,
// written into VRAM with one LFB store per 4 KiB page going through the ioreq path so the dirty
// log sees every line) and a raw-socket client on 127.0.0.1 asks for the next update as soon as
// one arrives — in Raw and in zlib: frames per second and bytes per frame; then an idle screen
// with a request waiting: bytes sent (must be 0) and the CPU the server spends per second.
import { createMachine } from "../host/node/machine.ts";
import { SurfaceBackend } from "../host/display/surface-backend.ts";
import { RfbServer } from "../host/display/rfb-server.ts";
import { RfbTestClient } from "../test/unit/rfb-client.ts";

const LFB = 0xe0000000;
const W = 1024, H = 768;

function machine(): { d: SurfaceBackend; g: ReturnType<typeof createMachine>["guest"] } {
  const d = new SurfaceBackend();
  const m = createMachine([{ name: "vga", module: "vga", config: "rom=none", display: d }]);
  d.attach(m, "vga");
  const g = m.guest;
  g.pciWrite(2 << 3, 0x10, 4, LFB);
  g.pciWrite(2 << 3, 0x04, 2, 0x0003);
  const dispi = (i: number, v: number): void => { g.outw(0x1ce, i); g.outw(0x1cf, v); };
  g.outb(0x3c2, 0x01); g.inb(0x3da); g.outb(0x3c0, 0x20); // colour MISC, flip-flop reset, PAS on (unblanked)
  dispi(4, 0); dispi(3, 32); dispi(1, W); dispi(2, H); dispi(4, 0x41);
  d.refresh();
  return { d, g };
}

/** Frame `n` of a moving pattern: gradients and stripes (what a desktop or a demo looks like to zlib). */
function paintFrame(d: SurfaceBackend, g: { writel(a: number, v: number): void }, n: number): void {
  const s = d.surface!;
  const px = s.pixels();
  for (let y = 0; y < H; y++) {
    const row = y * s.stride;
    for (let x = 0; x < W; x++) {
      const i = row + x * 4;
      px[i] = (x + n * 4) & 0xff; px[i + 1] = (y + n * 2) & 0xff; px[i + 2] = ((x >> 5) ^ (y >> 5)) & 1 ? 0xc0 : 0x20;
    }
  }
  for (let p = 0; p < (W * H * 4) / 4096; p++) g.writel(LFB + p * 4096, px[p * 4096]! | (px[p * 4096 + 1]! << 8) | (px[p * 4096 + 2]! << 16));
}

async function loop(encoding: number, frames: number): Promise<{ fps: number; bytesPerFrame: number }> {
  const { d, g } = machine();
  const rfb = new RfbServer(d, null, { frameMs: 0 });
  const { port } = await rfb.listen("127.0.0.1", 0);
  const c = await RfbTestClient.open(port);
  c.decode = false;
  c.setEncodings([encoding]);
  c.request(false);
  await c.update();
  const bytes0 = rfb.stats.bytes;
  const t0 = performance.now();
  for (let n = 0; n < frames; n++) {
    paintFrame(d, g, n + 1);
    c.request(true);
    const rects = await c.update();
    const area = rects.reduce((a, r) => a + r.w * r.h, 0);
    if (area < W * H) throw new Error(`frame ${n}: only ${area} pixels updated`);
  }
  const s = (performance.now() - t0) / 1000;
  const out = { fps: frames / s, bytesPerFrame: (rfb.stats.bytes - bytes0) / frames };
  c.close();
  await rfb.close();
  return out;
}

async function cpuUsPerS(ms: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) * 1000) / ms;
}

async function idle(ms: number): Promise<{ bytes: number; polls: number; cpuUsPerS: number; baseUsPerS: number }> {
  const { d } = machine();
  const rfb = new RfbServer(d, null, {});
  const { port } = await rfb.listen("127.0.0.1", 0);
  const c = await RfbTestClient.open(port);
  c.request(false);
  await c.update();
  c.request(true);
  await new Promise((r) => setTimeout(r, 200));
  const bytes0 = rfb.stats.bytes, polls0 = rfb.stats.refreshes;
  const waiting = await cpuUsPerS(ms);
  const out = { bytes: rfb.stats.bytes - bytes0, polls: rfb.stats.refreshes - polls0, cpuUsPerS: waiting, baseUsPerS: 0 };
  c.close();
  await rfb.close();
  out.baseUsPerS = await cpuUsPerS(ms); // the same process with no server: Node's own idle cost
  return out;
}

export async function vncFigures(quick: boolean): Promise<string[]> {
  const frames = quick ? 15 : 60;
  const raw = await loop(0, frames);
  const zlib = await loop(6, frames);
  const still = await idle(quick ? 1000 : 3000);
  const kib = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
  return [
    `VNC server (host/display/rfb-server.ts), full-screen 1024x768x32 update loop, ${frames} frames, client on 127.0.0.1:`,
    `  Raw   ${raw.fps.toFixed(1)} frames/s, ${kib(raw.bytesPerFrame)} per frame`,
    `  zlib  ${zlib.fps.toFixed(1)} frames/s, ${kib(zlib.bytesPerFrame)} per frame`,
    `  idle screen, a request waiting: ${still.bytes} bytes sent, ${(still.polls / ((quick ? 1000 : 3000) / 1000)).toFixed(0)} device polls/s, ${still.cpuUsPerS.toFixed(0)} µs CPU per second (the same process without a server: ${still.baseUsPerS.toFixed(0)} µs)`,
  ];
}
