#!/bin/bash
# test/xen/run.sh — end-to-end test of the stub-domain image under real Xen 4.17, nested in QEMU's
# software CPU (TCG): builds the image, prepares (once, cached) the Debian dom0 environment, boots
# Xen + a PVH dom0 whose init runs test/xen/dom0-test.sh: stock `xl create` of HVM guests with our
# stub domain as their device model, in stages that each stand alone (test/xen/dom0/<stage>.sh;
# their checks: test/xen/checks.sh):
#   bootsector  boot-sector guest + the dom0 helper    linux    the Linux guest (disk, CD, net)
#   console     xl console into the Linux guest        vnc      VNC with vncpasswd, the helper confined
#   reboot      the guest's reboot -f and poweroff -f  peer     the same guests with qemu-xen in dom0
# Usage: run.sh [STAGE...] (default: all; XEN_TEST_LINUX=0 leaves out linux, console, vnc, reboot
# and the peer's Linux guest; XEN_TEST_PEER=0 leaves out peer); run.sh --check-only [STAGE...]
# re-reads the last run's logs without booting anything.
# A stage's checks are printed as soon as its last line reaches the serial log. A boot that dies
# (or hangs) costs the stage it was in: the next boot (at most XEN_TEST_ATTEMPTS boots, default 3)
# runs only the stages that have not finished. Prints per stage which boot gave its checks,
# "N passed, N failed", and where the minutes went; exit code 0 only if every check passed.
# Logs: build/out/xen/run/serial.N.log (boot N), stage-STAGE.txt (what a stage was checked on);
# every boot's outcome is appended to build/out/xen/boots.tsv (docs/xen.md's stability table):
# date, configuration, stages asked, stages left unfinished, seconds + the CPU QEMU got + the
# host's load, outcome.
# Env: XEN_TEST_TIMEOUT (s per boot, default 4200, 900 without Linux), XEN_TEST_STALL (s of silence = hung, default 240),
# XEN_TEST_XEN_ARGS (more Xen options), XEN_TEST_TCG_THREAD (multi|single), XEN_TEST_SMP (host
# vCPUs, default 2), XEN_TEST_CPU (QEMU -cpu), XEN_TEST_DOM0_VCPUS (dom0_max_vcpus, default 1).
set -uo pipefail
export LC_ALL=C   # the serial log is bytes: no encoding errors, no "binary file matches"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/out/xen"
RUN="$OUT/run"
T_START=$(date +%s.%N)
since() { awk -v a="$T_START" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b-a}'; }
ALL_STAGES="bootsector linux console vnc reboot peer"
LINUX="${XEN_TEST_LINUX:-1}"
source "$ROOT/test/xen/checks.sh"

check_only=0; stages=()
for a in "$@"; do
  case "$a" in
    --check-only) check_only=1;;
    bootsector|linux|console|vnc|reboot|peer) [[ " ${stages[*]} " == *" $a "* ]] || stages+=("$a");;
    *) echo "run.sh: unknown stage or option '$a' (stages: $ALL_STAGES; option: --check-only)" >&2; exit 2;;
  esac
done
if [ ${#stages[@]} -eq 0 ] && [ "$check_only" = 1 ] && [ -s "$RUN/stages" ]; then
  read -r -a stages < "$RUN/stages"
elif [ ${#stages[@]} -eq 0 ]; then
  for s in $ALL_STAGES; do
    case "$s" in
      linux|console|vnc|reboot) [ "$LINUX" = 1 ] || continue;;
      peer) [ "${XEN_TEST_PEER:-1}" = 1 ] || continue;;
    esac
    stages+=("$s")
  done
fi
ordered=(); for s in $ALL_STAGES; do [[ " ${stages[*]} " == *" $s "* ]] && ordered+=("$s"); done
stages=("${ordered[@]}")   # (always in this order: the peer last, the Linux stages in sequence)
needs_linux=0
for s in "${stages[@]}"; do case "$s" in linux|console|vnc|reboot) needs_linux=1;; peer) [ "$LINUX" = 1 ] && needs_linux=1;; esac; done
# (a last resort: dom0 bounds each of its waits, and the stall watchdog below ends a hung machine;
# seen: a whole run's boot under a loaded host took over 2400 s and was cut in the peer's Linux)
TIMEOUT="${XEN_TEST_TIMEOUT:-$([ "$needs_linux" = 1 ] && echo 4200 || echo 900)}"

# stage_section LOG STAGE: the boot's lines before its first stage, then STAGE's own lines (to its
# end line, or to the end of the log when the boot died in it)
stage_section() {
  awk -v s="$2" 'BEGIN { pre = 1 } /^@@ STAGE [a-z]+ begin / { pre = 0 }
    $0 ~ "^@@ STAGE " s " begin " { on = 1 } pre || on { print } on && $0 ~ "^@@ STAGE " s " end " { exit }' "$1"
}
# why_died LOG STAGE: the first sign of the nested machine's death after STAGE began (or in the
# whole log when no stage began)
why_died() {
  awk -v s="$2" 'BEGIN { on = (s == "") } $0 ~ "^@@ STAGE " s " begin " { on = 1 }
    on && /Kernel panic|Hardware Dom0 crashed|BUG:|Triple fault|^@@ STALLED|^@@ TIMEOUT/ { print; found = 1; exit }
    END { if (!found) print "no sign in the log (QEMU ended)" }' "$1" | cut -c1-160
}
declare -A checked   # stage -> "attempt passed failed finished|died"
# run_checks STAGE ATTEMPT finished|died: prints the stage's checks from boot ATTEMPT's log
run_checks() {
  local stage=$1 n=$2 how=$3
  S="$RUN/stage-$stage.txt"
  stage_section "$RUN/serial.$n.txt" "$stage" > "$S"
  echo "=== stage $stage (boot $n, $how$([ "$how" = died ] && echo ": $(why_died "$RUN/serial.$n.txt" "$stage")")) ==="
  pass=0; fail=0
  "check_$stage"
  check_no_trap
  echo "=== stage $stage: $pass passed, $fail failed ==="
  checked[$stage]="$n $pass $fail $how"
}
clean_log() { tr -d '\r\000' < "$RUN/serial.$1.log" > "$RUN/serial.$1.txt"; }

if [ "$check_only" = 0 ]; then
mkdir -p "$OUT"
t=$(date +%s.%N); bash "$ROOT/build/xen/build.sh" >&2 || exit 1
T_BUILD=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
t=$(date +%s.%N); bash "$ROOT/test/xen/prepare-dom0.sh" || exit 1
T_PREP=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
t=$(date +%s.%N)
rm -rf "$RUN"; mkdir -p "$RUN"
echo "${stages[*]}" > "$RUN/stages"
bash "$ROOT/test/xen/overlay.sh" "$RUN/initrd.cpio" "$needs_linux" || exit 1
T_OVERLAY=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')

# The nested machine. Its configuration (docs/xen.md, "Stability"): 1 dom0 vCPU, 2 host vCPUs.
SMP="${XEN_TEST_SMP:-2}"
CPU="${XEN_TEST_CPU:-max,-rdtscp,-avx,-avx2,-f16c,-fma,-xsavec,-xsaves,-la57,-pku}"
TCG="${XEN_TEST_TCG_THREAD:-multi}"
DOM0_VCPUS="${XEN_TEST_DOM0_VCPUS:-1}"   # "all": Xen's default (one per host vCPU)
XEN_ARGS="console=com1 com1=115200 dom0_mem=1024M,max:1024M dom0=pvh iommu=1 loglvl=all guest_loglvl=all console_timestamps=boot spec-ctrl=eager-fpu"
[ "$DOM0_VCPUS" = all ] || XEN_ARGS+=" dom0_max_vcpus=$DOM0_VCPUS"
XEN_ARGS+=" ${XEN_TEST_XEN_ARGS:-}"
CONFIG="smp=$SMP tcg=$TCG cpu=$CPU dom0_vcpus=$DOM0_VCPUS xen+=${XEN_TEST_XEN_ARGS:-}"
# dom0 prints a line at least every 30 s while it waits (wait_for's heartbeat): a log that stops
# growing for STALL seconds is a hung nested machine (seen: dom0 frozen while xl built a guest),
# killed so that the next boot can run instead of waiting out the whole timeout.
STALL="${XEN_TEST_STALL:-240}"
TIMING="$RUN/timing.txt"; : > "$TIMING"
FIRST_CHECK=
boot() {  # N STAGES(+-separated): one nested machine; checks stages as they finish
  local n=$1 LOG="$RUN/serial.$1.log" seen=0 quiet=0 last_size=-1 size
  echo "boot $n: Xen + dom0 under qemu-system-x86_64 (TCG; $CONFIG), stages $2; serial log: $LOG"
  local t0; t0=$(since)
  : > "$LOG"
  timeout "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg,thread="$TCG" -M q35 -device amd-iommu -smp "$SMP" -m 3072 -cpu "$CPU" \
    -display none -monitor none -no-reboot -serial "file:$LOG" \
    -kernel "$OUT/xen.elf" -append "$XEN_ARGS" \
    -initrd "$OUT/vmlinuz console=hvc0 quiet XEN_TEST_STAGES=$2 XEN_TEST_LINUX=$LINUX,$RUN/initrd.cpio" < /dev/null &
  qpid=$!
  echo "$(since) boot $n: qemu started" >> "$TIMING"
  local load_sum=0 load_n=0 cpu_ticks=0 l qemu_pid=
  while kill -0 "$qpid" 2>/dev/null; do
    sleep 2
    # what the host gave the nested machine: its CPU time, and the host's load (others' work
    # on this machine slows the nested one: libxl's hotplug timeouts, longer stages)
    read -r l _ < /proc/loadavg; load_sum=$(awk -v a="$load_sum" -v b="$l" 'BEGIN{print a+b}'); load_n=$((load_n + 1))
    [ -n "$qemu_pid" ] || qemu_pid=$(pgrep -P "$qpid" | head -1)   # (qpid is timeout's)
    l=$(awk '{ print $14 + $15 }' "/proc/$qemu_pid/stat" 2>/dev/null) && [ -n "$l" ] && cpu_ticks=$l
    # host-clock stamps for dom0's milestones, and each stage's checks once its end line is in
    mapfile -t marks < <(tr -d '\r\000' < "$LOG" | grep -aE '^@@ (T init|T xl-ready|STAGE [a-z]+ (begin|end)|DONE)')
    while [ "$seen" -lt "${#marks[@]}" ]; do
      m=${marks[$seen]}; seen=$((seen + 1))
      echo "$(since) boot $n: ${m#@@ }" | awk '{ $NF = ""; print }' >> "$TIMING"
      if [[ "$m" =~ ^@@\ STAGE\ ([a-z]+)\ end ]]; then
        clean_log "$n"; run_checks "${BASH_REMATCH[1]}" "$n" finished
        [ -n "$FIRST_CHECK" ] || FIRST_CHECK=$(since)
      fi
    done
    size=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
    if [ "$size" = "$last_size" ]; then quiet=$((quiet + 2)); else quiet=0; last_size=$size; fi
    if [ "$quiet" -ge "$STALL" ]; then
      echo "boot $n: no serial output for $STALL s: the nested machine hangs; killing it"
      echo "@@ STALLED after $quiet s of silence" >> "$LOG"
      kill "$qpid" 2>/dev/null
      break
    fi
  done
  wait "$qpid"; local qrc=$?
  [ "$qrc" = 124 ] && echo "@@ TIMEOUT after $TIMEOUT s" >> "$LOG"
  echo "$(since) boot $n: qemu exit $qrc" >> "$TIMING"
  BOOT_SECS=$(( $(since) - t0 ))
  BOOT_HOST=$(awk -v s="$load_sum" -v n="$load_n" -v t="$cpu_ticks" -v hz="$(getconf CLK_TCK)" -v w="$BOOT_SECS" \
    'BEGIN{ printf "qemu %.2f cores, host load %.1f", (w > 0 ? t / hz / w : 0), (n > 0 ? s / n : 0) }')
  echo "boot $n: qemu exit $qrc after $BOOT_SECS s ($BOOT_HOST)"
  clean_log "$n"
}
# The nested machine is not fully stable (docs/xen.md, "Stability"): a boot that dies or hangs
# costs the stage it was in; the next boot runs the stages that have not finished.
pending=("${stages[@]}")
attempts="${XEN_TEST_ATTEMPTS:-3}"
for n in $(seq 1 "$attempts"); do
  [ ${#pending[@]} -gt 0 ] || break
  boot "$n" "$(IFS=+; echo "${pending[*]}")"   # ('+': QEMU splits -initrd at commas)
  still=(); outcome="completed"
  for s in "${pending[@]}"; do
    if grep -q "^@@ STAGE $s end " "$RUN/serial.$n.txt"; then
      [ -n "${checked[$s]:-}" ] || run_checks "$s" "$n" finished   # (ended as QEMU exited)
      continue
    fi
    still+=("$s")
    if grep -q "^@@ STAGE $s begin " "$RUN/serial.$n.txt"; then
      why=$(why_died "$RUN/serial.$n.txt" "$s")
      case "$why" in "@@ TIMEOUT"*) how="timed out";; "@@ STALLED"*) how="hung";; *) how="died";; esac
      outcome="$how in $s: $why"
      echo "boot $n $outcome"
    fi
  done
  if [ ${#still[@]} -gt 0 ] && [ "$outcome" = completed ]; then
    outcome="died before its first stage: $(why_died "$RUN/serial.$n.txt" "")"
    echo "boot $n $outcome"
  fi
  # every boot's outcome, kept across runs (docs/xen.md's stability table counts from it)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$CONFIG" "$(IFS=,; echo "${pending[*]}")" \
    "$(IFS=,; echo "${still[*]}")" "${BOOT_SECS}s $BOOT_HOST" "$outcome" >> "$OUT/boots.tsv"
  pending=("${still[@]}")
done
else
  n=$(ls "$RUN"/serial.*.log 2>/dev/null | sed -nE 's/.*serial\.([0-9]+)\.log$/\1/p' | sort -n | tail -1)
  [ -n "$n" ] || { echo "run.sh --check-only: no serial log in $RUN" >&2; exit 1; }
  for i in $(seq 1 "$n"); do
    [ -f "$RUN/serial.$i.log" ] || continue; clean_log "$i"
    for s in "${stages[@]}"; do
      [ -z "${checked[$s]:-}" ] && grep -q "^@@ STAGE $s end " "$RUN/serial.$i.txt" && run_checks "$s" "$i" finished
    done
  done
fi
# stages that never finished: checked on the last boot that began them (what they got to)
for s in "${stages[@]}"; do
  [ -n "${checked[$s]:-}" ] && continue
  last=$(grep -l "^@@ STAGE $s begin " "$RUN"/serial.*.txt 2>/dev/null | sed -nE 's/.*serial\.([0-9]+)\.txt$/\1/p' | sort -n | tail -1)
  if [ -n "$last" ]; then run_checks "$s" "$last" died
  else echo "=== stage $s: never began (the boots died before it) ==="; checked[$s]="- 0 1 never-began"; fi
done

echo "summary (stage: boot that gave its checks, passed, failed):"
total_pass=0; total_fail=0
for s in "${stages[@]}"; do
  read -r b p f how <<< "${checked[$s]}"
  printf '  %-10s boot %s  %3d passed %3d failed  (%s)\n' "$s" "$b" "$p" "$f" "$how"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
if [ "$check_only" = 0 ]; then
  echo "where the minutes went (wall clock from the start of run.sh):"
  echo "  build (build/xen/build.sh)    ${T_BUILD} s"
  echo "  prepare-dom0.sh               ${T_PREP} s"
  echo "  overlay + initrd (overlay.sh) ${T_OVERLAY} s"
  awk 'NR > 1 { printf "  %5d s  +%4d s  %s\n", $1, $1 - p, substr($0, index($0, " ") + 1) } { p = $1 }
       NR == 1 { printf "  %5d s           %s\n", $1, substr($0, index($0, " ") + 1) }' "$TIMING"
  echo "  first stage's checks printed at ${FIRST_CHECK:-never} s; all done at $(since) s"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
