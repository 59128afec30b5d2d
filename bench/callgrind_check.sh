#!/bin/sh
# The instruction-count regression check (ctest label "perf"): runs the fixed work of
# bench_core and bench_webhook under callgrind, counting only the measured functions
# (--toggle-collect), and fails when a count grew by more than 10 % over
# bench/callgrind_baseline.txt. Instruction counts do not depend on the machine's load, so the
# check is stable on a shared machine; they do depend on the compiler and the libraries
# (jansson, OpenSSL), so refresh the baseline (--update) when those change, with a line in
# the commit saying why.
# Usage: callgrind_check.sh BENCH_CORE BENCH_WEBHOOK BASELINE [--history BENCH_HISTORY]
#        [--update]
#   --history: also one status commit on an order of 1,000 history entries (bench_history
#   --callgrind), whose count must not grow with the history (issue 24)
set -eu
core=$1 webhook=$2 baseline=$3
shift 3
update= history=
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=--update ;;
    --history) history=${2:?--history needs the bench_history program}; shift ;;
    *) echo "callgrind_check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
tol=10   # percent

command -v valgrind >/dev/null 2>&1 || { echo "callgrind_check: valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count NAME FUNCTION CMD...: Ir inside FUNCTION (inclusive) for CMD under callgrind.
count() {
  name=$1 fn=$2; shift 2
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="$fn" \
    --callgrind-out-file="$tmp/$name.out" "$@" > "$tmp/$name.log" 2>&1 \
    || { cat "$tmp/$name.log" >&2; echo "callgrind_check: $name failed" >&2; exit 1; }
  sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/$name.out" | head -n 1
}

# The fixed work: 2,000 rounds of mapping + accepted transition checks; 100 Uber ingests.
# (The baseline holds per-round and per-ingest figures, so these counts may change without
# invalidating it.)
core_rounds=2000
webhook_n=100
core_ir=$(count core cg_core_run "$core" --iterations "$core_rounds")
core_ops=$(sed -n 's/^ops //p' "$tmp/core.log")
webhook_ir=$(count webhook cg_webhook_ingest "$webhook" --iterations "$webhook_n")
[ -n "$core_ir" ] && [ -n "$core_ops" ] && [ -n "$webhook_ir" ] \
  || { echo "callgrind_check: no counts" >&2; exit 1; }
core_per=$((core_ir / core_rounds))
webhook_per=$((webhook_ir / webhook_n))
history_ir=
if [ -n "$history" ]; then
  history_ir=$(count history cg_history_commit "$history" --callgrind)
  [ -n "$history_ir" ] || { echo "callgrind_check: no history count" >&2; exit 1; }
fi

if [ "$update" = "--update" ]; then
  cat > "$baseline" <<TXT
# Callgrind instruction counts (Ir) per round of bench_core (13 mappings + every accepted
# transition check: $((core_ops / core_rounds)) operations) and per Uber webhook ingest, written by
# bench/callgrind_check.sh --update.
# The perf ctest fails when one grows by more than $tol %. Compiler: $(${CC:-cc} --version 2>/dev/null | head -n 1)
core_ir_per_round $core_per
webhook_ingest_ir_per_op $webhook_per
TXT
  [ -z "$history_ir" ] || printf '%s\n' \
    "# One status commit (ot_tracker_set_status, memory store) on an order of 1,000 history" \
    "# entries, after a first one (bench_history --callgrind)." \
    "history_commit_1000_ir $history_ir" >> "$baseline"
  echo "callgrind_check: baseline written: core $core_per Ir/round ($core_ops ops in $core_rounds rounds), webhook ingest $webhook_per Ir/op"
  exit 0
fi

fail=0
check() {
  key=$1 got=$2
  want=$(awk -v k="$key" '$1 == k { print $2 }' "$baseline")
  [ -n "$want" ] || { echo "callgrind_check: $key missing from $baseline" >&2; fail=1; return; }
  limit=$((want + want * tol / 100))
  pct=$(awk -v g="$got" -v w="$want" 'BEGIN { printf "%+.1f", (g - w) * 100 / w }')
  if [ "$got" -gt "$limit" ]; then
    echo "FAIL $key: $got Ir, baseline $want ($pct %, limit +$tol %)"
    fail=1
  else
    echo "ok   $key: $got Ir, baseline $want ($pct %)"
  fi
}
check core_ir_per_round "$core_per"
check webhook_ingest_ir_per_op "$webhook_per"
[ -z "$history_ir" ] || check history_commit_1000_ir "$history_ir"
exit $fail
