// Command-line options of `stubdom boot`, parsed strictly: an unknown option or a bad value is a
// BootUsageError with a message saying what was wrong and what is accepted.
export interface BootOptions {
  /** Seconds of wall time before the run is stopped (0 = run until the guest ends it or Ctrl-C). */
  timeoutS: number;
  /** Write a PNG of our VGA's display here when the run ends. */
  screenshot: string | null;
  /** Raw disk image for IDE hda (primary master). */
  disk: string | null;
  /** ISO image for the ATAPI CD-ROM on hdc (secondary master); an empty drive without it. */
  cdrom: string | null;
  ramMb: number;
  /** Boot order for the CMOS bytes SeaBIOS reads (0x3D, 0x38), as xl's `boot=`: up to 3 of a/c/d/n; null = the cmos default. */
  boot: string | null;
  bios: string | null;
  /** Stop (successfully) when the serial console or the BIOS log matches this. */
  until: RegExp | null;
  /** Echo SeaBIOS's debug log (port 0x402) to stderr. */
  biosLog: boolean;
  quiet: boolean;
  /** Linux direct boot (QEMU's -kernel/-initrd/-append). */
  kernel: string | null;
  initrd: string | null;
  append: string;
  /** Write the ioreq stream (requests and responses, JSON lines) here. */
  record: string | null;
  /** Write a replayable trace (docs/trace-format.md, RAM as "reads") here, for stubdom-replay. */
  trace: string | null;
  /** VNC server: `:N` (127.0.0.1, port 5900+N) or `HOST:PORT` (host/display/rfb-server.ts). */
  vnc: string | null;
  /** Web console (noVNC + xterm.js) on 127.0.0.1:PORT (host/web/); null = off. */
  webPort: number | null;
}

export class BootUsageError extends Error {}

export const BOOT_USAGE = `usage: stubdom boot [options]
  With neither --disk nor --kernel it boots the Linux test guest (build/guest/images.ts, built from
  Debian's archive on first use into build/out/guest/): SeaBIOS loads syslinux, Linux and busybox
  from our IDE disk, the init checks every device, then a shell runs on this terminal.
  --timeout SECONDS     stop after this much wall time (default: run until power-off, reset or Ctrl-C)
  --screenshot FILE.png write our VGA's screen to FILE.png when the run ends
  --disk FILE           raw disk image on IDE hda (written to by the guest)
  --cdrom FILE.iso      ISO image in the ATAPI CD-ROM on hdc
  --ram MB              guest RAM in MiB (default 128, 16..2048)
  --boot ORDER          boot order as xl's boot=: up to three of c (disk), d (CD-ROM), n (network),
                        a (floppy), e.g. d or dc (the CMOS bytes SeaBIOS reads; default cad)
  --bios FILE           BIOS image (default /usr/share/seabios/bios.bin)
  --until REGEX         stop as soon as the serial console or the BIOS log matches
  --bios-log            echo SeaBIOS's debug output (port 0x402) to stderr
  --kernel BZIMAGE      boot this Linux kernel directly (SeaBIOS runs it from an fw_cfg option ROM)
  --initrd FILE         its initramfs
  --append "ARGS"       its command line (default "console=ttyS0")
  --record FILE         write every ioreq and its response to FILE (JSON lines)
  --trace FILE          write a replayable trace (docs/trace-format.md) to FILE: replay it with
                        build/out/native/stubdom-replay --check FILE (npm run build:native)
  --vnc :N | HOST:PORT  serve the VGA screen, PS/2 keyboard and mouse over VNC (RFB 3.8): :N is
                        127.0.0.1 port 5900+N; any VNC viewer works (docs/web-console.md)
  --web [PORT]          serve a web console on http://127.0.0.1:PORT/ (default 6080): the screen
                        through noVNC, the serial console through xterm.js; the URL is printed
  --quiet               no progress lines
  Standard input that is not a terminal (a pipe, a file) is typed into the serial console too,
  paced by the UART's receive room: echo 'uname -a' | stubdom boot`;

export function parseBootArgs(argv: readonly string[]): BootOptions {
  const o: BootOptions = { timeoutS: 0, screenshot: null, disk: null, cdrom: null, ramMb: 128, boot: null, bios: null, until: null, biosLog: false, quiet: false, record: null, trace: null, vnc: null, webPort: null, kernel: null, initrd: null, append: "console=ttyS0" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new BootUsageError(`${a} needs a value\n${BOOT_USAGE}`);
      return v;
    };
    const num = (min: number, max: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min || n > max) throw new BootUsageError(`${a} ${raw}: want a number from ${min} to ${max}`);
      return n;
    };
    switch (a) {
      case "--timeout": o.timeoutS = num(0, 86400); break;
      case "--screenshot": o.screenshot = value(); if (!o.screenshot.endsWith(".png")) throw new BootUsageError(`--screenshot ${o.screenshot}: the file name must end in .png`); break;
      case "--disk": o.disk = value(); break;
      case "--cdrom": o.cdrom = value(); break;
      case "--ram": o.ramMb = Math.floor(num(16, 2048)); break;
      case "--boot": {
        o.boot = value();
        if (!/^[acdn]{1,3}$/.test(o.boot) || new Set(o.boot).size !== o.boot.length) throw new BootUsageError(`--boot ${o.boot}: want up to three different letters of a (floppy), c (disk), d (CD-ROM), n (network)`);
        break;
      }
      case "--bios": o.bios = value(); break;
      case "--until": {
        const raw = value();
        try { o.until = new RegExp(raw); } catch (e) { throw new BootUsageError(`--until ${raw}: not a regular expression (${(e as Error).message})`); }
        break;
      }
      case "--bios-log": o.biosLog = true; break;
      case "--quiet": o.quiet = true; break;
      case "--record": o.record = value(); break;
      case "--trace": o.trace = value(); break;
      case "--vnc": {
        o.vnc = value();
        if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/.test(o.vnc)) throw new BootUsageError(`--vnc ${o.vnc}: want :N (display N, port 5900+N) or HOST:PORT`);
        break;
      }
      case "--web": {
        const next = argv[i + 1];
        if (next !== undefined && /^\d+$/.test(next)) { o.webPort = num(0, 65535); } else o.webPort = 6080;
        break;
      }
      case "--kernel": o.kernel = value(); break;
      case "--initrd": o.initrd = value(); break;
      case "--append": o.append = value(); break;
      case "-h": case "--help": throw new BootUsageError(BOOT_USAGE);
      default: throw new BootUsageError(`unknown option ${a}\n${BOOT_USAGE}`);
    }
  }
  return o;
}
