#!/bin/bash
# build/xen/build.sh — builds the stub-domain image: runtime/xen/*.c + head.S with the system gcc,
# freestanding, linked by runtime/xen/xen.ld into build/out/stubdom.elf, gzip'd into
# build/out/stubdom.gz (what `stubdomain_kernel=` names), plus build/out/stubdom.mod, the file
# `stubdomain_ramdisk=` names (libxl insists on a readable one; it arrives as the PV module).
# Prints the sizes. Usage: build/xen/build.sh [outdir]. Env: STUBDOM_ARENA_MB (page arena in MiB,
# default 4; stubdomain_memory must cover it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/build/out}"
SRC="$ROOT/runtime/xen"
OBJ="$OUT/xen-obj"
mkdir -p "$OBJ"
CC="${CC:-gcc}"
CFLAGS=(-std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib -fno-pic -fno-pie
        -fno-stack-protector -fno-asynchronous-unwind-tables -fno-common -mno-red-zone
        -mgeneral-regs-only -mcmodel=small -fno-builtin-printf -fno-strict-aliasing
        -DARENA_MB="${STUBDOM_ARENA_MB:-4}")
objs=()
pids=()
for src in "$SRC"/*.c "$SRC"/*.S; do
  o="$OBJ/$(basename "$src").o"
  "$CC" "${CFLAGS[@]}" -c "$src" -o "$o" & pids+=($!)
  objs+=("$o")
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done
"$CC" -nostdlib -static -no-pie -Wl,-T,"$SRC/xen.ld" -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
      -Wl,-z,noexecstack -o "$OUT/stubdom.elf" "${objs[@]}"
objcopy --strip-debug "$OUT/stubdom.elf" "$OUT/stubdom.stripped"
gzip -9 -n -c "$OUT/stubdom.stripped" > "$OUT/stubdom.gz"
rm -f "$OUT/stubdom.stripped"
# The module: a small header for now; later the VGA BIOS and the device configuration ride here.
printf 'wasm-stubdom module v0\n' > "$OUT/stubdom.mod"
size=$(stat -c %s "$OUT/stubdom.gz")
echo "build/out/stubdom.gz: $size bytes ($(stat -c %s "$OUT/stubdom.elf") bytes unstripped ELF)"
