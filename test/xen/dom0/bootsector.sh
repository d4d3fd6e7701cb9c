# test/xen/dom0/bootsector.sh — stage "bootsector" (sourced by dom0-test.sh): `xl create` of hvm1,
# an HVM guest whose device model is our stub domain (stock libxl, qemu-xen stub-domain
# protocol; the dom0 side is our stubdom-dm-helper, named by device_model_override, instead of a
# console QEMU); reports xl's exit code and time, the state node, the stub domain's console log,
# QMP through `xl list -l` (query-cpus-fast), the dom0 process libxl started, and that it is gone
# after `xl destroy`; the guest runs until SeaBIOS booted the disk and the boot sector printed.
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
tail -20 /var/log/xen/xen-hotplug.log 2>/dev/null | cut -c1-200 | sed 's/^/@@ HOTPLUG /'
for f in /var/log/xen/qemu-dm-hvm1.log /var/log/xen/qmp-proxy-hvm1-dm.log /var/log/xen/qemu-dm-hvm1-dm.log; do
  [ -f "$f" ] && tr -d '\r' < "$f" | tail -400 | sed "s|^|@@ LOG $(basename $f): |"
done
$XL destroy hvm1 2>&1 | sed 's/^/@@ DESTROY /'
sleep 2
DMPID=${DMP%% *}
[ -n "$DMPID" ] && [ -d "/proc/$DMPID" ] && echo "@@ HELPER-AFTER-DESTROY $(tr '\0' ' ' < /proc/$DMPID/cmdline)" | cut -c1-160
