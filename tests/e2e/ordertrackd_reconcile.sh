#!/bin/sh
# The scheduled reconcile (the `reconcile` block) of two ordertrackd instances on one SQLite
# store, each every second, with the courier simulator (tests/sim/courier_sim.py) as
# Delhivery and tests/e2e/receiver.py as Slack:
# - a parcel order the courier reports delivered while the store holds it pending is found
#   (courier_differs) and an order whose status the order-service export contradicts
#   (status_differs): each reaches Slack once as a data_inconsistency alert, across runs and
#   instances (the finding is recorded in the order as an open data_inconsistency issue);
# - an order only in the export (missing_here) is counted and logged, not alerted (no order
#   holds its mark: operations.md);
# - /metrics counts the findings (ordertrack_reconcile_findings_total{class});
# - a bad block is refused at start naming the member.
set -u
bin=$1
sim_py=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
rpid=
spid=
bpid=
stop_all() {
  [ -n "$bpid" ] && kill -KILL "$bpid" 2>/dev/null
  [ -n "$rpid" ] && kill -TERM "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
  [ -n "$spid" ] && exec 3>&- && wait "$spid" 2>/dev/null
  bpid=; rpid=; spid=
}
trap 'stop_all; cleanup' EXIT

python3 "$(dirname "$0")/receiver.py" "$tmp/rport" "$tmp/received" &
rpid=$!
cat > "$tmp/scenario.json" <<'JSON'
{"awbs": {"E2E-AWB-1": {"courier": "delhivery", "steps": ["DL/Delivered"]}}}
JSON
mkfifo "$tmp/sim.in"
/usr/bin/python3 "$sim_py" --scenario "$tmp/scenario.json" < "$tmp/sim.in" > "$tmp/sim.out" \
  2> "$tmp/sim.log" &
spid=$!
exec 3> "$tmp/sim.in"
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && [ -s "$tmp/sim.out" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport" 2>/dev/null)
sim=http://127.0.0.1:$(head -n 1 "$tmp/sim.out")
[ -n "$rport" ] || { echo "FAIL: the webhook receiver did not start" >&2; exit 1; }

printf '%s\n' '{"order_id": "r-1", "store_id": "store-1", "status": "submitted"}' \
  '{"order_id": "r-2", "store_id": "store-1", "status": "delivered"}' \
  '{"order_id": "r-9", "store_id": "store-1", "status": "submitted"}' > "$tmp/export.jsonl"
config() { # config FILE REPAIR: the daemons' config
  cat > "$1" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
  "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/slack/T000/B000/secret"},
  "reconcile": {"interval_s": 1, "export": "$tmp/export.jsonl", "repair": $2,
                "couriers": {"delhivery": {"base_url": "$sim", "token": "dl-key"}}}
}
JSON
}
config "$tmp/a.json" false
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

# refused blocks name the member
for bad_block in '{"interval_s": 0}' '{"export": "x"}' '{"interval_s": 5, "repair": 1}' \
                 '{"interval_s": 5, "couriers": {"fedex": {}}}' '{"interval_s": 5, "every": 1}'; do
  sed "s|\"reconcile\": {.*|\"reconcile\": $bad_block|; /\"couriers\": {\"delhivery\"/d" \
    "$tmp/a.json" > "$tmp/bad.json"
  "$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
  if [ "$rc" -eq 2 ] && grep -q 'reconcile\.' "$tmp/bad.log"; then ok
  else bad "reconcile $bad_block: exit $rc: $(cat "$tmp/bad.log")"; fi
done

start a --config "$tmp/a.json"
# r-1: a Delhivery order still pending here, delivered at the courier; r-2: in the export
# as delivered, submitted here; r-9 (export only): missing here
expect 201 "init r-1" -X POST -H "$A" -H "$J" -d '{"store_id":"store-1","customer_id":"c-1",
  "delivery_provider":"delhivery","delivery_tracking_id":"E2E-AWB-1"}' \
  "$base/tracking/orders/r-1/init"
expect 201 "init r-2" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"c-1","delivery_provider":"internal"}' \
  "$base/tracking/orders/r-2/init"
# the second instance, on the same store
"$bin" --config "$tmp/a.json" > /dev/null 2> "$tmp/b.log" &
bpid=$!

# wait for both instances' runs to see the findings (several runs each)
for _ in $(seq 1 100); do
  n=$(grep -c 'Data inconsistency' "$tmp/received" 2>/dev/null)
  [ "${n:-0}" -ge 2 ] && [ "$(grep -c '"msg":"reconcile"\|ordertrackd: reconcile orders=' "$tmp/b.log")" -ge 2 ] && break
  sleep 0.1
done
sleep 2.5     # more runs of both: nothing more may reach Slack
got() { grep -c "$1" "$tmp/received" 2>/dev/null || true; }
[ "$(got 'courier_differs')" = 1 ] && ok || bad "courier_differs alerts: $(got courier_differs), want 1: $(cat "$tmp/received" 2>/dev/null)"
[ "$(got 'status_differs')" = 1 ] && ok || bad "status_differs alerts: $(got status_differs), want 1"
[ "$(got 'missing_here')" = 0 ] && ok || bad "missing_here alerted"
[ "$(got 'missing_there')" = 0 ] && ok || bad "missing_there alerted"
grep 'courier_differs' "$tmp/received" | grep -q 'E2E-AWB-1' && ok || bad "the alert lacks the AWB"
grep -q 'missing_here' "$log" && ok || bad "missing_here not logged"
expect 200 "r-1" -H "$A" "$base/tracking/orders/r-1"
jq_is '[.issues[] | select(.issue_type == "data_inconsistency")] | length' 1 "one open issue"
jq_is '.issues[0].description | startswith("courier_differs: ")' true "the issue names the class"
jq_is .shipment_status pending "not repaired without repair"
expect 200 "metrics" -H "$A" "$base/metrics"
v=$(sed -n 's/^ordertrack_reconcile_findings_total{class="courier_differs"} \([0-9.e+]*\)$/\1/p' "$tmp/b")
[ -n "$v" ] && [ "${v%%.*}" -ge 1 ] && ok || bad "metric courier_differs: '$v'"
grep -q '^ordertrack_reconcile_findings_total{class="missing_here"} [1-9]' "$tmp/b" && ok \
  || bad "metric missing_here"
kill -TERM "$bpid"; wait "$bpid"; bpid=
stop

# restart-only: a changed block is reported by a reload, the running one stays
config "$tmp/a.json" true
start a --config "$tmp/a.json"
for _ in $(seq 1 100); do
  [ "$(curl -s -H "$A" "$base/tracking/orders/r-1" | jq -r .shipment_status)" = delivered ] && break
  sleep 0.1
done
expect 200 "r-1 repaired" -H "$A" "$base/tracking/orders/r-1"
jq_is .shipment_status delivered "repair applied the courier's state"
config "$tmp/a.json" false
kill -HUP "$pid"
for _ in $(seq 1 50); do grep -q 'needs restart' "$log" && break; sleep 0.1; done
grep 'needs restart' "$log" | grep -q reconcile && ok || bad "reload: reconcile not named: $(cat "$log")"
stop

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
