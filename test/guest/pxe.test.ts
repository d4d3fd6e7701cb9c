// Network boot on the development host (issue 23): `stubdom boot --boot n` puts the NIC first;
// SeaBIOS runs iPXE (Debian's ipxe-qemu pxe-e1000.rom, served from our e1000's ROM BAR), iPXE's
// own e1000 driver brings up our model, asks the net peer's DHCP server (user-class "iPXE") and
// fetches boot.ipxe, then the kernel and initramfs over TFTP (host/sim/net-boot.ts), all over our
// wire; Linux then runs the test guest's init checks as in test/guest/linux.test.ts.
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { boot, type BootIo } from "../../host/sim/boot.ts";
import type { SimMachine } from "../../host/sim/machine.ts";
import { readTextScreen } from "../../host/sim/text-screen.ts";
import { DEFAULT_E1000_ROM } from "../../host/node/e1000-rom.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("guest: network boot through iPXE on our e1000 (--boot n)", function () {
  this.timeout(420_000);
  let serial = "";
  let err = "";
  let bios = "";
  const screen = new Set<string>();
  let exitCode = -1;

  before(async function () {
    if (!existsSync(DEFAULT_E1000_ROM)) throw new Error(`${DEFAULT_E1000_ROM} is missing: apt-get install -y ipxe-qemu (host/sim/apt-packages.txt)`);
    let machine: SimMachine | null = null;
    const io: BootIo = {
      stdout: { write: (c: Uint8Array | string) => { serial += typeof c === "string" ? c : Buffer.from(c).toString("latin1"); return true; } },
      stderr: { write: (s: string) => { err += s; return true; } },
      stdin: null,
      onStarted: (r) => { machine = r.machine; },
    };
    const exit = boot(["--boot", "n", "--until", "GUEST-CHECKS-DONE pass=\\d+ fail=\\d+", "--timeout", "360"], io);
    // iPXE writes to the screen (BIOS console): read our VGA's text screen until Linux takes over
    while (!serial.includes("Linux version") && exitCode < 0) {
      await Promise.race([sleep(250), exit.then((c) => { exitCode = c; })]);
      const m = machine as SimMachine | null;
      if (m && !m.ended) for (const l of readTextScreen(m.sim)) if (l.trim()) screen.add(l.trimEnd());
    }
    exitCode = await exit;
    const m = machine as SimMachine | null;
    bios = m ? m.biosLog.lines.join("\n") : "";
  });

  it("SeaBIOS runs the e1000's option ROM and boots from it, not from the disk", () => {
    assert.match(bios, /PCI: map device bdf=00:03\.0 {2}bar 6, addr \w+, size 00020000 \[mem\]/, "a 128 KiB ROM BAR");
    assert.match(bios, /Booting from ROM\.\.\./, bios.slice(-3000));
    assert.doesNotMatch(bios, /Booting from Hard Disk/);
    assert.doesNotMatch(serial, /SYSLINUX/);
  });

  it("iPXE's banner and its DHCP and TFTP fetches appear on the screen", () => {
    const text = [...screen].join("\n");
    assert.match(text, /iPXE/, text);
    assert.match(text, /net0: 10\.0\.2\.15\/255\.255\.255\.0 gw 10\.0\.2\.2/, text);
    assert.match(text, /boot\.ipxe/, text);
    assert.match(text, /wasm-stubdom: network boot/, text);
  });

  it("Linux, fetched over our wire, runs the init's checks, all passed", () => {
    assert.equal(exitCode, 0, err.slice(-3000));
    assert.match(serial, /Linux version 6\.1\.\S+-686 /);
    const d = /GUEST-CHECKS-DONE pass=(\d+) fail=(\d+)/.exec(serial);
    assert.ok(d, serial.slice(-4000));
    assert.equal(Number(d[2]), 0, [...serial.matchAll(/^CHECK \S+ FAIL.*$/gm)].join("\n"));
    assert.equal(Number(d[1]), 9);
    assert.doesNotMatch(err, /FAILED/);
  });
});
