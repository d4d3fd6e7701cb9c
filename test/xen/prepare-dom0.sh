#!/bin/bash
# test/xen/prepare-dom0.sh — builds (once) everything the nested-Xen test boots:
#   build/out/xen/xen.elf        Debian's Xen 4.17 hypervisor, gunzipped (QEMU -kernel takes it as multiboot)
#   build/out/xen/vmlinuz        Debian's amd64 kernel, booted as a PVH dom0
#   build/out/xen/dom0.cpio      debootstrap minbase root (xen-utils-4.17, qemu-system-xen, seabios)
#                                plus the kernel's Xen modules (the per-run overlay adds /init and the test)
# Each artefact is rebuilt only when missing or out of date (delete it, or the whole folder, to
# force a rebuild): the debootstrap root (build/out/xen/rootfs) is keyed by the suite and the
# package list below (rootfs/.root-key), dom0.cpio by that key, the kernel version and this
# script (dom0.cpio.key): changing the package list rebuilds the root, changing the modules or the
# trimming only repacks it. A mount left inside the root (debootstrap's /proc) is unmounted
# before the root is packed or deleted.
# Needs root, debootstrap, cpio, dpkg-deb and a reachable Debian mirror (the one apt uses).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/out/xen"
# The Debian mirror apt already uses (its first bookworm "main" source), unless DEBIAN_MIRROR names one.
apt_mirror() {
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | sed -nE 's/^deb +(\[[^]]*\] +)?([^ ]+) +bookworm .*main.*/\2/p'
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { u = $2 } /^Suites:.*bookworm( |$)/ { print u }'; } | head -1
}
MIRROR="${DEBIAN_MIRROR:-$(apt_mirror)}"
[ -n "$MIRROR" ] || { echo "[prepare-dom0] no bookworm mirror in apt's sources: set DEBIAN_MIRROR" >&2; exit 1; }
SUITE=bookworm
mkdir -p "$OUT/debs"
log() { echo "[prepare-dom0] $*" >&2; }

kver() { apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\(.*-amd64\)$/\1/p' | head -1; }

if [ ! -s "$OUT/xen.elf" ]; then
  log "fetching xen-hypervisor-4.17-amd64"
  (cd "$OUT/debs" && apt-get download -q xen-hypervisor-4.17-amd64 >/dev/null)
  rm -rf "$OUT/xenpkg"; dpkg-deb -x "$OUT"/debs/xen-hypervisor-4.17-amd64_*.deb "$OUT/xenpkg"
  zcat "$OUT"/xenpkg/boot/xen-4.17-amd64.gz > "$OUT/xen.elf.tmp" && mv "$OUT/xen.elf.tmp" "$OUT/xen.elf"
  rm -rf "$OUT/xenpkg"
fi

KVER="$(cat "$OUT/kver" 2>/dev/null || true)"
if [ ! -s "$OUT/vmlinuz" ] || [ -z "$KVER" ] || [ ! -d "$OUT/kpkg/lib/modules/$KVER" ]; then
  KVER="$(kver)"; [ -n "$KVER" ] || { log "cannot resolve the linux-image-amd64 version (apt-get update?)"; exit 1; }
  log "fetching linux-image-$KVER"
  (cd "$OUT/debs" && apt-get download -q "linux-image-$KVER" >/dev/null)
  rm -rf "$OUT/kpkg"; dpkg-deb -x "$OUT"/debs/linux-image-"$KVER"_*.deb "$OUT/kpkg"
  cp "$OUT/kpkg/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
  echo "$KVER" > "$OUT/kver"
  rm -f "$OUT/dom0.cpio"
fi

# dom0's packages (debootstrap --include): what the nested test runs in dom0
PACKAGES=(xen-utils-4.17 xen-utils-common xenstore-utils qemu-system-xen seabios iproute2 kmod udev procps
          libseccomp2 libcap-ng0)
R="$OUT/rootfs"
ROOT_KEY=$(printf '%s\n' "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-16)
DOM0_KEY=$(cat <(echo "$ROOT_KEY $KVER") "$0" | sha256sum | cut -c1-16)
# unmount_under DIR: every mount at or below DIR, deepest first (debootstrap can leave its /proc
# mounted when it fails or is interrupted; packing it, or rm -rf, must not walk into the host's)
unmount_under() {
  local r; r=$(realpath -m "$1")   # (findmnt prints real paths; build/out/xen may be a symlink)
  findmnt -rn -o TARGET | awk -v r="$r" '$0 == r || index($0, r "/") == 1' | sort -r | while read -r m; do
    log "unmounting $m (left mounted inside the dom0 root)"; umount "$m" || umount -l "$m"
  done
}
# installed_all DIR: every package of the list is installed in DIR (dpkg's status file)
installed_all() {
  local p; for p in "${PACKAGES[@]}"; do
    awk -v p="$p" '/^Package: / { n = $2 } /^Status: / && n == p && / installed$/ { f = 1 } END { exit !f }' "$1/var/lib/dpkg/status" 2>/dev/null || return 1
  done
}
if [ -x "$R/usr/sbin/xl" ] && [ ! -f "$R/.root-key" ] && installed_all "$R"; then
  echo "$ROOT_KEY" > "$R/.root-key"   # a root from before the key: it has the packages
fi
if [ "$(cat "$R/.root-key" 2>/dev/null)" != "$ROOT_KEY" ] || [ ! -x "$R/usr/sbin/xl" ]; then
  log "debootstrap $SUITE (minbase) into $R — a few minutes (package list: ${PACKAGES[*]})"
  [ -d "$R" ] && unmount_under "$R"
  rm -rf "$R" "$OUT/dom0.cpio"
  rc=0
  debootstrap --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    "$SUITE" "$R" "$MIRROR" > "$OUT/debootstrap.log" 2>&1 || rc=$?
  unmount_under "$R"
  [ "$rc" = 0 ] || { tail -20 "$OUT/debootstrap.log"; exit 1; }
  echo "$ROOT_KEY" > "$R/.root-key"
fi
if [ "$(cat "$OUT/dom0.cpio.key" 2>/dev/null)" != "$DOM0_KEY" ]; then rm -f "$OUT/dom0.cpio"; fi

if [ ! -s "$OUT/dom0.cpio" ]; then
  log "trimming docs, locales, apt caches"
  rm -rf "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/locale/* "$R"/usr/share/info/* \
         "$R"/var/cache/apt/* "$R"/var/lib/apt/lists/* "$R"/usr/share/qemu/edk2-* 2>/dev/null || true
  # and what the test never runs: dom0 unpacks this root from its initrd under TCG at ~4 MB/s of
  # wall time. udev's hardware database (udevd is not started), Python (pygrub and the legacy
  # stream converter only), the PV shim, other architectures' firmware, iconv's charset modules.
  rm -rf "$R"/usr/lib/udev/hwdb.bin "$R"/usr/lib/udev/hwdb.d "$R"/usr/lib/python3* "$R"/usr/bin/python3* \
         "$R"/usr/lib/xen-4.17/boot/xen-shim "$R"/usr/lib/x86_64-linux-gnu/gconv \
         "$R"/usr/share/qemu/skiboot.lid "$R"/usr/share/qemu/openbios-* "$R"/usr/share/qemu/opensbi-* \
         "$R"/usr/share/qemu/palcode-* "$R"/usr/share/qemu/s390-* "$R"/usr/share/qemu/hppa-* \
         "$R"/usr/share/qemu/slof.bin "$R"/usr/share/qemu/*.dtb
  log "installing Xen kernel modules for $KVER"
  M="$R/lib/modules/$KVER"; rm -rf "$M"; mkdir -p "$M/kernel"
  for d in drivers/xen drivers/block/xen-blkback drivers/net/xen-netback drivers/block/loop.ko \
           net/bridge net/802/stp.ko net/llc drivers/net/tun.ko; do
    src="$OUT/kpkg/lib/modules/$KVER/kernel/$d"
    [ -e "$src" ] || continue
    mkdir -p "$M/kernel/$(dirname "$d")"; cp -a "$src" "$M/kernel/$d"
  done
  cp "$OUT"/kpkg/lib/modules/"$KVER"/modules.{order,builtin,builtin.modinfo} "$M/" 2>/dev/null || true
  chroot "$R" /sbin/depmod "$KVER"
  unmount_under "$R"
  log "packing dom0.cpio"
  (cd "$R" && find . -xdev ! -name .root-key | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/dom0.cpio.tmp"
  mv "$OUT/dom0.cpio.tmp" "$OUT/dom0.cpio"
  echo "$DOM0_KEY" > "$OUT/dom0.cpio.key"
fi
ls -la "$OUT/xen.elf" "$OUT/vmlinuz" "$OUT/dom0.cpio" >&2
