#!/bin/sh
# `ordertrack detect` against real-format tracking numbers of every defined courier (the
# built-in ones and the data files of data/couriers/ and tests/data/couriers/), and `ordertrack
# map` of a courier defined as data. Usage: test_detect.sh ORDERTRACK DATA_COURIERS TEST_COURIERS
set -u
cli=$1 data=$2 testdata=$3
fails=0 passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # check WHAT COMMAND...
  what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
# detect NUMBER WANT_FIRST_LINE WANT_RC [FILE]
detect() {
  if [ -n "${4:-}" ]; then "$cli" detect "$1" --courier-file "$4" > "$tmp/out" 2> "$tmp/err"; rc=$?
  else "$cli" detect "$1" > "$tmp/out" 2> "$tmp/err"; rc=$?; fi
  check "detect $1: exit $rc, want $3 ($(cat "$tmp/err"))" [ "$rc" -eq "$3" ]
  check "detect $1: '$(head -n 1 "$tmp/out")', want '$2'" [ "$(head -n 1 "$tmp/out")" = "$2" ]
}
detect 1490811234567 "delhivery 60" 0                 # Delhivery waybill, 13 digits
detect 14908112345678 "delhivery 60" 0                # and 14
detect 220123456 "delhivery_b2b 30" 0                 # Delhivery B2B LR number
detect del_Aq3fN9dGx3Qm0WZk "uber 95" 0               # Uber Direct delivery id
detect EE123456785IN "india_post 95" 0 "$data/india_post.json"   # S10, check digit 5
detect EE123456784IN "unknown" 3 "$data/india_post.json"         # check digit wrong
detect AX123456782 "acme_express 90" 0 "$testdata/acme_express.json"  # mod 7
detect AX123456783 "unknown" 3 "$testdata/acme_express.json"
detect 1Z999AA10123456784 "unknown" 3                 # no definition of UPS
# a refused definition: exit 65 naming the file and the field
printf '{"format": 1, "name": "x", "statuses": [], "tracking_numbers": [{"pattern": "("}]}' \
  > "$tmp/bad.json"
"$cli" detect 1 --courier-file "$tmp/bad.json" > /dev/null 2> "$tmp/err"; rc=$?
check "bad definition: exit $rc" [ "$rc" -eq 65 ]
check "bad definition named: $(cat "$tmp/err")" grep -q "bad.json: tracking_numbers\[0\].pattern" "$tmp/err"
"$cli" detect > /dev/null 2>&1; rc=$?
check "detect without a number: exit $rc" [ "$rc" -eq 64 ]
# map: the run-time courier's table
out=$("$cli" map acme_express "Out for delivery" --courier-file "$testdata/acme_express.json")
check "map acme_express: '$out'" [ "$out" = "out_for_delivery" ]
out=$("$cli" map india_post "Item Delivered" --courier-file "$data/india_post.json")
check "map india_post: '$out'" [ "$out" = "delivered" ]
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
