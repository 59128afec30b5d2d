#!/bin/sh
# ordertrackd end to end: the escalation ladder of the library, with short times from the
# config (limits.store_ack_escalation_ms, limits.no_driver_escalation_attempts, the sla
# block's store_acknowledgment_ms). An order left in store_notified gets two Slack messages of
# increasing severity at a local receiver (tests/e2e/receiver.py as Slack): the timeout alert
# (high), then the escalation (critical), each once, in that order, and two store_ack_timeout
# issues; an order without a driver escalates at the second no-driver attempt, once; bad
# values of the new members are refused naming them.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

rpid=
stop_receiver() { [ -n "$rpid" ] && kill -TERM "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null; rpid=; }
trap 'stop_receiver; cleanup' EXIT

python3 "$(dirname "$0")/receiver.py" "$tmp/rport" "$tmp/received" &
rpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport" 2>/dev/null)
if [ -z "$rport" ]; then echo "FAIL: the webhook receiver did not start" >&2; exit 1; fi

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
  "limits": {"store_ack_sweep_ms": 50, "sla_sweep_ms": 86400000,
             "store_ack_escalation_ms": 1500, "no_driver_escalation_attempts": 2},
  "sla": {"store_acknowledgment_ms": 300},
  "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/slack/T000/B000/secret"}
}
JSON
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

status() {
  expect 200 "status $1 -> $2" -X PUT -H "$A" -H "$J" -d "{\"status\":\"$2\",\"updated_by\":\"e2e\"}" \
    "$base/tracking/orders/$1/status"
}
# count PATTERN: lines of the receiver's log matching
count() { grep -c -- "$1" "$tmp/received" 2>/dev/null || true; }
# wait_for PATTERN: 0 once a line matches (up to 10 s)
wait_for() {
  for _ in $(seq 1 200); do [ "$(count "$1")" -gt 0 ] && return 0; sleep 0.05; done
  return 1
}
ALERT='Timeout alert, severity high (store_ack_timeout).*e-1'
ESC='Escalation, severity critical (store_ack_timeout).*e-1'

start main --config "$tmp/config.json"

# ---- the store-acknowledgment ladder ----
expect 201 "init e-1" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"c-1","delivery_provider":"internal"}' \
  "$base/tracking/orders/e-1/init"
status e-1 store_notified
if wait_for "$ALERT"; then ok; else bad "no level 1 Slack message: $(cat "$tmp/received" 2>/dev/null)"; fi
if [ "$(count "$ESC")" -eq 0 ]; then ok; else bad "escalated before store_ack_escalation_ms"; fi
if wait_for "$ESC"; then ok; else bad "no level 2 Slack message: $(cat "$tmp/received" 2>/dev/null)"; fi
sleep 0.5                                   # ten more sweeps: nothing more
if [ "$(count "$ALERT")" -eq 1 ] && [ "$(count "$ESC")" -eq 1 ]; then ok
else bad "not once each: $(count "$ALERT") alerts, $(count "$ESC") escalations"; fi
first_alert=$(grep -n -- "$ALERT" "$tmp/received" | head -1 | cut -d: -f1)
first_esc=$(grep -n -- "$ESC" "$tmp/received" | head -1 | cut -d: -f1)
if [ "$first_alert" -lt "$first_esc" ]; then ok; else bad "escalation before the alert"; fi
if grep -- "$ESC" "$tmp/received" | grep -q '"path": "/slack/T000/B000/secret"'; then ok
else bad "escalation not posted to the Slack URL"; fi
expect 200 "order e-1" -H "$A" "$base/tracking/orders/e-1"
jq_is '[.issues[] | select(.issue_type == "store_ack_timeout") | .severity] | join(",")' high,critical \
  "two store_ack_timeout issues"
jq_is '.current_status' store_notified "still waiting"

# ---- no driver: the second attempt escalates, once ----
expect 201 "init e-2" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"c-2","delivery_provider":"internal"}' \
  "$base/tracking/orders/e-2/init"
for s in store_notified store_acknowledged picking_in_progress ready_for_pickup; do status e-2 $s; done
expect 202 "no driver 1" -X POST -H "$A" -H "$J" -d '{"driver":null}' "$base/tracking/delivery/e-2/assign"
sleep 0.3
if [ "$(count 'no_drivers.*e-2')" -eq 0 ]; then ok; else bad "attempt 1 escalated"; fi
expect 202 "no driver 2" -X POST -H "$A" -H "$J" -d '{"driver":null}' "$base/tracking/delivery/e-2/assign"
if wait_for 'Escalation, severity critical (no_drivers).*e-2'; then ok
else bad "no escalation at attempt 2: $(cat "$tmp/received" 2>/dev/null)"; fi
expect 202 "no driver 3" -X POST -H "$A" -H "$J" -d '{"driver":null}' "$base/tracking/delivery/e-2/assign"
sleep 0.3
if [ "$(count 'no_drivers.*e-2')" -eq 1 ]; then ok; else bad "no_drivers escalated $(count 'no_drivers.*e-2') times"; fi
expect 200 "order e-2" -H "$A" "$base/tracking/orders/e-2"
jq_is '[.issues[] | select(.issue_type == "no_drivers") | .severity] | join(",")' medium,medium,critical,medium \
  "no_drivers issues"

stop
stop_receiver

# ---- the new limits members: refused out of range, naming them ----
sed 's/"no_driver_escalation_attempts": 2/"no_driver_escalation_attempts": 1001/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "limits.no_driver_escalation_attempts" "$tmp/bad.log"; then ok
else bad "bad no_driver_escalation_attempts: exit $rc: $(cat "$tmp/bad.log")"; fi
sed 's/"store_ack_escalation_ms": 1500/"store_ack_escalation_ms": -1/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "limits.store_ack_escalation_ms" "$tmp/bad.log"; then ok
else bad "bad store_ack_escalation_ms: exit $rc: $(cat "$tmp/bad.log")"; fi

echo "ordertrackd escalation e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
