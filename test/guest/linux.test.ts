// Debian's i386 Linux on our devices (host/sim: v86 as the CPU, every device one of our Wasm
// modules behind Xen ioreqs), started directly and booted by SeaBIOS from our IDE disk through
// syslinux. Judged from the kernel's own messages on our UART and from the init's checks
// (build/guest/init.sh): the i8042 keyboard and psmouse, ata_piix with the disk's size and the
// checksum of its data partition, the ATAPI CD-ROM mounted and a file read back intact, e1000 with
// our MAC, link up and pings answered by the host-side peer, bochs-drm bound with a mode set and
// the framebuffer console's text read back off a screenshot of our VGA, then a shell on ttyS0.
// The images are built from Debian's archive on first use (build/guest/images.ts, `npm run
// build:guest`): about a minute, once per machine.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { linuxBoot, describeBoot, type LinuxBoot, type LinuxMode } from "./linux-boot.ts";
import { GUEST_MAC, FB_TEXT, CD_HELLO, PEER_IP } from "../../build/guest/images.ts";

function checkOk(b: LinuxBoot, name: string): string {
  const c = b.checks.get(name);
  assert.ok(c, `the init printed no '${name}' check; serial console:\n${b.serial.slice(-4000)}`);
  assert.ok(c.ok, `init check ${name} failed: ${c.detail}\n${b.serial.slice(-4000)}`);
  return c.detail;
}

const kernelSaid = (b: LinuxBoot, re: RegExp): void => assert.match(b.serial, re, `kernel log lacks ${re}:\n${b.serial.slice(0, 6000)}`);

for (const mode of ["direct", "disk"] as LinuxMode[]) {
  describe(`guest: Linux ${mode === "direct" ? "direct boot (-kernel/-initrd)" : "booted by SeaBIOS from our IDE disk (syslinux)"} on our devices`, function () {
    this.timeout(420_000);
    let b: LinuxBoot;
    before(async function () {
      this.timeout(420_000);
      const t0 = performance.now();
      b = await linuxBoot(mode);
      console.log(`      ${describeBoot(b)} (wall ${((performance.now() - t0) / 1000).toFixed(1)} s incl. v86 start and teardown)`);
    });

    it("reaches the init, which runs every check and reports them all passed; no device failed", () => {
      assert.equal(b.fault, null, b.fault ?? "");
      assert.deepEqual(b.failures, []);
      kernelSaid(b, /Linux version 6\.1\.\S+-686 /);
      kernelSaid(b, /Run \/init as init process/);
      assert.ok(b.done, `the init never finished its checks:\n${b.serial.slice(-6000)}`);
      assert.equal(b.done.fail, 0, [...b.checks].filter(([, c]) => !c.ok).map(([n, c]) => `${n}: ${c.detail}`).join("\n"));
      assert.equal(b.done.pass, 9, "keyboard mouse disk disk-data cdrom e1000 link ping drm");
    });

    if (mode === "disk") {
      it("was loaded the way a PC loads it: SeaBIOS boots the disk's MBR, syslinux loads the kernel and initramfs", () => {
        assert.ok(b.biosLog.includes("Booting from Hard Disk..."), b.biosLog.join("\n"));
        assert.match(b.serial, /SYSLINUX 6\.04/);
        assert.match(b.serial, /Loading \/vmlinuz\.\.\. ?ok/);
        assert.match(b.serial, /Loading \/initrd\.gz\.\.\. ?ok/);
      });
    } else {
      it("was started directly: no boot loader ran, the kernel got our command line", () => {
        assert.doesNotMatch(b.serial, /SYSLINUX/);
        kernelSaid(b, new RegExp(`Kernel command line: ${b.images.cmdline.replace(/[.,]/g, "\\$&")}`));
      });
    }

    it("i8042: the AT keyboard registers, and psmouse the PS/2 mouse", () => {
      kernelSaid(b, /serio: i8042 KBD port at 0x60,0x64 irq 1/);
      kernelSaid(b, /serio: i8042 AUX port at 0x60,0x64 irq 12/);
      kernelSaid(b, /input: AT Translated Set 2 keyboard as /);
      kernelSaid(b, /input: \S*PS\/2 [^\n]*Mouse as \/devices\/platform\/i8042\/serio1/);
      assert.match(checkOk(b, "keyboard"), /AT Translated Set 2 keyboard/);
      assert.match(checkOk(b, "mouse"), /PS\/2/);
    });

    it("ata_piix: the disk with its size, and the md5 of its data partition matches the image", () => {
      kernelSaid(b, /scsi host0: ata_piix/);
      kernelSaid(b, /ata1\.00: ATA-\d+: WASM-STUBDOM ATA DISK/);
      kernelSaid(b, new RegExp(`sd 0:0:0:0: \\[sda\\] ${b.images.diskSectors} 512-byte logical blocks`));
      const disk = readFileSync(b.images.disk);
      const want = createHash("md5").update(disk.subarray(b.images.dataOffset, b.images.dataOffset + b.images.dataBytes)).digest("hex");
      assert.equal(want, b.images.dataMd5);
      assert.match(checkOk(b, "disk"), new RegExp(`driver=ata_piix sectors=${b.images.diskSectors} `));
      assert.equal(checkOk(b, "disk-data"), `md5 ${want}`);
    });

    it("the ATAPI CD-ROM: sr0 appears, the ISO9660 mounts, hello.txt and data.bin read back intact", () => {
      kernelSaid(b, /ata2\.00: ATAPI: WASM-STUBDOM ATAPI CD-ROM/);
      kernelSaid(b, /scsi 1:0:0:0: CD-ROM +WASMSTUB ATAPI CD-ROM/);
      kernelSaid(b, /sr 1:0:0:0: \[sr0\]/);
      const d = checkOk(b, "cdrom");
      assert.ok(d.includes(`hello.txt='${CD_HELLO}'`), d);
      assert.ok(d.includes(`md5 ${b.images.cdMd5}`), d);
    });

    it("e1000: binds with our MAC, the link comes up, and the host-side peer answers its pings", () => {
      kernelSaid(b, new RegExp(`e1000 0000:00:03\\.0 eth0: \\(PCI:33MHz:32-bit\\) ${GUEST_MAC}`));
      kernelSaid(b, /e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex/);
      assert.equal(checkOk(b, "e1000"), `driver=e1000 mac=${GUEST_MAC}`);
      checkOk(b, "link");
      assert.match(checkOk(b, "ping"), new RegExp(`^${PEER_IP.replace(/\./g, "\\.")} [123]/3 replies`));
      assert.ok(b.peer.counters.arpReplies >= 1 && b.peer.counters.echoReplies >= 1, JSON.stringify(b.peer.counters));
    });

    it("bochs-drm: binds to our VGA, sets a mode, and the framebuffer console's text is on our screen", () => {
      kernelSaid(b, /\[drm\] Initialized bochs-drm 1\.0\.0 \S+ for 0000:00:02\.0 on minor 0/);
      kernelSaid(b, /bochs-drm 0000:00:02\.0: \[drm\] fb0: bochs-drmdrmfb frame buffer device/);
      assert.match(checkOk(b, "drm"), /driver=bochs-drm fb=bochs-drmdrmfb mode=\d+,\d+/);
      const [w, h] = (/mode=(\d+),(\d+)/.exec(checkOk(b, "drm")) ?? []).slice(1).map(Number);
      assert.deepEqual(b.fbSize, [w, h], "our VGA shows the mode the driver set");
      assert.ok(b.fbText.includes(FB_TEXT), `screen read back:\n${b.fbText.filter((l) => l).join("\n")}`);
    });

    it("then a shell on the serial console answers a command typed into our UART", () => {
      assert.ok(b.shellAnswered, b.serial.slice(-2000));
    });

    it("and `poweroff -f` typed there ends the run (no ACPI here: Linux halts its CPU with interrupts off)", () => {
      assert.ok(b.halted, b.serial.slice(-2000));
      assert.match(b.serial, /reboot: System halted/);
    });
  });
}
