# test/xen/dom0/linux.sh — stage "linux" (sourced by dom0-test.sh): hvm3, the Linux guest with
# our stub domain (lib.sh's linux_cfg: IDE disk, ATAPI CD served by the helper's qdisk, e1000 on
# the stub domain's vif, vnc=1, serial=pty); its init's lines arrive on our UART. Reports them,
# the stub domain's network and counters, and its CPU time while the guest idles at its shell.
# Leaves hvm3 running for the console, vnc and reboot stages.
if $XL domid hvm3 >/dev/null 2>&1; then $XL destroy hvm3 2>&1 | sed 's/^/@@ DESTROY /'; fi
linux_cfg; LINUX_TRIED=1
linux_guest linux /tmp/hvm3.cfg /var/log/xen/qemu-dm-hvm3.log 900
tr -d '\r' < /var/log/xen/qemu-dm-hvm3.log 2>/dev/null | grep -q 'serial: GUEST-CHECKS-DONE' && LINUX_UP=1
echo "@@ LINUX-DOMIDS guest=$($XL domid hvm3 2>/dev/null) stubdom=$($XL domid hvm3-dm 2>/dev/null)"
HLOG=/var/log/xen/qemu-dm-hvm3.log
tr -d '\r' < $HLOG 2>/dev/null | grep -E 'serial: (GUEST-|CHECK |Linux version|Run /init|Kernel panic)|FAILED' | cut -c1-200 | head -60 | sed 's/^/@@ LINUX /'
tr -d '\r' < $HLOG 2>/dev/null | grep -E 'serial: ' | tail -5 | cut -c1-200 | sed 's/^/@@ LINUX-TAIL /'
# the stub domain's own last lines (not the guest's serial output): what it did last
tr -d '\r' < $HLOG 2>/dev/null | grep -vE 'serial: |vga\|' | tail -25 | cut -c1-200 | sed 's/^/@@ LINUX-STUBDOM /'
tr -d '\r' < $HLOG 2>/dev/null | grep -E 'netfront device/vif/[0-9]+: [^0-9]|netfront .*(not|no |cannot)|blkfront .*(vdev|not|no |cannot)|devices: guest|devices: [0-9]+ running|device (ide|e1000) ' | cut -c1-200 | head -14 | sed 's/^/@@ LINUX-NET /'
# the stub domain's last counters: ioreqs, the UART's console 3, netfront, blkfront
tr -d '\r' < $HLOG 2>/dev/null | grep -E 'devices: [0-9]+ synchronous|blkfront .*ring requests|console 3: |netfront .*frames sent' | tail -5 | cut -c1-200 | sed 's/^/@@ LINUX-STATS /'
# a guest kernel warning or oops, whole (its first 40 lines)
tr -d '\r' < $HLOG 2>/dev/null | grep -E 'serial: ' | grep -A40 -m1 -E 'cut here|WARNING:|BUG:|Oops|general protection' | cut -c1-200 | sed 's/^/@@ LINUX-OOPS /'
ip -s link 2>/dev/null | grep -A5 -E '^[0-9]+: vif' | cut -c1-120 | sed 's/^/@@ LINUX-VIF /'
$XL list 2>&1 | sed 's/^/@@ XLLIST4 /'
# What the stub domain costs while its guest idles at the shell: its CPU time over 30 s, once
# the guest idles (its own CPU time grew by under a tenth of the time over 10 s; at most 150 s
# of waiting: right after its checks the guest is still busy, seen using 58 % of a CPU)
if [ "$LINUX_UP" = 1 ]; then
  cpu_of() { $XL list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
  _end=$(( $(now) + 150 ))
  while [ "$(now)" -lt "$_end" ]; do
    I0=$(up); G0=$(cpu_of hvm3); sleep 10; I1=$(up); G1=$(cpu_of hvm3)
    echo "@@ IDLE-SETTLE guest $G0 $G1 over $I0 $I1"
    awk -v a="$G0" -v b="$G1" -v s="$I0" -v e="$I1" 'BEGIN { exit !(b - a < 0.1 * (e - s)) }' && break
  done
  I0=$(up); C0=$(cpu_of hvm3-dm); G0=$(cpu_of hvm3); sleep 30; I1=$(up); C1=$(cpu_of hvm3-dm); G1=$(cpu_of hvm3)
  echo "@@ IDLE-CPU stubdom $C0 $C1 guest $G0 $G1 over $I0 $I1"
  tr -d '\r' < $HLOG 2>/dev/null | grep -E 'main loop: waited' | tail -3 | cut -c1-160 | sed 's/^/@@ IDLE-LOOP /'
fi
