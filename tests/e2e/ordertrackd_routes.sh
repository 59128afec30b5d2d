#!/bin/sh
# ordertrackd end to end with seed 000's routes alone (no PUT status): a hyperlocal order
# driven by a store and a driver app (init, acknowledge, start-picking, ready, assign,
# location, pickup, location..., delivered), with the implied steps in its history; and an
# Uber order fed Uber Direct's real webhook sequence (delivery_status pending → pickup →
# pickup_complete → dropoff → delivered, with courier_update events between), the courier
# visible in live-location although Uber names no driver id (docs/API.md, docs/events.md).
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
uber_dir=$(dirname "$0")/../data/courier/uber_sequence

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [
    {"key": "admin-key-012345", "role": "admin"},
    {"key": "store-1-key-0123", "role": "store", "stores": ["store-1"]},
    {"key": "courier-key-0123", "role": "courier"}
  ],
  "webhooks": {"uber": {"signing_key": "uber-signing-key"}}
}
JSON
A="Authorization: Bearer admin-key-012345"
S="Authorization: Bearer store-1-key-0123"
C="Authorization: Bearer courier-key-0123"
J="Content-Type: application/json"

start routes --config "$tmp/config.json"

# store STEP ORDER [CODE]: a store route of store-1, with the store's key.
store() {
  expect "${3:-200}" "store $1 $2" -X POST -H "$S" -H "$J" \
    -d "{\"order_id\":\"$2\",\"updated_by\":\"store-1-tablet\"}" "$base/tracking/store/store-1/$1"
}
# driver STEP ORDER [CODE] [BODY]: a delivery route with the courier key (POST).
driver() {
  body=${4:-'{}'}
  expect "${3:-200}" "driver $1 $2" -X POST -H "$C" -H "$J" -d "$body" \
    "$base/tracking/delivery/$2/$1"
}
# location ORDER LAT [TIMESTAMP]
location() {
  expect 200 "location $1 $2" -X PUT -H "$C" -H "$J" \
    -d "{\"latitude\":$2,\"longitude\":77.59${3:+,\"timestamp\":\"$3\"}}" \
    "$base/tracking/delivery/$1/location"
}
history_is() { # history_is ORDER "s1 s2 ..." NAME
  expect 200 "$3 history" -H "$A" "$base/tracking/orders/$1/history"
  jq_is '[.status_history[].status] | join(" ")' "$2" "$3"
}

# ---- a hyperlocal order through the seed's routes only ----
expect 201 "init" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"cust-1","delivery_provider":"internal"}' \
  "$base/tracking/orders/r-1/init"
jq_is .current_status submitted "init"
# the store acknowledges an order it was told about: store_notified is implied
store acknowledge r-1
jq_is .current_status store_acknowledged "acknowledge from submitted"
jq_is '[.status_history[].status] | join(" ")' "submitted store_notified store_acknowledged" \
  "acknowledge: implied store_notified"
jq_is '.status_history[1].metadata.ot.data.implied_by' store_acknowledge "implied by the acknowledgment"
jq_is '.status_history[1].updated_by' store-1-tablet "implied entry authored by the caller"
jq_is '.store_acknowledgment_time != null' true "store_acknowledgment_time"
store acknowledge r-1 200
jq_is '.status_history | length' 3 "acknowledge again: nothing new"
store start-picking r-1
store ready r-1
# strict everywhere else: no pickup or delivery before a driver
driver pickup r-1 409
jq_is .error.code invalid_transition "pickup before assignment"
driver assign r-1 200 '{"driver":{"driver_id":"drv-7","name":"Ravi","phone":"+919800000007","vehicle_type":"bike","vehicle_number":"KA01AB1234"},"estimated_delivery_time":"2030-01-01T00:00:00Z"}'
jq_is .current_status driver_assigned "assign"
location r-1 12.970 "2020-01-01T00:00:00Z"
jq_is .current_status driver_assigned "location before pickup: position only"
driver delivered r-1 409
jq_is .error.from driver_assigned "delivered before pickup: from"
jq_is .error.to delivered "delivered before pickup: to"
driver pickup r-1
jq_is .current_status driver_pickup_complete "pickup"
# a position taken before the pickup and sent late does not start the trip
location r-1 12.971 "2020-01-01T00:01:00Z"
jq_is .current_status driver_pickup_complete "late position: no trip yet"
jq_is .driver_location.latitude 12.971 "late position: stored"
location r-1 12.972
jq_is .current_status in_transit "first location after pickup"
jq_is .driver_location.latitude 12.972 "first location after pickup: position"
jq_is '.status_history[-1].metadata.ot.data.implied_by' update_location "in_transit implied by the location"
location r-1 12.973
jq_is '.status_history | length' 8 "later locations: no history entries"
jq_is .driver_location.latitude 12.973 "later locations: position"
driver delivered r-1
jq_is .current_status delivered "delivered"
jq_is '.actual_delivery_time != null' true "actual_delivery_time"
history_is r-1 "submitted store_notified store_acknowledged picking_in_progress ready_for_pickup driver_assigned driver_pickup_complete in_transit delivered" \
  "seed routes"
expect 200 "live-location r-1" -H "$C" "$base/tracking/orders/r-1/live-location"
jq_is .driver_details.name Ravi "live-location driver"

# pickup then delivered at once: the implied in_transit gets its own entry first
expect 201 "init r-2" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"cust-2","delivery_provider":"internal"}' \
  "$base/tracking/orders/r-2/init"
store acknowledge r-2
store start-picking r-2
store ready r-2
driver assign r-2 200 '{"driver":{"driver_id":"drv-8","name":"Mina","phone":"+919800000008","vehicle_type":"scooter"}}'
driver pickup r-2
# a time in the past (one past the clock + skew is refused: tests/adversarial/time.cmake)
driver delivered r-2 200 '{"actual_delivery_time":"2026-01-01T00:10:00Z"}'
jq_is .current_status delivered "delivered after pickup"
jq_is .actual_delivery_time 2026-01-01T00:10:00.000Z "delivered keeps the driver's time"
jq_is '[.status_history[-2:][] | .status + "/" + .metadata.ot.event + "/" + (.metadata.ot.data.implied_by // "-")] | join(" ")' \
  "in_transit/status_changed/delivered delivered/delivered/-" "implied in_transit, then delivered"

# ---- an Uber order from Uber Direct's webhook sequence ----
# uber FILE: post the fixture signed as Uber signs it; the summary is in $tmp/b.
uber() {
  sig=$(openssl dgst -sha256 -hmac uber-signing-key < "$uber_dir/$1" | sed 's/^.* //')
  expect 200 "uber $1" -X POST -H "x-uber-signature: $sig" -H "$J" \
    --data-binary @"$uber_dir/$1" "$base/tracking/webhooks/uber"
}
live() { expect 200 "live-location $1" -H "$C" "$base/tracking/orders/ORD-UBER-16/live-location"; }

expect 201 "init uber" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store-1","customer_id":"cust-3","delivery_provider":"uber","delivery_tracking_id":"del_Xk2pLq9RzT4vWn8YbC1dEf"}' \
  "$base/tracking/orders/ORD-UBER-16/init"
store acknowledge ORD-UBER-16
store start-picking ORD-UBER-16
store ready ORD-UBER-16
uber 01_pending.json
jq_is .applied 1 "pending applied"
live pending
jq_is .current_status driver_assigned "pending: a delivery booked"
jq_is .driver_details null "pending: no courier yet"
uber 02_pickup.json
live pickup
jq_is .current_status driver_assigned "pickup: still assigned"
jq_is .driver_details.driver_id uber:del_Xk2pLq9RzT4vWn8YbC1dEf "the synthetic driver id"
jq_is .driver_details.name "Sam K." "courier name"
jq_is .driver_details.phone +15555550199 "courier phone"
jq_is .driver_details.vehicle_type "car (blue Toyota Prius)" "courier vehicle"
jq_is .driver_details.photo_url https://d1w2poirtb3as9.cloudfront.net/courier-sam.jpeg "courier photo"
jq_is .driver_location.latitude 37.8001 "courier position"
expect 200 "uber history after pickup" -H "$A" "$base/tracking/orders/ORD-UBER-16/history"
n_after_pickup=$(jq '.status_history | length' "$tmp/b")
uber 03_courier_update.json
live courier_update
jq_is .driver_location.latitude 37.7985 "courier_update: position"
jq_is .driver_details.name "Sam K." "courier_update: the driver stays"
uber 04_pickup_imminent.json
expect 200 "uber history before pickup_complete" -H "$A" "$base/tracking/orders/ORD-UBER-16/history"
jq_is '.status_history | length' "$n_after_pickup" "same courier, same status: no new entries"
uber 05_pickup_complete.json
live pickup_complete
jq_is .current_status driver_pickup_complete "pickup_complete"
uber 06_dropoff.json
live dropoff
jq_is .current_status in_transit "dropoff"
uber 07_courier_update.json
uber 08_courier_update.json
live "courier updates"
jq_is .driver_location.latitude 37.7901 "courier updates: the newest position"
uber 09_dropoff_imminent.json
uber 10_delivered.json
live delivered
jq_is .current_status delivered "delivered"
jq_is .driver_details.name "Sam K." "delivered: the driver is still shown"
uber 07_courier_update.json
jq_is .unchanged 1 "a courier_update after the delivery (here a redelivered one) changes nothing"
history_is ORD-UBER-16 "submitted store_notified store_acknowledged picking_in_progress ready_for_pickup driver_assigned driver_assigned driver_pickup_complete in_transit delivered" \
  "uber"
expect 200 "uber order" -H "$A" "$base/tracking/orders/ORD-UBER-16"
jq_is .delivery_pickup_time 2026-11-23T10:11:05.000Z "pickup time from Uber's event"
jq_is .actual_delivery_time 2026-11-23T10:26:45.000Z "delivery time from Uber's event"
stop

echo "ordertrackd routes e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
