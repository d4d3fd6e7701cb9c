// The device configuration (dev_init): `vram_mb=16` (1..256, a power of two), `bdf=00:02.0`,
// `rom=<path>` (the host reads the file and delivers it, see rom.ts; default SeaBIOS's
// /usr/share/seabios/vgabios-stdvga.bin) or `rom=none` (no expansion ROM BAR). The values land
// in the configuration fields of the state (state.ts).
import { deviceConfig, parseBdf } from "../lib/config";
import { logError } from "../lib/log";
import { MAX_VRAM_MB } from "./layout";
import { S } from "./state";

const DEFAULT_VRAM_MB: i64 = 16;
const DEFAULT_BDF: string = "00:02.0";
const DEFAULT_ROM: string = "/usr/share/seabios/vgabios-stdvga.bin";

export function parseConfig(text: string): bool {
  const c = deviceConfig("vga", text, ["vram_mb", "bdf", "rom"]);
  if (c === null) return false;
  const mb = c.int("vram_mb", DEFAULT_VRAM_MB);
  if (c.failed("vga")) return false;
  if (mb < 1 || mb > <i64>MAX_VRAM_MB || (mb & (mb - 1)) != 0) { logError("vga: vram_mb must be a power of two from 1 to 256, got " + mb.toString()); return false; }
  S.vramBytes = <u32>mb << 20;
  const bdf = parseBdf(c.str("bdf", DEFAULT_BDF));
  if (bdf < 0) { logError("vga: bad bdf '" + c.str("bdf", "") + "' (want bb:dd.f)"); return false; }
  S.bdf = bdf;
  const rom = c.str("rom", DEFAULT_ROM);
  if (rom.length == 0) { logError("vga: empty rom= (give a path, or rom=none)"); return false; }
  S.romConfigured = rom != "none";
  return true;
}
