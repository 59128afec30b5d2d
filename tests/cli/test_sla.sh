#!/bin/sh
# `ordertrack sla FILE [--now RFC3339]`: the report of an order document (the stages of its
# kind: hyperlocal or parcel), refused files (exit 65, naming the file and the field) and
# usage errors (exit 64).
set -u
cli=$1
data=$2
doc=$data/order_picking.json
tmp=${TMPDIR:-/tmp}/ot-cli-sla.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
check() { # check NAME CONDITION...
  name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}
contains() { case $1 in *"$2"*) return 0 ;; *) return 1 ;; esac; }

# The order was notified at 06:40:02.000, acknowledged at 06:44:02.000 (240 s: a warning
# of the 300 s allowance) and started picking then; at 07:00:00 picking has run 958 s.
out=$("$cli" sla "$doc" --now 2026-11-23T07:00:00Z 2>"$tmp/err"); rc=$?
check "report exits 0" [ "$rc" -eq 0 ]
check "store_acknowledgment in warning" contains "$out" \
  '{"stage":"store_acknowledgment","started_at":"2026-11-23T06:40:02.000Z","finished_at":"2026-11-23T06:44:02.000Z","elapsed_ms":240000,"allowed_ms":300000,"state":"warning"}'
check "picking running" contains "$out" '"stage":"picking","started_at":"2026-11-23T06:44:02.000Z","finished_at":null,"elapsed_ms":958000'
check "worst state" contains "$out" '"state":"warning","evaluated_at":"2026-11-23T07:00:00.000Z"}'
check "hyperlocal: no courier stages" [ "$(printf '%s' "$out" | grep -c no_scan)" -eq 0 ]
# the same instant with an offset; picking breached 1 ms past its 1200 s
out=$("$cli" sla "$doc" --now=2026-11-23T12:30:00+05:30); rc=$?
check "offset --now" contains "$out" '"evaluated_at":"2026-11-23T07:00:00.000Z"'
out=$("$cli" sla "$doc" --now 2026-11-23T07:04:02.001Z)
check "picking breached" contains "$out" '"elapsed_ms":1200001,"allowed_ms":1200000,"state":"breached"'
out=$("$cli" sla "$doc" --now 2026-11-23T07:04:02.000Z)
check "picking at its allowance is a warning" contains "$out" '"elapsed_ms":1200000,"allowed_ms":1200000,"state":"warning"'
check "no delivery stage before the pickup" [ "$(printf '%s' "$out" | grep -c '"delivery"')" -eq 0 ]

# A parcel shipment (velocity, no ETA): in transit from 18:17:40, in NDR since 19:17:40 (its
# last scan). Only the parcel stages; 48 h + 1 ms after the last scan no_scan is breached.
out=$("$cli" sla "$data/order_parcel.json" --now 2026-12-06T19:17:40.001Z); rc=$?
check "parcel report exits 0" [ "$rc" -eq 0 ]
check "parcel: only no_scan and ndr_age" [ "$out" = '{"stages":[{"stage":"no_scan","started_at":"2026-12-04T19:17:40.000Z","finished_at":null,"elapsed_ms":172800001,"allowed_ms":172800000,"state":"breached"},{"stage":"ndr_age","started_at":"2026-12-04T19:17:40.000Z","finished_at":null,"elapsed_ms":172800001,"allowed_ms":259200000,"state":"ok"}],"state":"breached","evaluated_at":"2026-12-06T19:17:40.001Z"}' ]
# Delivered without an ETA and never in NDR: no delivery stage, no ndr_age, no store stage.
out=$("$cli" sla "$data/order_parcel_delivered.json" --now 2026-12-10T00:00:00Z)
check "delivered parcel: no_scan only" [ "$out" = '{"stages":[{"stage":"no_scan","started_at":"2026-12-04T20:17:40.000Z","finished_at":"2026-12-04T20:17:40.000Z","elapsed_ms":0,"allowed_ms":172800000,"state":"ok"}],"state":"ok","evaluated_at":"2026-12-10T00:00:00.000Z"}' ]

# refused files: exit 65, the file and the field named
"$cli" sla "$tmp/missing.json" 2>"$tmp/err" >/dev/null; rc=$?
check "missing file exits 65" [ "$rc" -eq 65 ]
check "missing file named" contains "$(cat "$tmp/err")" "$tmp/missing.json"
sed 's/"current_status":"picking_in_progress"/"current_status":"teleported"/' "$doc" \
  > "$tmp/bad.json"
"$cli" sla "$tmp/bad.json" 2>"$tmp/err" >/dev/null; rc=$?
check "bad field exits 65" [ "$rc" -eq 65 ]
check "bad field named" contains "$(cat "$tmp/err")" "$tmp/bad.json: field current_status"
printf '{"order_id":' > "$tmp/trunc.json"
"$cli" sla "$tmp/trunc.json" 2>"$tmp/err" >/dev/null; rc=$?
check "bad JSON exits 65" [ "$rc" -eq 65 ]
check "bad JSON file named" contains "$(cat "$tmp/err")" "$tmp/trunc.json"

# usage errors: exit 64
for args in "sla" "sla $doc $doc" "sla $doc --now" "sla $doc --now 2026-13-01T00:00:00Z" \
            "sla $doc --now 2026-11-23" "sla $doc --frobnicate"; do
  # shellcheck disable=SC2086
  "$cli" $args >/dev/null 2>&1; rc=$?
  check "usage: ordertrack $args -> 64" [ "$rc" -eq 64 ]
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
