#!/bin/sh
# ordertrackd end to end, on 127.0.0.1 with a kernel-chosen port: /healthz (memory and
# sqlite), storage start-up failures, 401, 403, 404, 405, 400 on bad If-Match /
# Idempotency-Key, 413 (declared and chunked), 429 with Retry-After, /metrics, the access
# log, bad configs (exit 2 naming the field), the generated admin key, and SIGTERM finishing
# a request in flight then exiting 0. The routes themselves: ordertrackd_api.sh.
set -u
bin=$1
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

cat > "$tmp/config.json" <<'JSON'
{
  "listen": "127.0.0.1:0",
  "storage": "memory:",
  "api_keys": [
    {"key": "admin-secret-e2e", "role": "admin", "id": "ops"},
    {"key": "store-1-secret-e2e", "role": "store", "stores": ["store-1"]},
    {"key": "courier-secret-e2e", "role": "courier"}
  ],
  "limits": {"max_body_bytes": 1024, "requests_per_second": 0.5, "burst": 10, "threads": 2}
}
JSON
admin="Authorization: Bearer admin-secret-e2e"

start main --config "$tmp/config.json" --log-format json

expect 200 healthz "$base/healthz"
body_has '"status":"ok","storage":"ok"' healthz
header_has 'content-type: application/json' healthz

expect 401 "no key" "$base/tracking/orders/o-1"
body_has '"code":"unauthorized"' "no key"
expect 401 "unknown key" -H "Authorization: Bearer wrong" "$base/tracking/orders/o-1"

expect 404 "unknown route" -H "$admin" "$base/tracking/nothing"
body_has '"code":"not_found"' "unknown route"

expect 405 "wrong method" -X DELETE -H "$admin" "$base/tracking/orders/o-1"
header_has '^allow: GET' "wrong method"
body_has '"code":"method_not_allowed"' "wrong method"

expect 403 "other store" -X POST -H "Authorization: Bearer store-1-secret-e2e" \
  -d '{"order_id":"o-1"}' "$base/tracking/store/store-2/ready"
body_has '"code":"forbidden"' "other store"

expect 400 "init without customer_id" -X POST -H "$admin" -H 'Idempotency-Key: k-1' \
  -d '{"store_id":"store-1"}' "$base/tracking/orders/o-1/init"
body_has '"field":"customer_id"' "init without customer_id"

expect 400 "bad If-Match" -X PUT -H "$admin" -H 'If-Match: 3' -d '{}' \
  "$base/tracking/orders/o-1/status"
body_has '"field":"If-Match"' "bad If-Match"
long_key=$(printf 'k%.0s' $(seq 1 256))
expect 400 "bad Idempotency-Key" -X POST -H "$admin" -H "Idempotency-Key: $long_key" -d '{}' \
  "$base/tracking/orders/o-1/init"
body_has '"field":"Idempotency-Key"' "bad Idempotency-Key"

head -c 2000 /dev/zero | tr '\0' 'x' > "$tmp/big"
expect 413 "declared body over the limit" -X POST -H "$admin" --data-binary @"$tmp/big" \
  "$base/tracking/orders/o-1/init"
body_has '"code":"payload_too_large"' "declared body over the limit"
expect 413 "chunked body over the limit" -X POST -H "$admin" -H 'Transfer-Encoding: chunked' \
  --data-binary @"$tmp/big" "$base/tracking/orders/o-1/init"

# The courier key's bucket holds 10 requests.
for _ in $(seq 1 10); do
  curl -s -o /dev/null -H "Authorization: Bearer courier-secret-e2e" "$base/tracking/orders/o-1"
done
expect 429 "rate limited" -H "Authorization: Bearer courier-secret-e2e" "$base/tracking/orders/o-1"
header_has '^retry-after: [0-9]' "rate limited"
body_has '"code":"rate_limited"' "rate limited"

expect 200 metrics -H "$admin" "$base/metrics"
body_has 'ordertrackd_http_requests_total{route="/healthz",method="GET",code="200"} 1' metrics
body_has 'ordertrackd_http_requests_total{route="/tracking/orders/{order_id}",method="GET",code="429"} 1' metrics
body_has 'ordertrackd_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="+Inf"} 1' metrics
# One registry (the library's) holds the daemon's metrics under their own names and the
# tracker's: each family's # TYPE line exactly once, the failed-authentication series at 0.
for family in 'ordertrackd_http_requests_total counter' \
              'ordertrackd_http_request_duration_seconds histogram' \
              'ordertrackd_auth_failures_total counter' \
              'ordertrackd_auth_failure_sources_evicted_total counter' \
              'ordertrack_transitions_total counter'; do
  n=$(grep -c "^# TYPE $family\$" "$tmp/b")
  if [ "$n" = 1 ]; then ok; else bad "metrics: '# TYPE $family' found $n times"; fi
done
body_has '^ordertrackd_auth_failures_total{credential="webhook",answer="rate_limited"} 0$' metrics
body_has '^ordertrackd_auth_failure_sources_evicted_total 0$' metrics
if grep -q '^ordertrack_ordertrackd_' "$tmp/b"; then bad "metrics: a daemon metric got the library's prefix"; else ok; fi

# The access log: one JSON line per request (--log-format json: time, level, msg, fields),
# with the key id and never the key; every line on stderr is such an object.
if grep -q '"level":"info","program":"ordertrackd","msg":"request","method":"GET","path":"/tracking/nothing","route":null,"status":404' "$log"; then ok
else bad "access log lacks the 404 line"; fi
if grep -q '"status":200,.*"key_id":"ops"' "$log"; then ok; else bad "access log lacks key_id"; fi
if grep -q 'secret-e2e' "$log"; then bad "a key leaked into the log"; else ok; fi
if jq -e 'has("time") and has("level") and has("msg")' "$log" > /dev/null 2>&1; then ok
else bad "a log line is not a JSON entry: $(grep -v '^{' "$log" | head -n 2)"; fi

# SIGTERM while a request is in flight: it is finished, then the daemon exits 0.
head -c 900 /dev/zero | tr '\0' 'y' > "$tmp/slow"
curl -s -o "$tmp/slow.out" -w '%{http_code}' --limit-rate 400 -X POST -H "$admin" \
  --data-binary @"$tmp/slow" "$base/tracking/orders/o-2/init" > "$tmp/slow.code" &
curl_pid=$!
sleep 1
stop
wait "$curl_pid"
if [ "$(cat "$tmp/slow.code")" = 400 ]; then ok
else bad "in-flight request: got $(cat "$tmp/slow.code")"; fi

# An invalid config: exit 2, naming the file and the field, before listening.
sed 's/"role": "courier"/"role": "boss"/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad.json: api_keys\[2\].role: unknown role \"boss\"" "$tmp/bad.log" \
   && ! grep -q listening "$tmp/bad.log"; then ok
else bad "bad config: exit $rc: $(cat "$tmp/bad.log")"; fi
"$bin" --config "$tmp/missing.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "missing.json" "$tmp/bad.log"; then ok
else bad "missing config: exit $rc"; fi
"$bin" --config "$tmp/config.json" --listen 127.0.0.1:99999 > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q -- "--listen: port" "$tmp/bad.log"; then ok
else bad "bad --listen: exit $rc"; fi
sed 's/"threads": 2}/"threads": 2}, "sla": {"picking_ms": -5}/' "$tmp/config.json" > "$tmp/bad.json"
"$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "sla.picking_ms" "$tmp/bad.log"; then ok
else bad "bad sla block: exit $rc: $(cat "$tmp/bad.log")"; fi
"$bin" --bogus > /dev/null 2>&1; rc=$?
if [ "$rc" -eq 64 ]; then ok; else bad "unknown flag: exit $rc"; fi
"$bin" --config "$tmp/config.json" --log-format xml > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '--log-format: "xml" is not json or text' "$tmp/bad.log"; then ok
else bad "unknown log format: exit $rc: $(cat "$tmp/bad.log")"; fi
"$bin" --config "$tmp/config.json" --log-level=loud > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '--log-level: "loud" is not debug' "$tmp/bad.log"; then ok
else bad "unknown log level: exit $rc: $(cat "$tmp/bad.log")"; fi

# Storage that cannot be opened stops start-up (1); a scheme without an adapter in this
# build exits 2.
"$bin" --config "$tmp/config.json" --storage "sqlite:$tmp/absent/ordertrack.db" \
  > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 1 ] && grep -q "absent/ordertrack.db" "$tmp/bad.log"; then ok
else bad "unopenable sqlite: exit $rc: $(cat "$tmp/bad.log")"; fi
"$bin" --config "$tmp/config.json" --storage "redis://127.0.0.1/x" \
  > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "is not a storage URI" "$tmp/bad.log"; then ok
else bad "unknown scheme: exit $rc: $(cat "$tmp/bad.log")"; fi
"$bin" --config "$tmp/config.json" \
  --storage "mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=300&connectTimeoutMS=300" \
  > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 1 ] && grep -q "storage mongodb://127.0.0.1:1/x" "$tmp/bad.log"; then ok
else bad "unreachable mongodb: exit $rc: $(cat "$tmp/bad.log")"; fi

# No --config: a generated admin key, printed once on stdout, works; /healthz reads the
# sqlite database.
start nokey --listen 127.0.0.1:0 --storage "sqlite:$tmp/nokey.db"
expect 200 "healthz on sqlite" "$base/healthz"
body_has '"storage":"ok"' "healthz on sqlite"
key=$(sed -n 's/^admin key: \([0-9a-f]\{64\}\)$/\1/p' "$tmp/stdout")
if [ -n "$key" ]; then ok; else bad "no generated admin key on stdout"; fi
expect 200 "generated key" -H "Authorization: Bearer $key" "$base/metrics"
if grep -q "$key" "$log"; then bad "the generated key leaked into the log"; else ok; fi
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
if [ "$rc" -eq 0 ]; then ok; else bad "SIGINT: exit $rc"; fi

echo "ordertrackd e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
