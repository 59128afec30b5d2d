#!/bin/sh
# `ordertrack reconcile`: every finding class from a store filled through the tracker and an
# order-service export made from it, then changed: stuck (live orders a day past their
# picking budget), status_mismatch (parcel orders an operator cancelled while the courier
# still moves them), missing_here, missing_there, status_differs; each as a finding line and
# an ALERT data_inconsistency line, counted in --metrics-file; exit 4 with findings, 0 on a
# clean comparison; --repair leaves the classes that need a person alone; a bad export line
# is refused (65) naming the line. The courier class against the courier simulator
# (tests/sim/courier_sim.py over loopback): an order whose courier now reports it delivered is
# found (courier_differs) and, with --repair, brought up to date; a record an import left with
# a delivered shipment and an in-transit lifecycle is repaired; an AWB the courier does not
# know is counted, not a finding; the classes that need a person stay.
set -u
cli=$1
seed=$2
sim_py=$3
tmp=${TMPDIR:-/tmp}/ot-ops-reconcile.$$
mkdir -p "$tmp"
spid=
stop_sim() { [ -n "$spid" ] && exec 3>&- && wait "$spid" 2>/dev/null; spid=; }
trap 'stop_sim; rm -rf "$tmp"' EXIT
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
check "clean: only the two mismatches" contains "$out" "reconciled 34 orders: 2 findings (stuck 0, status_mismatch 2, missing_here 0, missing_there 0, status_differs 0, courier_differs 0)"

out=$("$cli" reconcile "sqlite:$db" --export "$tmp/export.jsonl" --now 2026-01-02T00:00:00Z \
      --metrics-file "$tmp/reconcile.prom" --page 9 2>"$tmp/err"); rc=$?
check "findings: exit 4" [ "$rc" -eq 4 ]
check "counts by class" contains "$out" "reconciled 34 orders: 15 findings (stuck 10, status_mismatch 2, missing_here 1, missing_there 1, status_differs 1, courier_differs 0), 0 repaired"
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

# the courier class: orders c-0..c-3 in transit at Delhivery (CAWB-0..3); the simulator says
# CAWB-0 was delivered, CAWB-1 is still in transit and does not know CAWB-3; c-2's record was
# left by an import with a delivered shipment and an in-transit lifecycle
cdb=$tmp/courier.db
check "seeded courier orders" [ "$("$seed" "sqlite:$cdb" 4 c 1767225600000 courier)" = 4 ]
/usr/bin/python3 - "$cdb" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(rec,) = db.execute("SELECT record FROM orders WHERE order_id = 'c-0000002'").fetchone()
o = json.loads(rec)
o["shipment_status"] = "delivered"
db.execute("UPDATE orders SET record = ? WHERE order_id = 'c-0000002'", (json.dumps(o),))
db.commit()
PY
cat > "$tmp/scenario.json" <<'EOF2'
{"awbs": {"CAWB-0": {"courier": "delhivery", "steps": ["DL/Delivered"]},
          "CAWB-1": {"courier": "delhivery", "steps": ["UD/In Transit"]}}}
EOF2
mkfifo "$tmp/sim.in"
/usr/bin/python3 "$sim_py" --scenario "$tmp/scenario.json" < "$tmp/sim.in" > "$tmp/sim.out" \
  2> "$tmp/sim.log" &
spid=$!
exec 3> "$tmp/sim.in"
for _ in $(seq 1 100); do [ -s "$tmp/sim.out" ] && break; sleep 0.05; done
sim=http://127.0.0.1:$(head -n 1 "$tmp/sim.out")
printf '{"couriers": {"delhivery": {"base_url": "%s", "token": "dl-key"}}}\n' "$sim" \
  > "$tmp/couriers.json"
status_of() { /usr/bin/python3 -c 'import json,sqlite3,sys
o = json.loads(sqlite3.connect(sys.argv[1]).execute(
    "SELECT record FROM orders WHERE order_id = ?", (sys.argv[2],)).fetchone()[0])
print(o["current_status"], o.get("shipment_status"))' "$cdb" "$1"; }

out=$("$cli" reconcile "sqlite:$cdb" --now 2026-01-01T00:01:00Z --couriers "$tmp/couriers.json" 2>"$tmp/err"); rc=$?
check "courier: exit 4" [ "$rc" -eq 4 ]
check "courier: counts" contains "$out" "reconciled 4 orders: 2 findings (stuck 0, status_mismatch 1, missing_here 0, missing_there 0, status_differs 0, courier_differs 1), 0 repaired"
check "courier: differs named" contains "$out" "finding: courier_differs: order c-0000000: shipment in transit here, delivered at delhivery (AWB CAWB-0"
check "courier: asked" contains "$out" "couriers: 3 orders asked, 1 without an answer"
check "courier: unknown AWB reported" contains "$(cat "$tmp/err")" "CAWB-3"
check "courier: alerts" [ "$(grep -c '^ALERT data_inconsistency: ' "$tmp/err")" -eq 2 ]
check "courier: nothing changed" [ "$(status_of c-0000000)" = "in_transit in transit" ]

# the repairs are writes with the store's rules, from ordertrackd's config file: its outbox
# (a subscription turns it on) records their outbound events; its HTTP limits are skipped
cat > "$tmp/ordertrackd.json" <<'EOF2'
{"storage": "sqlite:/elsewhere.db", "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "limits": {"max_body_bytes": 65536, "clock_skew_ms": 60000},
 "subscriptions": [{"url": "http://127.0.0.1:1/hook", "secret": "0123456789abcdef-secret"}]}
EOF2
outbox_of() { /usr/bin/python3 -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM ot_outbox WHERE order_id = ?", (sys.argv[2],)).fetchone()[0])' "$cdb" "$1"; }
printf '{"limits": {"clock_skew_ms": "soon"}}\n' > "$tmp/badrules.json"
"$cli" reconcile "sqlite:$cdb" --store-rules "$tmp/badrules.json" > /dev/null 2> "$tmp/err"; rc=$?
check "bad --store-rules: exit 2" [ "$rc" -eq 2 ]
check "bad --store-rules named" contains "$(cat "$tmp/err")" "limits.clock_skew_ms: must be an integer"
out=$("$cli" reconcile "sqlite:$cdb" --now 2026-01-01T00:01:00Z --couriers "$tmp/couriers.json" --repair --store-rules "$tmp/ordertrackd.json" 2>"$tmp/err"); rc=$?
check "repair: exit 0" [ "$rc" -eq 0 ]
check "repair: outbound events recorded (the store's outbox)" [ "$(outbox_of c-0000000)" -gt 0 ]
check "repair: outbound events of the mismatch" [ "$(outbox_of c-0000002)" -gt 0 ]
check "repair: both repaired" contains "$out" "2 findings (stuck 0, status_mismatch 1, missing_here 0, missing_there 0, status_differs 0, courier_differs 1), 2 repaired"
check "repair: lines" contains "$out" "repaired: order c-0000000"
check "repair: no alerts" [ "$(grep -c '^ALERT' "$tmp/err")" -eq 0 ]
check "repaired courier order" [ "$(status_of c-0000000)" = "delivered delivered" ]
check "repaired mismatch" [ "$(status_of c-0000002)" = "delivered delivered" ]
check "untouched order" [ "$(status_of c-0000001)" = "in_transit in transit" ]
out=$("$cli" reconcile "sqlite:$cdb" --now 2026-01-01T00:01:00Z --couriers "$tmp/couriers.json" 2>/dev/null); rc=$?
check "after repair: clean" [ "$rc" -eq 0 ]
check "after repair: one asked" contains "$out" "couriers: 2 orders asked, 1 without an answer"
printf '{"couriers": {"fedex": {}}}\n' > "$tmp/badc.json"
"$cli" reconcile "sqlite:$cdb" --couriers "$tmp/badc.json" >/dev/null 2>"$tmp/err"; rc=$?
check "bad couriers file: 65" [ "$rc" -eq 65 ]
check "bad couriers file named" contains "$(cat "$tmp/err")" "couriers.fedex: unknown courier"
stop_sim

printf '{"order_id":"a"}\n' > "$tmp/bad.jsonl"
"$cli" reconcile "sqlite:$db" --export "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
check "bad export: 65" [ "$rc" -eq 65 ]
check "bad export line named" contains "$(cat "$tmp/err")" "line 1"
"$cli" reconcile "sqlite:$db" --now yesterday >/dev/null 2>&1; rc=$?
check "bad --now: 64" [ "$rc" -eq 64 ]

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
