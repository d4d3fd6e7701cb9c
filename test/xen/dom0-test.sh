#!/bin/sh
# test/xen/dom0-test.sh — runs inside the nested dom0 (started by dom0-init): common set-up, then
# the stages named by XEN_TEST_STAGES=a+b+... on the kernel command line, in that order, each
# from test/xen/dom0/<stage>.sh (installed as /stubtest/dom0/), between "@@ STAGE <name> begin T"
# and "@@ STAGE <name> end T" lines (T: dom0 uptime). run.sh checks each stage from its own lines
# of the log, and boots again for the stages a death left unfinished. A stage stands alone: what
# it needs from an earlier one (the Linux guest hvm3 at its shell) it makes itself when absent.
#   bootsector  hvm1: the boot-sector guest with our stub domain, our dom0 helper
#   linux       hvm3: the Linux guest with our stub domain (disk, CD, e1000 + vif, drm), idle CPU
#   console     `xl console hvm3`: a command typed into the guest's shell is answered
#   vnc         VNC with vncpasswd: refused/accepted logins, the screen, typing, stock viewers,
#               the helper confined
#   reboot      the guest's own reboot -f, then poweroff -f
#   peer        the same guests with Debian's qemu-xen in dom0 (hvm2; hvm4 with XEN_TEST_LINUX=1)
. /stubtest/dom0/lib.sh
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
STAGES=$(sed -n 's/.*XEN_TEST_STAGES=\([a-z+]*\).*/\1/p' /proc/cmdline)
echo "@@ STAGES ${STAGES:-none}"
for stage in $(echo "$STAGES" | tr '+' ' '); do
  [ -f "/stubtest/dom0/$stage.sh" ] || { echo "@@ STAGE $stage unknown"; continue; }
  echo "@@ STAGE $stage begin $(up)"
  . "/stubtest/dom0/$stage.sh"
  echo "@@ STAGE $stage end $(up)"
done
