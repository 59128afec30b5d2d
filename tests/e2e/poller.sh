#!/bin/sh
# ordertrack-poller end to end: a courier simulator on 127.0.0.1, ordertrackd on SQLite for
# creating and reading orders, and the poller's --once runs against the same file; bad
# configurations stop with exit 2 naming the field; usage errors exit 64.
# Usage: poller.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM
set -u
bin=$1
poller=$2
sim=$3
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
sim_pid=
trap 'kill -KILL $sim_pid $pid 2>/dev/null; exec 3>&-; rm -rf "$tmp"' EXIT

cat > "$tmp/scenario.json" <<JSON
{"credentials": {"delhivery": {"token": "dl-key"},
                 "shiprocket": {"email": "ops@example.com", "password": "pw"}},
 "awbs": {"AWB-1": {"courier": "delhivery",
                    "steps": ["UD/In Transit", "UD/Dispatched", "DL/Delivered"]},
          "AWB-2": {"courier": "delhivery", "steps": ["UD/In Transit", "RT/In Transit"]},
          "SR-1": {"courier": "shiprocket", "steps": [18, 17, 7]}}}
JSON
start_sim "$sim" "$tmp/scenario.json"

cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-012345", "role": "admin"}]}
JSON
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
auth="Authorization: Bearer admin-key-012345"
for o in "o-1 delhivery AWB-1" "o-2 delhivery AWB-2" "o-3 shiprocket SR-1"; do
  set -- $o
  expect 201 "init $1" -X POST "$base/tracking/orders/$1/init" -H "$auth" \
    -d "{\"store_id\":\"s\",\"customer_id\":\"c\",\"delivery_provider\":\"$2\",\"delivery_tracking_id\":\"$3\"}"
done

cat > "$tmp/p.json" <<JSON
{"storage": "sqlite:$tmp/ot.db",
 "couriers": {"delhivery": {"base_url": "http://127.0.0.1:$sim_port", "token": "dl-key"},
              "shiprocket": {"base_url": "http://127.0.0.1:$sim_port", "email": "ops@example.com",
                             "password": "pw"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *", "workers": 4},
              {"name": "sr", "courier": "shiprocket", "schedule": "*/8 * * * *"}]}
JSON
for round in 1 2 3; do
  "$poller" --config "$tmp/p.json" --once > "$tmp/run$round.out" 2> "$tmp/run$round.log"; rc=$?
  if [ "$rc" -eq 0 ]; then ok; else bad "poll round $round: exit $rc: $(cat "$tmp/run$round.log")"; fi
done
if [ "$(grep -c '"result":"ok"' "$tmp/run1.out")" -eq 2 ]; then ok
else bad "two tracker summaries expected: $(cat "$tmp/run1.out")"; fi
expect 200 "o-1 after polls" "$base/tracking/orders/o-1" -H "$auth"
jq_is .shipment_status delivered "o-1 shipment"
jq_is .current_status delivered "o-1 lifecycle"
expect 200 "o-2 after polls" "$base/tracking/orders/o-2" -H "$auth"
jq_is .shipment_status rto "o-2 shipment (return started)"
expect 200 "o-3 after polls" "$base/tracking/orders/o-3" -H "$auth"
jq_is .shipment_status delivered "o-3 shipment"
# A fourth run changes nothing: every scan was applied once.
"$poller" --config "$tmp/p.json" --once --tracker b2c > "$tmp/run4.out" 2>&1
if grep -q '"changed":0' "$tmp/run4.out"; then ok; else bad "re-poll changed: $(cat "$tmp/run4.out")"; fi
expect 200 "o-1 history" "$base/tracking/orders/o-1/history" -H "$auth"
jq_is '.status_history | length' 4 "o-1 history has one entry per scan"

# Refused configurations and usage.
printf '{"storage": "memory:", "couriers": {"delhivery": {"base_url": "http://x"}}}' > "$tmp/bad.json"
"$poller" --config "$tmp/bad.json" --once > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "couriers.delhivery.token" "$tmp/bad.log"; then ok
else bad "bad config: exit $rc: $(cat "$tmp/bad.log")"; fi
"$poller" --config "$tmp/p.json" --once --tracker nope > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q 'no tracker named "nope"' "$tmp/bad.log"; then ok
else bad "unknown tracker: exit $rc"; fi
"$poller" --config "$tmp/p.json" --once --log-level loud > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 64 ] && grep -q -- "--log-level: 'loud' is not debug" "$tmp/bad.log"; then ok
else bad "unknown log level: exit $rc: $(cat "$tmp/bad.log")"; fi
# --log-format json: every stderr line a JSON entry; stdout keeps the run lines only
"$poller" --config "$tmp/p.json" --once --tracker sr --log-format json --log-level debug \
  > "$tmp/json.out" 2> "$tmp/json.log"; rc=$?
if jq -e '.tracker == "sr"' "$tmp/json.out" > /dev/null \
   && { [ ! -s "$tmp/json.log" ] || jq -e 'has("time") and has("level") and has("msg")' "$tmp/json.log" > /dev/null; }; then ok
else bad "JSON log format: exit $rc: $(head -n 3 "$tmp/json.out" "$tmp/json.log")"; fi
"$poller" --once > /dev/null 2>&1; rc=$?
if [ "$rc" -eq 64 ]; then ok; else bad "usage: exit $rc"; fi
# A courier that does not answer fails the run (exit 1), nothing else.
sed "s/127.0.0.1:$sim_port/127.0.0.1:1/g" "$tmp/p.json" > "$tmp/down.json"
"$poller" --config "$tmp/down.json" --once --tracker b2c > "$tmp/down.out" 2>&1; rc=$?
if [ "$rc" -eq 1 ] || ! grep -q '"orders":[1-9]' "$tmp/down.out"; then ok
else bad "courier down: exit $rc: $(cat "$tmp/down.out")"; fi

# Scheduled mode: runs at start-up, stops on SIGTERM with exit 0.
"$poller" --config "$tmp/p.json" > "$tmp/sched.out" 2> "$tmp/sched.log" &
ppid_=$!
for _ in $(seq 1 100); do grep -q '"tracker"' "$tmp/sched.out" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$ppid_"; wait "$ppid_"; rc=$?
if [ "$rc" -eq 0 ] && grep -q "stopped" "$tmp/sched.log"; then ok
else bad "scheduled mode: exit $rc: $(cat "$tmp/sched.log")"; fi
stop
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
