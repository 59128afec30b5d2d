#!/bin/sh
# ordertrack-poller beside ordertrackd, deployed as a user would: one SQLite store, the
# daemon with the outbox on and a signed webhook subscription (tests/e2e/receiver.py), the
# poller with the same store rules (`outbox`, `limits`) in its own file. A polled courier
# scan is an outbound event the daemon's relay delivers; the poller's limits.clock_skew_ms
# is the one applied to the scans it writes (the courier's clock runs two hours ahead: past
# the default 5 minutes, inside the configured day, so the scan times stay as the courier
# wrote them).
# Usage: poller_outbox.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM
set -u
bin=$1
poller=$2
sim=$3
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
sim_pid=; rpid=
finish() {
  kill -KILL $sim_pid 2>/dev/null
  [ -n "$rpid" ] && kill -TERM "$rpid" 2>/dev/null
  exec 3>&-
  cleanup
}
trap finish EXIT

# The courier's clock: two hours ahead of now, in IST as the couriers write it.
ahead=$(/usr/bin/python3 -c 'import datetime as d; print((d.datetime.utcnow() + d.timedelta(hours=7, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S"))')
cat > "$tmp/scenario.json" <<JSON
{"credentials": {"delhivery": {"token": "dl-key"}}, "base_time": "$ahead",
 "awbs": {"AWB-1": {"courier": "delhivery", "steps": ["UD/In Transit", "UD/Dispatched"]}}}
JSON
start_sim "$sim" "$tmp/scenario.json"

/usr/bin/python3 "$(dirname "$0")/receiver.py" "$tmp/rport" "$tmp/received" &
rpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport")

cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "limits": {"clock_skew_ms": 86400000},
 "outbox": {"tail_ms": 100, "backoff_base_ms": 100, "poll_interval_ms": 50},
 "subscriptions": [{"url": "http://127.0.0.1:$rport/hook", "secret": "0123456789abcdef-secret",
                    "event_types": ["order.shipment_status_changed"]}]}
JSON
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
auth="Authorization: Bearer admin-key-012345"
expect 201 "init o-1" -X POST "$base/tracking/orders/o-1/init" -H "$auth" \
  -d '{"store_id":"s","customer_id":"c","delivery_provider":"delhivery","delivery_tracking_id":"AWB-1"}'

cat > "$tmp/p.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "outbox": {}, "limits": {"clock_skew_ms": 86400000},
 "couriers": {"delhivery": {"base_url": "http://127.0.0.1:$sim_port", "token": "dl-key"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *"}]}
JSON
"$poller" --config "$tmp/p.json" --once > "$tmp/run.out" 2> "$tmp/run.log"; rc=$?
[ "$rc" -eq 0 ] && ok || bad "poll: exit $rc: $(cat "$tmp/run.log")"
expect 200 "o-1 after the poll" "$base/tracking/orders/o-1" -H "$auth"
jq_is .shipment_status "in transit" "o-1 shipment (Delhivery's own words)"

# The daemon's relay delivers the poller's write: a signed shipment event for o-1.
got=
for _ in $(seq 1 100); do
  if [ -s "$tmp/received" ] && got=$(jq -r 'select(.path == "/hook") | .body | fromjson
       | select(.order_id == "o-1" and .type == "order.shipment_status_changed"
                and .data.to == "in transit") | .data.to' "$tmp/received" | head -n 1) && [ -n "$got" ]; then break; fi
  sleep 0.1
done
[ "$got" = "in transit" ] && ok || bad "no shipment event for the polled scan: $(cat "$tmp/received" 2>/dev/null)"
jq -e 'select(.path == "/hook") | .headers | to_entries | map(.key | ascii_downcase)
       | index("x-ordertrack-signature")' "$tmp/received" > /dev/null \
  && ok || bad "the delivered event is not signed: $(head -n 1 "$tmp/received")"

# limits.clock_skew_ms of the poller's file: the scan times were kept, not clamped to now.
expect 200 "o-1 history" "$base/tracking/orders/o-1/history" -H "$auth"
if jq -e '[.status_history[].metadata.ot | select(.event == "courier_update")]
          | length > 0 and all(.data | has("time_clamped_from") | not)' "$tmp/b" > /dev/null; then ok
else bad "poller scan times clamped (limits.clock_skew_ms ignored?): $(cat "$tmp/b")"; fi
stop
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
