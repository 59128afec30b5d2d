#!/bin/sh
# `ordertrack reconcile`: every finding class from a store filled through the tracker and an
# order-service export made from it, then changed: stuck (live orders a day past their
# picking budget), status_mismatch (parcel orders an operator cancelled while the courier
# still moves them), missing_here, missing_there, status_differs; each as a finding line and
# an ALERT data_inconsistency line, counted in --metrics-file; exit 4 with findings, 0 on a
# clean comparison; --repair leaves the classes that need a person alone; a bad export line
# is refused (65) naming the line.
set -u
cli=$1
seed=$2
tmp=${TMPDIR:-/tmp}/ot-ops-reconcile.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
check() { # check NAME CONDITION...
  name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}
contains() { case $1 in *"$2"*) return 0 ;; *) return 1 ;; esac; }
db=$tmp/store.db

check "seeded" [ "$("$seed" "sqlite:$db" 30 v)" = 30 ]
check "seeded parcels" [ "$("$seed" "sqlite:$db" 4 p 1767225600000 parcel)" = 4 ]
# the export as the order service would write it: every order with its status
/usr/bin/python3 - "$db" "$tmp/export.jsonl" "$tmp/clean.jsonl" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [json.loads(r) for (r,) in db.execute("SELECT record FROM orders ORDER BY order_id")]
lines = [{"order_id": o["order_id"], "store_id": o["store_id"], "status": o["current_status"]}
         for o in rows]
with open(sys.argv[3], "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
with open(sys.argv[2], "w") as f:
    for l in lines:
        if l["order_id"] == "v-0000005":
            continue                        # missing there
        if l["order_id"] == "v-0000003":
            l["status"] = "submitted"       # differs
        f.write(json.dumps(l) + "\n")
    f.write(json.dumps({"order_id": "x-1", "store_id": "store-9", "status": "submitted"}) + "\n")
PY

# a clean comparison the minute after the seed: nothing to say
out=$("$cli" reconcile "sqlite:$db" --export "$tmp/clean.jsonl" --now 2026-01-01T00:00:30Z 2>"$tmp/err"); rc=$?
check "clean: exit 4 only for the mismatches" [ "$rc" -eq 4 ]
check "clean: only the two mismatches" contains "$out" "reconciled 34 orders: 2 findings (stuck 0, status_mismatch 2, missing_here 0, missing_there 0, status_differs 0)"

out=$("$cli" reconcile "sqlite:$db" --export "$tmp/export.jsonl" --now 2026-01-02T00:00:00Z \
      --metrics-file "$tmp/reconcile.prom" --page 9 2>"$tmp/err"); rc=$?
check "findings: exit 4" [ "$rc" -eq 4 ]
check "counts by class" contains "$out" "reconciled 34 orders: 15 findings (stuck 10, status_mismatch 2, missing_here 1, missing_there 1, status_differs 1), 0 repaired"
check "stuck named" contains "$out" "finding: stuck: order v-0000002: picking_in_progress for longer than its SLA budget"
check "mismatch named" contains "$out" "finding: status_mismatch: order p-0000000: lifecycle cancelled but shipment in transit"
check "missing here" contains "$out" "finding: missing_here: order x-1: in the order-service export (store store-9)"
check "missing there" contains "$out" "finding: missing_there: order v-0000005"
check "differs" contains "$out" "finding: status_differs: order v-0000003: delivered here, submitted in the export"
check "alerts on stderr" [ "$(grep -c '^ALERT data_inconsistency: ' "$tmp/err")" -eq 15 ]
check "metrics file" grep -q '^ordertrack_reconcile_findings{class="stuck"} 10$' "$tmp/reconcile.prom"
check "metrics orders" grep -q '^ordertrack_reconcile_orders 34$' "$tmp/reconcile.prom"

out=$("$cli" reconcile "sqlite:$db" --export "$tmp/export.jsonl" --now 2026-01-02T00:00:00Z --repair 2>/dev/null); rc=$?
check "--repair: nothing safe to repair, exit 4" [ "$rc" -eq 4 ]
check "--repair changed nothing" contains "$out" "15 findings"
check "--repair left cancelled orders alone" contains "$("$cli" verify "sqlite:$db")" "verified 34 orders: 0 findings"

printf '{"order_id":"a"}\n' > "$tmp/bad.jsonl"
"$cli" reconcile "sqlite:$db" --export "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
check "bad export: 65" [ "$rc" -eq 65 ]
check "bad export line named" contains "$(cat "$tmp/err")" "line 1"
"$cli" reconcile "sqlite:$db" --now yesterday >/dev/null 2>&1; rc=$?
check "bad --now: 64" [ "$rc" -eq 64 ]

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
