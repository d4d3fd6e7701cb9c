// test/xen/dm-argv.test.ts — issue 24: the machine the xl config describes. libxl 4.17's dm-argv
// for a dozen configs (built as libxl__build_device_model_args_new builds them for a stub domain)
// through runtime/xen/dm_argv.c and build/xen/devices.conf (devices_conf.c) on the build host,
// under ASan/UBSan: test/xen/dm_argv_host.c checks the device set, the PCI slots qemu-xen's xenfv
// machine would give, and the log lines (what is refused or not served, listed once).
import { join } from "node:path";
import { buildHarness, runCase, ROOT, type Harness } from "./host-harness.ts";

describe("xen: dm-argv builds the machine (issue 24)", function () {
  this.timeout(120000);
  let h: Harness;

  before(() => {
    h = buildHarness("dm_argv_host", ["test/xen/dm_argv_host.c", "test/xen/check.c", "runtime/xen/str_extra.c", "runtime/xen/dm_argv.c", "runtime/xen/devices_conf.c"],
      ["test/xen", "-Iruntime/xen", "-Iruntime/core"]);
  });
  after(() => h.remove());

  const run = (name: string): void => { runCase(h.exe, [name, join(ROOT, "build/xen/devices.conf")]); };

  it("xl's defaults (vga unset = cirrus): std VGA with the 8 MiB libxl counted at 00:03.0, said so; 00:02.0 left to the platform device", () => { run("default"); });
  it("vga=\"stdvga\", boot=\"d\", a CD on hdc: CMOS boot=d, VGA 16 MiB", () => { run("stdvga-boot-d"); });
  it("vga=\"none\" and one e1000 vif: no VGA, the NIC at 00:03.0 with the vif's MAC", () => { run("vga-none-one-vif"); });
  it("two vifs (e1000, rtl8139): e1000s at 00:04.0 and 00:05.0, the rtl8139 said to be an e1000", () => { run("two-vifs"); });
  it("serial=[pty, pty]: COM1 and COM2 (0x2f8, IRQ 3)", () => { run("serial-list"); });
  it("five serial entries: COM1-COM4, the fifth refused", () => { run("serial-five"); });
  it("xen_platform_pci=0 (machine pc): VGA at 00:02.0, the NIC at 00:03.0", () => { run("no-platform"); });
  it("hdtype=\"ahci\": the disk refused with a clear message", () => { run("ahci"); });
  it("usb, soundhw, keymap, acpi=0, vcpus=2: not served, listed once; no PM function; CMOS cpus=2", () => { run("unknown-options"); });
  it("an sd disk: lsi53c895a takes 00:03.0 as in QEMU (VGA 00:04.0, NIC 00:05.0); SCSI not served", () => { run("scsi"); });
  it("videoram=20, boot=\"ndc\", five vifs: 16 MiB, order ndc, four NICs", () => { run("odd-sizes"); });
  it("hostile lists: counts, lengths and values bounded, each refusal said", () => { run("hostile"); });
});
