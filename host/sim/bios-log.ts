// SeaBIOS's debug console (QEMU's debugcon at port 0x402): reads answer 0xE9 so SeaBIOS knows
// the port is there, written bytes are collected as lines of the BIOS log. Xen gives SeaBIOS the
// same channel through hvmloader's console; here it is the development host's own port.
import type { V86Cpu } from "./v86-types.ts";
import { DEBUG_PORT } from "./v86-owners.ts";

export const BIOS_DEBUG_PORT = 0x402;

export class BiosLog {
  readonly lines: string[] = [];
  private partial = "";
  /** Called with every complete line. */
  onLine: ((line: string) => void) | null = null;

  install(cpu: V86Cpu): void {
    cpu.io.register_read(BIOS_DEBUG_PORT, DEBUG_PORT, () => 0xe9, () => 0xffff, () => -1);
    cpu.io.register_write(BIOS_DEBUG_PORT, DEBUG_PORT, (v) => this.byte(v & 0xff), () => {}, () => {});
  }

  byte(b: number): void {
    if (b === 0x0a) {
      const line = this.partial.replace(/\r$/, "");
      this.partial = "";
      this.lines.push(line);
      this.onLine?.(line);
    } else {
      this.partial += String.fromCharCode(b);
    }
  }

  /** The whole log so far, the unfinished line included. */
  text(): string {
    return this.lines.join("\n") + (this.partial ? `\n${this.partial}` : "");
  }

  /** Index of the first line matching `re`, or -1. */
  find(re: RegExp): number {
    return this.lines.findIndex((l) => re.test(l));
  }
}
