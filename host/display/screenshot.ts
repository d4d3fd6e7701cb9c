// Screenshots of a display surface as PNG (pngjs), and exact comparison against a PNG file
// (golden images): same size and identical RGBA bytes.
import { readFileSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import type { SurfaceBackend } from "./surface-backend.ts";

export interface Image { width: number; height: number; rgba: Uint8Array }

export function captureImage(display: SurfaceBackend): Image {
  const rgba = display.rgba();
  if (!rgba) throw new Error("screenshot: the display is blank (no surface published)");
  return { width: display.width, height: display.height, rgba };
}

export function encodePng(img: Image): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 6 });
  png.data = Buffer.from(img.rgba.buffer, img.rgba.byteOffset, img.rgba.byteLength);
  return PNG.sync.write(png, { colorType: 6 });
}

export function decodePng(bytes: Buffer): Image {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

export function screenshot(display: SurfaceBackend, path: string): void {
  writeFileSync(path, encodePng(captureImage(display)));
}

/** Null when identical; otherwise a description of the first difference. */
export function compareImages(a: Image, b: Image): string | null {
  if (a.width !== b.width || a.height !== b.height) return `size ${a.width}x${a.height} vs ${b.width}x${b.height}`;
  let diffs = 0;
  let first = -1;
  for (let i = 0; i < a.rgba.length; i++) if (a.rgba[i] !== b.rgba[i]) { diffs++; if (first < 0) first = i; }
  if (!diffs) return null;
  const px = first >> 2;
  return `${diffs} byte(s) differ; first at pixel (${px % a.width}, ${Math.floor(px / a.width)})`;
}

export function compareWithPng(display: SurfaceBackend, path: string): string | null {
  return compareImages(captureImage(display), decodePng(readFileSync(path)));
}
