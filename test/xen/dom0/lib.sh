# test/xen/dom0/lib.sh — helpers for the nested dom0's test stages (sourced by
# test/xen/dom0-test.sh; dash). Lines starting "@@" are for run.sh.
XL=/usr/lib/xen-4.17/bin/xl
up() { read -r _u _ < /proc/uptime; echo "$_u"; }
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
# linux_guest NAME CFG SERIAL-FILE INIT-SECONDS: create, time "init start" and "checks done"
# ("-" at once when xl create failed: libxl has destroyed the guest, nothing will come; and no
# wait for the checks when init never came)
linux_guest() {
  echo "@@ T $1-create-start $(up)"
  $XL debug-keys t
  $XL create "$2" > "/tmp/xl-create-$1.log" 2>&1
  _rc=$?
  echo "@@ T $1-create-end $(up) rc=$_rc"
  grep -E 'error|fail' "/tmp/xl-create-$1.log" | head -5 | sed "s/^/@@ LINUX-XLLOG $1 /"
  _ti=-
  [ "$_rc" = 0 ] && _ti=$(wait_file "$3" 'GUEST-INIT start|Kernel panic' "$4")
  echo "@@ T $1-init $_ti"
  if [ "$_ti" != - ]; then
    echo "@@ T $1-checks $(wait_file "$3" 'GUEST-CHECKS-DONE|Kernel panic' 300)"
  else
    echo "@@ T $1-checks -"   # (no init, no checks: the stage does not wait for them too)
  fi
}
# linux_cfg: /tmp/hvm3.cfg, the Linux guest with our stub domain (build/out/guest/disk.img:
# SeaBIOS -> syslinux -> Debian i386 Linux, console on ttyS0, cdrom.iso as its CD), on loop
# device $LOOP3; derived from hvm1's config (dom0-test.sh)
VNCPW="vnc-pw42"   # hvm3's vncpasswd (RFB uses up to 8 characters)
LOOP3=
linux_cfg() {
  [ -n "$LOOP3" ] || LOOP3=$(losetup -f --show /stubtest/linux.img)
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
}
# ensure_linux: hvm3 at its shell for the console, vnc and reboot stages. Created here when no
# earlier stage of this boot tried to (a stage that stands alone); returns 1 (and says so) when
# hvm3 is not at its shell: its creation or its init failed (in this stage or an earlier one).
LINUX_UP=0; LINUX_TRIED=0
ensure_linux() {
  if [ "$LINUX_TRIED" = 0 ] && ! $XL domid hvm3 >/dev/null 2>&1; then
    LINUX_TRIED=1
    linux_cfg
    linux_guest linux /tmp/hvm3.cfg /var/log/xen/qemu-dm-hvm3.log 900
    tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -q 'serial: GUEST-CHECKS-DONE' && LINUX_UP=1
  fi
  [ "$LINUX_UP" = 1 ] && return 0
  echo "@@ NO-LINUX hvm3 is not at its shell: this stage's checks cannot pass"
  return 1
}
