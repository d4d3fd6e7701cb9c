// The device configuration (dev_init): `vram_mb=16` (1..256, a power of two), `bdf=00:02.0`,
// `rom=<path>` (the host reads the file and delivers it, see rom.ts; default SeaBIOS's
// /usr/share/seabios/vgabios-stdvga.bin) or `rom=none` (no expansion ROM BAR).
import { Config, parseBdf } from "../lib/config";
import { logError } from "../lib/log";
import { MAX_VRAM_MB } from "./layout";

export let cfgVramBytes: u32 = 16 << 20;
export let cfgBdf: i32 = 2 << 3;
export let cfgRom: bool = true;

export function parseConfig(text: string): bool {
  const c = Config.parse(text);
  if (c.error.length) { logError("vga: " + c.error); return false; }
  const unknown = c.unknownKey(["vram_mb", "bdf", "rom"]);
  if (unknown.length) { logError("vga: unknown configuration key '" + unknown + "' (known: vram_mb, bdf, rom)"); return false; }
  const mb = c.int("vram_mb", 16);
  if (c.error.length) { logError("vga: " + c.error); return false; }
  if (mb < 1 || mb > <i64>MAX_VRAM_MB || (mb & (mb - 1)) != 0) { logError("vga: vram_mb must be a power of two from 1 to 256, got " + mb.toString()); return false; }
  cfgVramBytes = <u32>mb << 20;
  const bdf = parseBdf(c.str("bdf", "00:02.0"));
  if (bdf < 0) { logError("vga: bad bdf '" + c.str("bdf", "") + "' (want bb:dd.f)"); return false; }
  cfgBdf = bdf;
  const rom = c.str("rom", "/usr/share/seabios/vgabios-stdvga.bin");
  if (rom.length == 0) { logError("vga: empty rom= (give a path, or rom=none)"); return false; }
  cfgRom = rom != "none";
  return true;
}
