#!/bin/sh
# `ordertrack archive` killed (SIGKILL) at random points and run again until it completes:
# nothing lost, nothing duplicated. A store of 600 orders (200 delivered, 200 cancelled, 200
# live) archived before a cut-off in chunks of 7: at the end the store holds exactly the 200
# live orders, every archived order has a tombstone naming its chunk, the MANIFEST's chunks
# hold 400 orders, and restoring every chunk into an empty store gives 400 distinct orders
# (none present twice), each verified (hash chain and projection), which `verify` confirms.
# Then `restore` into the original store drops the tombstones; a tampered chunk is refused.
set -u
cli=$1
seed=$2
tmp=${TMPDIR:-/tmp}/ot-ops-archive.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
check() { # check NAME CONDITION...
  name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}
contains() { case $1 in *"$2"*) return 0 ;; *) return 1 ;; esac; }
sql() { /usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"; }
db=$tmp/store.db
arch=$tmp/archive

check "seeded" [ "$("$seed" "sqlite:$db" 600 a)" = 600 ]
# nothing older than the cut-off (the orders are from 2026-01-01): nothing moves
out=$("$cli" archive "sqlite:$db" --before 2025-12-31 --to "$arch" --batch 7); rc=$?
check "nothing to archive exits 0" [ "$rc" -eq 0 ]
check "nothing archived" contains "$out" "archived 0 orders in 0 chunks"

kills=0
done_ok=0
attempt=0
while [ $attempt -lt 60 ] && [ $done_ok -eq 0 ]; do
  attempt=$((attempt + 1))
  "$cli" archive "sqlite:$db" --before 2027-01-01 --to "$arch" --batch 7 >"$tmp/out" 2>&1 &
  pid=$!
  # a random point: 0..79 ms in, more as the run gets shorter
  ms=$(/usr/bin/python3 -c 'import random; print(random.randint(0, 79))')
  sleep "0.0$(printf '%02d' "$ms")"
  if kill -KILL "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
  else
    wait "$pid"; rc=$?
    [ "$rc" -eq 0 ] && done_ok=1
  fi
done
# one last, unkilled run finishes whatever the last kill left
"$cli" archive "sqlite:$db" --before 2027-01-01 --to "$arch" --batch 7 >"$tmp/out" 2>&1; rc=$?
check "final run exits 0" [ "$rc" -eq 0 ]
check "at least one run was killed" [ "$kills" -ge 1 ]
echo "archive: $kills runs killed"
check "the live orders stay" [ "$(sql "$db" 'SELECT count(*) FROM orders')" -eq 200 ]
check "no terminal order stays" [ "$(sql "$db" 'SELECT count(*) FROM orders WHERE current_status IN (11,12,13)')" -eq 0 ]
check "no events of archived orders" [ "$(sql "$db" 'SELECT count(DISTINCT order_id) FROM events')" -eq 200 ]
check "a tombstone per archived order" [ "$(sql "$db" 'SELECT count(*) FROM archived')" -eq 400 ]
check "tombstones name chunks" [ "$(sql "$db" "SELECT count(*) FROM archived WHERE archived_to LIKE '%/chunk-%.jsonl.zst'")" -eq 400 ]
total=$(awk '$1 == "written" { n += $3 } END { print n }' "$arch/MANIFEST")
check "MANIFEST counts 400 orders" [ "$total" -eq 400 ]
check "every chunk done" [ "$(grep -c '^written' "$arch/MANIFEST")" -eq "$(grep -c '^done' "$arch/MANIFEST" | tr -d ' ')" ] || true
check "no stray files" [ "$(ls "$arch" | grep -vc -e '^MANIFEST$' -e '^chunk-[0-9]*\.jsonl\.zst$')" -eq 0 ]

# every chunk into an empty store: 400 distinct orders, none twice, all verified
fresh=$tmp/fresh.db
restored=0
present=0
for f in "$arch"/chunk-*.jsonl.zst; do
  out=$("$cli" restore "sqlite:$fresh" "$f"); rc=$?
  [ "$rc" -eq 0 ] || { echo "restore $f: $rc $out" >&2; fails=$((fails + 1)); }
  n=$(printf '%s\n' "$out" | sed -n 's/^restored \([0-9]*\) orders.*(\([0-9]*\) already present.*/\1 \2/p')
  restored=$((restored + ${n% *}))
  present=$((present + ${n#* }))
done
check "400 orders restored" [ "$restored" -eq 400 ]
check "none archived twice" [ "$present" -eq 0 ]
out=$("$cli" verify "sqlite:$fresh"); rc=$?
check "restored store verifies" [ "$rc" -eq 0 ]
check "restored count" contains "$out" "verified 400 orders: 0 findings"

# back into the live store: the tombstones of those orders go
first=$(ls "$arch"/chunk-*.jsonl.zst | head -n 1)
n1=$(awk -v f="$(basename "$first")" '$1 == "written" && $2 == f { print $3 }' "$arch/MANIFEST")
out=$("$cli" restore "sqlite:$db" "$first"); rc=$?
check "restore into the live store" [ "$rc" -eq 0 ]
check "its orders back" [ "$(sql "$db" 'SELECT count(*) FROM orders')" -eq $((200 + n1)) ]
check "their tombstones dropped" [ "$(sql "$db" 'SELECT count(*) FROM archived')" -eq $((400 - n1)) ]
out=$("$cli" restore "sqlite:$db" "$first"); rc=$?
check "a second restore changes nothing" contains "$out" "restored 0 orders"

# a chunk changed after it was written fails its checksum (65)
cp "$first" "$arch/chunk-copy.jsonl.zst"
printf 'x' >> "$first"
"$cli" restore "sqlite:$fresh" "$first" >/dev/null 2>"$tmp/err"; rc=$?
check "tampered chunk refused" [ "$rc" -eq 65 ]
check "checksum named" contains "$(cat "$tmp/err")" "checksum"

"$cli" archive "sqlite:$db" --to "$arch" >/dev/null 2>&1; rc=$?
check "no --before: 64" [ "$rc" -eq 64 ]
"$cli" archive "sqlite:$db" --before yesterday --to "$arch" >/dev/null 2>&1; rc=$?
check "bad --before: 64" [ "$rc" -eq 64 ]

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
