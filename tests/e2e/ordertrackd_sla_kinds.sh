#!/bin/sh
# ordertrackd end to end (issue 16): the SLA report follows the order's kind, and the SLA
# sweep's bookkeeping does not invalidate a client's ETag.
# - A parcel shipment (velocity webhooks) reports only the parcel stages (delivery, no_scan,
#   ndr_age), never the store stages; without an ETA it has no delivery stage, even after
#   delivery, and no stage has a zero budget. With an ETA the delivery stage is judged.
# - A hyperlocal order reports the store stages, and no courier stage.
# - GET gives ETag "2"; the sweep (limits.sla_sweep_ms 50, store_acknowledgment_ms 200)
#   records sla_notified entries (the body's version moves, the ETag does not); a write with
#   If-Match "2" succeeds; afterwards "2" is stale (412) and the new ETag works.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
  "webhooks": {"velocity": {"api_key": "vel-key"}},
  "limits": {"store_ack_sweep_ms": 3600000, "sla_sweep_ms": 50},
  "sla": {"store_acknowledgment_ms": 200, "picking_ms": 600000}
}
JSON
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

# etag: the ETag of the last response, without quotes
etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *"\([0-9]*\)".*/\1/p' "$tmp/h" | tr -d '\r'; }
# velocity ORDER AWB STATUS EVENT_ID TIME: one Velocity status webhook, applied
velocity() {
  cat > "$tmp/vel.json" <<V
{"event":"status_change","event_id":"$4","event_timestamp":"$5",
 "data":{"shipment_id":"SHP-$2","tracking_number":"$2","order_id":"V-$1",
         "order_external_id":"$1","status":"$3","shipment_type":"forward"}}
V
  expect 200 "velocity $1 $3" -X POST -H 'X-API-Key: vel-key' --data-binary @"$tmp/vel.json" \
    "$base/tracking/webhooks/velocity"
  jq_is .applied 1 "velocity $1 $3 applied"
}
stages() { jq_is '[.stages[].stage] | join(",")' "$1" "$2"; }

start main --config "$tmp/config.json"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
later=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)

# ---- a parcel shipment without an ETA: parcel stages only, none with a zero budget ----
expect 201 "init parcel" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"c-1","delivery_provider":"velocity","delivery_tracking_id":"VEL-1"}' \
  "$base/tracking/orders/p-1/init"
expect 200 "parcel sla at booking" -H "$A" "$base/tracking/orders/p-1/sla"
stages "no_scan,ndr_age" "parcel at booking: the courier stages, pending (no delivery stage without an ETA)"
jq_is '[.stages[].state] | unique | join(",")' pending "courier stages pending"
velocity p-1 VEL-1 in_transit evt-1 "$now"
velocity p-1 VEL-1 delivered evt-2 "$now"
expect 200 "parcel delivered" -H "$A" "$base/tracking/orders/p-1"
jq_is .current_status delivered "parcel delivered"
expect 200 "parcel sla delivered" -H "$A" "$base/tracking/orders/p-1/sla"
stages "no_scan" "parcel delivered without ETA: no delivery stage, no store stage, no ndr_age that never ran"
jq_is '[.stages[] | select(.allowed_ms == 0)] | length' 0 "no zero-budget stage"
jq_is '[.stages[] | select(.stage == "store_acknowledgment" or .stage == "picking" or .stage == "driver_assignment" or .stage == "pickup")] | length' 0 "no store stage"
jq_is '.stages[0].finished_at != null' true "no_scan finished at delivery"

# ---- a parcel shipment with an ETA: the delivery stage is judged ----
expect 201 "init parcel with ETA" -X POST -H "$A" -H "$J" \
  -d "{\"store_id\":\"store-1\",\"customer_id\":\"c-1\",\"delivery_provider\":\"velocity\",\"delivery_tracking_id\":\"VEL-2\",\"estimated_delivery_time\":\"$later\"}" \
  "$base/tracking/orders/p-2/init"
velocity p-2 VEL-2 in_transit evt-3 "$now"
expect 200 "parcel sla with ETA" -H "$A" "$base/tracking/orders/p-2/sla"
stages "delivery,no_scan,ndr_age" "parcel with ETA: delivery, no_scan, ndr_age"
jq_is '.stages[0].allowed_ms > 7200000' true "delivery allowed: ETA + grace - pickup"
jq_is '.stages[0].state' ok "delivery ok"
jq_is '.state' ok "parcel worst state"

# ---- a hyperlocal order: store stages, no courier stage, no delivery before an ETA ----
expect 201 "init hyperlocal" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"c-1","delivery_provider":"uber"}' \
  "$base/tracking/orders/h-1/init"
expect 200 "hyperlocal sla" -H "$A" "$base/tracking/orders/h-1/sla"
stages "store_acknowledgment,picking,driver_assignment,pickup" "hyperlocal stages"

# ---- the ETag survives the SLA sweep's bookkeeping ----
expect 200 "notify" -X PUT -H "$A" -H "$J" -d '{"status":"store_notified","updated_by":"e2e"}' \
  "$base/tracking/orders/h-1/status"
expect 200 "get h-1" -H "$A" "$base/tracking/orders/h-1"
tag=$(etag)
if [ "$tag" = 2 ]; then ok; else bad "ETag after notify is '$tag', want 2"; fi
# the store acknowledgment (200 ms) breaches; the sweep (every 50 ms) records it
n=0
for _ in $(seq 1 100); do
  sleep 0.05
  expect 200 "get h-1 while sweeping" -H "$A" "$base/tracking/orders/h-1"
  n=$(jq '[.status_history[] | select(.metadata.ot.event == "sla_notified" and .metadata.ot.data.state == "breached")] | length' "$tmp/b")
  [ "$n" -ge 1 ] && break
done
if [ "$n" -eq 1 ]; then ok; else bad "no sla_notified breach recorded: $(cat "$tmp/b")"; fi
jq_is '.version > 2' true "the sweep moved the version"
jq_is '[.status_history[] | select(.metadata.ot.event == "sla_notified") | .metadata.ot.data.order_version] | all(. > 2)' \
  true "sla_notified names the version its commit made"
bumped=$(jq -r .version "$tmp/b")
tag=$(etag)
if [ "$tag" = 2 ]; then ok; else bad "ETag after the sweep is '$tag', want 2 (version $bumped)"; fi
expect 200 "acknowledge with the ETag held since before the sweep" -X POST -H "$A" -H "$J" \
  -H 'If-Match: "2"' -d '{"order_id":"h-1","updated_by":"clerk"}' \
  "$base/tracking/store/store-1/acknowledge"
jq_is .current_status store_acknowledged "acknowledged"
jq_is .version $((bumped + 1)) "one more version"
tag=$(etag)
if [ "$tag" = $((bumped + 1)) ]; then ok; else bad "ETag after the write is '$tag', want $((bumped + 1))"; fi
expect 412 "the old ETag after a visible change" -X POST -H "$A" -H "$J" -H 'If-Match: "2"' \
  -d '{"order_id":"h-1"}' "$base/tracking/store/store-1/start-picking"
jq_is .error.code version_conflict "stale ETag"
expect 412 "the sweep's version after a visible change" -X POST -H "$A" -H "$J" \
  -H "If-Match: \"$bumped\"" -d '{"order_id":"h-1"}' "$base/tracking/store/store-1/start-picking"
expect 200 "start picking with the new ETag" -X POST -H "$A" -H "$J" -H "If-Match: \"$tag\"" \
  -d '{"order_id":"h-1"}' "$base/tracking/store/store-1/start-picking"
jq_is .current_status picking_in_progress "picking"

stop
echo "ordertrackd SLA by kind and ETag e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
