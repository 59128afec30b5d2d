#!/bin/sh
# `ordertrack check`: output and exit status for legal, illegal, stale and usage errors.
set -u
cli=$1
fails=0
passes=0
expect() { # expect EXIT STDOUT -- ARGS...
  want_rc=$1; want_out=$2; shift 3
  out=$("$cli" "$@" 2>/dev/null); rc=$?
  if [ "$rc" -ne "$want_rc" ] || [ "$out" != "$want_out" ]; then
    echo "FAIL: ordertrack $* -> exit $rc, \"$out\" (want $want_rc, \"$want_out\")" >&2
    fails=$((fails + 1))
  else
    passes=$((passes + 1))
  fi
}
expect 0 legal -- check submitted store_notified
expect 0 legal -- check submitted store_notified --source api
expect 1 illegal -- check submitted delivered
expect 0 legal -- check ready_for_pickup in_transit --source courier
expect 2 stale -- check delivered in_transit --source courier
expect 2 stale -- check in_transit in_transit
expect 1 illegal -- check delivered cancelled
expect 0 legal -- check "in transit" out_for_delivery
expect 0 legal -- check pending delivered --source=courier
expect 2 stale -- check delivered "in transit" --source courier
expect 1 illegal -- check rto_delivered delivered --source courier
expect 64 "" -- check submitted
expect 64 "" -- check a b c
expect 64 "" -- check submitted teleported
expect 64 "" -- check submitted "in transit"
expect 64 "" -- check submitted store_notified --source carrier
expect 64 "" -- check submitted store_notified --source
expect 64 "" -- frobnicate
expect 64 "" --
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
