#!/bin/bash
# build/xen/build.sh — builds the stub-domain image:
#   1. runtime/xen/*.c + head.S with the system gcc (C11, freestanding, -Wall -Wextra -Werror);
#   2. runtime/core/*.c + jmp.S and every device module's wasm2c output (build/out/native/gen, made
#      by `npm run build` + `npm run build:native`; run here when missing or older than the .wasm)
#      with the same code model (-mno-red-zone -fno-pic -mcmodel=small), no libc;
#   3. links them by runtime/xen/xen.ld into build/out/stubdom.elf (+ libgcc for __popcountdi2),
#      gzip'd into build/out/stubdom.gz (what `stubdomain_kernel=` names);
#   4. builds build/out/stubdom-dm-helper (host/dom0), the dom0 program `device_model_override=`
#      names so that no QEMU runs in dom0 (docs/xen.md); it links libseccomp and libcap-ng
#      (host/dom0/sandbox.c);
#   5. packs build/out/stubdom.mod, the file `stubdomain_ramdisk=` names (it arrives as the PV
#      module): a header, the VGA BIOS (STUBDOM_VGA_ROM, default SeaBIOS's vgabios-stdvga.bin),
#      the e1000's iPXE when present (STUBDOM_PXE_ROM, default ipxe-qemu's pxe-e1000.rom)
#      and the device configuration (build/xen/devices.conf). Format: runtime/xen/modfile.h.
# Prints the sizes. Usage: build/xen/build.sh [outdir]. Env: STUBDOM_ARENA_MB (page arena for
# mappings, default 4). The devices' memory is the domain's memory above the image, mapped at
# boot: stubdomain_memory must cover the image plus what the devices reserve (docs/xen.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/build/out}"
SRC="$ROOT/runtime/xen"
CORE="$ROOT/runtime/core"
GEN="$ROOT/build/out/native/gen"
OBJ="$OUT/xen-obj"
mkdir -p "$OBJ/native"
CC="${CC:-gcc}"
KFLAGS=(-O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector
        -fno-asynchronous-unwind-tables -fno-common -mno-red-zone -mcmodel=small -fno-strict-aliasing)
CFLAGS=(-std=c11 "${KFLAGS[@]}" -Wall -Wextra -Werror -mgeneral-regs-only -fno-builtin-printf
        -I"$CORE" -DARENA_MB="${STUBDOM_ARENA_MB:-4}")
# runtime/core and the generated code: what build/native.ts uses, plus the kernel's code model.
# No -mgeneral-regs-only here: wasm2c's float helpers need SSE, which a PV guest may use.
FS=(-nostdinc -isystem "$($CC -print-file-name=include)" -I"$CORE/freestanding" -I"$CORE" -I"$CORE/wasm2c")
COREFLAGS=(-std=c11 "${KFLAGS[@]}" -Wall -Wextra -Werror "${FS[@]}")
GENFLAGS=(-std=c11 "${KFLAGS[@]}" -Wall -Wextra -Wno-unused-value -Wno-unused-parameter
          -Wno-unused-function -Wno-unused-variable "${FS[@]}" -I"$GEN")

# The device modules: build them (and their C) when missing or stale.
need_native=0
[ -f "$GEN/devtab.c" ] || need_native=1
for w in "$ROOT"/build/out/*.wasm; do
  [ -e "$w" ] || { need_native=1; break; }
  case "$w" in *.debug.wasm) continue;; esac
  n=$(basename "$w" .wasm)
  [ "$GEN/$n.c" -nt "$w" ] || need_native=1
done
if [ "$need_native" = 1 ]; then
  ls "$ROOT"/build/out/vga.wasm >/dev/null 2>&1 || (cd "$ROOT" && npx tsx build/build.ts)
  (cd "$ROOT" && npx tsx build/native.ts >/dev/null)
fi
mods=$(sed -nE 's/^#include "([A-Za-z0-9_]+)\.h"$/\1/p' "$GEN/devtab.c" | grep -v '^module$')

objs=()
pids=()
# Our own code is small: always rebuilt (headers change). Generated code: by mtime.
for src in "$SRC"/*.c "$SRC"/*.S; do
  o="$OBJ/$(basename "$src").o"; objs+=("$o")
  "$CC" "${CFLAGS[@]}" -c "$src" -o "$o" & pids+=($!)
done
for src in "$CORE"/*.c "$CORE"/*.S; do
  o="$OBJ/native/core_$(basename "$src").o"; objs+=("$o")
  "$CC" "${COREFLAGS[@]}" -c "$src" -o "$o" & pids+=($!)
done
for m in $mods devtab; do
  o="$OBJ/native/$m.o"; objs+=("$o")
  if [ "$o" -nt "$GEN/$m.c" ] && [ "$o" -nt "$0" ]; then continue; fi
  "$CC" "${GENFLAGS[@]}" -c "$GEN/$m.c" -o "$o" & pids+=($!)
  # at most two compilers at once (the machine is shared)
  if [ "${#pids[@]}" -ge 2 ]; then for p in "${pids[@]}"; do wait "$p" || exit 1; done; pids=(); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done
"$CC" -nostdlib -static -no-pie -Wl,-T,"$SRC/xen.ld" -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
      -Wl,-z,noexecstack -o "$OUT/stubdom.elf" "${objs[@]}" -lgcc
objcopy --strip-debug "$OUT/stubdom.elf" "$OUT/stubdom.stripped"
gzip -9 -n -c "$OUT/stubdom.stripped" > "$OUT/stubdom.gz"
rm -f "$OUT/stubdom.stripped"

# The module file (runtime/xen/modfile.h): header, then the sections, each 16-byte aligned.
ROM="${STUBDOM_VGA_ROM:-/usr/share/seabios/vgabios-stdvga.bin}"
[ -r "$ROM" ] || { echo "build.sh: VGA BIOS $ROM not readable (install Debian's seabios, or set STUBDOM_VGA_ROM)" >&2; exit 1; }
# The e1000's option ROM (network boot, boot="n"), when Debian's ipxe-qemu is installed.
PXE="${STUBDOM_PXE_ROM:-/usr/lib/ipxe/qemu/pxe-e1000.rom}"
PXE_SECTION=()
if [ -r "$PXE" ]; then PXE_SECTION=("pxe-e1000=$PXE"); else echo "build.sh: no $PXE (Debian's ipxe-qemu): the e1000 gets no option ROM" >&2; fi
node "$ROOT/build/xen/pack-mod.mjs" "$OUT/stubdom.mod" "vgabios=$ROM" "${PXE_SECTION[@]}" "devices=$ROOT/build/xen/devices.conf"
# The dom0 helper that replaces the console QEMU stock libxl starts (device_model_override):
# a dom0 program, built against libxen-dev for the dom0's own Debian release.
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now -iquote "$SRC" -o "$OUT/stubdom-dm-helper" \
      "$ROOT/host/dom0/stubdom-dm-helper.c" "$ROOT/host/dom0/qdisk.c" "$ROOT/host/dom0/serial_pty.c" \
      "$ROOT/host/dom0/vfb_backend.c" "$ROOT/host/dom0/vnc.c" "$ROOT/host/dom0/vnc_update.c" "$ROOT/host/dom0/keymap.c" "$ROOT/host/dom0/store.c" \
      "$ROOT/host/dom0/frontend_ring.c" "$ROOT/host/dom0/log_console.c" "$ROOT/host/dom0/capped_log.c" \
      "$ROOT/host/dom0/sandbox.c" "$ROOT/host/dom0/vnc_auth.c" "$ROOT/host/dom0/vnc_handshake.c" "$SRC/qmp.c" \
      -lxenstore -lxenforeignmemory -lxenevtchn -lxengnttab -lseccomp -lcap-ng -lnettle
size=$(stat -c %s "$OUT/stubdom.gz")
echo "build/out/stubdom.gz: $size bytes ($(stat -c %s "$OUT/stubdom.elf") bytes unstripped ELF); build/out/stubdom.mod: $(stat -c %s "$OUT/stubdom.mod") bytes"
size -A "$OUT/stubdom.elf" | awk '$1 == ".text" || $1 == ".rodata" || $1 == ".data" || $1 == ".bss" { printf "  %-8s %10d bytes\n", $1, $2 }'
