# test/xen/dom0/peer.sh — stage "peer" (sourced by dom0-test.sh): the same guests with Debian's
# qemu-xen as their device model in dom0 (no stub domain), in the same boot, for side-by-side
# times: hvm2 (the boot-sector guest, its COM1 to a file), then with XEN_TEST_LINUX=1 hvm4 (the
# Linux guest, no nic: it has no wire), both timed on dom0's clock by polling their serial output.
# A Linux guest of ours still running (hvm3) is destroyed first: the peer gets the machine alone.
if $XL domid hvm3 >/dev/null 2>&1; then $XL destroy hvm3 2>&1 | sed 's/^/@@ DESTROY /'; LINUX_UP=0; fi
# its own copy of the disk: a dead stub domain's vbd may still hold the first one
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
[ -n "$P" ] && wait_console "$P" 'Booting from Hard Disk|No bootable device' 180 && echo "@@ T peer-firmware-done $(up)" || echo "@@ PEER-TIMEOUT"
[ -n "$P" ] && wait_file /tmp/hvm2-serial.log 'IRQ 4 from our UART' 60 > /dev/null
echo "@@ T peer-serial-done $(up)"
tr -d '\r' < /tmp/hvm2-serial.log 2>/dev/null | head -5 | sed 's/^/@@ PEER-SERIAL /'
echo "@@ PEER-QEMU $(dm_of "$P")" | cut -c1-160
$XL list 2>&1 | sed 's/^/@@ XLLIST3 /'
$XL destroy hvm2 2>&1 | sed 's/^/@@ DESTROY /'
if grep -q 'XEN_TEST_LINUX=1' /proc/cmdline && [ -f /stubtest/linux.img ]; then
  linux_cfg
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
