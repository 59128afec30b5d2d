#!/bin/sh
# ordertrack-poller --once reports partial failure (issue 17, 8): two AWBs polled one per
# request, the simulator refusing the first request (400, not retried), must print
# "result":"partial" with failed_requests 1 and exit 1; the next run, with no fault, is "ok"
# and exits 0; a courier that fails every request is "failed", exit 1.
# Usage: poller_partial.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM
set -u
bin=$1
poller=$2
sim=$3
tmp=$(mktemp -d)
. "$(dirname "$0")/../e2e/lib.sh"
sim_pid=
trap 'kill -KILL $sim_pid $pid 2>/dev/null; exec 3>&-; rm -rf "$tmp"' EXIT

cat > "$tmp/scenario.json" <<JSON
{"credentials": {"delhivery": {"token": "dl-key"}},
 "awbs": {"AWB-1": {"courier": "delhivery", "steps": ["UD/In Transit", "DL/Delivered"]},
          "AWB-2": {"courier": "delhivery", "steps": ["UD/In Transit", "DL/Delivered"]}}}
JSON
start_sim "$sim" "$tmp/scenario.json"
sim_url=http://127.0.0.1:$sim_port

cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-0123456789", "role": "admin"}]}
JSON
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
for i in 1 2; do
  expect 201 "init o-$i" -X POST "$base/tracking/orders/o-$i/init" \
    -H "Authorization: Bearer admin-key-0123456789" -d "{\"store_id\":\"s\",\"customer_id\":\"c\",
    \"delivery_provider\":\"delhivery\",\"delivery_tracking_id\":\"AWB-$i\"}"
done
cat > "$tmp/p.json" <<JSON
{"storage": "sqlite:$tmp/ot.db",
 "couriers": {"delhivery": {"base_url": "$sim_url", "token": "dl-key"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *",
               "batch_size": 1, "workers": 1}]}
JSON

# once NAME: run the poller once; exit status in $rc, its summary line in $tmp/NAME.out
once() {
  "$poller" --config "$tmp/p.json" --once > "$tmp/$1.out" 2> "$tmp/$1.log"; rc=$?
}
summary_is() { # summary_is NAME FILTER WANT
  got=$(jq -r "$2" "$tmp/$1.out" 2>/dev/null)
  if [ "$got" = "$3" ]; then ok; else bad "$1: $2 is '$got', want '$3': $(cat "$tmp/$1.out")"; fi
}

curl -s -X POST "$sim_url/_sim/faults" \
  -d '[{"path": "/api/v1/packages/json/", "times": 1, "status": 400}]' > /dev/null
once partial
if [ "$rc" -eq 1 ]; then ok; else bad "partial: exit $rc, want 1: $(cat "$tmp/partial.log")"; fi
summary_is partial .result partial
summary_is partial .requests 2
summary_is partial .failed_requests 1
summary_is partial .changed 1

once clean
if [ "$rc" -eq 0 ]; then ok; else bad "clean: exit $rc, want 0: $(cat "$tmp/clean.log")"; fi
summary_is clean .result ok
summary_is clean .failed_requests 0

curl -s -X POST "$sim_url/_sim/faults" \
  -d '[{"path": "/api/v1/packages/json/", "times": 100, "status": 400}]' > /dev/null
once down
if [ "$rc" -eq 1 ]; then ok; else bad "down: exit $rc, want 1"; fi
summary_is down .result failed
stop
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
