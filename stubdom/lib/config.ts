// Parser for the device configuration string handed to dev_init: `key=value,key=value`.
// Numbers may be decimal or 0x-prefixed hex. deviceConfig() is how a device starts: it parses and
// refuses unknown keys, logging why under the device's name; `failed()` after reading the values.
import { logError } from "./log";

// Parses dev_init's configuration and refuses keys not in `known`. On failure logs
// "<device>: bad configuration: …" or "<device>: unknown configuration key 'k' (known: …)" and
// returns null.
export function deviceConfig(device: string, text: string, known: string[]): Config | null {
  const c = Config.parse(text);
  if (c.failed(device)) return null;
  const unknown = c.unknownKey(known);
  if (unknown.length == 0) return c;
  const expected = known.length ? "known: " + known.join(", ") : "this device takes none";
  logError(device + ": unknown configuration key '" + unknown + "' (" + expected + ")");
  return null;
}

export class Config {
  keys: string[] = [];
  values: string[] = [];
  error: string = "";

  static parse(text: string): Config {
    const c = new Config();
    if (text.length == 0) return c;
    const parts = text.split(",");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i].trim();
      if (p.length == 0) continue;
      const eq = p.indexOf("=");
      if (eq <= 0) { c.error = "malformed entry '" + p + "' (want key=value)"; return c; }
      c.keys.push(p.substring(0, eq).trim());
      c.values.push(p.substring(eq + 1).trim());
    }
    return c;
  }

  has(key: string): bool { return this.keys.indexOf(key) >= 0; }

  str(key: string, dflt: string): string {
    const i = this.keys.lastIndexOf(key);
    return i < 0 ? dflt : this.values[i];
  }

  // Integer value; on a malformed number sets `error` and returns dflt.
  int(key: string, dflt: i64): i64 {
    const i = this.keys.lastIndexOf(key);
    if (i < 0) return dflt;
    const v = parseNumber(this.values[i]);
    if (v == I64.MIN_VALUE) { this.error = "bad number for " + key + ": '" + this.values[i] + "'"; return dflt; }
    return v;
  }

  bool(key: string, dflt: bool): bool {
    const i = this.keys.lastIndexOf(key);
    if (i < 0) return dflt;
    const v = this.values[i];
    if (v == "1" || v == "on" || v == "true" || v == "yes") return true;
    if (v == "0" || v == "off" || v == "false" || v == "no") return false;
    this.error = "bad boolean for " + key + ": '" + v + "'";
    return dflt;
  }

  // True (and logged as "<device>: bad configuration: …") when parsing or reading a value failed.
  failed(device: string): bool {
    if (this.error.length == 0) return false;
    logError(device + ": bad configuration: " + this.error);
    return true;
  }

  // Returns the first key not in `known`, or "" when all are known.
  unknownKey(known: string[]): string {
    for (let i = 0; i < this.keys.length; i++) if (known.indexOf(this.keys[i]) < 0) return this.keys[i];
    return "";
  }
}

// Parses decimal or 0x-hex; returns I64.MIN_VALUE when malformed.
export function parseNumber(s: string): i64 {
  let i: i32 = 0;
  let base: i64 = 10;
  if (s.length > 2 && s.charCodeAt(0) == 48 && (s.charCodeAt(1) | 32) == 120) { base = 16; i = 2; }
  if (i >= s.length) return I64.MIN_VALUE;
  let v: i64 = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: i64 = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (base == 16 && (c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
    if (d < 0) return I64.MIN_VALUE;
    v = v * base + d;
    if (v > 0x7fffffffffff) return I64.MIN_VALUE;
  }
  return v;
}

// Parses "bb:dd.f" into bus<<8 | dev<<3 | fn; -1 when malformed.
export function parseBdf(s: string): i32 {
  const colon = s.indexOf(":");
  const dot = s.indexOf(".");
  if (colon <= 0 || dot <= colon) return -1;
  const bus = parseNumber("0x" + s.substring(0, colon));
  const dev = parseNumber("0x" + s.substring(colon + 1, dot));
  const fn = parseNumber("0x" + s.substring(dot + 1));
  if (bus < 0 || bus > 255 || dev < 0 || dev > 31 || fn < 0 || fn > 7) return -1;
  return <i32>((bus << 8) | (dev << 3) | fn);
}
