#!/bin/sh
# Seed 001's MongoDB outputs from the programs: ordertrackd and ordertrack-poller started on a
# `mongodb://...?ot.legacyOrders=true` storage URI write `orders.status` and `orderTracking`;
# with ordertrackd's `pii` block on, neither collection holds personal data in clear; an
# unknown `ot.` option stops start-up naming it. Against tests/mongo/fake_mongod.py, or the
# server of OT_TEST_MONGODB_URI (databases ot_e2e_<pid>_*, dropped at the end).
# Usage: mongo_legacy.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM FAKE_MONGOD
set -u
bin=$1
poller=$2
sim=$3
fake=$4
py=/usr/bin/python3
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
sim_pid=
fake_pid=
db=ot_e2e_$$_legacy
pdb=ot_e2e_$$_pii

# mongo PYTHON: run PYTHON with `d` (database $db) and `p` (database $pdb) bound.
mongo() {
  "$py" -c "
import sys, pymongo
c = pymongo.MongoClient('$server', serverSelectionTimeoutMS=5000)
d, p = c['$db'], c['$pdb']
$1"
}

finish() {
  if [ -n "${server:-}" ] && [ -z "$fake_pid" ]; then
    mongo "c.drop_database('$db'); c.drop_database('$pdb')" 2>/dev/null
  fi
  kill -KILL $sim_pid $pid $fake_pid 2>/dev/null
  exec 3>&- 4>&-
  rm -rf "$tmp"
}
trap finish EXIT

if [ -n "${OT_TEST_MONGODB_URI:-}" ]; then
  server=$OT_TEST_MONGODB_URI
else
  mkfifo "$tmp/fake.in"
  "$py" "$fake" --log "$tmp/fake.log" < "$tmp/fake.in" > "$tmp/fake.out" 2> "$tmp/fake.err" &
  fake_pid=$!
  exec 4> "$tmp/fake.in"
  for _ in $(seq 1 100); do [ -s "$tmp/fake.out" ] && break; sleep 0.05; done
  server="mongodb://127.0.0.1:$(head -n 1 "$tmp/fake.out")/?directConnection=true"
fi
# The storage URI of the programs: the server's host list, a database, the seed options.
hosts=$(printf '%s' "$server" | sed 's|^\(mongodb://[^/?]*\).*|\1|')
query=$(printf '%s' "$server" | sed -n 's|^[^?]*?\(.*\)$|\1|p')
storage="$hosts/$db?ot.legacyOrders=true&ot.historyCollection=orderTracking${query:+&$query}"

cat > "$tmp/scenario.json" <<JSON
{"credentials": {"delhivery": {"token": "dl-key"}},
 "awbs": {"AWB-L1": {"courier": "delhivery",
                     "steps": ["UD/In Transit", "UD/Dispatched", "DL/Delivered"]}}}
JSON
mkfifo "$tmp/sim.in"
"$py" "$sim" --scenario "$tmp/scenario.json" < "$tmp/sim.in" > "$tmp/sim.out" \
  2> "$tmp/sim.log" &
sim_pid=$!
exec 3> "$tmp/sim.in"
for _ in $(seq 1 100); do [ -s "$tmp/sim.out" ] && break; sleep 0.05; done
sim_port=$(head -n 1 "$tmp/sim.out")

# The seed's own `orders` document, as the shop wrote it before ordertrack existed.
mongo "d.orders.insert_one({'awb': 'AWB-L1', 'status': 'pending', 'total': 499})" || bad "seed orders"

cat > "$tmp/d.json" <<JSON
{"api_keys": [{"key": "admin-key-012345", "role": "admin"}]}
JSON
auth="Authorization: Bearer admin-key-012345"
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0 --storage "$storage"
expect 201 "init o-l1" -X POST "$base/tracking/orders/o-l1/init" -H "$auth" \
  -d '{"store_id":"s","customer_id":"c-1","delivery_provider":"delhivery","delivery_tracking_id":"AWB-L1"}'
expect 200 "healthz" "$base/healthz"

cat > "$tmp/p.json" <<JSON
{"storage": "$storage",
 "couriers": {"delhivery": {"base_url": "http://127.0.0.1:$sim_port", "token": "dl-key"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *"}]}
JSON
for round in 1 2 3; do
  "$poller" --config "$tmp/p.json" --once > "$tmp/run$round.out" 2> "$tmp/run$round.log"; rc=$?
  if [ "$rc" -eq 0 ]; then ok; else bad "poll round $round: exit $rc: $(cat "$tmp/run$round.log")"; fi
done
expect 200 "o-l1 after polls" "$base/tracking/orders/o-l1" -H "$auth"
jq_is .shipment_status delivered "o-l1 shipment"
stop

# orders: only `status` changed; orderTracking: one document per history entry, in order.
got=$(mongo "
o = d.orders.find_one({'awb': 'AWB-L1'})
h = list(d.orderTracking.find({'order_id': 'o-l1'}).sort('seq', 1))
print(o['status'], o['total'], sorted(k for k in o if k != '_id'), len(h),
      ','.join(str(x['seq']) for x in h), h[-1]['shipment_status'], h[-1]['awb'],
      h[0]['status'], h[-1]['metadata']['ot']['event'])")
want="delivered 499 ['awb', 'status', 'total'] 4 0,1,2,3 delivered AWB-L1 submitted courier_update"
if [ "$got" = "$want" ]; then ok; else bad "legacy collections: got '$got', want '$want'"; fi

# PII on: the customer id and the driver's name and phone reach neither collection in clear.
storage_p="$hosts/$pdb?ot.legacyOrders=true${query:+&$query}"
cat > "$tmp/pii.json" <<JSON
{"api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "pii": {"key_id": "e2e-1", "key_hex": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}}
JSON
mongo "p.orders.insert_one({'awb': 'AWB-P1', 'status': 'pending'})" || bad "seed pii orders"
start pii --config "$tmp/pii.json" --listen 127.0.0.1:0 --storage "$storage_p"
expect 201 "init o-p1" -X POST "$base/tracking/orders/o-p1/init" -H "$auth" \
  -d '{"store_id":"s","customer_id":"cust-SECRET-77","delivery_provider":"delhivery","delivery_tracking_id":"AWB-P1"}'
expect 200 "notify o-p1" -X PUT "$base/tracking/orders/o-p1/status" -H "$auth" \
  -d '{"status":"store_notified","updated_by":"notifier"}'
for step in acknowledge start-picking ready; do
  expect 200 "$step o-p1" -X POST "$base/tracking/store/s/$step" -H "$auth" -d '{"order_id":"o-p1"}'
done
expect 200 "assign o-p1" -X POST "$base/tracking/delivery/o-p1/assign" -H "$auth" \
  -d '{"driver":{"driver_id":"d-9","name":"Driver SECRET Name","phone":"+91-SECRET-555","vehicle_type":"bike"}}'
jq_is .driver_details.phone "+91-SECRET-555" "the API answers plaintext"
stop
got=$(mongo "
from bson import json_util
text = json_util.dumps(list(p.orders.find()) + list(p.orderTracking.find()))
print(text.count('SECRET'), text.count('otpii:v1:e2e-1:'), p.orderTracking.count_documents({}),
      p.orders.find_one({'awb': 'AWB-P1'})['status'])")
if [ "$got" = "0 3 6 pending" ]; then ok
else bad "pii in the legacy collections: got '$got', want '0 3 6 pending' (secrets, tokens, entries, status)"; fi

# An unknown ot. option stops start-up as a refused configuration (exit 2) naming it;
# libmongoc never sees it.
"$bin" --config "$tmp/d.json" --listen 127.0.0.1:0 --storage "$hosts/$db?ot.legacyOrder=true" \
  > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "unknown option ot.legacyOrder " "$tmp/bad.log"; then ok
else bad "unknown ot. option: exit $rc: $(cat "$tmp/bad.log")"; fi
sed "s|\"storage\": \"[^\"]*\"|\"storage\": \"$hosts/$db?ot.ordersCollection=x\"|" "$tmp/p.json" \
  > "$tmp/bad.json"
"$poller" --config "$tmp/bad.json" --once > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "ot.ordersCollection has no effect without ot.legacyOrders=true" \
     "$tmp/bad.log"; then ok
else bad "poller, legacy option alone: exit $rc: $(cat "$tmp/bad.log")"; fi
# A refused URI is named without its password.
"$bin" --config "$tmp/d.json" --listen 127.0.0.1:0 \
  --storage "mongodb://ops:pw-s3cret-42@127.0.0.1:1/$db?ot.nope=1" > /dev/null 2> "$tmp/bad.log"
if grep -q "mongodb://\*\*\*@127.0.0.1:1/" "$tmp/bad.log" && grep -q "ot.nope" "$tmp/bad.log" &&
   ! grep -q "s3cret" "$tmp/bad.log"; then ok
else bad "password in the storage error: $(cat "$tmp/bad.log")"; fi

echo "mongo legacy e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
