// A DisplayBackend for tests and tools: keeps the surface the device published and the damage
// rectangles it reported, can ask the device for a frame (EVENT_DISPLAY_REFRESH, the consumer's
// side of the display path) and copies the visible pixels out as RGBA.
import type { DisplayBackend, DisplaySurface } from "../node/backends.ts";
import type { StubdomRuntime } from "../node/runtime.ts";
import { EVENT, SURFACE } from "../node/abi.ts";

export interface Rect { x: number; y: number; w: number; h: number }

export class SurfaceBackend implements DisplayBackend {
  surface: DisplaySurface | null = null;
  /** Damage reported since the last takeDamage(). */
  damageLog: Rect[] = [];
  surfaceChanges = 0;
  private requestFrame: (() => void) | null = null;

  setSurface(surface: DisplaySurface | null): void {
    this.surface = surface;
    this.surfaceChanges++;
  }

  damage(x: number, y: number, w: number, h: number): void {
    this.damageLog.push({ x, y, w, h });
  }

  /**
   * Connects refresh() to a device instance of a runtime (the display consumer's request). Legacy
   * window writes still queued in the buffered ring are drained first, as the runtime does on
   * every event kick, so a frame shows everything the guest wrote before it.
   */
  attach(m: { rt: StubdomRuntime; sim: { flushBuffered(): void } }, deviceName: string): this {
    const dev = m.rt.device(deviceName);
    this.requestFrame = () => { m.sim.flushBuffered(); m.rt.deliverEvent(dev, EVENT.DISPLAY_REFRESH, null, 0); };
    return this;
  }

  /** Asks the device for one frame; returns the damage it reported for that frame. */
  refresh(): Rect[] {
    if (!this.requestFrame) throw new Error("SurfaceBackend.refresh: attach() it to a runtime first");
    this.damageLog = [];
    this.requestFrame();
    return this.takeDamage();
  }

  takeDamage(): Rect[] {
    const d = this.damageLog;
    this.damageLog = [];
    return d;
  }

  get width(): number { return this.surface?.width ?? 0; }
  get height(): number { return this.surface?.height ?? 0; }

  /** The visible pixels as tightly packed RGBA (alpha 255); null when blank. */
  rgba(): Uint8Array | null {
    const s = this.surface;
    if (!s || s.kind === SURFACE.NONE) return null;
    const src = s.pixels();
    const out = new Uint8Array(s.width * s.height * 4);
    for (let y = 0; y < s.height; y++) {
      const row = y * s.stride;
      for (let x = 0; x < s.width; x++) {
        const i = row + x * 4;
        const o = (y * s.width + x) * 4;
        if (s.kind === SURFACE.BGRX32) { out[o] = src[i + 2]!; out[o + 1] = src[i + 1]!; out[o + 2] = src[i]!; }
        else { out[o] = src[i]!; out[o + 1] = src[i + 1]!; out[o + 2] = src[i + 2]!; }
        out[o + 3] = 255;
      }
    }
    return out;
  }

  /** One pixel as [r, g, b]. */
  pixel(x: number, y: number): [number, number, number] {
    const s = this.surface;
    if (!s || x < 0 || y < 0 || x >= s.width || y >= s.height) throw new Error(`pixel (${x}, ${y}) outside the surface`);
    const p = s.pixels();
    const i = y * s.stride + x * 4;
    return s.kind === SURFACE.BGRX32 ? [p[i + 2]!, p[i + 1]!, p[i]!] : [p[i]!, p[i + 1]!, p[i + 2]!];
  }
}
