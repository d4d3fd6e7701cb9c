# test/xen/dom0/vnc.sh — stage "vnc" (sourced by dom0-test.sh): what a VNC user does with hvm3
# (vnc = 1, vncpasswd set): look at the screen (our VGA -> the stub domain's vfb -> the helper's
# VNC server), and type on it (VNC -> vkbd -> our PS/2 keyboard): the guest's shell on ttyS0
# (through xl console) reads a line from tty1, the screen's console, and echoes it. Then
# `xl vncviewer`, Debian's vncsnapshot, the helper's log, and the helper confined.
if ensure_linux; then
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
  # The helper confined (host/dom0/sandbox.c), after it served the CD, consoles and VNC: its
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
fi
