# test/xen/dom0/reboot.sh — stage "reboot" (sourced by dom0-test.sh): hvm3's own reboot and
# power-off. `reboot -f` -> Linux pulses the i8042's reset line (the FADT offers no ACPI reset)
# -> our ps2 -> remote_shutdown(reboot) -> xl (on_reboot = restart) destroys both domains and
# builds a new guest with a new stub domain, which boots Linux again. (libxl gives the new stub
# domain a fresh console log and keeps the old one as .1: the new guest's init is an init line
# after "serving guest <new id>" in either.) Then `poweroff -f` -> ACPI S5 on PM1a_CNT (0xB004,
# hvmloader's FADT; our pci module) -> the stub domain's dm_op remote_shutdown(poweroff) -> xl's
# monitor destroys the guest (on_poweroff), libxl its stub domain.
if ensure_linux; then
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
  echo "@@ T poweroff-start $(up)"
  { sleep 4; printf 'poweroff -f\r'; sleep 10; } | timeout 12 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon3.out 2>&1
  echo "@@ POWEROFF $(wait_gone hvm3 90)"
  tr -d '\r' < $HLOG 2>/dev/null | grep -E 'guest asks for|serial: .*(reboot: |ACPI: PM|Power down)' | tail -4 | cut -c1-200 | sed 's/^/@@ POWEROFF-LOG /'
  grep -E 'shut down|shutdown reason|Action for shutdown' /var/log/xen/xl-hvm3.log 2>/dev/null | tail -3 | cut -c1-200 | sed 's/^/@@ POWEROFF-XL /'
  $XL list 2>&1 | sed 's/^/@@ XLLIST5 /'
  $XL domid hvm3 >/dev/null 2>&1 && $XL destroy hvm3 2>&1 | sed 's/^/@@ DESTROY /'
  LINUX_UP=0
fi
