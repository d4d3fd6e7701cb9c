#!/bin/bash
# test/xen/run.sh — end-to-end test of the stub-domain image under real Xen 4.17, nested in
# QEMU's software CPU (TCG): builds the image, prepares (once) the Debian dom0 environment, boots
# Xen + a PVH dom0 whose init runs test/xen/dom0-test.sh (stock `xl create` of an HVM guest with
# our stub domain as its device model), and checks Xen's serial console for:
#   the stub domain booted and logged, `running` written, xl create succeeded, QMP answered
#   (xl list -l), the guest ran ("(d1) HVM Loader" on Xen's console), the devices (runtime/core +
#   wasm2c) serve it: SeaBIOS enumerates our PCI functions, runs our VGA's option ROM (from
#   stubdom.mod) whose banner lands in our VGA text memory (the stub domain dumps it), reads CMOS
#   from our cmos device, boots the disk (blkfront -> our IDE) whose boot sector prints over our
#   UART (the stub domain's console) and takes IRQ 4 through dm_op.
# Prints "N passed, N failed" and timings; exit code 0 only if every check passed.
# Log: build/out/xen/run/serial.log. Env: XEN_TEST_TIMEOUT (s, default 2400, 900 without Linux);
# XEN_TEST_LINUX=0 leaves out the Linux guest with our stub domain (build/out/guest/disk.img:
# SeaBIOS -> syslinux -> Debian's i386 Linux, whose init reports over our UART, with a vif; see
# docs/linux-guest.md); XEN_TEST_PEER=0 skips the peers (the same guests with Debian's qemu-xen
# in dom0, timed in the same run).
# `run.sh --check-only` re-reads the last run's log without booting anything.
set -uo pipefail
export LC_ALL=C   # the serial log is bytes: no encoding errors, no "binary file matches"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/out/xen"
RUN="$OUT/run"
LINUX="${XEN_TEST_LINUX:-1}"
TIMEOUT="${XEN_TEST_TIMEOUT:-$([ "$LINUX" = 1 ] && echo 2400 || echo 900)}"

LOG="$RUN/serial.log"
if [ "${1:-}" != "--check-only" ]; then
bash "$ROOT/build/xen/build.sh" || exit 1
bash "$ROOT/test/xen/prepare-dom0.sh" || exit 1

rm -rf "$RUN"; mkdir -p "$RUN/overlay/stubtest"
install -m 0755 "$ROOT/test/xen/dom0-init" "$RUN/overlay/init"
install -m 0755 "$ROOT/test/xen/dom0-test.sh" "$RUN/overlay/stubtest/dom0-test.sh"
cp "$ROOT/build/out/stubdom.gz" "$ROOT/build/out/stubdom.mod" "$ROOT/build/out/stubdom-dm-helper" "$RUN/overlay/stubtest/"
# the test's VNC viewer (dom0 runs the same Debian release: the host's gcc and glibc fit)
gcc -std=c11 -O2 -Wall -Wextra -Werror -iquote "$ROOT/host/dom0" -o "$RUN/overlay/stubtest/vnc_probe" "$ROOT/test/xen/vnc_probe.c" \
  "$ROOT/host/dom0/vnc_auth.c" -lnettle || exit 1
# and a stock one for the VNC password check: Debian's vncsnapshot (test/xen/apt-packages.txt;
# its libraries are in dom0 already, through qemu-system-xen)
cp /usr/bin/vncsnapshot "$RUN/overlay/stubtest/" || exit 1
gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$RUN/overlay/stubtest/wait_for" "$ROOT/test/xen/wait_for.c" || exit 1
# The guest's disk: host/sim's boot sector (prints over COM1, then takes IRQ 4 from the UART).
(cd "$ROOT" && npx tsx -e 'import { writeFileSync } from "node:fs"; import { bootSectorDisk } from "./host/sim/boot-sector.ts"; writeFileSync(process.argv[1], bootSectorDisk());' "$RUN/overlay/stubtest/boot.img") || exit 1
if [ "$LINUX" = 1 ]; then
  [ -f "$ROOT/build/out/guest/disk.img" ] || (cd "$ROOT" && npm run -s build:guest) || exit 1
  cp "$ROOT/build/out/guest/disk.img" "$RUN/overlay/stubtest/linux.img"
  cp "$ROOT/build/out/guest/cdrom.iso" "$RUN/overlay/stubtest/cdrom.iso"
fi
(cd "$RUN/overlay" && find . | cpio -o -H newc --quiet) > "$RUN/overlay.cpio"
cat "$OUT/dom0.cpio" "$RUN/overlay.cpio" > "$RUN/initrd.cpio"

# dom0 prints a line at least every 30 s while it waits (dom0-test.sh's heartbeat): a log that
# stops growing for STALL seconds is a hung nested machine (seen: dom0 frozen while xl built a
# guest), killed so that the next attempt can run instead of waiting out the whole timeout.
STALL="${XEN_TEST_STALL:-240}"
boot() {
  echo "booting Xen + dom0 under qemu-system-x86_64 (TCG); serial log: $LOG"
  t0=$(date +%s.%N)
  : > "$LOG"
  timeout "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg,thread=${XEN_TEST_TCG_THREAD:-multi} -M q35 -device amd-iommu -smp 2 -m 3072 \
    -cpu max,-rdtscp,-avx,-avx2,-f16c,-fma,-xsavec,-xsaves,-la57,-pku \
    -display none -monitor none -no-reboot -serial "file:$LOG" \
    -kernel "$OUT/xen.elf" \
    -append "console=com1 com1=115200 dom0_mem=1024M,max:1024M dom0=pvh iommu=1 loglvl=all guest_loglvl=all console_timestamps=boot spec-ctrl=eager-fpu ${XEN_TEST_XEN_ARGS:-}" \
    -initrd "$OUT/vmlinuz console=hvc0 quiet XEN_TEST_PEER=${XEN_TEST_PEER:-1} XEN_TEST_LINUX=$LINUX,$RUN/initrd.cpio" < /dev/null &
  qpid=$!
  last_size=-1; quiet=0
  while kill -0 "$qpid" 2>/dev/null; do
    sleep 10
    size=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
    if [ "$size" = "$last_size" ]; then quiet=$((quiet + 10)); else quiet=0; last_size=$size; fi
    if [ "$quiet" -ge "$STALL" ]; then
      echo "no serial output for $STALL s: the nested machine hangs; killing it"
      echo "@@ STALLED after $quiet s of silence" >> "$LOG"
      kill "$qpid" 2>/dev/null
      break
    fi
  done
  wait "$qpid"
  qrc=$?
  t1=$(date +%s.%N)
  echo "qemu exit $qrc after $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
}
# The nested environment itself is not stable (measured on 2026-12-04: of 11 boots, 4 ended in
# a dom0 triple fault and 1 froze, all while xl was building or starting a guest): when dom0
# dies or hangs before the test script finished, boot again, at most XEN_TEST_ATTEMPTS times
# (default 3). Each attempt's log is kept as serial.N.log.
attempts="${XEN_TEST_ATTEMPTS:-3}"
for attempt in $(seq 1 "$attempts"); do
  boot
  cp "$LOG" "$RUN/serial.$attempt.log"
  if grep -q '^@@ DONE' "$LOG"; then break; fi
  why=$(tr -d '\r' < "$LOG" | grep -a -m1 -E 'Kernel panic|Hardware Dom0 crashed|BUG:|Triple fault|^@@ STALLED' || echo "no '@@ DONE' from dom0")
  echo "attempt $attempt: dom0 did not finish the test ($why)"
done
fi
# NULs (seen in a dom0 log file that a crashed writer left holes in) would make grep call the
# whole log binary and print nothing
tr -d '\r\000' < "$LOG" > "$RUN/serial.txt"
S="$RUN/serial.txt"

pass=0; fail=0
# Xen system time (s) of the first line matching a pattern: Xen's console (console_timestamps=boot)
# and the stub domain's own log use the same clock.
ts() { grep -E "$1" "$S" | head -1 | sed -nE 's/.*\[ *([0-9]+\.[0-9]+)\].*/\1/p'; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "") print "n/a"; else printf "%.2f s", b - a }'; }
# Xen time of the first Xen-timestamped line after dom0's "@@ T <marker>" line (dom0-test.sh runs
# `xl debug-keys t` right after printing the marker).
ts_after() { awk -v m="^@@ T $1 " '$0 ~ m { on = 1; next }
  on && /^\(XEN\) \[ *[0-9]+\.[0-9]+\]/ { sub(/^\(XEN\) \[ */, ""); sub(/\].*/, ""); print; exit }' "$S"; }
check() {  # name, grep -E pattern
  if grep -qE "$2" "$S"; then echo "  ok   $1"; pass=$((pass+1)); else echo "  FAIL $1"; fail=$((fail+1)); fi
}
grep -E '^@@ (T|XL-CREATE|PEER|DOM0-DM|HELPER-AFTER-DESTROY|PEER-QEMU|DOMIDS|STATE|LIST-L|XLLIST|XLLOG|GUEST|VBD|HOTPLUG|LOOP)' "$S" | sed 's/^@@ /  /'
echo "stub domain console (PV console 0):"
grep -E '^@@ LOG qemu-dm-hvm1.log' "$S" | sed 's/^@@ LOG qemu-dm-hvm1.log: /    /' | grep -vE 'vga\|' | head -60
echo "  (last VGA text screen the stub domain dumped:)"
awk '/^@@ LOG qemu-dm-hvm1.log: .*vga text screen:/ { n = 0; delete rows } /^@@ LOG qemu-dm-hvm1.log: .*vga\|/ { rows[n++] = $0 } END { for (i = 0; i < n; i++) { sub(/^.*vga\|/, "    |", rows[i]); print rows[i] } }' "$S"
echo "guest output on Xen's console:"
grep -E '\(d[0-9]+\)' "$S" | head -20 | sed 's/^/    /'
G=$(sed -nE 's/^@@ DOMIDS guest=([0-9]+).*/\1/p' "$S" | head -1)
P=$(sed -nE 's/^@@ PEER-DOMID ([0-9]+).*/\1/p' "$S" | head -1)
up_dt() { awk -v a="$(sed -nE "s/^@@ T $1 ([0-9.]+).*/\\1/p" "$S" | head -1)" \
              -v b="$(sed -nE "s/^@@ T $2 ([0-9.]+).*/\\1/p" "$S" | head -1)" \
              'BEGIN{ if (a == "" || b == "") print "n/a"; else printf "%.2f s", b - a }'; }
echo "timings (nested Xen under TCG; Xen system time unless noted):"
echo "  dom0 kernel start -> xl ready (dom0 uptime):       $(sed -nE 's/^@@ T xl-ready ([0-9.]+).*/\1 s/p' "$S" | head -1)"
echo "  stub domain: entry -> running written:              $(sed -nE 's/.*state=running written ([0-9]+) us after entry.*/\1 us/p' "$S" | head -1)"
echo "  stub domain: entry -> ioreq server ready:         $(sed -nE 's/.*; ready ([0-9]+) us after entry.*/\1 us/p' "$S" | head -1)"
echo "  xl create, stub domain (dom0 clock):                $(up_dt create-start create-end)"
echo "  xl create, peer qemu-xen in dom0 (dom0 clock):      $(up_dt peer-create-start peer-create-end)"
if [ -n "$G" ]; then
  c0=$(ts_after create-start)
  echo "  xl create start -> stub domain's first instruction: $(dt "$c0" "$(ts 'wasm-stubdom: PV x86-64 unikernel')")"
  echo "  xl create start -> (d$G) HVM Loader:                $(dt "$c0" "$(ts "\(d$G\) .*HVM Loader")")"
  echo "  stub domain: QMP cont -> (d$G) HVM Loader:            $(dt "$(ts 'guest [0-9]+: cont')" "$(ts "\(d$G\) .*HVM Loader")")"
  echo "  guest d$G (our stub domain): HVM Loader -> SeaBIOS banner: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts "\(d$G\) .*SeaBIOS \(version")")"
  echo "  guest d$G (our stub domain): HVM Loader -> Booting from Hard Disk: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts "\(d$G\) .*Booting from Hard Disk")")"
  echo "  guest d$G (our stub domain): HVM Loader -> boot sector on our UART: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts 'serial: stubdom: booted from the IDE disk')")"
fi
if [ -n "$P" ]; then
  echo "  xl create start -> (d$P) HVM Loader (peer):         $(dt "$(ts_after peer-create-start)" "$(ts "\(d$P\) .*HVM Loader")")"
  echo "  guest d$P (peer qemu-xen): HVM Loader -> SeaBIOS banner: $(dt "$(ts "\(d$P\) .*HVM Loader")" "$(ts "\(d$P\) .*SeaBIOS \(version")")"
  echo "  guest d$P (peer qemu-xen): HVM Loader -> Booting from Hard Disk: $(dt "$(ts "\(d$P\) .*HVM Loader")" "$(ts "\(d$P\) .*Booting from Hard Disk")")"
fi
echo "checks:"
check "dom0 reached a working xl"              '^@@ T xl-ready'
check "stub domain booted (console log)"        'wasm-stubdom: PV x86-64 unikernel'
check "stub domain found its guest (target)"    'stub domain [0-9]+ serving guest [0-9]+'
check "running written to device-model state"   '^@@ STATE running'
check "xl create succeeded"                     '^@@ XL-CREATE rc=0'
check "QMP cont answered"                       'qmp: <- cont'
# dom0 for hvm1: our helper answered libxl's QMP, and no QEMU ran; it is gone after the destroy.
check "dom0 helper (device_model_override) answered QMP" '^@@ LOG qemu-dm-hvm1-dm.log: .*qmp: <- query-chardev'
check "dom0 helper drained the stub domain's console" '^@@ LOG qemu-dm-hvm1-dm.log: .*console 0 -> /var/log/xen/qemu-dm-hvm1.log'
if grep -qE '^@@ DOM0-DM [0-9]+ [0-9]* [^ ]*stubdom-dm-helper ' "$S"; then
  echo "  ok   the dom0 process for hvm1's stub domain is our helper, not a QEMU"; pass=$((pass+1))
else
  echo "  FAIL the dom0 process for hvm1's stub domain:"; grep -E '^@@ DOM0-DM ' "$S" | head -2; fail=$((fail+1))
fi
if grep -q '^@@ HELPER-AFTER-DESTROY ' "$S"; then echo "  FAIL stubdom-dm-helper still runs after xl destroy"; fail=$((fail+1)); else echo "  ok   stubdom-dm-helper gone after xl destroy"; pass=$((pass+1)); fi
check "guest unpaused: (d1) HVM Loader"         '^\(d[0-9]+\) (\[ *[0-9.]+\] )?HVM Loader'
check "QMP query-cpus-fast (xl list -l)"        '^@@ LIST-L ok'
check "ioreq server enabled (dm_op)"            'ioreq server enabled'
check "devices instantiated (runtime/core + wasm2c)" 'devices: [1-9][0-9]* running, 0 refused'
check "VGA BIOS loaded from stubdom.mod"        'VGA BIOS from stubdom.mod'
check "hvmloader/SeaBIOS enumerated our PCI functions" "\(d${G:-x}\) .*Found [1-9][0-9]* PCI devices"
check "SeaBIOS ran our VGA option ROM"          "\(d${G:-x}\) .*option rom at c000"
check "VRAM (the LFB BAR) placed in the guest's physmap" 'vram: [0-9]+ KiB at guest [0-9a-f]+ are guest frames'
check "SeaBIOS banner in our VGA text memory"   'vga\|[0-9]+\| SeaBIOS \(version'
check "CMOS (indexes >= 14) answered by our cmos" 'cmos: [1-9][0-9]* ioreqs'
check "blkfront connected to the guest's disk"  'blkfront device/vbd/[0-9]+: vdev 768'
check "SeaBIOS booted from our IDE disk"        "\(d${G:-x}\) .*Booting from Hard Disk"
check "boot sector output on our UART (serial)" 'serial: stubdom: booted from the IDE disk'
check "UART IRQ 4 reached the guest (dm_op)"    'serial: stubdom: IRQ 4 from our UART reached the CPU'
if grep -qE 'device [a-z0-9]+ FAILED' "$S"; then echo "  FAIL a device trapped:"; grep -E 'device [a-z0-9]+ FAILED' "$S" | head -3; fail=$((fail+1)); fi
if [ "$LINUX" = 1 ]; then
  L=$(sed -nE 's/^@@ LINUX-DOMIDS guest=([0-9]+).*/\1/p' "$S" | head -1)
  echo "Linux guest d$L (our stub domain), its serial output (GUEST-/CHECK lines):"
  grep -E '^@@ LINUX ' "$S" | sed 's/^@@ LINUX /    /' | head -40
  grep -E '^@@ LINUX-STATS ' "$S" | sed 's/^@@ LINUX-STATS /    stub domain: /'
  PL=$(sed -nE 's/^@@ PEER-LINUX-DOMID ([0-9]+).*/\1/p' "$S" | head -1)
  echo "  HVM Loader -> SeaBIOS 'Booting from Hard Disk' (then syslinux loads the kernel and initrd through int 13h):"
  echo "    our stub domain d$L: $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts "\(d$L\) .*Booting from Hard Disk")")"
  [ -n "$PL" ] && echo "    peer qemu-xen d$PL:  $(dt "$(ts "\(d$PL\) .*HVM Loader")" "$(ts "\(d$PL\) .*Booting from Hard Disk")")"
  echo "  HVM Loader -> GUEST-INIT start:   $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts 'serial: GUEST-INIT start')")"
  echo "  HVM Loader -> GUEST-CHECKS-DONE:  $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts 'serial: GUEST-CHECKS-DONE')")"
  up_at() { sed -nE "s/^@@ T $1 ([0-9.]+).*/\1/p" "$S" | head -1; }
  echo "  same guest, dom0 clock, xl create start -> init start / -> checks done:"
  echo "    our stub domain:     $(dt "$(up_at linux-create-start)" "$(up_at linux-init)") / $(dt "$(up_at linux-create-start)" "$(up_at linux-checks)")"
  echo "    peer qemu-xen dom0:  $(dt "$(up_at peer-linux-create-start)" "$(up_at peer-linux-init)") / $(dt "$(up_at peer-linux-create-start)" "$(up_at peer-linux-checks)")"
  grep -E '^@@ PEER-LINUX ' "$S" | sed 's/^@@ PEER-LINUX /    peer: /' | head -12
  grep -E '^@@ LINUX-LAST ' "$S" | sed 's/^@@ LINUX-LAST /    last: /'
  grep -E '^@@ LINUX-OOPS ' "$S" | sed 's/^@@ LINUX-OOPS /    guest kernel: /'
  if ! grep -q 'serial: GUEST-CHECKS-DONE' "$S"; then
    echo "  the stub domain's last log lines:"; grep -E '^@@ LINUX-STUBDOM ' "$S" | sed 's/^@@ LINUX-STUBDOM /    /'
  fi
  check "Linux booted from our IDE disk, its init reports over our UART" 'serial: GUEST-INIT start'
  check "Linux init's checks done"                'serial: GUEST-CHECKS-DONE'
  check "Linux's ata_piix sees our disk, its data intact" 'serial: CHECK disk-data OK'
  check "bochs-drm binds to our VGA"               'serial: CHECK drm OK'
  check "Linux mounts our ATAPI CD (qdisk served by the dom0 helper)" 'serial: CHECK cdrom OK'
  grep -E '^@@ LINUX-NET ' "$S" | sed 's/^@@ LINUX-NET /    /'
  check "netfront connected the e1000 to the stub domain's vif" 'netfront device/vif/[0-9]+: mac 52:54:00:12:34:56'
  check "Linux's e1000 has the vif's MAC and link"  'serial: CHECK link OK'
  check "Linux pings dom0 through our e1000 + netfront" 'serial: CHECK ping OK'
  grep -E '^@@ XLCON' "$S" | sed 's/^@@ /    /'
  check "xl console hvm3: the guest's shell on our UART answers a typed command (console 3, pty in the helper)" '^@@ XLCON rc=[0-9]+ [1-9][0-9]* lines with XLCON-42'
  grep -E '^@@ (VNC|VNCKEY|VNC-PORT|VNCVIEWER|VNC-NOPASS|VNC-BADPASS|VNCSNAP) ' "$S" | sed 's/^@@ /    /'
  check "vncpasswd: a VNC viewer without the password is refused" '^@@ VNC-NOPASS vnc_probe: refused: the server wants a password'
  check "vncpasswd: a wrong password fails VNC Authentication" '^@@ VNC-BADPASS vnc_probe: authentication failed'
  check "vncpasswd: the test's viewer logs in with it (VNC Authentication, DES challenge)" '^@@ VNC vnc: VNC Authentication'
  check "vnc=1: the helper serves the stub domain's vfb over VNC" '^@@ LINUX-HELPER .*vfb: connected'
  if (cd "$ROOT" && npx tsx test/xen/vnc-screen.ts "$S" "$RUN/vnc.png" "$ROOT/build/out/guest/font8x16.bin"); then
    echo "  ok   VNC shows the guest's framebuffer console (our VGA -> vfb -> VNC): its text read back"; pass=$((pass+1))
  else
    echo "  FAIL VNC shows the guest's framebuffer console (our VGA -> vfb -> VNC): its text read back"; fail=$((fail+1))
  fi
  check "keys typed into VNC reach the guest (vkbd -> our PS/2 keyboard -> tty1)" '^@@ VNCKEY [0-9]'
  check "xl vncviewer hvm3 finds the helper's VNC server" '^@@ VNCVIEWER vncviewer 127\.0\.0\.1:0'
  check "a stock viewer (Debian's vncsnapshot) logs in with vncpasswd and takes a picture" '^@@ VNCSNAP .*Image saved'
  grep -E '^@@ HELPER-(CONFINED|SECCOMP|SANDBOX) ' "$S" | sed 's/^@@ /    /'
  check "the dom0 helper ran the whole guest confined: no capabilities, no_new_privs, seccomp filter (sandbox.c)" \
    '^@@ HELPER-CONFINED CapEff: 0+ CapBnd: 0+ NoNewPrivs: 1 Seccomp: 2 '
  idle=$(sed -nE 's/^@@ IDLE-CPU stubdom ([0-9.]+) ([0-9.]+) guest ([0-9.]+) ([0-9.]+) over ([0-9.]+) ([0-9.]+).*/\1 \2 \3 \4 \5 \6/p' "$S" | head -1)
  if [ -n "$idle" ]; then
    read -r c0 c1 g0 g1 i0 i1 <<< "$idle"
    echo "    while the guest idles at its shell: stub domain $(awk -v a="$c0" -v b="$c1" -v s="$i0" -v e="$i1" 'BEGIN{printf "%.1f s of CPU in %.1f s (%.0f%%)", b-a, e-s, 100*(b-a)/(e-s)}'), guest $(awk -v a="$g0" -v b="$g1" 'BEGIN{printf "%.1f s", b-a}') (xl list, dom0 clock)"
    grep -E '^@@ IDLE-LOOP ' "$S" | sed 's/^@@ IDLE-LOOP /    stub domain: /'
    if awk -v a="$c0" -v b="$c1" -v s="$i0" -v e="$i1" 'BEGIN{exit !((b-a) < 0.25*(e-s))}'; then
      echo "  ok   the stub domain sleeps while its guest idles (under a quarter of a CPU)"; pass=$((pass+1))
    else
      echo "  FAIL the stub domain sleeps while its guest idles (under a quarter of a CPU)"; fail=$((fail+1))
    fi
  else
    echo "  FAIL the stub domain sleeps while its guest idles: not measured"; fail=$((fail+1))
  fi
  grep -E '^@@ REBOOT' "$S" | sed 's/^@@ /    /'
  echo "    reboot -f typed -> the new guest's init (its new stub domain, Linux booted again): $(dt "$(up_at reboot-start)" "$(sed -nE 's/^@@ T reboot-init ([0-9.]+).*/\1/p' "$S" | head -1)") (dom0 clock)"
  check "the guest's own reboot (i8042 reset pulse on our ps2) asks Xen for a reset" '^@@ REBOOT-LOG .*guest asks for reset: remote shutdown'
  check "xl rebuilds the guest with a new stub domain, and Linux boots again on it" '^@@ T reboot-init [0-9]'
  grep -E '^@@ POWEROFF' "$S" | sed 's/^@@ /    /'
  echo "    poweroff -f typed -> both domains gone: $(dt "$(up_at poweroff-start)" "$(sed -nE 's/^@@ POWEROFF gone ([0-9.]+).*/\1/p' "$S" | head -1)") (dom0 clock, 4 s of it before the typing)"
  check "the guest's own power-off (ACPI S5 on our PM1a_CNT) asks Xen to power it off" '^@@ POWEROFF-LOG .*guest asks for power-off: remote shutdown'
  check "then xl destroys the guest and libxl its stub domain" '^@@ POWEROFF gone '
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
