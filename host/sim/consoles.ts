// The interactive side of `stubdom boot`: the serial console's input (the terminal in raw mode,
// or a pipe read like one, or the web page's xterm — all through one SerialFeed paced by the
// UART's receive room), and, when asked, the VNC server (--vnc) and the web console (--web) on
// the VGA's display with keys and pointer into the ps2 device. Servers listen before the guest
// starts (a busy port is a set-up error) and are closed when the run ends.
import type { BootOptions } from "./boot-args.ts";
import type { SimMachine } from "./machine.ts";
import type { ConsoleBackend } from "../node/backends/console.ts";
import type { SurfaceBackend } from "../display/surface-backend.ts";
import { RfbServer, parseVncAddress, type RfbInput } from "../display/rfb-server.ts";
import { WebConsole } from "../web/server.ts";
import { SerialFeed } from "./serial-feed.ts";
import { Ps2Input } from "./ps2-input.ts";
import { DIR_READ } from "../node/ioreq.ts";

/** COM1, where the default guest's uart sits (default-guest.ts: base=0x3f8). */
const UART_BASE = 0x3f8;

export class ConsoleSetupError extends Error {}

export interface ConsoleDeps {
  options: BootOptions;
  display: SurfaceBackend;
  serial: ConsoleBackend;
  /** Devices present (vga and ps2 are needed by --vnc/--web). */
  present: ReadonlySet<string>;
  say: (line: string) => void;
  /** Always shown (the URLs), even with --quiet. */
  announce: (line: string) => void;
  stdin: NodeJS.ReadStream | null | undefined;
}

export class Consoles {
  rfb: RfbServer | null = null;
  web: WebConsole | null = null;
  feed: SerialFeed | null = null;
  ps2: Ps2Input | null = null;
  private machine: SimMachine | null = null;
  private undo: Array<() => void> = [];

  constructor(private readonly d: ConsoleDeps) {}

  /** Starts the servers asked for (before the machine exists: fails early on a busy port). */
  async listen(): Promise<void> {
    const o = this.d.options;
    if (!o.vnc && o.webPort === null) return;
    if (!this.d.present.has("vga")) throw new ConsoleSetupError(`${o.vnc ? "--vnc" : "--web"} needs the vga device, which is not built`);
    if (!this.d.present.has("ps2")) this.d.say("the ps2 device is not built: the screen is shown, keys and pointer go nowhere");
    const input: RfbInput = { key: (c, down) => this.ps2?.key(c, down), pointer: (dx, dy, b, w) => this.ps2?.pointer(dx, dy, b, w) };
    this.rfb = new RfbServer(this.d.display, input, { name: "wasm-stubdom (development host)", log: (l) => this.d.say(l) });
    if (o.vnc) {
      const a = parseVncAddress(o.vnc);
      if (typeof a === "string") throw new ConsoleSetupError(`--vnc ${a}`);
      try {
        const bound = await this.rfb.listen(a.host, a.port);
        this.d.announce(`VNC server on ${bound.address}:${bound.port}${bound.port >= 5900 && bound.port < 6000 ? ` (display :${bound.port - 5900})` : ""}`);
      } catch (e) { throw new ConsoleSetupError(`--vnc ${o.vnc}: cannot listen: ${(e as Error).message}`); }
    }
    if (o.webPort !== null) {
      this.web = new WebConsole({
        rfb: this.rfb,
        serialIn: (b) => this.feed?.push(b) ?? true,
        onSerialDrain: (fn) => { if (this.feed) this.feed.onDrain(fn); else fn(); },
        log: (l) => this.d.say(l),
      });
      try {
        await this.web.listen(o.webPort);
        this.d.announce(`web console: ${this.web.url}`);
      } catch (e) { throw new ConsoleSetupError(`--web ${o.webPort}: cannot listen: ${(e as Error).message}`); }
    }
  }

  /** Connects input to the machine's devices and starts reading the terminal or pipe. */
  start(m: SimMachine, onCtrlC: () => void): void {
    this.machine = m;
    const live = (): boolean => !m.ended;
    if (this.d.present.has("ps2")) this.ps2 = new Ps2Input(m.rt, "ps2", { live, log: (l) => this.d.say(l) });
    if (this.d.present.has("uart")) {
      const uart = m.rt.device("uart");
      this.feed = new SerialFeed((b) => this.d.serial.type(b), { waiting: () => uart.chrQueue.length, live, log: (l) => this.d.say(l) });
    }
    const stdin = this.d.stdin;
    if (!stdin || !this.feed) return;
    const feed = this.feed;
    if (stdin.isTTY) {
      // keys (and pastes) in raw mode; Ctrl-C ends the run
      const onKeys = (chunk: Buffer): void => {
        if (chunk.includes(0x03)) { onCtrlC(); return; }
        if (!feed.push(new Uint8Array(chunk))) { stdin.pause(); feed.onDrain(() => stdin.resume()); }
      };
      stdin.setRawMode(true);
      stdin.on("data", onKeys);
      stdin.resume();
      this.undo.push(() => { stdin.off("data", onKeys); stdin.setRawMode(false); stdin.pause(); });
    } else {
      // A pipe or file: read like typed input, paced the same way; its end changes nothing. It
      // waits until a driver reads the port by interrupt: the UART's receive interrupt enabled
      // (IER bit 0, DLAB clear) on two polls 50 ms apart. Earlier input would reach firmware or a
      // boot loader polling the port, or be lost when Linux's 8250 driver clears the FIFO as it
      // opens the port. (The registers are read as the CPU would, through port ioreqs.)
      let seen = 0;
      const poll = setInterval(() => {
        if (m.ended) { clearInterval(poll); return; }
        const lcr = m.sim.pio(0, UART_BASE + 3, 1, DIR_READ);
        const ier = lcr & 0x80 ? 0 : m.sim.pio(0, UART_BASE + 1, 1, DIR_READ);
        seen = ier & 1 ? seen + 1 : 0;
        if (seen < 2) return;
        clearInterval(poll);
        this.undo.push(feed.readStream(stdin));
      }, 50);
      this.undo.push(() => clearInterval(poll));
    }
  }

  /** Serial output of the guest (also shown to the web page). */
  serialOut(bytes: Uint8Array): void { this.web?.serialOut(bytes); }

  async close(): Promise<void> {
    for (const u of this.undo.splice(0)) u();
    this.feed?.stop();
    this.ps2?.stop();
    await this.web?.close();
    await this.rfb?.close();
    this.machine = null;
  }
}
