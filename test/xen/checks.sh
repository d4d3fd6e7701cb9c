# test/xen/checks.sh — the checks of `npm run test:xen`, one function per stage (sourced by
# run.sh). check_STAGE reads $S, that stage's part of a nested boot's serial log (the boot's
# lines before its first stage, then the stage's own lines: run.sh's stage_section), prints
# what dom0 reported and the timings, and counts into $pass/$fail. Every check greps for
# positive evidence: a stage that died or never ran fails its checks.

# Xen system time (s) of the first line matching a pattern: Xen's console (console_timestamps=boot)
# and the stub domain's own log use the same clock.
ts() { grep -E "$1" "$S" | head -1 | sed -nE 's/.*\[ *([0-9]+\.[0-9]+)\].*/\1/p'; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "") print "n/a"; else printf "%.2f s", b - a }'; }
# Xen time of the first Xen-timestamped line after dom0's "@@ T <marker>" line (dom0 runs
# `xl debug-keys t` right after printing the marker).
ts_after() { awk -v m="^@@ T $1 " '$0 ~ m { on = 1; next }
  on && /^\(XEN\) \[ *[0-9]+\.[0-9]+\]/ { sub(/^\(XEN\) \[ */, ""); sub(/\].*/, ""); print; exit }' "$S"; }
up_at() { sed -nE "s/^@@ T $1 ([0-9.]+).*/\1/p" "$S" | head -1; }
up_dt() { dt "$(up_at "$1")" "$(up_at "$2")"; }
ok() { echo "  ok   $1"; pass=$((pass+1)); }
ko() { echo "  FAIL $1"; fail=$((fail+1)); }
check() {  # name, grep -E pattern
  if grep -qE "$2" "$S"; then ok "$1"; else ko "$1"; fi
}
check_no_trap() {  # any stage: no device module trapped
  if grep -qE 'device [a-z0-9]+ FAILED' "$S"; then ko "a device trapped:"; grep -E 'device [a-z0-9]+ FAILED' "$S" | head -3; fi
}

check_bootsector() {
  grep -E '^@@ (T|XL-CREATE|DOM0-DM|HELPER-AFTER-DESTROY|DOMIDS|STATE|LIST-L|XLLIST|XLLOG|GUEST|VBD|HOTPLUG|LOOP)' "$S" | sed 's/^@@ /  /'
  echo "stub domain console (PV console 0):"
  grep -E '^@@ LOG qemu-dm-hvm1.log' "$S" | sed 's/^@@ LOG qemu-dm-hvm1.log: /    /' | grep -vE 'vga\|' | head -60
  echo "  (last VGA text screen the stub domain dumped:)"
  awk '/^@@ LOG qemu-dm-hvm1.log: .*vga text screen:/ { n = 0; delete rows } /^@@ LOG qemu-dm-hvm1.log: .*vga\|/ { rows[n++] = $0 } END { for (i = 0; i < n; i++) { sub(/^.*vga\|/, "    |", rows[i]); print rows[i] } }' "$S"
  echo "guest output on Xen's console:"
  grep -E '\(d[0-9]+\)' "$S" | head -20 | sed 's/^/    /'
  local G; G=$(sed -nE 's/^@@ DOMIDS guest=([0-9]+).*/\1/p' "$S" | head -1)
  echo "timings (nested Xen under TCG; Xen system time unless noted):"
  echo "  dom0 kernel start -> xl ready (dom0 uptime):       $(sed -nE 's/^@@ T xl-ready ([0-9.]+).*/\1 s/p' "$S" | head -1)"
  echo "  stub domain: entry -> running written:              $(sed -nE 's/.*state=running written ([0-9]+) us after entry.*/\1 us/p' "$S" | head -1)"
  echo "  stub domain: entry -> ioreq server ready:         $(sed -nE 's/.*; ready ([0-9]+) us after entry.*/\1 us/p' "$S" | head -1)"
  echo "  xl create, stub domain (dom0 clock):                $(up_dt create-start create-end)"
  if [ -n "$G" ]; then
    local c0; c0=$(ts_after create-start)
    echo "  xl create start -> stub domain's first instruction: $(dt "$c0" "$(ts 'wasm-stubdom: PV x86-64 unikernel')")"
    echo "  xl create start -> (d$G) HVM Loader:                $(dt "$c0" "$(ts "\(d$G\) .*HVM Loader")")"
    echo "  stub domain: QMP cont -> (d$G) HVM Loader:            $(dt "$(ts 'guest [0-9]+: cont')" "$(ts "\(d$G\) .*HVM Loader")")"
    echo "  guest d$G (our stub domain): HVM Loader -> SeaBIOS banner: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts "\(d$G\) .*SeaBIOS \(version")")"
    echo "  guest d$G (our stub domain): HVM Loader -> Booting from Hard Disk: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts "\(d$G\) .*Booting from Hard Disk")")"
    echo "  guest d$G (our stub domain): HVM Loader -> boot sector on our UART: $(dt "$(ts "\(d$G\) .*HVM Loader")" "$(ts 'serial: stubdom: booted from the IDE disk')")"
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
    ok "the dom0 process for hvm1's stub domain is our helper, not a QEMU"
  else
    ko "the dom0 process for hvm1's stub domain:"; grep -E '^@@ DOM0-DM ' "$S" | head -2
  fi
  # (the destroy must have happened: the stage's end line comes after it)
  if grep -q '^@@ HELPER-AFTER-DESTROY ' "$S" || ! grep -q '^@@ STAGE bootsector end' "$S"; then
    ko "stubdom-dm-helper gone after xl destroy"
  else
    ok "stubdom-dm-helper gone after xl destroy"
  fi
  check "guest unpaused: (d1) HVM Loader"         '^\(d[0-9]+\) (\[ *[0-9.]+\] )?HVM Loader'
  check "QMP query-cpus-fast (xl list -l)"        '^@@ LIST-L ok'
  check "ioreq server enabled (dm_op)"            'ioreq server enabled'
  check "devices instantiated (runtime/core + wasm2c)" 'devices: [1-9][0-9]* running, 0 refused'
  check "VGA BIOS loaded from stubdom.mod"        'option ROM from stubdom.mod.s vgabios'
  check "hvmloader/SeaBIOS enumerated our PCI functions" "\(d${G:-x}\) .*Found [1-9][0-9]* PCI devices"
  check "SeaBIOS ran our VGA option ROM"          "\(d${G:-x}\) .*option rom at c000"
  check "VRAM (the LFB BAR) placed in the guest's physmap" 'vram: [0-9]+ KiB at guest [0-9a-f]+ are guest frames'
  check "SeaBIOS banner in our VGA text memory"   'vga\|[0-9]+\| SeaBIOS \(version'
  check "CMOS (indexes >= 14) answered by our cmos" 'cmos: [1-9][0-9]* ioreqs'
  check "blkfront connected to the guest's disk"  'blkfront device/vbd/[0-9]+: vdev 768'
  check "SeaBIOS booted from our IDE disk"        "\(d${G:-x}\) .*Booting from Hard Disk"
  check "boot sector output on our UART (serial)" 'serial: stubdom: booted from the IDE disk'
  check "UART IRQ 4 reached the guest (dm_op)"    'serial: stubdom: IRQ 4 from our UART reached the CPU'
}

check_linux() {
  local L; L=$(sed -nE 's/^@@ LINUX-DOMIDS guest=([0-9]+).*/\1/p' "$S" | head -1)
  echo "Linux guest d$L (our stub domain), its serial output (GUEST-/CHECK lines):"
  grep -E '^@@ LINUX ' "$S" | sed 's/^@@ LINUX /    /' | head -40
  grep -E '^@@ LINUX-STATS ' "$S" | sed 's/^@@ LINUX-STATS /    stub domain: /'
  grep -E '^@@ LINUX-OOPS ' "$S" | sed 's/^@@ LINUX-OOPS /    guest kernel: /'
  if ! grep -q 'serial: GUEST-CHECKS-DONE' "$S"; then
    echo "  the stub domain's last log lines:"; grep -E '^@@ LINUX-STUBDOM ' "$S" | sed 's/^@@ LINUX-STUBDOM /    /'
  fi
  echo "  HVM Loader -> SeaBIOS 'Booting from Hard Disk': $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts "\(d$L\) .*Booting from Hard Disk")")"
  echo "  HVM Loader -> GUEST-INIT start:   $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts 'serial: GUEST-INIT start')")"
  echo "  HVM Loader -> GUEST-CHECKS-DONE:  $(dt "$(ts "\(d$L\) .*HVM Loader")" "$(ts 'serial: GUEST-CHECKS-DONE')")"
  echo "  xl create start -> init start / -> checks done (dom0 clock): $(up_dt linux-create-start linux-init) / $(up_dt linux-create-start linux-checks)"
  check "Linux booted from our IDE disk, its init reports over our UART" 'serial: GUEST-INIT start'
  check "Linux init's checks done"                'serial: GUEST-CHECKS-DONE'
  check "Linux's ata_piix sees our disk, its data intact" 'serial: CHECK disk-data OK'
  check "bochs-drm binds to our VGA"               'serial: CHECK drm OK'
  check "Linux mounts our ATAPI CD (qdisk served by the dom0 helper)" 'serial: CHECK cdrom OK'
  grep -E '^@@ LINUX-NET ' "$S" | sed 's/^@@ LINUX-NET /    /'
  check "netfront connected the e1000 to the stub domain's vif" 'netfront device/vif/[0-9]+: mac 52:54:00:12:34:56'
  check "Linux's e1000 has the vif's MAC and link"  'serial: CHECK link OK'
  check "Linux pings dom0 through our e1000 + netfront" 'serial: CHECK ping OK'
  local idle c0 c1 g0 g1 i0 i1
  idle=$(sed -nE 's/^@@ IDLE-CPU stubdom ([0-9.]+) ([0-9.]+) guest ([0-9.]+) ([0-9.]+) over ([0-9.]+) ([0-9.]+).*/\1 \2 \3 \4 \5 \6/p' "$S" | head -1)
  if [ -n "$idle" ]; then
    read -r c0 c1 g0 g1 i0 i1 <<< "$idle"
    echo "    while the guest idles at its shell: stub domain $(awk -v a="$c0" -v b="$c1" -v s="$i0" -v e="$i1" 'BEGIN{printf "%.1f s of CPU in %.1f s (%.0f%%)", b-a, e-s, 100*(b-a)/(e-s)}'), guest $(awk -v a="$g0" -v b="$g1" 'BEGIN{printf "%.1f s", b-a}') (xl list, dom0 clock)"
    grep -E '^@@ IDLE-LOOP ' "$S" | sed 's/^@@ IDLE-LOOP /    stub domain: /'
    grep -E '^@@ IDLE-SETTLE ' "$S" | sed 's/^@@ IDLE-SETTLE /    waiting for the guest to idle: /'
    if awk -v a="$c0" -v b="$c1" -v s="$i0" -v e="$i1" 'BEGIN{exit !((b-a) < 0.25*(e-s))}'; then
      ok "the stub domain sleeps while its guest idles (under a quarter of a CPU)"
    else
      ko "the stub domain sleeps while its guest idles (under a quarter of a CPU)"
    fi
  else
    ko "the stub domain sleeps while its guest idles: not measured"
  fi
}

check_console() {
  grep -E '^@@ (NO-LINUX|T linux-)' "$S" | sed 's/^@@ /    /'
  grep -E '^@@ XLCON' "$S" | sed 's/^@@ /    /'
  check "xl console hvm3: the guest's shell on our UART answers a typed command (console 3, pty in the helper)" '^@@ XLCON rc=[0-9]+ [1-9][0-9]* lines with XLCON-42'
}

check_vnc() {
  grep -E '^@@ (NO-LINUX|T linux-)' "$S" | sed 's/^@@ /    /'
  grep -E '^@@ (VNC|VNCKEY|VNC-PORT|VNCVIEWER|VNC-NOPASS|VNC-BADPASS|VNCSNAP) ' "$S" | sed 's/^@@ /    /'
  check "vncpasswd: a VNC viewer without the password is refused" '^@@ VNC-NOPASS vnc_probe: refused: the server wants a password'
  check "vncpasswd: a wrong password fails VNC Authentication" '^@@ VNC-BADPASS vnc_probe: authentication failed'
  check "vncpasswd: the test's viewer logs in with it (VNC Authentication, DES challenge)" '^@@ VNC vnc: VNC Authentication'
  check "vnc=1: the helper serves the stub domain's vfb over VNC" '^@@ LINUX-HELPER .*vfb: connected'
  if (cd "$ROOT" && npx tsx test/xen/vnc-screen.ts "$S" "$RUN/vnc.png" "$ROOT/build/out/guest/font8x16.bin"); then
    ok "VNC shows the guest's framebuffer console (our VGA -> vfb -> VNC): its text read back"
  else
    ko "VNC shows the guest's framebuffer console (our VGA -> vfb -> VNC): its text read back"
  fi
  check "keys typed into VNC reach the guest (vkbd -> our PS/2 keyboard -> tty1)" '^@@ VNCKEY [0-9]'
  check "xl vncviewer hvm3 finds the helper's VNC server" '^@@ VNCVIEWER vncviewer 127\.0\.0\.1:0'
  check "a stock viewer (Debian's vncsnapshot) logs in with vncpasswd and takes a picture" '^@@ VNCSNAP .*Image saved'
  grep -E '^@@ HELPER-(CONFINED|SECCOMP|SANDBOX) ' "$S" | sed 's/^@@ /    /'
  check "the dom0 helper ran the whole guest confined: no capabilities, no_new_privs, seccomp filter (sandbox.c)" \
    '^@@ HELPER-CONFINED CapEff: 0+ CapBnd: 0+ NoNewPrivs: 1 Seccomp: 2 '
  grep -E '^@@ LINUX-LAST ' "$S" | sed 's/^@@ LINUX-LAST /    last: /'
}

check_reboot() {
  grep -E '^@@ (NO-LINUX|T linux-)' "$S" | sed 's/^@@ /    /'
  grep -E '^@@ REBOOT' "$S" | sed 's/^@@ /    /'
  echo "    reboot -f typed -> the new guest's init (its new stub domain, Linux booted again): $(up_dt reboot-start reboot-init) (dom0 clock)"
  check "the guest's own reboot (i8042 reset pulse on our ps2) asks Xen for a reset" '^@@ REBOOT-LOG .*guest asks for reset: remote shutdown'
  check "xl rebuilds the guest with a new stub domain, and Linux boots again on it" '^@@ T reboot-init [0-9]'
  grep -E '^@@ POWEROFF' "$S" | sed 's/^@@ /    /'
  echo "    poweroff -f typed -> both domains gone: $(dt "$(up_at poweroff-start)" "$(sed -nE 's/^@@ POWEROFF gone ([0-9.]+).*/\1/p' "$S" | head -1)") (dom0 clock, 4 s of it before the typing)"
  check "the guest's own power-off (ACPI S5 on our PM1a_CNT) asks Xen to power it off" '^@@ POWEROFF-LOG .*guest asks for power-off: remote shutdown'
  check "then xl destroys the guest and libxl its stub domain" '^@@ POWEROFF gone '
}

# The peers are timings (side by side with ours), and two checks that they ran at all: they
# use none of our code, so a failure here is the test bed's, but it is not hidden.
check_peer() {
  grep -E '^@@ (T peer|PEER)' "$S" | sed 's/^@@ /  /'
  local P PL; P=$(sed -nE 's/^@@ PEER-DOMID ([0-9]+).*/\1/p' "$S" | head -1)
  echo "  xl create, peer qemu-xen in dom0 (dom0 clock):      $(up_dt peer-create-start peer-create-end)"
  if [ -n "$P" ]; then
    echo "  xl create start -> (d$P) HVM Loader (peer):         $(dt "$(ts_after peer-create-start)" "$(ts "\(d$P\) .*HVM Loader")")"
    echo "  guest d$P (peer qemu-xen): HVM Loader -> SeaBIOS banner: $(dt "$(ts "\(d$P\) .*HVM Loader")" "$(ts "\(d$P\) .*SeaBIOS \(version")")"
    echo "  guest d$P (peer qemu-xen): HVM Loader -> Booting from Hard Disk: $(dt "$(ts "\(d$P\) .*HVM Loader")" "$(ts "\(d$P\) .*Booting from Hard Disk")")"
  fi
  check "peer (qemu-xen in dom0): SeaBIOS booted the boot-sector guest's disk" "\(d${P:-x}\) .*Booting from Hard Disk"
  if grep -q '^@@ T peer-linux-create-start' "$S"; then
    PL=$(sed -nE 's/^@@ PEER-LINUX-DOMID ([0-9]+).*/\1/p' "$S" | head -1)
    echo "  peer Linux d$PL: HVM Loader -> Booting from Hard Disk: $(dt "$(ts "\(d$PL\) .*HVM Loader")" "$(ts "\(d$PL\) .*Booting from Hard Disk")")"
    echo "  peer Linux, xl create start -> init start / -> checks done (dom0 clock): $(up_dt peer-linux-create-start peer-linux-init) / $(up_dt peer-linux-create-start peer-linux-checks)"
    check "peer (qemu-xen in dom0): the Linux guest's init ran" '^@@ PEER-LINUX GUEST-INIT start'
  fi
}
