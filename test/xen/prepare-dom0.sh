#!/bin/bash
# test/xen/prepare-dom0.sh — builds (once) everything the nested-Xen test boots:
#   build/out/xen/xen.elf        Debian's Xen 4.17 hypervisor, gunzipped (QEMU -kernel takes it as multiboot)
#   build/out/xen/vmlinuz        Debian's amd64 kernel, booted as a PVH dom0
#   build/out/xen/dom0.cpio      debootstrap minbase root (xen-utils-4.17, qemu-system-xen, seabios)
#                                plus the kernel's Xen modules (the per-run overlay adds /init and the test)
# Each artefact is rebuilt only when missing (delete it, or the whole folder, to force a rebuild).
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

if [ ! -s "$OUT/dom0.cpio" ]; then
  R="$OUT/rootfs"
  if [ ! -x "$R/usr/sbin/xl" ]; then
    log "debootstrap $SUITE (minbase) into $R — a few minutes"
    rm -rf "$R"
    debootstrap --variant=minbase \
      --include=xen-utils-4.17,xen-utils-common,xenstore-utils,qemu-system-xen,seabios,iproute2,kmod,udev,procps,libseccomp2,libcap-ng0 \
      "$SUITE" "$R" "$MIRROR" > "$OUT/debootstrap.log" 2>&1 || { tail -20 "$OUT/debootstrap.log"; exit 1; }
  fi
  log "trimming docs, locales, apt caches"
  rm -rf "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/locale/* "$R"/usr/share/info/* \
         "$R"/var/cache/apt/* "$R"/var/lib/apt/lists/* "$R"/usr/share/qemu/edk2-* 2>/dev/null || true
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
  log "packing dom0.cpio"
  (cd "$R" && find . -xdev | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/dom0.cpio.tmp"
  mv "$OUT/dom0.cpio.tmp" "$OUT/dom0.cpio"
fi
ls -la "$OUT/xen.elf" "$OUT/vmlinuz" "$OUT/dom0.cpio" >&2
