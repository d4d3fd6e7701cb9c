#!/bin/bash
# test/xen/overlay.sh — the nested dom0's initramfs for run.sh: prepare-dom0.sh's cached dom0.cpio,
# then cpio archives that add /init and /stubtest (the kernel unpacks concatenated archives in
# order). What does not change between runs is cached under build/out/xen/cache, keyed by the
# contents of its inputs (not their times: worktrees share build/out/xen), and rebuilt when they change:
#   tools.cpio   vnc_probe and wait_for (built with the host's gcc: dom0 runs the same Debian
#                release), Debian's vncsnapshot, boot.img (host/sim's boot sector)
#   guest.cpio   the Linux guest's disk.img and cdrom.iso (build/out/guest; npm run build:guest)
# and per run (small): /init, the dom0 test scripts, the stub-domain image, module and helper.
# Usage: overlay.sh INITRD-OUT WITH-LINUX(0|1)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/out/xen"
CACHE="$OUT/cache"
T="$ROOT/test/xen"
INITRD="$1"; WITH_LINUX="$2"
mkdir -p "$CACHE"
log() { echo "[overlay] $*" >&2; }
# stale TARGET INPUT...: true when TARGET is missing or was built from other inputs (TARGET.key:
# a hash of their contents, written by fresh)
key_of() { cat "$@" | sha256sum | cut -c1-16; }
stale() { local t=$1; shift; [ -s "$t" ] && [ "$(cat "$t.key" 2>/dev/null)" = "$(key_of "$@")" ] && return 1; return 0; }
fresh() { local t=$1; shift; key_of "$@" > "$t.key"; }
# pack DIR CPIO: DIR's tree as a newc archive
pack() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$2.tmp" && mv "$2.tmp" "$2"; }

TOOLS_IN=("$T/vnc_probe.c" "$ROOT/host/dom0/vnc_auth.c" "$ROOT/host/dom0/vnc_auth.h" "$T/wait_for.c"
          /usr/bin/vncsnapshot "$ROOT/host/sim/boot-sector.ts" "$T/overlay.sh")
if stale "$CACHE/tools.cpio" "${TOOLS_IN[@]}"; then
  log "building tools.cpio (vnc_probe, wait_for, vncsnapshot, boot.img)"
  D="$CACHE/tools"; rm -rf "$D"; mkdir -p "$D/stubtest"
  # the test's VNC viewer
  gcc -std=c11 -O2 -Wall -Wextra -Werror -iquote "$ROOT/host/dom0" -o "$D/stubtest/vnc_probe" "$T/vnc_probe.c" \
    "$ROOT/host/dom0/vnc_auth.c" -lnettle
  gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$D/stubtest/wait_for" "$T/wait_for.c"
  # a stock viewer for the VNC password check: Debian's vncsnapshot (test/xen/apt-packages.txt;
  # its libraries are in dom0 already, through qemu-system-xen)
  cp /usr/bin/vncsnapshot "$D/stubtest/"
  # the boot-sector guest's disk: host/sim's boot sector (prints over COM1, then takes IRQ 4)
  (cd "$ROOT" && npx tsx -e 'import { writeFileSync } from "node:fs"; import { bootSectorDisk } from "./host/sim/boot-sector.ts"; writeFileSync(process.argv[1], bootSectorDisk());' "$D/stubtest/boot.img")
  pack "$D" "$CACHE/tools.cpio"; rm -rf "$D"; fresh "$CACHE/tools.cpio" "${TOOLS_IN[@]}"
fi
parts=("$OUT/dom0.cpio" "$CACHE/tools.cpio")
if [ "$WITH_LINUX" = 1 ]; then
  G="$ROOT/build/out/guest"
  [ -f "$G/disk.img" ] && [ -f "$G/cdrom.iso" ] || (cd "$ROOT" && npm run -s build:guest)
  if stale "$CACHE/guest.cpio" "$G/disk.img" "$G/cdrom.iso" "$T/overlay.sh"; then
    log "building guest.cpio (the Linux guest's disk and CD)"
    D="$CACHE/guest"; rm -rf "$D"; mkdir -p "$D/stubtest"
    cp "$G/disk.img" "$D/stubtest/linux.img"; cp "$G/cdrom.iso" "$D/stubtest/cdrom.iso"
    pack "$D" "$CACHE/guest.cpio"; rm -rf "$D"; fresh "$CACHE/guest.cpio" "$G/disk.img" "$G/cdrom.iso" "$T/overlay.sh"
  fi
  parts+=("$CACHE/guest.cpio")
fi
D="$(dirname "$INITRD")/overlay"; rm -rf "$D"; mkdir -p "$D/stubtest/dom0"
install -m 0755 "$T/dom0-init" "$D/init"
install -m 0755 "$T/dom0-test.sh" "$D/stubtest/dom0-test.sh"
install -m 0644 "$T"/dom0/*.sh "$D/stubtest/dom0/"
cp "$ROOT/build/out/stubdom.gz" "$ROOT/build/out/stubdom.mod" "$ROOT/build/out/stubdom-dm-helper" "$D/stubtest/"
pack "$D" "$(dirname "$INITRD")/overlay.cpio"
cat "${parts[@]}" "$(dirname "$INITRD")/overlay.cpio" > "$INITRD"
