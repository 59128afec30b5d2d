#!/bin/sh
# ordertrackd location privacy end to end, on sqlite storage with a PII key: courier keys
# scoped to providers and to their own driver (404 outside the scope, like an order that does
# not exist), the bounded location trail in live-location, and no position, driver name or
# phone in clear in the database files.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [
    {"key": "admin-key-012345", "role": "admin"},
    {"key": "courier-key-0123", "role": "courier"},
    {"key": "uber-fleet-key-0", "role": "courier", "providers": ["uber"]},
    {"key": "dd-fleet-key-012", "role": "courier", "providers": ["doordash", "internal"]},
    {"key": "drv-7-key-012345", "role": "courier", "providers": ["uber"], "driver_id": "drv-7"}
  ],
  "limits": {"requests_per_second": 10000, "burst": 10000, "location_trail": 3},
  "pii": {"key_id": "e2e", "key_hex": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}
}
JSON
A="Authorization: Bearer admin-key-012345"
C="Authorization: Bearer courier-key-0123"
UF="Authorization: Bearer uber-fleet-key-0"
DF="Authorization: Bearer dd-fleet-key-012"
D7="Authorization: Bearer drv-7-key-012345"
J="Content-Type: application/json"

start main --config "$tmp/config.json"

# ready ORDER PROVIDER: a new order of store-1 taken to ready_for_pickup.
ready() {
  expect 201 "init $1" -X POST -H "$A" -H "$J" \
    -d "{\"store_id\":\"store-1\",\"customer_id\":\"cust-1\",\"delivery_provider\":\"$2\"}" \
    "$base/tracking/orders/$1/init"
  expect 200 "notify $1" -X PUT -H "$A" -H "$J" \
    -d '{"status":"store_notified","updated_by":"e2e"}' "$base/tracking/orders/$1/status"
  for step in acknowledge start-picking ready; do
    expect 200 "$step $1" -X POST -H "$A" -H "$J" -d "{\"order_id\":\"$1\"}" \
      "$base/tracking/store/store-1/$step"
  done
}
# assign ORDER KEY DRIVER [CODE]
assign() {
  expect "${4:-200}" "assign $1 to $3" -X POST -H "$2" -H "$J" \
    -d "{\"driver\":{\"driver_id\":\"$3\",\"name\":\"Ravi Hiddenname\",\"phone\":\"+919800004242\",\"vehicle_type\":\"bike\"}}" \
    "$base/tracking/delivery/$1/assign"
}
# location ORDER KEY LAT [CODE]
location() {
  expect "${4:-200}" "location $1 $3" -X PUT -H "$2" -H "$J" \
    -d "{\"latitude\":$3,\"longitude\":77.5946456,\"accuracy\":5}" \
    "$base/tracking/delivery/$1/location"
}
# hidden NAME CURL-ARGS...: 404 not_found naming order_id, as for an order that does not exist.
hidden() {
  name=$1; shift
  expect 404 "$name" "$@"
  jq_is .error.code not_found "$name"
  jq_is .error.field order_id "$name"
}

ready u-1 uber
ready d-1 doordash

# a driver's key: not an order it does not hold, its own driver only
hidden "driver key reads an unassigned order" -H "$D7" "$base/tracking/orders/u-1/live-location"
assign u-1 "$D7" drv-8 403
jq_is .error.code forbidden "driver key assigns another driver"
assign d-1 "$D7" drv-7 404
assign u-1 "$D7" drv-7
location u-1 "$D7" 12.9716123
for lat in 12.9716124 12.9716125 12.9716126; do sleep 0.01; location u-1 "$D7" "$lat"; done

# the admin sees the position and a trail of three
expect 200 "admin live-location" -H "$A" "$base/tracking/orders/u-1/live-location"
jq_is .driver_location.latitude 12.9716126 "current position"
jq_is '.location_trail | length' 3 "trail bounded by limits.location_trail"
jq_is '.location_trail[2].latitude' 12.9716126 "the trail ends with the current position"
jq_is '.location_trail[0].latitude' 12.9716124 "the oldest position dropped"
jq_is .driver_details.name "Ravi Hiddenname" "driver name in the answer"

# provider scope: the Uber fleet's key sees Uber orders only
expect 200 "uber fleet reads uber" -H "$UF" "$base/tracking/orders/u-1/live-location"
jq_is .driver_location.longitude 77.5946456 "uber fleet position"
hidden "uber fleet reads doordash" -H "$UF" "$base/tracking/orders/d-1/live-location"
cp "$tmp/b" "$tmp/hidden.json"
hidden "uber fleet reads a missing order" -H "$UF" "$base/tracking/orders/nope/live-location"
if [ "$(jq -c .error.message "$tmp/hidden.json" | sed 's/d-1/X/')" = "$(jq -c .error.message "$tmp/b" | sed 's/nope/X/')" ]
then ok; else bad "out of scope and missing answer alike: $(cat "$tmp/hidden.json") vs $(cat "$tmp/b")"; fi
hidden "uber fleet order" -H "$UF" "$base/tracking/orders/d-1"
hidden "uber fleet history" -H "$UF" "$base/tracking/orders/d-1/history"
hidden "uber fleet events" -H "$UF" "$base/tracking/orders/d-1/events"
hidden "uber fleet issue" -X POST -H "$UF" -H "$J" \
  -d '{"issue_type":"late","description":"x","severity":"low"}' "$base/tracking/orders/d-1/issues"
assign d-1 "$UF" drv-1 404
hidden "doordash fleet reads uber" -H "$DF" "$base/tracking/orders/u-1/live-location"
assign d-1 "$DF" drv-1
location d-1 "$DF" 12.9716200
location d-1 "$UF" 12.9716300 404
expect 200 "an unscoped courier key reads any order" -H "$C" "$base/tracking/orders/d-1/live-location"
jq_is .driver_location.latitude 12.97162 "doordash position"
# a driver's key does not see another driver's order of its provider
ready u-2 uber
assign u-2 "$A" drv-8
hidden "driver key reads another driver's order" -H "$D7" "$base/tracking/orders/u-2/live-location"
location u-2 "$D7" 12.9716127 404
assign u-2 "$D7" drv-7 404

# at rest: no position, name or phone in clear in any file of the database
stop
if cat "$tmp"/ot.db* | grep -a -q -e '12\.97' -e '77\.59' -e Hiddenname -e 9800004242; then
  bad "plaintext at rest: $(cat "$tmp"/ot.db* | grep -a -o -e '.\{40\}12\.97.\{20\}' -e '.\{20\}Hiddenname' | head -3)"
else ok; fi
if cat "$tmp"/ot.db* | grep -a -q 'otpii:v1:e2e:'; then ok; else bad "no sealed token in the database"; fi

echo "ordertrackd privacy e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
