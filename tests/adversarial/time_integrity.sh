#!/bin/sh
# Adversarial cases of issue 17, time sanity and record integrity (tests/adversarial/time.cmake):
# - a parcel webhook scan dated 2999 is applied at now (the event keeps what was claimed) and a
#   real scan after it applies;
# - a courier key's location dated 2100 is refused (400) and a real one applies; an Uber
#   courier_update dated 2100 is applied at now and a real one after it moves the courier;
# - invalid calendar dates (2026-02-31) are refused with 400, not rolled over;
# - a record edited in the SQLite file behind the library: GET answers 500 integrity_error (and
#   the daemon logs an alert), PUT status is refused and writes nothing.
# Loopback only, a few dozen requests.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/../e2e/lib.sh"
data=$(dirname "$0")/../data/courier

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [
    {"key": "admin-key-000001", "role": "admin"},
    {"key": "courier-key-0001", "role": "courier"}
  ],
  "webhooks": {"uber": {"signing_key": "uber-signing-key"},
               "shiprocket": {"api_key": "sr-key"}},
  "limits": {"clock_skew_ms": 300000}
}
JSON
A="Authorization: Bearer admin-key-000001"
C="Authorization: Bearer courier-key-0001"
J="Content-Type: application/json"
year=$(date -u +%Y)

start time --config "$tmp/config.json"

init() { # init ORDER PROVIDER [AWB]
  expect 201 "init $1" -X POST -H "$A" -H "$J" \
    -d "{\"store_id\":\"store-1\",\"customer_id\":\"cust-1\",\"delivery_provider\":\"$2\"${3:+,\"delivery_tracking_id\":\"$3\"}}" \
    "$base/tracking/orders/$1/init"
}
status() { # status ORDER STATUS [CODE]
  expect "${3:-200}" "status $1 $2" -X PUT -H "$A" -H "$J" \
    -d "{\"status\":\"$2\",\"updated_by\":\"adversary\"}" "$base/tracking/orders/$1/status"
}
to_ready() { # to_ready ORDER
  for s in store_notified store_acknowledged picking_in_progress ready_for_pickup; do
    status "$1" $s
  done
}
get() { expect 200 "get $1" -H "$A" "$base/tracking/orders/$1"; }

# ---- a parcel scan dated 2999 (Shiprocket webhook) ----
init p-1 shiprocket AWB-T1
sed -e 's/"awb": "19041211125783"/"awb": "AWB-T1"/' -e 's/2023/2999/g' \
  "$data/shiprocket_webhook.json" > "$tmp/sr-2999.json"
expect 200 "shiprocket scan dated 2999" -X POST -H 'x-api-key: sr-key' \
  --data-binary @"$tmp/sr-2999.json" "$base/tracking/webhooks/shiprocket"
get p-1
jq_is .shipment_status "in transit" "the 2999 scan's status is news"
last='[.status_history[] | select(.metadata.ot.event == "courier_update")][-1].metadata.ot.data'
jq_is "$last.time_clamped_from" "2999-05-23T06:13:52.000Z" "the event records the claimed time"
jq_is "$last.time | startswith(\"$year-\")" true "the event's time is now, not 2999"
now_scan=$(date -u '+%d %m %Y %H:%M:%S')
sed -e 's/"awb": "19041211125783"/"awb": "AWB-T1"/' -e "s/23 05 2023 11:43:52/$now_scan/" \
  -e 's/"IN TRANSIT"/"OUT FOR DELIVERY"/g' -e 's/"shipment_status_id": 18/"shipment_status_id": 17/' \
  -e 's/"current_status_id": 20/"current_status_id": 17/' \
  "$data/shiprocket_webhook.json" > "$tmp/sr-real.json"
expect 200 "a real scan after it" -X POST -H 'x-api-key: sr-key' \
  --data-binary @"$tmp/sr-real.json" "$base/tracking/webhooks/shiprocket"
get p-1
jq_is .shipment_status out_for_delivery "the real scan applies"

# ---- a location dated 2100 from a courier key ----
init h-1 internal
to_ready h-1
expect 200 "assign h-1" -X POST -H "$C" -H "$J" \
  -d '{"driver":{"driver_id":"drv-1","name":"Ravi","phone":"+919800000001","vehicle_type":"bike"}}' \
  "$base/tracking/delivery/h-1/assign"
expect 400 "location dated 2100" -X PUT -H "$C" -H "$J" \
  -d '{"latitude":12.9,"longitude":77.5,"timestamp":"2100-01-01T00:00:00Z"}' \
  "$base/tracking/delivery/h-1/location"
jq_is .error.field time_ms "location dated 2100: the field"
expect 200 "a real location after it" -X PUT -H "$C" -H "$J" \
  -d '{"latitude":12.91,"longitude":77.51}' "$base/tracking/delivery/h-1/location"
expect 200 "live-location h-1" -H "$C" "$base/tracking/orders/h-1/live-location"
jq_is .driver_location.latitude 12.91 "the real location applies"
expect 400 "delivered dated 2999" -X POST -H "$C" -H "$J" \
  -d '{"actual_delivery_time":"2999-01-01T00:00:00Z"}' "$base/tracking/delivery/h-1/delivered"

# ---- an Uber courier_update dated 2100, then a real one ----
useq=$data/uber_sequence
uber() { # uber FILE NAME
  sig=$(openssl dgst -sha256 -hmac uber-signing-key < "$1" | sed 's/^.* //')
  expect 200 "uber $2" -X POST -H "x-uber-signature: $sig" -H "$J" \
    --data-binary @"$1" "$base/tracking/webhooks/uber"
}
init ORD-UBER-16 uber del_Xk2pLq9RzT4vWn8YbC1dEf
to_ready ORD-UBER-16
uber "$useq/01_pending.json" pending
uber "$useq/02_pickup.json" pickup
sed -e 's/2026-11-23T10:01:30.000Z/2100-01-01T00:00:00.000Z/g' -e 's/evt_03courierK2m/evt_03future/' \
  "$useq/03_courier_update.json" > "$tmp/u-2100.json"
uber "$tmp/u-2100.json" "courier_update dated 2100"
expect 200 "uber live-location" -H "$A" "$base/tracking/orders/ORD-UBER-16/live-location"
jq_is ".driver_location.timestamp | startswith(\"$year-\")" true "the 2100 position is dated now"
# a real report, dated a minute from now (within the skew): its position replaces the clamped one
soon=$(date -u -d '+60 seconds' +%Y-%m-%dT%H:%M:%S.000Z)
sed -e "s/2026-11-23T[0-9:.]*Z/$soon/g" "$useq/07_courier_update.json" > "$tmp/u-real.json"
uber "$tmp/u-real.json" "a real courier_update"
want_lat=$(jq -r '.data.courier.location.lat' "$useq/07_courier_update.json")
expect 200 "uber live-location after" -H "$A" "$base/tracking/orders/ORD-UBER-16/live-location"
jq_is .driver_location.latitude "$want_lat" "the real position applies"

# ---- invalid calendar dates ----
expect 400 "location dated 2026-02-31" -X PUT -H "$C" -H "$J" \
  -d '{"latitude":12.92,"longitude":77.52,"timestamp":"2026-02-31T10:00:00Z"}' \
  "$base/tracking/delivery/h-1/location"
jq_is .error.code invalid_request "2026-02-31: invalid_request"
expect 400 "pickup dated 2025-02-29" -X POST -H "$C" -H "$J" \
  -d '{"delivery_pickup_time":"2025-02-29T10:00:00Z"}' "$base/tracking/delivery/h-1/pickup"

# ---- a record edited behind the library (daemon stopped, file edited, daemon started) ----
init t-1 internal
status t-1 store_notified
init t-2 internal
stop
python3 - "$tmp/ot.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# t-1: moved to delivered in the record (row column and JSON), no event
db.execute("""UPDATE orders SET current_status = 9,
              record = replace(record, '"current_status":"store_notified"',
                                       '"current_status":"delivered"')
              WHERE order_id = 't-1'""")
# t-2: its last (only) history entry re-authored
db.execute("""UPDATE orders SET record = replace(record, '"updated_by":"system"',
                                                 '"updated_by":"mallory"')
              WHERE order_id = 't-2'""")
db.commit()
for oid in ("t-1", "t-2"):
    rec = db.execute("SELECT record FROM orders WHERE order_id = ?", (oid,)).fetchone()[0]
    assert ("delivered" if oid == "t-1" else "mallory") in rec, (oid, rec[:300])
PY
[ $? -eq 0 ] && ok || bad "tampering the file"
rows() { # t-1's record row and its count of event rows
  python3 - "$tmp/ot.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT version, record FROM orders WHERE order_id = 't-1'").fetchone(),
      db.execute("SELECT count(*) FROM events WHERE order_id = 't-1'").fetchone())
PY
}
before=$(rows)
start time2 --config "$tmp/config.json"
expect 500 "GET tampered t-1" -H "$A" "$base/tracking/orders/t-1"
jq_is .error.code integrity_error "GET tampered: integrity_error"
status t-1 store_acknowledged 500
jq_is .error.code integrity_error "PUT tampered: refused"
expect 500 "GET tampered t-2" -H "$A" "$base/tracking/orders/t-2"
jq_is .error.code integrity_error "GET re-authored: integrity_error"
expect 200 "an untouched order still reads" -H "$A" "$base/tracking/orders/h-1"
# a list holding a tampered record is refused too, naming it; one without it is served
expect 500 "list with tampered t-1" -H "$A" "$base/tracking/orders?store_id=store-1&limit=100"
jq_is .error.code integrity_error "list tampered: integrity_error"
body_has "order t-" "the list names the tampered order"
if grep -q 'ordertrackd: ALERT integrity_error' "$log"; then ok; else bad "no alert logged"; fi
stop
after=$(rows)
if [ "$before" = "$after" ]; then ok; else bad "the refused write changed the file"; fi

echo "time and integrity adversarial: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
