// Helpers for the browser tests (not a test file itself): Debian's chromium (apt package
// `chromium`, test/browser/apt-packages.txt) driven headless by playwright-core with a fresh
// profile, and `stubdom boot` run in this process with --web so a test can look at the machine
// and at the page at the same time. A missing browser is an error, never a skip.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { boot, type BootIo } from "../../host/sim/boot.ts";
import type { SimMachine } from "../../host/sim/machine.ts";
import type { SurfaceBackend } from "../../host/display/surface-backend.ts";
import type { ConsoleBackend } from "../../host/node/backends/console.ts";
import type { Consoles } from "../../host/sim/consoles.ts";
import type { Image } from "../../host/display/screenshot.ts";

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface Browser { context: BrowserContext; page: Page; close(): Promise<void> }

export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y chromium; test/browser/apt-packages.txt)`);
  const profile = mkdtempSync(join(tmpdir(), "stubdom-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1800, height: 1000 } });
  const page = context.pages()[0] ?? await context.newPage();
  return { context, page, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export interface LiveBoot {
  machine: SimMachine;
  display: SurfaceBackend;
  serial: ConsoleBackend;
  consoles: Consoles;
  url: string;
  stderr: () => string;
  /** Ends the run; resolves with the exit code of `stubdom boot`. */
  stop(): Promise<number>;
}

/** Runs `stubdom boot ARGV --web 0` in this process (standard input: `stdin`, e.g. a pipe);
 *  resolves once the CPU runs. */
export function startBoot(argv: string[], stdin: NodeJS.ReadStream | null = null): Promise<LiveBoot> {
  let err = "";
  return new Promise((resolve, reject) => {
    let exit: Promise<number> | null = null;
    const io: BootIo = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => { err += s; return true; } },
      stdin,
      onStarted: ({ machine, display, serial, consoles }) => {
        resolve({ machine, display, serial, consoles, url: consoles.web!.url, stderr: () => err, stop: () => { machine.end("stopped"); return exit!; } });
      },
    };
    exit = boot([...argv, "--web", "0"], io);
    exit.then((code) => reject(new Error(`stubdom boot ended (exit ${code}) before the CPU ran:\n${err}`)), reject);
  });
}

/** The noVNC canvas as an RGBA image (through a lossless PNG of the canvas). */
export async function canvasImage(page: Page): Promise<Image> {
  const url = await page.evaluate(() => (document.querySelector("#screen canvas") as HTMLCanvasElement).toDataURL("image/png"));
  const png = PNG.sync.read(Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` every `every` ms; throws `what` after `ms`. */
export async function until(what: string, pred: () => boolean | Promise<boolean>, ms: number, every = 50): Promise<void> {
  const t0 = performance.now();
  while (!(await pred())) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}
