#!/bin/sh
# `ordertrack map`: every documented status of every provider (tests/data/courier/
# map_cases.tsv), each also in upper case, in lower case padded with white space, in snake
# case and with runs of white space inside; Shiprocket ids and their words agree; unknowns
# exit 3; usage errors 64; --overrides. Usage: test_map.sh CLI DATA_DIR
set -u
cli=$1
data=$2
fails=0
passes=0
tab=$(printf '\t')

check() { # check WANT_RC WANT_OUT ARGS...
  want_rc=$1; want_out=$2; shift 2
  out=$("$cli" "$@" 2>/dev/null); rc=$?
  if [ "$rc" -ne "$want_rc" ] || [ "$out" != "$want_out" ]; then
    echo "FAIL: ordertrack $* -> exit $rc, \"$out\" (want $want_rc, \"$want_out\")" >&2
    fails=$((fails + 1))
  else
    passes=$((passes + 1))
  fi
}

# map_case PROVIDER RAW TYPE CODE EXPECTED FLAGS (TYPE, CODE, FLAGS "-" when absent)
map_case() {
  p=$1; raw=$2; type=$3; code=$4; want=$5; flags=$6
  set -- map "$p" "$raw"
  [ "$type" = - ] || set -- "$@" --type "$type"
  [ "$code" = - ] || set -- "$@" --code "$code"
  if [ "$want" = unknown ]; then
    rc=3; out=unknown
  else
    rc=0; out=$want
    [ "$flags" = - ] || out=$(printf '%s\nflags: %s' "$want" "$flags")
  fi
  check "$rc" "$out" "$@"
}

while IFS=$tab read -r p raw type code want flags; do
  case $p in '#'*|'') continue ;; esac
  map_case "$p" "$raw" "$type" "$code" "$want" "$flags"
  upper=$(printf '%s' "$raw" | tr '[:lower:]' '[:upper:]')
  lower=$(printf '%s' "$raw" | tr '[:upper:]' '[:lower:]')
  map_case "$p" "$upper" "$type" "$code" "$want" "$flags"
  map_case "$p" "  $lower$tab " "$type" "$code" "$want" "$flags"
  snake=$(printf '%s' "$raw" | tr ' ' '_')
  spread=$(printf '%s' "$raw" | sed "s/ /  $tab /g")
  map_case "$p" "$snake" "$type" "$code" "$want" "$flags"
  map_case "$p" "$spread" "$type" "$code" "$want" "$flags"
done < "$data/map_cases.tsv"

# Shiprocket: each id and its status words give the same answer, in any case and spacing.
agree() { # agree ID WORDS
  id_out=$("$cli" map shiprocket "$1" 2>/dev/null); id_rc=$?
  upper=$(printf '%s' "$2" | tr '[:lower:]' '[:upper:]')
  lower=$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')
  check "$id_rc" "$id_out" map shiprocket "$2"
  check "$id_rc" "$id_out" map shiprocket "$upper"
  check "$id_rc" "$id_out" map shiprocket " $lower "
}
agree 7 "Delivered"
agree 17 "Out For Delivery"
agree 10 "RTO Delivered"
agree 9 "RTO Initiated"
agree 18 "In Transit"
agree 46 "RTO In Transit"
agree 46 "RTO IN INTRANSIT"
agree 23 "Partial_Delivered"
agree 25 "Damaged"
agree 42 "Picked Up"
agree 47 "QC Failed"
check 0 "out_for_delivery" map shiprocket " Out  For${tab}Delivery "
check 0 "out_for_delivery" map shiprocket OUT_FOR_DELIVERY
check 0 "out_for_delivery" map velocity "Out For Delivery"
check 0 "out_for_delivery" map delhivery "DISPATCHED" --type " ud "
check 3 "unknown" map shiprocket "Out-For-Delivery"

# Usage errors.
check 64 "" map
check 64 "" map delhivery
check 64 "" map delhivery a b
check 64 "" map fedex delivered
check 64 "" map internal delivered
check 64 "" map delhivery Pending --type
check 64 "" map delhivery Pending --colour red
# Overrides: an extension, a replacement, and a refused file (exit 65).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/ok.json" <<'JSON'
{
  "version": 1,
  "mappings": [
    {"provider": "velocity", "raw": "rto_cancelled", "status": "in transit"},
    {"provider": "uber", "raw": "pickup", "status": "ready_for_pickup"}
  ]
}
JSON
cat > "$tmp/bad.json" <<'JSON'
{
  "version": 1,
  "mappings": [
    {"provider": "velocity", "raw": "x", "status": "teleported"}
  ]
}
JSON
check 0 "in transit" map velocity rto_cancelled --overrides "$tmp/ok.json"
check 0 "ready_for_pickup" map uber PICKUP --overrides="$tmp/ok.json"
check 0 "delivered" map uber delivered --overrides "$tmp/ok.json"
check 65 "" map velocity x --overrides "$tmp/bad.json"
check 65 "" map velocity x --overrides "$tmp/missing.json"
err=$("$cli" map velocity x --overrides "$tmp/bad.json" 2>&1 >/dev/null)
case $err in
  *bad.json:4:*status*) passes=$((passes + 1)) ;;
  *) echo "FAIL: refused override file message lacks line and field: $err" >&2
     fails=$((fails + 1)) ;;
esac
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
