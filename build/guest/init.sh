#!/bin/busybox sh
# /init of the Linux test guest (build/guest/images.ts packs it into the initramfs with Debian's
# busybox-static and the kernel modules below). It loads the drivers for our devices, checks each
# one and prints one line per check on the serial console (ttyS0):
#   CHECK <name> OK|FAIL <detail>
# then `GUEST-CHECKS-DONE pass=<n> fail=<n>` and a shell on ttyS0. test/guest/linux.test.ts reads
# these lines; /etc/guest.conf (written by the image build) holds what the checks expect. Every
# wait below is bounded.
/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
. /etc/guest.conf

echo "GUEST-INIT start uptime=$(cut -d' ' -f1 /proc/uptime)"
PASS=0
FAIL=0
check() { # check NAME ok|fail DETAIL...
  n=$1; r=$2; shift 2
  if [ "$r" = ok ]; then PASS=$((PASS + 1)); echo "CHECK $n OK $*"; else FAIL=$((FAIL + 1)); echo "CHECK $n FAIL $*"; fi
}
# wait_for TENTHS COMMAND...: runs COMMAND every 0.1 s until it succeeds, at most TENTHS times
wait_for() {
  t=$1; shift
  while [ "$t" -gt 0 ]; do "$@" && return 0; t=$((t - 1)); usleep 100000; done
  return 1
}

for m in $MODULES; do
  insmod "/lib/modules/$m.ko" 2>/tmp/insmod.err || echo "GUEST-INIT insmod $m failed: $(cat /tmp/insmod.err)"
done
echo "GUEST-INIT modules loaded uptime=$(cut -d' ' -f1 /proc/uptime)"

# --- i8042: the AT keyboard and the PS/2 mouse (psmouse) ------------------------------------
has_kbd() { grep -q 'N: Name="AT Translated Set 2 keyboard"' /proc/bus/input/devices; }
has_mouse() { grep -A5 'P: Phys=isa0060/serio1/input0' /proc/bus/input/devices | grep -q 'H: Handlers=.*mouse'; }
if wait_for 50 has_kbd; then check keyboard ok "$(grep -B1 'Phys=isa0060/serio0' /proc/bus/input/devices | sed -n 's/^N: //p')"; else check keyboard fail "no AT keyboard in /proc/bus/input/devices"; fi
if wait_for 50 has_mouse; then check mouse ok "$(grep -B1 'Phys=isa0060/serio1' /proc/bus/input/devices | sed -n 's/^N: //p')"; else check mouse fail "no psmouse device on serio1"; fi

# --- ata_piix: the disk, its size and the checksum of its data partition ---------------------
has_disk() { [ -b /dev/sda ] && [ -b /dev/sda2 ]; }
if wait_for 100 has_disk; then
  drv=$(basename "$(readlink /sys/bus/pci/devices/0000:00:01.1/driver)")
  sectors=$(cat /sys/block/sda/size)
  model=$(cat /sys/block/sda/device/model 2>/dev/null)
  if [ "$drv" = ata_piix ] && [ "$sectors" = "$DISK_SECTORS" ]; then check disk ok "driver=$drv sectors=$sectors model=$model"; else check disk fail "driver=$drv sectors=$sectors (want $DISK_SECTORS)"; fi
  sum=$(md5sum /dev/sda2 | cut -d' ' -f1)
  if [ "$sum" = "$DATA_MD5" ]; then check disk-data ok "md5 $sum"; else check disk-data fail "md5 $sum (want $DATA_MD5)"; fi
else
  check disk fail "no /dev/sda with two partitions"; check disk-data fail "no disk"
fi

# --- the ATAPI CD-ROM (sr_mod, cdrom, isofs) ---------------------------------------------------
if wait_for 100 test -b /dev/sr0 && mount -t iso9660 -o ro /dev/sr0 /mnt 2>/tmp/mount.err; then
  hello=$(cat /mnt/hello.txt)
  sum=$(md5sum /mnt/data.bin | cut -d' ' -f1)
  if [ "$hello" = "$CD_HELLO" ] && [ "$sum" = "$CD_MD5" ]; then check cdrom ok "label=$(cat /sys/block/sr0/device/model 2>/dev/null) hello.txt='$hello' data.bin md5 $sum"; else check cdrom fail "hello.txt='$hello' data.bin md5 $sum (want $CD_MD5)"; fi
  umount /mnt
else
  check cdrom fail "no /dev/sr0 or mount failed: $(cat /tmp/mount.err 2>/dev/null)"
fi

# --- e1000: our MAC, link up, a ping to the host-side peer ------------------------------------
if wait_for 50 test -e /sys/class/net/eth0; then
  drv=$(basename "$(readlink /sys/class/net/eth0/device/driver)")
  mac=$(cat /sys/class/net/eth0/address)
  if [ "$drv" = e1000 ] && [ "$mac" = "$MAC" ]; then check e1000 ok "driver=$drv mac=$mac"; else check e1000 fail "driver=$drv mac=$mac (want $MAC)"; fi
  ip link set eth0 up
  carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }
  if wait_for 50 carrier; then check link ok "carrier up"; else check link fail "no carrier"; fi
  ip addr add "$GUEST_IP/24" dev eth0
  out=$(ping -c 3 -W 2 "$PEER_IP" 2>&1)
  rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
  if [ "${rx:-0}" -ge 1 ]; then check ping ok "$PEER_IP $rx/3 replies"; else check ping fail "$(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
else
  check e1000 fail "no eth0"; check link fail "no eth0"; check ping fail "no eth0"
fi

# --- bochs DRM: bound to our VGA, a mode set, text on the framebuffer console -----------------
if wait_for 50 test -e /sys/class/graphics/fb0; then
  # our VGA (1234:1111) wherever the machine put it: 00:02.0 on the development host, 00:03.0
  # under Xen's xenfv (the platform device takes 00:02.0)
  drv=
  for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x1111 ] && drv=$(basename "$(readlink "$d/driver")")
  done
  size=$(cat /sys/class/graphics/fb0/virtual_size)
  name=$(cat /sys/class/graphics/fb0/name)
  if [ "$drv" = bochs-drm ]; then check drm ok "driver=$drv fb=$name mode=$size"; else check drm fail "driver=$drv fb=$name"; fi
  printf '\033[2J\033[H%s\n' "$FB_TEXT" >/dev/tty1
else
  check drm fail "no framebuffer"
fi

echo "GUEST-CHECKS-DONE pass=$PASS fail=$FAIL uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "Linux on the stubdom devices: a busybox shell on ttyS0 (poweroff -f to end)"
exec setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
