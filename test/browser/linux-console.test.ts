// The web console in a real browser (Debian's chromium, headless, via playwright-core) on the
// Linux test guest (`stubdom boot --web`, build/guest/images.ts): the busybox shell on ttyS0
// answers `uname -a` typed into the page's xterm.js, and text typed into the noVNC canvas reaches
// the PS/2 keyboard and the bochs-drm framebuffer console on tty1 (read by `cat /dev/tty1`, which
// the shell started, and seen on our VGA's screen). The same boot has a pipe as its standard
// input, written before the guest started: its command is typed once Linux's driver owns the UART.
import { strict as assert } from "node:assert";
import { PassThrough } from "node:stream";
import { readFileSync } from "node:fs";
import { openBrowser, startBoot, until, sleep, type Browser, type LiveBoot } from "./browser.ts";
import { captureImage } from "../../host/display/screenshot.ts";
import { framebufferText } from "../../host/sim/fb-text.ts";
import { linuxGuestImages } from "../../host/sim/linux-guest.ts";

describe("browser: the web console on the Linux guest (xterm.js and noVNC)", function () {
  this.timeout(300_000);
  let b: Browser | null = null;
  let run: LiveBoot | null = null;

  /** What the page's terminal shows (every line of its buffer). */
  const xtermText = (): Promise<string> => b!.page.evaluate(() => {
    const buf = (window as unknown as { stubdom: { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } } }).stubdom.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  });

  before(async function () {
    b = await openBrowser();
    const pipe = new PassThrough();
    pipe.write("echo PIPED-$((6*7))-OK\n");
    run = await startBoot(["--timeout", "280", "--quiet"], pipe as unknown as NodeJS.ReadStream);
    await b.page.goto(run.url);
    await until("the guest's shell on the serial console", () => /poweroff -f to end\)[\s\S]*# /.test(run!.serial.text()), 240_000, 250);
  });

  after(async () => {
    if (run) await run.stop();
    if (b) await b.close();
  });

  it("a pipe on standard input is typed into the serial console once the guest's driver reads it", async () => {
    await until("the piped command's answer", () => /PIPED-42-OK/.test(run!.serial.text()), 20_000, 200);
  });

  it("the shell in the page's xterm answers a typed `uname -a`", async () => {
    await until("the prompt in the xterm", async () => (await xtermText()).includes("/ # "), 10_000);
    await b!.page.locator("#serial .xterm").click();
    await b!.page.keyboard.type("uname -a\n");
    await until("uname's answer in the xterm", async () => /Linux \S+ 6\.\d+\.\d+-\S+ .* i686 GNU\/Linux/.test(await xtermText()), 30_000, 200);
  });

  it("text typed into the noVNC canvas reaches tty1 through the PS/2 keyboard and shows on the framebuffer console", async () => {
    await b!.page.locator("#serial .xterm").click();
    await b!.page.keyboard.type("cat /dev/tty1 &\n");
    await sleep(1000);
    await b!.page.locator("#screen canvas").click();
    await b!.page.keyboard.type("hello tty1\n");
    const font = new Uint8Array(readFileSync(linuxGuestImages(() => {}).font));
    const screenText = (): string[] => framebufferText(captureImage(run!.display), font);
    await until("the line read from tty1 on the serial console", () => /cat \/dev\/tty1 &[\s\S]*hello tty1\r?\n/.test(run!.serial.text()), 30_000, 200)
      .catch((e: Error) => { throw new Error(`${e.message}\nserial:\n${run!.serial.text().slice(-600)}\nscreen:\n${screenText().join("\n")}\nps2 events delivered: ${run!.consoles.ps2?.delivered}`); });
    const screen = screenText();
    assert.ok(screen.some((l) => l.includes("hello tty1")), `the framebuffer console shows the typed line:\n${screen.join("\n")}`);
  });
});
