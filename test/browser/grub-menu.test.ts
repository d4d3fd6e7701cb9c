// The web console in a real browser (Debian's chromium, headless, via playwright-core) on
// Debian's GRUB rescue CD (apt package grub-rescue-pc) booted by `stubdom boot --disk <empty>
// --cdrom …`: GRUB's menu appears in the noVNC canvas pixel-equal to our VGA's surface as
// --screenshot would write it; Down and Enter pressed in the page move the highlight and start
// the entry; while the screen stands still noVNC's requests are answered with nothing.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBrowser, startBoot, canvasImage, until, sleep, type Browser, type LiveBoot } from "./browser.ts";
import { captureImage, encodePng, decodePng, compareImages } from "../../host/display/screenshot.ts";
import { readTextScreen, TEXT_BASE } from "../../host/sim/text-screen.ts";
import { DIR_READ } from "../../host/node/ioreq.ts";

const GRUB_ISO = "/usr/lib/grub-rescue/grub-rescue-cdrom.iso";

describe("browser: the web console on GRUB's rescue CD (noVNC)", function () {
  this.timeout(120_000);
  let b: Browser | null = null;
  let run: LiveBoot | null = null;
  let dir = "";

  before(async function () {
    if (!existsSync(GRUB_ISO)) throw new Error(`${GRUB_ISO} is missing: apt-get install -y grub-rescue-pc (test/browser/apt-packages.txt)`);
    dir = mkdtempSync(join(tmpdir(), "stubdom-grub-"));
    const disk = join(dir, "empty.img");
    writeFileSync(disk, Buffer.alloc(16 << 20));
    b = await openBrowser();
    run = await startBoot(["--disk", disk, "--cdrom", GRUB_ISO, "--timeout", "110", "--quiet"]);
    await b.page.goto(run.url);
  });

  after(async () => {
    if (run) await run.stop();
    if (b) await b.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const text = (): string[] => readTextScreen(run!.machine.sim);
  /** The attribute byte of the first column of the screen row holding `label`. */
  const rowAttr = (label: string): number => {
    const row = text().findIndex((l) => l.includes(label));
    assert.ok(row >= 0, `no row with ${label}:\n${text().join("\n")}`);
    return run!.machine.sim.mmioAccess(0, TEXT_BASE + 2 * (row * 80 + 2) + 1, 1, DIR_READ) & 0xff;
  };

  it("shows GRUB's menu in the noVNC canvas, pixel-equal to the VGA surface (the --screenshot PNG)", async () => {
    await until("GRUB's menu on our VGA", () => text().some((l) => l.includes("GNU GRUB")) && text().some((l) => l.includes("Change the colors")), 60_000, 200);
    let last = "never compared";
    // the menu's countdown redraws once a second: compare at a moment the screen stands still
    await until("the canvas to equal the surface", async () => {
      const want = decodePng(encodePng(captureImage(run!.display)));
      const got = await canvasImage(b!.page);
      const why = compareImages(got, want);
      last = why ?? "equal";
      return why === null;
    }, 20_000, 100).catch((e: Error) => { throw new Error(`${e.message}: last difference ${last}`); });
    assert.equal(run!.display.width, 720);
  });

  it("while the screen stands still noVNC's update requests are answered with nothing", async () => {
    await b!.page.locator("#screen canvas").click(); // focus: keys go to noVNC
    await b!.page.keyboard.press("Home"); // a key stops GRUB's countdown (Home: the highlight stays)
    await sleep(1500);
    const bytes = run!.consoles.rfb!.stats.bytes;
    await sleep(1500);
    assert.equal(run!.consoles.rfb!.stats.bytes, bytes, "bytes sent to the browser for an unchanged screen");
  });

  it("Down then Enter pressed in the page move GRUB's highlight and start the entry", async () => {
    const linux = rowAttr("GNU/Linux"), hurd = rowAttr("GNU (aka GNU/Hurd)");
    assert.notEqual(linux, hurd, "the first entry is highlighted");
    await b!.page.keyboard.press("ArrowDown");
    await until("the highlight on the second entry", () => rowAttr("GNU (aka GNU/Hurd)") === linux && rowAttr("GNU/Linux") === hurd, 10_000);
    await b!.page.keyboard.press("Enter");
    // GNU/Hurd's entry wants (hd0,msdos1): the empty disk has no partition, GRUB says so
    await until("GRUB to run the entry", () => text().some((l) => /error/i.test(l)), 20_000, 200);
  });
});
