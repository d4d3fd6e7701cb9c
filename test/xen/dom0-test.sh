#!/bin/sh
# test/xen/dom0-test.sh — runs inside the nested dom0: `xl create` of an HVM guest whose device
# model is our stub domain (stock libxl, qemu-xen stub-domain protocol), then reports what run.sh
# checks: xl's exit code and time, the state node, the stub domain's console log, QMP through
# `xl list -l` (query-cpus-fast), and leaves the guest running a few seconds so that hvmloader's
# and SeaBIOS's "(d1) ..." lines reach Xen's console.
up() { read -r _u _ < /proc/uptime; echo "$_u"; }
XL=/usr/lib/xen-4.17/bin/xl
# wait_console DOMID REGEX SECONDS: polls Xen's console ring (xl dmesg) for a "(dN) ..." line.
wait_console() {
  end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    $XL dmesg 2>/dev/null | grep -qE "^\(d$1\).*$2" && return 0
    sleep 1
  done
  return 1
}
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
device_model_version = "qemu-xen"
device_model_stubdomain_override = 1
stubdomain_kernel = "/stubtest/stubdom.gz"
stubdomain_ramdisk = "/stubtest/stubdom.mod"
stubdomain_memory = 32
stubdomain_cmdline = "ioreq-probe"
CFG
echo "@@ T create-start $(up)"
$XL debug-keys t   # puts a Xen-timestamped line on the console: run.sh's clock sync
# xl's debug log, each line stamped with dom0 uptime, to see where creation time goes.
( $XL -vvv create /tmp/hvm1.cfg 2>&1; echo "XL-RC $?" ) | while IFS= read -r l; do echo "$(up) $l"; done > /tmp/xl-create.log
rc=$(sed -n 's/.* XL-RC //p' /tmp/xl-create.log)
echo "@@ T create-end $(up)"
echo "@@ XL-CREATE rc=$rc"
grep -E 'error|fail|timed out|Stubdom|spawn|unpause|xswait|qmp_ev_connect|Domain [0-9]+:Executing|device_model' /tmp/xl-create.log | cut -c1-200 | tail -40 | sed 's/^/@@ XLLOG /'
$XL list 2>&1 | sed 's/^/@@ XLLIST /'
G=$($XL domid hvm1 2>/dev/null)
S=$($XL domid hvm1-dm 2>/dev/null)
echo "@@ DOMIDS guest=$G stubdom=$S"
if [ -n "$S" ] && [ -n "$G" ]; then
  echo "@@ STATE $(xenstore-read /local/domain/$S/device-model/$G/state 2>&1)"
  xenstore-ls -f /local/domain/$S/device-model 2>&1 | sed 's/^/@@ XS /'
fi
# Let the firmware run to its end (no disk: SeaBIOS ends at "No bootable device").
wait_console "$G" 'No bootable device' 120 && echo "@@ T guest-firmware-done $(up)" || echo "@@ GUEST-TIMEOUT"
echo "@@ T list-l-start $(up)"
if $XL list -l hvm1 > /tmp/list-l.json 2>/tmp/list-l.err; then echo "@@ LIST-L ok"; else echo "@@ LIST-L failed"; fi
echo "@@ T list-l-end $(up)"
grep -iE 'qmp|error' /tmp/list-l.err | head -5 | sed 's/^/@@ LIST-L-ERR /'
$XL list 2>&1 | sed 's/^/@@ XLLIST2 /'
for f in /var/log/xen/qemu-dm-hvm1.log /var/log/xen/qmp-proxy-hvm1-dm.log /var/log/xen/qemu-dm-hvm1-dm.log; do
  [ -f "$f" ] && tr -d '\r' < "$f" | tail -60 | sed "s|^|@@ LOG $(basename $f): |"
done
ps -o rss=,args= -C xen-qemu-system-i386 2>/dev/null | sed 's/^/@@ DOM0-QEMU /' | cut -c1-160
$XL destroy hvm1 2>&1 | sed 's/^/@@ DESTROY /'

# The peer: the same guest with Debian's qemu-xen as its device model in dom0 (no stub domain),
# same run, for side-by-side times. Skipped with XEN_TEST_PEER=0 on the kernel command line.
if ! grep -q 'XEN_TEST_PEER=0' /proc/cmdline; then
  sed -e 's/^name = "hvm1"/name = "hvm2"/' -e '/stubdom/d' /tmp/hvm1.cfg > /tmp/hvm2.cfg
  echo "@@ T peer-create-start $(up)"
  $XL debug-keys t
  $XL create /tmp/hvm2.cfg > /tmp/xl-create2.log 2>&1
  rc=$?
  echo "@@ T peer-create-end $(up)"
  echo "@@ PEER-XL-CREATE rc=$rc"
  grep -E 'error|fail' /tmp/xl-create2.log | tail -5 | sed 's/^/@@ PEERLOG /'
  P=$($XL domid hvm2 2>/dev/null)
  echo "@@ PEER-DOMID $P"
  wait_console "$P" 'No bootable device' 180 && echo "@@ T peer-firmware-done $(up)" || echo "@@ PEER-TIMEOUT"
  ps -o rss=,args= -C xen-qemu-system-i386 2>/dev/null | sed 's/^/@@ PEER-QEMU /' | cut -c1-160
  $XL list 2>&1 | sed 's/^/@@ XLLIST3 /'
  $XL destroy hvm2 2>&1 | sed 's/^/@@ DESTROY /'
fi
