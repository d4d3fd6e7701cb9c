#!/bin/bash
# build/package/build.sh — `npm run package`: the Debian package a Xen host installs,
# DEBDIR/wasm-stubdom_<version>_amd64.deb (DEBDIR: build/out unless given), with dpkg-deb:
#   /usr/lib/wasm-stubdom/{stubdom.gz,stubdom.mod,stubdom-dm-helper}  (from build/xen/build.sh;
#       the helper stripped as dh_strip would)
#   /usr/share/doc/wasm-stubdom/{copyright,changelog.Debian.gz,examples/*.cfg}
#   /usr/share/man/man7/wasm-stubdom.7.gz
# The version is package.json's plus the Debian revision of build/package/changelog's top entry
# (which must name package.json's version). Depends: the helper's libraries as dpkg-shlibdeps
# finds them on this system, xen-utils-4.17, seabios; Recommends: ipxe-qemu.
# The artefacts in build/out are reused when newer than every input of build/xen/build.sh;
# otherwise `npm run build` and build/xen/build.sh make them. --no-build: use them as they are.
# Usage: build/package/build.sh [--no-build] [DEBDIR]. Prints the .deb's path last.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PKG="$ROOT/build/package"
OUT="$ROOT/build/out"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
DEBDIR="${1:-$OUT}"
NAME=wasm-stubdom
umask 022
for t in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog; do
  command -v "$t" >/dev/null || { echo "package: $t missing (apt-get install dpkg-dev)" >&2; exit 1; }
done

# The version: package.json's, with the changelog's Debian revision.
upstream=$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")
version=$(dpkg-parsechangelog -l "$PKG/changelog" -SVersion)
if [ "${version%-*}" != "$upstream" ]; then
  echo "package: build/package/changelog's top entry is $version, package.json says $upstream: add an entry" >&2
  exit 1
fi
epoch=$(dpkg-parsechangelog -l "$PKG/changelog" -STimestamp)
export SOURCE_DATE_EPOCH="$epoch"

# The artefacts: fresh, or rebuilt.
ARTS=(stubdom.gz stubdom.mod stubdom-dm-helper)
ROM="${STUBDOM_VGA_ROM:-/usr/share/seabios/vgabios-stdvga.bin}"
stale() {
  local a
  for a in "${ARTS[@]}"; do
    [ -f "$OUT/$a" ] || return 0
    # the inputs of npm run build, build:native and build/xen/build.sh
    if [ -n "$(cd "$ROOT" && find stubdom runtime host/dom0 build/xen test/fixtures build/build.ts build/native.ts \
                 build/asc-batch.mjs asconfig.json "$ROM" -newer "$OUT/$a" -type f -print -quit 2>/dev/null)" ]; then
      return 0
    fi
  done
  return 1
}
if [ "$build" = 1 ] && stale; then
  echo "package: building the image, module and helper (npm run build, build/xen/build.sh)"
  (cd "$ROOT" && npm run --silent build >/dev/null && bash build/xen/build.sh >/dev/null)
fi
for a in "${ARTS[@]}"; do [ -f "$OUT/$a" ] || { echo "package: $OUT/$a missing (npm run build:stubdom)" >&2; exit 1; }; done

# The tree, under a debian/<package> folder as dpkg-shlibdeps expects.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
T="$WORK/debian/$NAME"
LIB="$T/usr/lib/$NAME"
DOC="$T/usr/share/doc/$NAME"
mkdir -p "$T/DEBIAN" "$LIB" "$DOC/examples" "$T/usr/share/man/man7"
install -m 0644 "$OUT/stubdom.gz" "$OUT/stubdom.mod" "$LIB/"
install -m 0755 "$OUT/stubdom-dm-helper" "$LIB/"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$LIB/stubdom-dm-helper"
install -m 0644 "$PKG"/examples/*.cfg "$DOC/examples/"
gzip -9 -n -c "$PKG/changelog" > "$DOC/changelog.Debian.gz"
seabios=$(dpkg-query -W -f='${Version}' seabios 2>/dev/null || echo "(version unknown)")
[ "$ROM" = /usr/share/seabios/vgabios-stdvga.bin ] || seabios="(not used: STUBDOM_VGA_ROM=$ROM)"
sed -e '/^#/d' -e "s|@SEABIOS_VERSION@|$seabios|" "$PKG/copyright.in" > "$DOC/copyright"
chmod 0644 "$DOC/copyright"
date=$(date -u -d "@$epoch" +%Y-%m-%d)
sed -e "s|@VERSION@|$version|" -e "s|@DATE@|$date|" "$PKG/wasm-stubdom.7" | grep -v '^\.\\" build/package/' \
  | gzip -9 -n > "$T/usr/share/man/man7/$NAME.7.gz"

# control: the helper's libraries (dpkg-shlibdeps reads their shlibs/symbols files), the rest fixed.
mkdir -p "$WORK/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$NAME" "$NAME" > "$WORK/debian/control"
shlibs=$(cd "$WORK" && dpkg-shlibdeps -O "debian/$NAME/usr/lib/$NAME/stubdom-dm-helper" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "package: dpkg-shlibdeps found no libraries" >&2; exit 1; }
# Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up; 1 per directory
size=$(find "$T" -path "$T/DEBIAN" -prune -o \( -type f -printf '%s\n' \) -o \( -type d -printf '1024\n' \) \
       | awk '{ s += int(($1 + 1023) / 1024) } END { print s }')
sed -e '/^#/d' -e "s|@VERSION@|$version|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" "$PKG/control.in" > "$T/DEBIAN/control"
(cd "$T" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$T/DEBIAN/md5sums"
chmod 0644 "$T/DEBIAN/control" "$T/DEBIAN/md5sums"
find "$T" -type d -exec chmod 0755 {} +
find "$T" -exec touch -h -d "@$epoch" {} +

mkdir -p "$DEBDIR"
deb="$DEBDIR/${NAME}_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$T" "$deb" >/dev/null
echo "$deb"
