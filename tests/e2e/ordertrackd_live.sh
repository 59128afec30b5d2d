#!/bin/sh
# ordertrackd end to end, issue 16's live side: location updates streamed on the order's
# event stream (`event: location`, no id, coalesced to one per limits.location_event_ms, the
# latest position winning) from the location route, Uber courier updates and DoorDash
# webhooks; failed authentications limited per source address (guessed keys and forged
# webhooks answered 429 after limits.auth_failure_burst, an honest key or partner from the
# same address still served, the metrics counting both).
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
data=$(dirname "$0")/../data/courier

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [
    {"key": "admin-key-012345", "role": "admin"},
    {"key": "store-1-key-0123", "role": "store", "stores": ["store-1"]},
    {"key": "courier-key-0123", "role": "courier"}
  ],
  "webhooks": {"uber": {"signing_key": "uber-signing-key"},
               "doordash": {"authorization": "Basic dd-key"}},
  "limits": {"location_event_ms": 1000, "auth_failures_per_minute": 6,
             "auth_failure_burst": 5, "auth_failure_sources": 64}
}
JSON
A="Authorization: Bearer admin-key-012345"
S1="Authorization: Bearer store-1-key-0123"
C="Authorization: Bearer courier-key-0123"
J="Content-Type: application/json"

start main --config "$tmp/config.json"

# ready ORDER PROVIDER: a new order of store-1 driven to ready_for_pickup.
ready() {
  expect 201 "init $1" -X POST -H "$A" -H "$J" \
    -d "{\"store_id\":\"store-1\",\"customer_id\":\"cust-1\",\"delivery_provider\":\"$2\"}" \
    "$base/tracking/orders/$1/init"
  expect 200 "notify $1" -X PUT -H "$A" -H "$J" \
    -d '{"status":"store_notified","updated_by":"e2e"}' "$base/tracking/orders/$1/status"
  for step in acknowledge start-picking ready; do
    expect 200 "$step $1" -X POST -H "$S1" -H "$J" -d "{\"order_id\":\"$1\"}" \
      "$base/tracking/store/store-1/$step"
  done
}
# stream ORDER FILE [HEADER...]: follow ORDER's events into FILE (background, pid in $spid).
stream() {
  o=$1; f=$2; shift 2
  curl -s -N --max-time 30 -H "$S1" "$@" "$base/tracking/orders/$o/events" > "$f" &
  spid=$!
  sleep 0.3
}
# wait_for FILE PATTERN NAME: within 5 s, FILE has a line matching PATTERN.
wait_for() {
  for _ in $(seq 1 50); do grep -q -- "$2" "$1" && { ok; return; }; sleep 0.1; done
  bad "$3: no '$2' in: $(cat "$1")"
}
# locations FILE: the data lines of FILE's location events.
locations() { awk '/^event: location$/ { getline; print }' "$1"; }
# wait_loc FILE LATITUDE NAME: within 5 s, FILE has a location event at LATITUDE.
wait_loc() {
  for _ in $(seq 1 50); do
    locations "$1" | sed 's/^data: //' | jq -r .driver_location.latitude | grep -qx -- "$2" \
      && { ok; return; }
    sleep 0.1
  done
  bad "$3: no location event at latitude $2 in: $(cat "$1")"
}
# ts SECONDS_AGO: an RFC 3339 time.
ts() { date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%SZ; }

# ---- location route: 20 reports in about 200 ms, coalesced ----
ready o-1 internal
expect 200 "assign o-1" -X POST -H "$C" -H "$J" \
  -d '{"driver":{"driver_id":"d-1","name":"Ana","phone":"+15550100","vehicle_type":"bike"}}' \
  "$base/tracking/delivery/o-1/assign"
stream o-1 "$tmp/sse1"
if [ -z "$(locations "$tmp/sse1")" ]; then ok; else bad "location event before any location"; fi
t0=$(date +%s%3N)
i=1
while [ "$i" -le 20 ]; do
  lat=$(printf '12.%03d' $((900 + i)))
  curl -s -o /dev/null -X PUT -H "$C" -H "$J" \
    -d "{\"latitude\":$lat,\"longitude\":77.6,\"timestamp\":\"$(ts $((100 - i)))\"}" \
    "$base/tracking/delivery/o-1/location" &
  sleep 0.01
  wait $!
  i=$((i + 1))
done
took=$(( $(date +%s%3N) - t0 ))
sleep 1.6
# one at once, then at most one a second (the burst takes about 200 ms, longer on a busy
# machine): 2 events for a burst under a second
n=$(locations "$tmp/sse1" | wc -l)
if [ "$n" -ge 2 ] && [ "$n" -le $((2 + took / 1000)) ]; then ok
else bad "coalescing: $n location events for 20 reports in $took ms: $(cat "$tmp/sse1")"; fi
last=$(locations "$tmp/sse1" | tail -n 1 | sed 's/^data: //')
if [ "$(printf '%s' "$last" | jq -r .driver_location.latitude)" = "12.92" ]; then ok
else bad "the last position was not delivered: $last"; fi
# the data is the live-location document of the caller
expect 200 "live-location o-1" -H "$S1" "$base/tracking/orders/o-1/live-location"
if [ "$(jq -cS . "$tmp/b")" = "$(printf '%s' "$last" | jq -cS .)" ]; then ok
else bad "location event differs from live-location: $last vs $(cat "$tmp/b")"; fi
# no id on a location event: Last-Event-ID stays on the history entries
if awk '/^id: / { id = 1; next } /^event: location$/ && id { bad = 1 } /^$/ { id = 0 }
        END { exit bad }' "$tmp/sse1"; then ok; else bad "a location event has an id"; fi
n_hist=$(grep -c '^id: ' "$tmp/sse1")
# one more report after a quiet second: sent at once
expect 200 "location o-1" -X PUT -H "$C" -H "$J" \
  -d "{\"latitude\":12.95,\"longitude\":77.61,\"timestamp\":\"$(ts 10)\"}" \
  "$base/tracking/delivery/o-1/location"
wait_loc "$tmp/sse1" 12.95 "a lone location is sent at once"
# a status change still streams as a history entry with its id
expect 200 "pickup o-1" -X POST -H "$C" "$base/tracking/delivery/o-1/pickup"
wait_for "$tmp/sse1" "^id: $n_hist\$" "pickup streamed"
# resuming after the last history entry: no history repeated, the current position first
stream o-1 "$tmp/sse1b" -H "Last-Event-ID: $n_hist"
wait_loc "$tmp/sse1b" 12.95 "resumed stream starts with the position"
if ! grep -q '^id: ' "$tmp/sse1b"; then ok; else bad "resume repeated history: $(cat "$tmp/sse1b")"; fi
kill "$spid" 2>/dev/null

# ---- Uber courier updates ----
ready o-u uber
stream o-u "$tmp/sse2"
uber_post() { # uber_post KIND LAT SECONDS_AGO EVENT_ID: the project's Uber fixture of KIND
  jq -c --arg id "$4" --argjson lat "$2" --arg t "$(ts "$3")" \
    '.id = $id | .created = $t | .data.external_id = "o-u"
     | .data.courier.location.lat = $lat' "$data/uber_$1.json" > "$tmp/uber.json"
  sig=$(openssl dgst -sha256 -hmac uber-signing-key < "$tmp/uber.json" | sed 's/^.* //')
  expect 200 "uber $1 $4" -X POST -H "x-uber-signature: $sig" --data-binary @"$tmp/uber.json" \
    "$base/tracking/webhooks/uber"
}
uber_post delivery_status 37.791 60 evt-u1   # pickup: a courier assigned, with a position
jq_is .applied 1 "uber pickup with a position"
wait_loc "$tmp/sse2" 37.791 "uber position streamed"
sleep 1.1
uber_post courier_update 37.795 30 evt-u2
jq_is .applied 1 "uber courier_update"
wait_loc "$tmp/sse2" 37.795 "uber courier_update streamed"
if [ "$(locations "$tmp/sse2" | wc -l)" -eq 2 ]; then ok
else bad "uber: want 2 location events: $(cat "$tmp/sse2")"; fi

# ---- DoorDash webhooks ----
ready o-d doordash
stream o-d "$tmp/sse3"
dd_post() { # dd_post LAT SECONDS_AGO
  jq -c --argjson lat "$1" --arg t "$(ts "$2")" \
    '.event_name = "DASHER_CONFIRMED" | .delivery_status = "confirmed"
     | .external_delivery_id = "o-d" | .created_at = $t | .dasher_location.lat = $lat' \
    "$data/doordash_webhook.json" > "$tmp/dd.json"
  expect 200 "doordash $1" -X POST -H 'Authorization: Basic dd-key' \
    --data-binary @"$tmp/dd.json" "$base/tracking/webhooks/doordash"
}
dd_post 37.7749 60
wait_loc "$tmp/sse3" 37.7749 "doordash position streamed"
sleep 1.1
dd_post 37.7801 30
wait_loc "$tmp/sse3" 37.7801 "doordash position update streamed"
kill "$spid" 2>/dev/null

# ---- failed authentication per source address: guessed keys ----
i=1
while [ "$i" -le 15 ]; do
  code=$(curl -s -o "$tmp/b" -D "$tmp/h" -w '%{http_code}' -H "Authorization: Bearer guess-$i" \
    "$base/tracking/orders/o-1")
  if [ "$i" -le 5 ]; then want=401; else want=429; fi
  if [ "$code" = "$want" ]; then ok; else bad "guessed key $i: $code, want $want"; fi
  i=$((i + 1))
done
jq_is .error.code rate_limited "guessed keys limited"
header_has '^Retry-After: 10' "guessed keys Retry-After"
expect 429 "missing key limited too" "$base/tracking/orders/o-1"
expect 200 "an honest key from the same address" -H "$A" "$base/tracking/orders/o-1"
expect 200 "metrics" -H "$A" "$base/metrics"
body_has '^ordertrackd_auth_failures_total{credential="api_key",answer="unauthorized"} 5$' \
  "auth failures counted"
body_has '^ordertrackd_auth_failures_total{credential="api_key",answer="rate_limited"} 11$' \
  "limited failures counted"
stop

# ---- forged webhooks (a fresh process: a fresh table) ----
start forged --config "$tmp/config.json"
uber_post courier_update 37.80 20 evt-u3   # a valid one first: not a failure
i=1
while [ "$i" -le 15 ]; do
  code=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "x-uber-signature: forged-$i" \
    --data-binary @"$tmp/uber.json" "$base/tracking/webhooks/uber")
  if [ "$i" -le 5 ]; then want=401; else want=429; fi
  if [ "$code" = "$want" ]; then ok; else bad "forged webhook $i: $code, want $want"; fi
  i=$((i + 1))
done
expect 429 "forged doordash limited" -X POST -H 'Authorization: Basic nope' \
  --data-binary @"$tmp/dd.json" "$base/tracking/webhooks/doordash"
header_has '^Retry-After: ' "forged webhooks Retry-After"
uber_post courier_update 37.81 10 evt-u4   # the honest partner behind the same address
jq_is .applied 1 "signed webhook served while the address is limited"
expect 200 "metrics" -H "$A" "$base/metrics"
body_has '^ordertrackd_auth_failures_total{credential="webhook",answer="unauthorized"} 5$' \
  "webhook failures counted"
body_has '^ordertrackd_auth_failures_total{credential="webhook",answer="rate_limited"} 11$' \
  "limited webhooks counted"
stop

echo "ordertrackd_live: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
