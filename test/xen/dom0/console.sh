# test/xen/dom0/console.sh — stage "console" (sourced by dom0-test.sh): what a user does with
# `xl console hvm3` (serial = "pty": console 3 of the stub domain, a pty in our dom0 helper):
# type a command into the guest's shell on ttyS0 (init leaves one there), read its answer.
# $((6*7)) makes the answer differ from the echo. xenconsole reads its stdin only when it is a
# terminal: `script` gives it one. (Its stdin stays open until timeout ends it: at end of input
# script would type ^D, and the guest's init shell would exit.)
if ensure_linux; then
  { sleep 4; printf 'echo XLCON-$((6*7))\r'; sleep 60; } | timeout 20 script -qfec "$XL console hvm3" /dev/null > /tmp/xlcon.out 2>&1
  echo "@@ XLCON rc=$? $(tr -d '\r' < /tmp/xlcon.out | grep -a -c 'XLCON-42') lines with XLCON-42"
  tr -d '\r' < /tmp/xlcon.out | grep -a -E 'XLCON|login|#' | tail -4 | cut -c1-160 | sed 's/^/@@ XLCON-OUT /'
fi
