#!/bin/sh
# test/xen/dom0-test.sh — runs inside the nested dom0: `xl create` of an HVM guest whose device
# model is our stub domain (stock libxl, qemu-xen stub-domain protocol; the dom0 side is our
# stubdom-dm-helper, named by device_model_override, instead of a console QEMU), then reports what run.sh
# checks: xl's exit code and time, the state node, the stub domain's console log, QMP through
# `xl list -l` (query-cpus-fast), and leaves the guest running a few seconds so that hvmloader's
# and SeaBIOS's "(d1) ..." lines reach Xen's console.
up() { read -r _u _ < /proc/uptime; echo "$_u"; }
XL=/usr/lib/xen-4.17/bin/xl
# seconds of uptime, without forking (an ld.so failure of `date` under memory pressure once ended
# a wait loop early)
now() { read -r _u _ < /proc/uptime; echo "${_u%%.*}"; }
# wait_console DOMID REGEX SECONDS: polls Xen's console ring (xl dmesg) for a "(dN) ..." line.
wait_console() {   # (every 2 s: each look starts xl and grep)
  end=$(( $(now) + $3 )); beat=$(( $(now) + 30 ))
  while [ "$(now)" -lt "$end" ]; do
    $XL dmesg 2>/dev/null | grep -qE "^\(d$1\).*$2" && return 0
    [ "$(now)" -ge "$beat" ] && { echo "@@ WAITING d$1 $(up)"; beat=$(( $(now) + 30 )); }
    sleep 2
  done
  return 1
}
# wait_file FILE REGEX SECONDS: dom0 uptime when FILE first has a line matching REGEX, else "-".
# (test/xen/wait_for.c: no process started per look; a heartbeat line every 30 s for run.sh's
# hang watchdog, on stderr, which is dom0's console)
wait_file() { /stubtest/wait_for "$1" "$2" "$3"; }
# wait_gone NAME SECONDS: "gone T" (dom0 uptime) once neither NAME nor NAME-dm is a domain any
# more, "still there" after SECONDS
wait_gone() {
  _end=$(( $(now) + $2 ))
  while [ "$(now)" -lt "$_end" ]; do
    if ! $XL domid "$1" >/dev/null 2>&1 && ! $XL domid "$1-dm" >/dev/null 2>&1; then echo "gone $(up)"; return; fi
    sleep 2
  done
  echo "still there"
}
# dm_of DOMID: "PID RSS-KiB command line" of the dom0 device-model process libxl started for
# DOMID (it records the pid in xenstore); nothing when there is none or it is gone.
dm_of() {
  _p=$(xenstore-read /local/domain/$1/image/device-model-pid 2>/dev/null)
  [ -n "$_p" ] && [ -r "/proc/$_p/cmdline" ] || return 0
  echo "$_p $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$_p/status) $(tr '\0' ' ' < /proc/$_p/cmdline)"
}
# blkback serves the disk libxl gives the stub domain (and the guest); loop backs the file.
modprobe xen-blkback 2>/dev/null; modprobe loop 2>/dev/null
# netback serves the vif libxl gives the Linux guest's stub domain (its e1000's wire, netfront).
modprobe xen-netback 2>/dev/null
# The vif hotplug script for that: dom0 itself is the peer the guest pings (10.0.2.2, as
# host/sim's NetPeer is), on the stub domain's vif; no bridge.
cat > /tmp/vif-peer <<'VIF'
#!/bin/sh
dom=$(echo "$XENBUS_PATH" | cut -d/ -f3)
case "$1" in
  online|add)
    ip link set "$vif" up
    case "$(xenstore-read /local/domain/$dom/name 2>/dev/null)" in *-dm) ip addr add 10.0.2.2/24 dev "$vif";; esac
    xenstore-write "$XENBUS_PATH/hotplug-status" connected;;
  offline|remove) ip link set "$vif" down 2>/dev/null;;
esac
exit 0
VIF
chmod +x /tmp/vif-peer
# The disk image on a loop device of our own, so the vbds are `phy`: with a file target the stock
# block script attaches the file once per vbd (the guest's and the stub domain's), and under TCG
# the stub domain's attach ran past libxl's 40 s hotplug limit in one of two runs.
LOOP=$(losetup -f --show /stubtest/boot.img)
echo "@@ LOOP $LOOP"
cat > /tmp/hvm1.cfg <<CFG
name = "hvm1"
type = "hvm"
memory = 64
vcpus = 1
bios_path_override = "/usr/share/seabios/bios-256k.bin"
vga = "stdvga"
vnc = 0
sdl = 0
vkb_device = 0
on_crash = "preserve"
# the boot sector ends in cli; hlt, which Xen takes as a power-off: keep the domains until the
# checks below are done (dom0 under TCG is slow; the script destroys them itself)
on_poweroff = "preserve"
device_model_version = "qemu-xen"
device_model_stubdomain_override = 1
stubdomain_kernel = "/stubtest/stubdom.gz"
stubdomain_ramdisk = "/stubtest/stubdom.mod"
stubdomain_memory = 64
device_model_override = "/stubtest/stubdom-dm-helper"
disk = [ "format=raw, vdev=hda, access=rw, target=$LOOP" ]
CFG
echo "@@ T create-start $(up)"
$XL debug-keys t   # puts a Xen-timestamped line on the console: run.sh's clock sync
# xl's debug log, each line stamped with dom0 uptime, to see where creation time goes.
( $XL -vvv create /tmp/hvm1.cfg 2>&1; echo "XL-RC $?" ) | while IFS= read -r l; do echo "$(up) $l"; done > /tmp/xl-create.log
rc=$(sed -n 's/.* XL-RC //p' /tmp/xl-create.log)
echo "@@ T create-end $(up)"
echo "@@ XL-CREATE rc=$rc"
grep -E 'error|fail|timed out|Stubdom|spawn|unpause|xswait|qmp_ev_connect|Domain [0-9]+:Executing|device_model' /tmp/xl-create.log | cut -c1-200 | tail -40 | sed 's/^/@@ XLLOG /'
echo "@@ T xllog-done $(up)"
$XL list 2>&1 | sed 's/^/@@ XLLIST /'
G=$($XL domid hvm1 2>/dev/null)
S=$($XL domid hvm1-dm 2>/dev/null)
echo "@@ DOMIDS guest=$G stubdom=$S"
if [ -n "$S" ] && [ -n "$G" ]; then
  echo "@@ STATE $(xenstore-read /local/domain/$S/device-model/$G/state 2>&1)"
  xenstore-ls -f /local/domain/$S/device-model 2>&1 | sed 's/^/@@ XS /'
fi
# The dom0 process libxl started for the stub domain (hvm1 powers off within seconds): our
# helper, named by device_model_override, not a QEMU.
DMP=$(dm_of "$S"); echo "@@ DOM0-DM ${DMP:-none}" | cut -c1-160
# QMP query-cpus-fast while the guest runs (the boot sector ends in cli; hlt, which Xen treats
# as the last vCPU going down: the guest powers off and xl destroys both domains).
echo "@@ T list-l-start $(up)"
if $XL list -l hvm1 > /tmp/list-l.json 2>/tmp/list-l.err; then echo "@@ LIST-L ok"; else echo "@@ LIST-L failed"; fi
echo "@@ T list-l-end $(up)"
grep -iE 'qmp|error' /tmp/list-l.err | head -5 | sed 's/^/@@ LIST-L-ERR /'
# Let the firmware boot our disk: SeaBIOS says "Booting from Hard Disk" (Xen's console), the boot
# sector then prints over our UART (the stub domain's console log, "serial: ...").
[ -n "$G" ] && wait_console "$G" 'Booting from Hard Disk|No bootable device' 150 && echo "@@ T guest-firmware-done $(up)" || echo "@@ GUEST-TIMEOUT"
[ -n "$G" ] && wait_file /var/log/xen/qemu-dm-hvm1.log 'IRQ 4 from our UART' 60 > /dev/null
echo "@@ T guest-serial-done $(up)"
sleep 3   # one more text-screen dump
$XL list 2>&1 | sed 's/^/@@ XLLIST1 /'
[ -n "$S" ] && xenstore-ls -f /local/domain/$S/device/vbd 2>&1 | grep -E 'state|sectors|virtual-device' | sed 's/^/@@ VBD /' 
$XL list 2>&1 | sed 's/^/@@ XLLIST2 /'
tail -20 /var/log/xen/xen-hotplug.log 2>/dev/null | cut -c1-200 | sed 's/^/@@ HOTPLUG /'
for f in /var/log/xen/qemu-dm-hvm1.log /var/log/xen/qmp-proxy-hvm1-dm.log /var/log/xen/qemu-dm-hvm1-dm.log; do
  [ -f "$f" ] && tr -d '\r' < "$f" | tail -400 | sed "s|^|@@ LOG $(basename $f): |"
done
$XL destroy hvm1 2>&1 | sed 's/^/@@ DESTROY /'
sleep 2
DMPID=${DMP%% *}
[ -n "$DMPID" ] && [ -d "/proc/$DMPID" ] && echo "@@ HELPER-AFTER-DESTROY $(tr '\0' ' ' < /proc/$DMPID/cmdline)" | cut -c1-160

# The peer: the same guest with Debian's qemu-xen as its device model in dom0 (no stub domain),
# same run, for side-by-side times. Skipped with XEN_TEST_PEER=0 on the kernel command line.
if ! grep -q 'XEN_TEST_PEER=0' /proc/cmdline; then
  # its own copy of the disk: the dead stub domain's vbd may still hold the first one
  cp /stubtest/boot.img /tmp/boot2.img
  LOOP2=$(losetup -f --show /tmp/boot2.img)
  sed -e 's/^name = "hvm1"/name = "hvm2"/' -e '/stubdom/d' -e "s|target=$LOOP|target=$LOOP2|" /tmp/hvm1.cfg > /tmp/hvm2.cfg
  echo 'serial = "file:/tmp/hvm2-serial.log"' >> /tmp/hvm2.cfg
  echo "@@ T peer-create-start $(up)"
  $XL debug-keys t
  $XL create /tmp/hvm2.cfg > /tmp/xl-create2.log 2>&1
  rc=$?
  echo "@@ T peer-create-end $(up)"
  echo "@@ PEER-XL-CREATE rc=$rc"
  grep -E 'error|fail' /tmp/xl-create2.log | head -8 | sed 's/^/@@ PEERLOG /'
  P=$($XL domid hvm2 2>/dev/null)
  echo "@@ PEER-DOMID $P"
  wait_console "$P" 'Booting from Hard Disk|No bootable device' 180 && echo "@@ T peer-firmware-done $(up)" || echo "@@ PEER-TIMEOUT"
  wait_file /tmp/hvm2-serial.log 'IRQ 4 from our UART' 60 > /dev/null
  echo "@@ T peer-serial-done $(up)"
  tr -d '\r' < /tmp/hvm2-serial.log 2>/dev/null | head -5 | sed 's/^/@@ PEER-SERIAL /' 
  echo "@@ PEER-QEMU $(dm_of "$P")" | cut -c1-160
  $XL list 2>&1 | sed 's/^/@@ XLLIST3 /'
  $XL destroy hvm2 2>&1 | sed 's/^/@@ DESTROY /'
fi

# XEN_TEST_LINUX=1: a Linux guest (build/out/guest/disk.img: SeaBIOS -> syslinux -> Debian i386
# Linux, console on ttyS0, cdrom.iso as its CD) with our stub domain; its init's lines arrive
# on our UART. Then the same guest with qemu-xen in dom0 as the peer (no nic: it has no wire).
# Both are timed on dom0's clock by polling their serial output.
linux_guest() {  # NAME CFG SERIAL-FILE INIT-SECONDS: create, time "init start" and "checks done"
  echo "@@ T $1-create-start $(up)"
  $XL debug-keys t
  $XL create "$2" > "/tmp/xl-create-$1.log" 2>&1
  echo "@@ T $1-create-end $(up) rc=$?"
  grep -E 'error|fail' "/tmp/xl-create-$1.log" | head -5 | sed "s/^/@@ LINUX-XLLOG $1 /"
  echo "@@ T $1-init $(wait_file "$3" 'GUEST-INIT start|Kernel panic' "$4")"
  echo "@@ T $1-checks $(wait_file "$3" 'GUEST-CHECKS-DONE|Kernel panic' 300)"
}
if grep -q 'XEN_TEST_LINUX=1' /proc/cmdline && [ -f /stubtest/linux.img ]; then
  VNCPW="vnc-pw42"   # hvm3's vncpasswd (RFB uses up to 8 characters)
  LOOP3=$(losetup -f --show /stubtest/linux.img)
  sed -e 's/^name = "hvm1"/name = "hvm3"/' -e 's/^memory = 64/memory = 192/' -e '/^disk = /d' -e 's/^vnc = 0/vnc = 1/' -e 's/^on_poweroff = "preserve"/on_poweroff = "destroy"/' /tmp/hvm1.cfg > /tmp/hvm3.cfg
  cat >> /tmp/hvm3.cfg <<CFG
# the CD: libxl 4.17 gives an HVM guest's CD a qdisk backend, which our dom0 helper serves
disk = [ "format=raw, vdev=hda, access=rw, target=$LOOP3", "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/stubtest/cdrom.iso" ]
# its nic: our e1000 in the stub domain, with the vif libxl gives the stub domain as its wire
vif = [ "type=ioemu, model=e1000, mac=52:54:00:12:34:56, script=/tmp/vif-peer" ]
# COM1 as a pty: libxl gives the stub domain console 3 for it, which `xl console hvm3` attaches to
serial = "pty"
# vnc = 1 (above): libxl gives the stub domain a vfb and a vkbd; the helper serves them over VNC,
# with VNC Authentication: libxl passes -vnc ...,password=on and then the password over QMP
vnclisten = "127.0.0.1"
vncpasswd = "$VNCPW"
CFG
  linux_guest linux /tmp/hvm3.cfg /var/log/xen/qemu-dm-hvm3.log 900
  echo "@@ LINUX-DOMIDS guest=$($XL domid hvm3 2>/dev/null) stubdom=$($XL domid hvm3-dm 2>/dev/null)"
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'serial: (GUEST-|CHECK |Linux version|Run /init|Kernel panic)|FAILED' | cut -c1-200 | head -60 | sed 's/^/@@ LINUX /'
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'serial: ' | tail -5 | cut -c1-200 | sed 's/^/@@ LINUX-TAIL /'
  # the stub domain's own last lines (not the guest's serial output): what it did last
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -vE 'serial: |vga\|' | tail -25 | cut -c1-200 | sed 's/^/@@ LINUX-STUBDOM /'
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'netfront device/vif/[0-9]+: [^0-9]|netfront .*(not|no |cannot)|blkfront .*(vdev|not|no |cannot)|devices: guest|devices: [0-9]+ running|device (ide|e1000) ' | cut -c1-200 | head -14 | sed 's/^/@@ LINUX-NET /'
  # the stub domain's last counters: ioreqs, the UART's console 3, netfront, blkfront
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'devices: [0-9]+ synchronous|blkfront .*ring requests|console 3: |netfront .*frames sent' | tail -5 | cut -c1-200 | sed 's/^/@@ LINUX-STATS /'
  # (reported first: should a dom0 program crash during what follows, less is lost)
  # What a user does: `xl console hvm3`, type a command into the guest's shell on ttyS0 (init
  # leaves one there), read its answer. $((6*7)) makes the answer differ from the echo. xenconsole
  # reads its stdin only when it is a terminal: `script` gives it one. (Its stdin stays open until
  # timeout ends it: at end of input script would type ^D, and the guest's init shell would exit.)
  { sleep 4; printf 'echo XLCON-$((6*7))\r'; sleep 60; } | timeout 20 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon.out 2>&1
  echo "@@ XLCON rc=$? $(tr -d '\r' < /tmp/xlcon.out | grep -a -c 'XLCON-42') lines with XLCON-42"
  tr -d '\r' < /tmp/xlcon.out | grep -a -E 'XLCON|login|#' | tail -4 | cut -c1-160 | sed 's/^/@@ XLCON-OUT /'
  # What a VNC user does: look at the screen (our VGA -> the stub domain's vfb -> the helper's
  # VNC server), and type on it (VNC -> vkbd -> our PS/2 keyboard): the guest's shell on ttyS0
  # (through xl console) reads a line from tty1, the screen's console, and echoes it.
  S3=$($XL domid hvm3-dm 2>/dev/null); G3=$($XL domid hvm3 2>/dev/null)
  VPORT=$(xenstore-read /local/domain/$S3/console/vnc-port 2>/dev/null || xenstore-read /local/domain/$G3/console/vnc-port 2>/dev/null)
  xenstore-ls -f /local/domain/$S3/console 2>&1 | grep -vE 'ring-ref|port =|limit|type' | head -8 | sed 's/^/@@ VNC-XS /'
  # (else from the helper's own log: "vnc: listening on HOST:PORT")
  [ -n "$VPORT" ] || VPORT=$(sed -n 's/.*vnc: listening on [0-9.]*:\([0-9]*\).*/\1/p' /var/log/xen/qemu-dm-hvm3-dm.log | head -1)
  echo "@@ VNC-PORT ${VPORT:-none} (stub domain's console/vnc-port: $(xenstore-read /local/domain/$S3/console/vnc-port 2>&1), guest's: $(xenstore-read /local/domain/$G3/console/vnc-port 2>&1))"
  if [ -n "$VPORT" ]; then
    # vncpasswd is set: a viewer without it, or with a wrong one, is refused (the wrong one locks
    # 127.0.0.1 out for a second: the helper's throttle on failed logins)
    /stubtest/vnc_probe 127.0.0.1 "$VPORT" /tmp/vnc-nopass.ppm 2>&1 | head -3 | sed 's/^/@@ VNC-NOPASS /'
    /stubtest/vnc_probe -p wrong 127.0.0.1 "$VPORT" /tmp/vnc-badpass.ppm 2>&1 | head -3 | sed 's/^/@@ VNC-BADPASS /'
    sleep 2
    { sleep 4; printf 'read -t 60 x < /dev/tty1; echo "VNCKEY-[$x]"\r'; sleep 90; } | timeout 45 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon2.out 2>&1 &
    XLC=$!
    sleep 10
    /stubtest/vnc_probe -p "$VNCPW" 127.0.0.1 "$VPORT" /tmp/vnc.ppm 'hello42\n' 2>&1 | sed 's/^/@@ VNC /'
    # the guest's answer is on its serial port: in the stub domain's log whether or not xl
    # console is still attached
    echo "@@ VNCKEY $(wait_file /var/log/xen/qemu-dm-hvm3.log 'VNCKEY-\[hello42\]' 30) (dom0 uptime when VNCKEY-[hello42] came)"
    wait $XLC
    # `xl vncviewer hvm3` runs `vncviewer HOST:DISPLAY` from the guest's console/vnc-port; a stand-in
    # viewer that prints what it was given
    printf '#!/bin/sh\necho "vncviewer $*"\n' > /tmp/vncviewer; chmod +x /tmp/vncviewer
    PATH=/tmp:$PATH $XL vncviewer hvm3 2>&1 | head -3 | sed 's/^/@@ VNCVIEWER /'
    # a stock viewer logs in too: Debian's vncsnapshot (copied from the build host), given
    # vncpasswd's file
    /stubtest/vnc_probe --passwd-file "$VNCPW" /tmp/vncpw
    timeout 60 /stubtest/vncsnapshot -passwd /tmp/vncpw -allowblank \
      "127.0.0.1:$((VPORT - 5900))" /tmp/vncsnap.jpg 2>&1 | grep -aE 'uthentication|Image saved|failed|refused|rror' | head -4 | sed 's/^/@@ VNCSNAP /'
    [ -s /tmp/vnc.ppm ] && gzip -9 < /tmp/vnc.ppm | base64 -w 76 | sed 's/^/@@ VNC-PPM /'
  fi
  # the dom0 helper's own log: its qdisk server (the CD), consoles, vfb/vkbd, VNC
  grep -E 'qdisk|console [0-9]|vfb|vkbd|vnc|error|cannot' /var/log/xen/qemu-dm-hvm3-dm.log 2>/dev/null | cut -c1-200 | head -24 | sed 's/^/@@ LINUX-HELPER /'
  # The helper confined (host/dom0/sandbox.c), after it served the CD, xl console and VNC: its
  # seccomp filter, no_new_privs and (no) capabilities, from /proc; still alive (a forbidden
  # system call would have killed it: the kernel's audit line then says which)
  HP=$(xenstore-read /local/domain/$S3/image/device-model-pid 2>/dev/null)
  if [ -n "$HP" ] && [ -r "/proc/$HP/status" ]; then
    echo "@@ HELPER-CONFINED $(grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$HP/status" | tr -s '\t ' ' ' | tr '\n' ' ')"
  else
    echo "@@ HELPER-CONFINED gone (pid ${HP:-none})"
  fi
  dmesg 2>/dev/null | grep -E 'type=1326|seccomp' | tail -3 | cut -c1-200 | sed 's/^/@@ HELPER-SECCOMP /'
  grep -E 'confined|sandbox:|owned by domain|disconnected|restricted' /var/log/xen/qemu-dm-hvm3-dm.log 2>/dev/null | cut -c1-200 | head -6 | sed 's/^/@@ HELPER-SANDBOX /'
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'serial: |vfb|vkbd' | tail -12 | cut -c1-200 | sed 's/^/@@ LINUX-LAST /'
  # a guest kernel warning or oops, whole (its first 40 lines)
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'serial: ' | grep -A40 -m1 -E 'cut here|WARNING:|BUG:|Oops|general protection' | cut -c1-200 | sed 's/^/@@ LINUX-OOPS /'
  ip -s link 2>/dev/null | grep -A5 -E '^[0-9]+: vif' | cut -c1-120 | sed 's/^/@@ LINUX-VIF /'
  $XL list 2>&1 | sed 's/^/@@ XLLIST4 /'
  # What the stub domain costs while its guest idles at the shell: its CPU time over 30 s
  cpu_of() { $XL list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
  I0=$(up); C0=$(cpu_of hvm3-dm); G0=$(cpu_of hvm3); sleep 30; I1=$(up); C1=$(cpu_of hvm3-dm); G1=$(cpu_of hvm3)
  echo "@@ IDLE-CPU stubdom $C0 $C1 guest $G0 $G1 over $I0 $I1"
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'main loop: waited' | tail -3 | cut -c1-160 | sed 's/^/@@ IDLE-LOOP /'
  # What a guest's own reboot does: `reboot -f` -> Linux pulses the i8042's reset line (the FADT
  # offers no ACPI reset) -> our ps2 -> remote_shutdown(reboot) -> xl (on_reboot = restart)
  # destroys both domains and builds a new guest with a new stub domain, which boots Linux again.
  # (libxl gives the new stub domain a fresh console log and keeps the old one as .1: the new
  # guest's init is an init line after "serving guest <new id>" in either.)
  D_OLD=$($XL domid hvm3 2>/dev/null)
  HLOG=/var/log/xen/qemu-dm-hvm3.log
  echo "@@ T reboot-start $(up)"
  { sleep 4; printf 'reboot -f\r'; sleep 10; } | timeout 12 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon4.out 2>&1
  _end=$(( $(now) + 120 )); D_NEW=
  while [ "$(now)" -lt "$_end" ]; do
    D_NEW=$($XL domid hvm3 2>/dev/null)
    [ -n "$D_NEW" ] && [ "$D_NEW" != "$D_OLD" ] && $XL domid hvm3-dm >/dev/null 2>&1 && break
    D_NEW=; sleep 2
  done
  echo "@@ REBOOT guest d$D_OLD -> d${D_NEW:-none} at $(up)"
  _end=$(( $(now) + 300 )); _beat=$(( $(now) + 30 )); T_INIT=-
  while [ -n "$D_NEW" ] && [ "$(now)" -lt "$_end" ]; do
    if cat "$HLOG.1" "$HLOG" 2>/dev/null | tr -d '\r' | awk -v g="serving guest $D_NEW\$" '$0 ~ g { on = 1 } on && /serial: GUEST-INIT start/ { f = 1 } END { exit !f }'; then T_INIT=$(up); break; fi
    [ "$(now)" -ge "$_beat" ] && { echo "@@ WAITING reboot $(up)"; _beat=$(( $(now) + 30 )); }
    sleep 3
  done
  echo "@@ T reboot-init $T_INIT"
  cat "$HLOG.1" "$HLOG" 2>/dev/null | tr -d '\r' | grep -E 'guest asks for|serving guest|serial: .*reboot: ' | tail -4 | cut -c1-200 | sed 's/^/@@ REBOOT-LOG /'
  grep -E 'shut down|Action for shutdown' /var/log/xen/xl-hvm3.log 2>/dev/null | tail -2 | cut -c1-200 | sed 's/^/@@ REBOOT-XL /'
  # What a guest's own power-off does: `poweroff -f` in its shell -> Linux writes ACPI S5 to
  # PM1a_CNT (0xB004, hvmloader's FADT; our pci module) -> the stub domain's dm_op
  # remote_shutdown(poweroff) -> xl's monitor destroys the guest (on_poweroff), libxl its stub domain
  echo "@@ T poweroff-start $(up)"
  { sleep 4; printf 'poweroff -f\r'; sleep 10; } | timeout 12 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon3.out 2>&1
  echo "@@ POWEROFF $(wait_gone hvm3 90)"
  tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -E 'guest asks for|serial: .*(reboot: |ACPI: PM|Power down)' | tail -4 | cut -c1-200 | sed 's/^/@@ POWEROFF-LOG /'
  grep -E 'shut down|shutdown reason|Action for shutdown' /var/log/xen/xl-hvm3.log 2>/dev/null | tail -3 | cut -c1-200 | sed 's/^/@@ POWEROFF-XL /'
  $XL list 2>&1 | sed 's/^/@@ XLLIST5 /'
  $XL domid hvm3 >/dev/null 2>&1 && $XL destroy hvm3 2>&1 | sed 's/^/@@ DESTROY /'
  if ! grep -q 'XEN_TEST_PEER=0' /proc/cmdline; then
    cp /stubtest/linux.img /tmp/linux4.img
    LOOP4=$(losetup -f --show /tmp/linux4.img)
    sed -e 's/^name = "hvm3"/name = "hvm4"/' -e '/stubdom/d' -e '/^vif = /d' -e '/^serial = /d' -e 's/^vnc = 1/vnc = 0/' -e "s|$LOOP3|$LOOP4|" /tmp/hvm3.cfg > /tmp/hvm4.cfg
    echo 'serial = "file:/tmp/hvm4-serial.log"' >> /tmp/hvm4.cfg
    # bounded: this peer took over 400 s to reach init (loaded host), and once crashed dom0
    linux_guest peer-linux /tmp/hvm4.cfg /tmp/hvm4-serial.log 600
    echo "@@ PEER-LINUX-DOMID $($XL domid hvm4 2>/dev/null)"
    tr -d '\r' < /tmp/hvm4-serial.log 2>/dev/null | grep -E '^(GUEST-|CHECK )' | cut -c1-200 | head -20 | sed 's/^/@@ PEER-LINUX /'
    $XL destroy hvm4 2>&1 | sed 's/^/@@ DESTROY /'
  fi
fi
