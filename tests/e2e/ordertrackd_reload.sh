#!/bin/sh
# ordertrackd end to end: SIGHUP reloads the config file. The real daemon is driven through
# its file: an API key, a limit (max_body_bytes), a webhook secret, an SLA policy and an alert
# target (the Slack URL, on tests/e2e/receiver.py) are changed by rewriting the file and
# sending SIGHUP; a request in flight finishes on the config it started with; a setting read
# only at start-up is logged as "needs restart"; an invalid file keeps the running config and
# logs why, naming the member; reloads are counted in ordertrackd_config_reloads_total;
# SIGHUP does not stop the daemon, SIGTERM does (exit 0). Usage: ordertrackd_reload.sh BIN
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

rpid=
trap 'if [ -n "$rpid" ]; then kill -TERM "$rpid" 2>/dev/null; fi; cleanup' EXIT
python3 "$(dirname "$0")/receiver.py" "$tmp/rport" "$tmp/received" &
rpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport" 2>/dev/null)
if [ -z "$rport" ]; then echo "FAIL: the webhook receiver did not start" >&2; exit 1; fi

# config KEY VELOCITY_SECRET MAX_BODY SLA_MS SLACK_PATH THREADS: write the config file.
config() {
  cat > "$tmp/config.json.new" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "$1", "role": "admin", "id": "ops"}],
  "webhooks": {"velocity": {"api_key": "$2"}},
  "limits": {"max_body_bytes": $3, "threads": $6},
  "sla": {"store_acknowledgment_ms": $4},
  "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/slack/$5"}
}
JSON
  mv "$tmp/config.json.new" "$tmp/config.json"
}
# reload N: SIGHUP, then wait until the log shows N reload outcomes in all.
reload() {
  kill -HUP "$pid"
  for _ in $(seq 1 100); do
    [ "$(grep -Ec 'config (reloaded|reload refused)' "$log")" -ge "$1" ] && return 0
    sleep 0.05
  done
  bad "reload $1: no outcome logged: $(tail -n 3 "$log")"
}
received() {
  for _ in $(seq 1 100); do
    grep -q -- "$1" "$tmp/received" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
metric() {
  got=$(grep -F "$1 " "$tmp/b" | sed 's/.* //')
  if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is '$got', want $2"; fi
}
J="Content-Type: application/json"
OLD="Authorization: Bearer old-admin-key-0001"
NEW="Authorization: Bearer new-admin-key-0002"
init() { # init AUTH ORDER [PROVIDER TRACKING]
  expect 201 "init $2" -X POST -H "$1" -H "$J" \
    -d "{\"store_id\":\"s-1\",\"customer_id\":\"c-1\",\"delivery_provider\":\"${3:-internal}\"${4:+,\"delivery_tracking_id\":\"$4\"}}" \
    "$base/tracking/orders/$2/init"
}
cancel() { # cancel AUTH ORDER
  expect 200 "cancel $2" -X PUT -H "$1" -H "$J" -d '{"status":"cancelled","updated_by":"e2e"}' \
    "$base/tracking/orders/$2/status"
}
velocity() { # velocity WANT SECRET EVENT
  cat > "$tmp/vel.json" <<V
{"event":"status_change","event_id":"evt-$3","event_timestamp":"2026-03-02T12:34:56Z",
 "data":{"shipment_id":"SHP-1","tracking_number":"VEL-1","order_id":"VO-1",
         "order_external_id":"o-v","status":"in_transit","shipment_type":"forward"}}
V
  expect "$1" "velocity webhook with secret $2" -X POST -H "X-API-Key: $2" \
    --data-binary @"$tmp/vel.json" "$base/tracking/webhooks/velocity"
}
head -c 2000 /dev/zero | tr '\0' 'x' > "$tmp/big"

config old-admin-key-0001 vel-old-secret 1024 300000 old 2
start main --config "$tmp/config.json"

# ---- the first config ----
init "$OLD" o-1
init "$OLD" o-v velocity VEL-1
expect 200 "sla before" -H "$OLD" "$base/tracking/orders/o-1/sla"
jq_is '.stages[0].allowed_ms' 300000 "SLA policy of the first config"
expect 413 "body over the first limit" -X POST -H "$OLD" -H "$J" --data-binary @"$tmp/big" \
  "$base/tracking/orders/o-9/init"
velocity 200 vel-old-secret 1
init "$OLD" o-2
cancel "$OLD" o-2
if received '"path": "/slack/old".*o-2'; then ok
else bad "no alert at the first target: $(cat "$tmp/received" 2>/dev/null)"; fi

# ---- a request in flight across a reload finishes on the config it started with: its
# body trickles in (about 2.5 s) with the old key, which the reload removes ----
head -c 1000 /dev/zero | tr '\0' 'y' > "$tmp/slow"
curl -s -o "$tmp/slow.out" -w '%{http_code}' --limit-rate 400 -X POST -H "$OLD" \
  --data-binary @"$tmp/slow" "$base/tracking/orders/o-8/init" > "$tmp/slow.code" &
curl_pid=$!
sleep 1

# ---- reload: every reloadable part changed, and limits.threads (needs a restart) ----
config new-admin-key-0002 vel-new-secret 65536 1000 new 3
reload 1
if grep -q 'info ordertrackd: config reloaded generation=2' "$log"; then ok
else bad "reload not logged: $(tail -n 3 "$log")"; fi
if grep -q 'warn ordertrackd: config reload: needs restart.* member=limits.threads' "$log"; then ok
else bad "limits.threads change not reported as needing a restart: $(tail -n 3 "$log")"; fi
wait "$curl_pid"
if [ "$(cat "$tmp/slow.code")" = 400 ]; then ok
else bad "in-flight request across the reload: $(cat "$tmp/slow.code") $(cat "$tmp/slow.out")"; fi

expect 401 "old key after reload" -H "$OLD" "$base/tracking/orders/o-1"
expect 200 "new key after reload" -H "$NEW" "$base/tracking/orders/o-1"
expect 200 "sla after" -H "$NEW" "$base/tracking/orders/o-1/sla"
jq_is '.stages[0].allowed_ms' 1000 "SLA policy of the reloaded config"
expect 400 "body under the new limit" -X POST -H "$NEW" -H "$J" --data-binary @"$tmp/big" \
  "$base/tracking/orders/o-9/init"
velocity 401 vel-old-secret 2
velocity 200 vel-new-secret 3
init "$NEW" o-3
cancel "$NEW" o-3
if received '"path": "/slack/new".*o-3'; then ok
else bad "no alert at the new target: $(cat "$tmp/received" 2>/dev/null)"; fi
if grep -q '"path": "/slack/old".*o-3' "$tmp/received"; then bad "alert sent to the old target"
else ok; fi

# ---- an invalid file: the running config stays, the reason names the member ----
sed 's/"role": "admin"/"role": "boss"/' "$tmp/config.json" > "$tmp/bad.json"
mv "$tmp/bad.json" "$tmp/config.json"
reload 2
if grep -q 'error ordertrackd: config reload refused: the running config stays.*config.json: api_keys\[0\].role: unknown role' "$log"; then ok
else bad "refused reload not logged with the member: $(tail -n 3 "$log")"; fi
expect 200 "new key after a refused reload" -H "$NEW" "$base/tracking/orders/o-1"
expect 401 "old key after a refused reload" -H "$OLD" "$base/tracking/orders/o-1"
printf '{"api_keys": [' > "$tmp/config.json"           # not JSON at all
reload 3
expect 200 "new key after unparsable file" -H "$NEW" "$base/tracking/orders/o-1"
# a file the config loader accepts but the library's SLA loader refuses
config other-admin-key-0003 vel-new-secret 65536 -5 new 3
reload 4
if grep -q 'error ordertrackd: sla.store_acknowledgment_ms: ' "$log"; then ok
else bad "refused SLA policy not logged with the member: $(tail -n 3 "$log")"; fi
expect 200 "new key after a refused SLA policy" -H "$NEW" "$base/tracking/orders/o-1"
expect 401 "key of the refused file" -H "Authorization: Bearer other-admin-key-0003" \
  "$base/tracking/orders/o-1"

expect 200 metrics -H "$NEW" "$base/metrics"
metric 'ordertrackd_config_reloads_total{result="ok"}' 1 "reloads counted"
metric 'ordertrackd_config_reloads_total{result="error"}' 3 "refused reloads counted"
if kill -0 "$pid" 2>/dev/null; then ok; else bad "SIGHUP stopped the daemon"; fi
if [ -s "$tmp/stdout" ]; then bad "stdout is not empty: $(head -n 2 "$tmp/stdout")"; else ok; fi
stop

echo "ordertrackd_reload: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
