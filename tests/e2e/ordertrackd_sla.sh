#!/bin/sh
# ordertrackd end to end: the library's SLA report and sweep, the tracker's metrics and the
# `alerts` block. A store acknowledgment over a tiny allowance reads `breached` on /sla; the
# SLA sweep (tiny limits.sla_sweep_ms) notifies it once, counted in
# ordertrack_sla_breaches_total; a cancelled order, the SLA breach and an RTO reach a local
# webhook receiver (tests/e2e/receiver.py on 127.0.0.1) as Slack and RTO webhook messages;
# alerts.email: an e-mail report after the SLA sweep that found something (to
# tests/e2e/smtp_receiver.py), none while nothing happens; the alerts block refuses unknown
# fields (exit 2, the field named); SIGTERM stops cleanly.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

rpid=
spid=
stop_receiver() {
  for p in $rpid $spid; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rpid=; spid=
}
trap 'stop_receiver; cleanup' EXIT

python3 "$(dirname "$0")/receiver.py" "$tmp/rport" "$tmp/received" &
rpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport" 2>/dev/null)
if [ -z "$rport" ]; then echo "FAIL: the webhook receiver did not start" >&2; exit 1; fi
python3 "$(dirname "$0")/smtp_receiver.py" "$tmp/sport" "$tmp/mails" &
spid=$!
for _ in $(seq 1 100); do [ -s "$tmp/sport" ] && break; sleep 0.05; done
sport=$(cat "$tmp/sport" 2>/dev/null)
if [ -z "$sport" ]; then echo "FAIL: the SMTP receiver did not start" >&2; exit 1; fi

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
  "webhooks": {"velocity": {"api_key": "vel-key"}},
  "limits": {"store_ack_sweep_ms": 100, "sla_sweep_ms": 100},
  "sla": {"store_acknowledgment_ms": 300},
  "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/slack/T000/B000/secret",
             "rto_webhook_url": "http://127.0.0.1:$rport/crm/rto",
             "email": {"smtp_url": "smtp://127.0.0.1:$sport", "from": "a@example.com",
                       "to": ["ops@example.com"]}}
}
JSON
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

init() {
  expect 201 "init $1" -X POST -H "$A" -H "$J" \
    -d "{\"store_id\":\"store-1\",\"customer_id\":\"c-1\",\"delivery_provider\":\"${2:-internal}\"${3:+,\"delivery_tracking_id\":\"$3\"}}" \
    "$base/tracking/orders/$1/init"
}
status() {
  expect 200 "status $1 -> $2" -X PUT -H "$A" -H "$J" -d "{\"status\":\"$2\",\"updated_by\":\"e2e\"}" \
    "$base/tracking/orders/$1/status"
}
# metric SERIES WANT NAME: the value of one series of the last /metrics body.
metric() {
  got=$(grep -F "$1 " "$tmp/b" | sed 's/.* //')
  if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is '$got', want $2"; fi
}
# received PATTERN: 0 once a line of the receiver's log matches (waits up to 5 s).
received() {
  for _ in $(seq 1 100); do
    grep -q -- "$1" "$tmp/received" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# mails: the number of e-mails received so far
mails() { if [ -f "$tmp/mails" ]; then wc -l < "$tmp/mails" | tr -d ' '; else echo 0; fi; }

start main --config "$tmp/config.json"
sleep 0.4
if [ "$(mails)" -eq 0 ]; then ok; else bad "a report while nothing happened: $(cat "$tmp/mails")"; fi

# ---- /sla from the library: the store acknowledgment over its 300 ms ----
init o-1
status o-1 store_notified
expect 200 "sla running" -H "$A" "$base/tracking/orders/o-1/sla"
jq_is '.stages[0].stage' store_acknowledgment "sla first stage"
jq_is '.stages[0].allowed_ms' 300 "sla allowance from the config"
jq_is '.stages[0].finished_at' null "sla running stage"
sleep 0.6
expect 200 "sla breached" -H "$A" "$base/tracking/orders/o-1/sla"
jq_is '.stages[] | select(.stage == "store_acknowledgment") | .state' breached "sla breached"
jq_is '.state' breached "sla worst state"
jq_is '.stages[0].elapsed_ms > 300' true "sla elapsed"
jq_is '.evaluated_at | test("^[0-9-]+T[0-9:.]+Z$")' true "sla evaluated_at"
expect 404 "sla unknown order" -H "$A" "$base/tracking/orders/nope/sla"

# ---- the SLA sweep: notified once, counted by the tracker ----
sleep 0.5
expect 200 metrics -H "$A" "$base/metrics"
metric 'ordertrack_sla_breaches_total{stage="store_acknowledgment"}' 1 "sweep breach counted"
expect 200 "history" -H "$A" "$base/tracking/orders/o-1/history"
jq_is '[.status_history[] | select(.metadata.ot.event == "sla_notified") | .metadata.ot.data.state] | index("breached") != null' \
  true "sla_notified recorded"
sleep 0.4
expect 200 metrics -H "$A" "$base/metrics"
metric 'ordertrack_sla_breaches_total{stage="store_acknowledgment"}' 1 "breach notified once"
metric 'ordertrack_transitions_total{status="store_notified"}' 1 "transition counted once"
if received '"path": "/slack/T000/B000/secret".*SLA breach (store_acknowledgment).*o-1'; then ok
else bad "no Slack message for the SLA breach: $(cat "$tmp/received" 2>/dev/null)"; fi
for _ in $(seq 1 100); do grep -q 'SLA breach (store_acknowledgment)' "$tmp/mails" 2>/dev/null && break; sleep 0.05; done
if grep -q 'SLA breach (store_acknowledgment): order o-1' "$tmp/mails" 2>/dev/null \
   && grep -q '"to": \["<ops@example.com>"\]' "$tmp/mails"; then ok
else bad "no e-mail report of the SLA breach: $(cat "$tmp/mails" 2>/dev/null)"; fi
n_mails=$(mails)
sleep 0.5                                       # five quiet sweeps: no report
if [ "$(mails)" -eq "$n_mails" ]; then ok; else bad "reports without alerts: $(mails) > $n_mails"; fi
expect 200 "store_ack_timeout" -H "$A" "$base/tracking/orders/o-1"
jq_is '[.issues[] | select(.issue_type == "store_ack_timeout")] | length' 1 "store-ack sweep still runs"

# ---- an alert delivered when an order is cancelled ----
init o-2
status o-2 cancelled
if received 'Order alert (cancelled).*o-2'; then ok
else bad "no Slack message for the cancellation: $(cat "$tmp/received" 2>/dev/null)"; fi
expect 200 metrics -H "$A" "$base/metrics"
metric 'ordertrack_transitions_total{status="cancelled"}' 1 "cancellation counted once"

# ---- RTO: the CRM webhook, with the courier and AWB looked up ----
init o-3 velocity VEL-RTO-1
for s in in_transit rto_initiated; do
  cat > "$tmp/vel.json" <<V
{"event":"status_change","event_id":"evt-$s","event_timestamp":"2026-03-02T12:34:56Z",
 "data":{"shipment_id":"SHP-1","tracking_number":"VEL-RTO-1","order_id":"VO-1",
         "order_external_id":"o-3","status":"$s","shipment_type":"forward"}}
V
  expect 200 "velocity $s" -X POST -H 'X-API-Key: vel-key' --data-binary @"$tmp/vel.json" \
    "$base/tracking/webhooks/velocity"
  jq_is .applied 1 "velocity $s applied"
done
if received '"path": "/crm/rto".*rto_started.*o-3.*VEL-RTO-1'; then ok
else bad "no RTO webhook: $(cat "$tmp/received" 2>/dev/null)"; fi
if grep '"path": "/crm/rto"' "$tmp/received" | grep -q '\\"courier\\":\\"velocity\\"'; then ok
else bad "RTO webhook lacks the courier: $(grep crm "$tmp/received")"; fi
expect 200 metrics -H "$A" "$base/metrics"
metric 'ordertrack_courier_updates_total{provider="velocity",result="applied"}' 2 "courier updates counted by the tracker"
if grep -q "secret" "$log"; then bad "the Slack URL leaked into the log"; else ok; fi

stop
stop_receiver

# ---- the alerts block: unknown fields refused, naming the field ----
sed 's/"rto_webhook_url"/"rto_url"/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad.json: alerts.rto_url: unknown field" "$tmp/bad.log" \
   && ! grep -q listening "$tmp/bad.log"; then ok
else bad "unknown alerts field: exit $rc: $(cat "$tmp/bad.log")"; fi
sed 's/"from": "a@example.com"/"from": "a@example.com", "cc": []/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "alerts.email.cc: unknown field" "$tmp/bad.log"; then ok
else bad "unknown alerts.email field: exit $rc: $(cat "$tmp/bad.log")"; fi
sed 's#"http://127.0.0.1:[0-9]*/slack#"ftp://127.0.0.1/slack#' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "alerts.slack_webhook_url: must be an http" "$tmp/bad.log"; then ok
else bad "bad alerts URL: exit $rc: $(cat "$tmp/bad.log")"; fi
sed 's/"sla_sweep_ms": 100/"sla_sweep_ms": 0/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "limits.sla_sweep_ms" "$tmp/bad.log"; then ok
else bad "bad sla_sweep_ms: exit $rc: $(cat "$tmp/bad.log")"; fi

echo "ordertrackd SLA and alerts e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
