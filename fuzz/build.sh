#!/usr/bin/env bash
# fuzz/build.sh — OSS-Fuzz-style build of every device's fuzz target (docs/fuzzing.md).
# In OSS-Fuzz/ClusterFuzz's builder ($CC, $CFLAGS, $LIB_FUZZING_ENGINE and $OUT set) it builds with
# those; elsewhere it builds the local libFuzzer targets (clang -fsanitize=fuzzer,address,undefined).
# For each device it leaves in $OUT (default fuzz/out/oss): <device> (the target),
# <device>_seed_corpus.zip (fuzz/<device>/corpus + regressions) and <device>.dict.
# Prerequisites: Debian packages in fuzz/apt-packages.txt, npm ci, npm run build (the .wasm files).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/fuzz/out/oss}"
mkdir -p "$OUT"
engine=libfuzzer
[ -n "${LIB_FUZZING_ENGINE:-}" ] && engine=oss-fuzz
devices=("$@")
[ ${#devices[@]} -eq 0 ] && devices=(e1000 ide vga ps2 uart pci cmos xenplatform)
for d in "${devices[@]}"; do
  bin=$(npx --no-install tsx fuzz/build.ts --engine "$engine" "$d" | tail -n 1)
  cp "$bin" "$OUT/$d"
  cp "fuzz/$d/$d.dict" "$OUT/$d.dict"
  rm -f "$OUT/${d}_seed_corpus.zip"
  (cd "fuzz/$d" && find corpus regressions -type f ! -name '*.md' 2>/dev/null | zip -q -j "$OUT/${d}_seed_corpus.zip" -@)
  echo "fuzz/build.sh: $OUT/$d"
done
