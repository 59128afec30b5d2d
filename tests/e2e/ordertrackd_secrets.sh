#!/bin/sh
# No secret ever reaches ordertrackd's logs: run it with known API keys and webhook secrets,
# make requests with good and bad keys (and bad keys that look like secrets), good and bad
# webhook credentials, then grep everything it wrote (stdout and stderr) for every secret and
# every credential sent. The one documented exception is the admin key generated without
# --config, printed once on stdout (and never on stderr). Usage: ordertrackd_secrets.sh BIN
set -u
bin=$1
tmp=$(mktemp -d)
pid=
fails=0

# Requests go through the validating proxy (openapi.sh) as in the other scripts.
. "$(dirname "$0")/openapi.sh"
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi
  before=$fails
  proxy_finish
  rm -rf "$tmp"
  [ "$fails" -eq "$before" ] || exit 1
}
trap cleanup EXIT
ok() { :; }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

start() {
  # No output of an earlier run may be mistaken for this one's: the redirections below
  # happen in the background, after this loop may already have read the files.
  rm -f "$tmp/stdout" "$tmp/stderr"
  "$bin" "$@" > "$tmp/stdout" 2> "$tmp/stderr" &
  pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/stderr" \
           2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "FAIL: ordertrackd did not start" >&2; cat "$tmp/stderr" >&2; exit 1; }
  proxy_start secrets
}
stop() { kill -TERM "$pid"; wait "$pid"; pid=; proxy_finish; }
req() { curl -s -o /dev/null "$@" || true; }

secrets="admin-S3CRET-aaaa store-S3CRET-bbbb courier-S3CRET-cccc uber-SIGNING-dddd
  doordash-AUTH-eeee shiprocket-KEY-ffff velocity-KEY-gggg delhivery-AUTH-hhhh"
sent="wrong-K3Y-iiii admin-S3CRET-aaaX 0000deadbeef-jjjj"
cat > "$tmp/config.json" <<'JSON'
{
  "listen": "127.0.0.1:0",
  "storage": "memory:",
  "api_keys": [
    {"key": "admin-S3CRET-aaaa", "role": "admin", "id": "ops"},
    {"key": "store-S3CRET-bbbb", "role": "store", "stores": ["store-1"]},
    {"key": "courier-S3CRET-cccc", "role": "courier"}
  ],
  "webhooks": {
    "uber": {"signing_key": "uber-SIGNING-dddd"},
    "doordash": {"authorization": "doordash-AUTH-eeee"},
    "shiprocket": {"api_key": "shiprocket-KEY-ffff"},
    "velocity": {"api_key": "velocity-KEY-gggg"},
    "delhivery": {"authorization": "delhivery-AUTH-hhhh"}
  },
  "limits": {"requests_per_second": 100, "burst": 100}
}
JSON

start --config "$tmp/config.json"
for k in admin-S3CRET-aaaa store-S3CRET-bbbb courier-S3CRET-cccc $sent; do
  req -H "Authorization: Bearer $k" "$base/tracking/orders/o-1"
  req -H "Authorization: Bearer $k" -X POST -d '{}' "$base/tracking/orders/o-1/init"
  req -H "Authorization: Bearer $k" "$base/metrics"
  req -H "Authorization: $k" "$base/tracking/store/store-1/ready" -X POST
done
req -H "Authorization: Bearer admin-S3CRET-aaaa" "$base/tracking/orders/admin-S3CRET-aaaa-in-path"
for v in uber-SIGNING-dddd wrong-K3Y-iiii; do
  req -X POST -H "X-Uber-Signature: $v" -d '{"kind":"event.delivery_status"}' "$base/tracking/webhooks/uber"
  req -X POST -H "Authorization: $v" -d '{}' "$base/tracking/webhooks/doordash"
  req -X POST -H "x-api-key: $v" -d '{}' "$base/tracking/webhooks/shiprocket"
  req -X POST -H "X-API-Key: $v" -d '{}' "$base/tracking/webhooks/velocity"
  req -X POST -H "Authorization: $v" -d '{}' "$base/tracking/webhooks/delhivery"
done
req "$base/healthz"
stop
# The path is the caller's own text and is logged: that request is left out of the check.
grep -v 'in-path' "$tmp/stderr" > "$tmp/stderr.checked"
for s in $secrets $sent; do
  if grep -q -- "$s" "$tmp/stdout" "$tmp/stderr.checked"; then
    bad "secret $s appears in the logs: $(grep -h -- "$s" "$tmp/stdout" "$tmp/stderr.checked" | head -n 3)"
  fi
done
lines=$(cat "$tmp/stdout" "$tmp/stderr" | wc -l)
[ "$lines" -gt 20 ] || bad "expected an access log line per request, got $lines lines"

# The documented exception: without --config the generated admin key is printed once, on
# stdout only.
start --listen 127.0.0.1:0 --storage memory:
key=$(sed -n 's/^admin key: \([0-9a-f]\{64\}\)$/\1/p' "$tmp/stdout")
[ -n "$key" ] || bad "no generated admin key on stdout"
req -H "Authorization: Bearer $key" "$base/metrics"
req -H "Authorization: Bearer ${key}x" "$base/metrics"
stop
[ "$(grep -c -- "$key" "$tmp/stdout")" -eq 1 ] || bad "the generated key is printed more than once"
if grep -q -- "$key" "$tmp/stderr"; then bad "the generated key reached stderr"; fi

if [ "$fails" -ne 0 ]; then echo "$fails failures" >&2; exit 1; fi
echo "secrets: none of $(echo $secrets $sent | wc -w) secrets in $lines log lines"
