#!/bin/sh
# Couriers as data end to end (docs/couriers-as-data.md): a courier no C code knows, defined
# only in tests/data/couriers/acme_express.json, named in the courier_definitions of both
# programs' config files, on one SQLite store. ordertrackd creates its orders (by name and by
# detection from the tracking number), the real ordertrack-poller polls the simulator's
# generic endpoint with the generic client and maps the answers, the generic webhook route
# takes its pushes; bad definitions stop the programs naming the file and the field.
# Usage: couriers_as_data.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM DEFINITION
set -u
bin=$1
poller=$2
sim=$3
definition=$4
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
sim_pid=
trap 'kill -KILL $sim_pid $pid 2>/dev/null; exec 3>&-; cleanup' EXIT

mkdir "$tmp/couriers"
cp "$definition" "$tmp/couriers/acme_express.json"
cat > "$tmp/scenario.json" <<JSON
{"credentials": {"generic": {"token": "acme-api-key"}},
 "awbs": {"AX123456782": {"courier": "generic",
                          "steps": ["20/Picked up", "40/Out for delivery", "50/Delivered"]},
          "AX100000003": {"courier": "generic", "steps": ["10/Booked"]}}}
JSON
start_sim "$sim" "$tmp/scenario.json"

# ordertrackd: the definition relative to its config file, and the webhook's credential.
cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db",
 "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "courier_definitions": [{"file": "couriers/acme_express.json"}],
 "webhooks": {"acme_express": {"header": "X-Acme-Key", "secret": "acme-hook-secret"}}}
JSON
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
auth="Authorization: Bearer admin-key-012345"
init() { # ORDER BODY
  expect "$1" "init $2" -X POST "$base/tracking/orders/$2/init" -H "$auth" -d "$3"
}
init 201 o-1 '{"store_id":"s","customer_id":"c","delivery_provider":"acme_express","delivery_tracking_id":"AX123456782"}'
jq_is .delivery_provider acme_express "o-1 is the run-time courier's"
jq_is .shipment_status pending "o-1 parcel shipment"
# No provider: detected from the tracking number (acme_express's pattern and mod 7 check).
init 201 o-2 '{"store_id":"s","customer_id":"c","delivery_tracking_id":"AX100000003"}'
jq_is .delivery_provider acme_express "o-2 detected"
init 201 o-3 '{"store_id":"s","customer_id":"c","delivery_tracking_id":"1490811234567"}'
jq_is .delivery_provider delhivery "o-3 detected as a built-in"
init 400 o-4 '{"store_id":"s","customer_id":"c","delivery_tracking_id":"AX100000004"}'
jq_is .error.field delivery_provider "a check digit that fails detects nothing"
init 400 o-5 '{"store_id":"s","customer_id":"c","delivery_provider":"fedex","delivery_tracking_id":"1"}'
jq_is .error.field delivery_provider "a courier nobody defined"
init 400 o-6 '{"store_id":"s","customer_id":"c"}'
jq_is .error.field delivery_provider "neither a provider nor a tracking number"

# The poller: its own config names the same definition; the generic client, an API key.
cat > "$tmp/p.json" <<JSON
{"storage": "sqlite:$tmp/ot.db",
 "courier_definitions": [{"file": "$tmp/couriers/acme_express.json"}],
 "couriers": {"acme_express": {"base_url": "http://127.0.0.1:$sim_port",
                               "token": "acme-api-key"}},
 "trackers": [{"name": "acme", "courier": "acme_express", "schedule": "*/8 * * * *"}]}
JSON
for round in 1 2 3; do
  "$poller" --config "$tmp/p.json" --once > "$tmp/run$round.out" 2> "$tmp/run$round.log"; rc=$?
  if [ "$rc" -eq 0 ]; then ok; else bad "poll round $round: exit $rc: $(cat "$tmp/run$round.log")"; fi
done
if grep -q '"result":"ok"' "$tmp/run1.out" && grep -q '"changed":[1-9]' "$tmp/run1.out"; then ok
else bad "first round: $(cat "$tmp/run1.out" "$tmp/run1.log")"; fi
expect 200 "o-1 after polls" "$base/tracking/orders/o-1" -H "$auth"
jq_is .shipment_status delivered "o-1 shipment mapped from the definition's ids"
jq_is .current_status delivered "o-1 lifecycle"
jq_is .courier_status_raw 50 "o-1 raw status as the courier sent it"
expect 200 "o-1 history" "$base/tracking/orders/o-1/history" -H "$auth"
body_has "Pune Hub" "the scan location from the definition's pointer"
# The requests: GET with the AWBs in the path template, the key in the definition's header.
curl -s "http://127.0.0.1:$sim_port/_sim/log" > "$tmp/simlog.json"
if jq -e '[.[] | select(.path == "/generic/v1/track")] | length >= 3' "$tmp/simlog.json" > /dev/null &&
   jq -e '[.[] | select(.path == "/generic/v1/track") | .awbs[]] | index("AX123456782") != null' "$tmp/simlog.json" > /dev/null
then ok; else bad "simulator log: $(head -c 600 "$tmp/simlog.json")"; fi

# The generic webhook route: the definition's webhook_shipments pointer, its header check.
hook='{"shipment": {"tracking": {"number": "AX100000003"}, "latest": {"code": "ofd", "event_id": "ev-1", "at": "2026-01-02T09:00:00+05:30", "where": "Pune Hub"}}}'
expect 401 "webhook without the secret" -X POST "$base/tracking/webhooks/couriers/acme_express" \
  -H "X-Acme-Key: wrong" -d "$hook"
expect 404 "webhook of no defined courier" -X POST "$base/tracking/webhooks/couriers/fedex" \
  -H "X-Acme-Key: acme-hook-secret" -d "$hook"
expect 200 "webhook" -X POST "$base/tracking/webhooks/couriers/acme_express" \
  -H "X-Acme-Key: acme-hook-secret" -d "$hook"
jq_is .applied 1 "webhook applied"
expect 200 "webhook again" -X POST "$base/tracking/webhooks/couriers/acme_express" \
  -H "X-Acme-Key: acme-hook-secret" -d "$hook"
jq_is .unchanged 1 "a redelivered event changes nothing"
expect 400 "webhook body without the AWB" -X POST "$base/tracking/webhooks/couriers/acme_express" \
  -H "X-Acme-Key: acme-hook-secret" -d '{"shipment": {"latest": {"code": "ofd"}}}'
expect 200 "o-2 after the webhook" "$base/tracking/orders/o-2" -H "$auth"
jq_is .shipment_status out_for_delivery "o-2 shipment from the webhook"
stop

# Refused definitions: exit 2 naming the config, the entry, the definition file and field.
printf '{"format": 1, "name": "acme_express", "statuses": [{"status": "teleported", "words": ["x"]}]}' \
  > "$tmp/couriers/bad.json"
cat > "$tmp/bad-d.json" <<JSON
{"storage": "memory:", "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "courier_definitions": [{"file": "couriers/bad.json"}]}
JSON
"$bin" --config "$tmp/bad-d.json" --listen 127.0.0.1:0 > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "courier_definitions\[0\].file: .*bad.json: statuses\[0\].status: not a shipment status" "$tmp/bad.log"
then ok; else bad "bad definition (ordertrackd): exit $rc: $(cat "$tmp/bad.log")"; fi
sed "s|$tmp/couriers/acme_express.json|$tmp/couriers/bad.json|" "$tmp/p.json" > "$tmp/bad-p.json"
"$poller" --config "$tmp/bad-p.json" --once > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad.json: statuses\[0\].status" "$tmp/bad.log"; then ok
else bad "bad definition (poller): exit $rc: $(cat "$tmp/bad.log")"; fi
# A courier account for a definition without an "api": refused by name.
printf '{"format": 1, "name": "no_api", "statuses": [{"status": "delivered", "words": ["x"]}]}' \
  > "$tmp/couriers/no_api.json"
cat > "$tmp/noapi-p.json" <<JSON
{"storage": "memory:", "courier_definitions": [{"file": "$tmp/couriers/no_api.json"}],
 "couriers": {"no_api": {"base_url": "http://127.0.0.1:1", "token": "k"}},
 "trackers": [{"name": "n", "courier": "no_api", "schedule": "* * * * *"}]}
JSON
"$poller" --config "$tmp/noapi-p.json" --once > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q 'couriers.no_api: unknown courier' "$tmp/bad.log"; then ok
else bad "courier without api: exit $rc: $(cat "$tmp/bad.log")"; fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
