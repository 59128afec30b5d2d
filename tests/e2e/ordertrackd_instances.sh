#!/bin/sh
# ordertrackd end to end, issue 20: two instances on one store (an SQLite file) with the
# outbox on. A has the `nats` and `subscriptions` blocks (its relay delivers to a real
# nats-server started here, and its streams are woken from the stream's subjects); B has
# `subscriptions` only (its relay competes with A's for the webhook sink's events, and its
# streams are woken by its outbox tail). A client streaming an order from B sees a write
# made on A, and one streaming from A a write made on B, each within a bounded delay (not
# the 15 s heartbeat); every committed event is in JetStream once. The webhook subscription
# nobody answers parks every event as a dead letter (max_attempts 1, whichever relay tried
# it), which `ordertrack events dead-letters` lists and `ordertrack events replay`
# re-queues; `ordertrack events tail` reads the same outbox.
set -u
bin=$1
cli=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
nport=$(free_port); mport=$(free_port)
nats-server -js -a 127.0.0.1 -p "$nport" -m "$mport" -sd "$tmp/js" > "$tmp/nats.log" 2>&1 &
npid=$!
bpid=; bproxy=
finish() {
  [ -n "$bpid" ] && kill -KILL "$bpid" 2>/dev/null
  [ -n "$bproxy" ] && kill -TERM "$bproxy" 2>/dev/null
  kill -KILL "$npid" 2>/dev/null
  cleanup
}
trap finish EXIT
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$mport/healthz" > /dev/null && break; sleep 0.05; done

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
  "limits": {"event_heartbeat_ms": 15000},
  "outbox": {"tail_ms": 100, "backoff_base_ms": 100, "poll_interval_ms": 50,
             "max_attempts": 1},
  "subscriptions": [{"url": "http://127.0.0.1:1/hook", "secret": "0123456789abcdef-secret",
                     "event_types": ["order.status_changed"], "timeout_ms": 1000}],
  "nats": {"url": "nats://127.0.0.1:$nport", "stream": "E2E", "subject_prefix": "ot"}
}
JSON
jq 'del(.nats)' "$tmp/config.json" > "$tmp/config-b.json"
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

# Instance B by hand, behind a validating proxy of its own.
"$bin" --config "$tmp/config-b.json" > "$tmp/b.out" 2> "$tmp/b.log" &
bpid=$!
bport=
for _ in $(seq 1 200); do
  bport=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/b.log")
  [ -n "$bport" ] && break
  kill -0 "$bpid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$bport" ] || { echo "FAIL: instance B did not start" >&2; cat "$tmp/b.log" >&2; exit 1; }
/usr/bin/python3 "$e2e_dir/openapi_proxy.py" --spec "$openapi_spec" --upstream "127.0.0.1:$bport" \
  --port-file "$tmp/b.proxy" --report "$tmp/openapi-b.jsonl" 2> "$tmp/b.proxy.log" &
bproxy=$!
for _ in $(seq 1 200); do [ -s "$tmp/b.proxy" ] && break; sleep 0.05; done
bbase=http://127.0.0.1:$(cat "$tmp/b.proxy")

start a --config "$tmp/config.json"     # instance A: $base

expect 201 "init on A" -X POST -H "$A" -H "$J" \
  -d '{"store_id":"store.1","customer_id":"cust-1","delivery_provider":"uber"}' \
  "$base/tracking/orders/o-1/init"
curl -s -N --max-time 20 -H "$A" "$bbase/tracking/orders/o-1/events" > "$tmp/sse" &
spid=$!
sleep 0.5
grep -q '"status":"submitted"' "$tmp/sse" && ok || bad "B's stream lacks the order's first entry: $(cat "$tmp/sse")"

t0=$(date +%s%N)
expect 200 "status on A" -X PUT -H "$A" -H "$J" \
  -d '{"status":"store_notified","updated_by":"e2e"}' "$base/tracking/orders/o-1/status"
seen=
for _ in $(seq 1 40); do
  if grep -q '"status":"store_notified"' "$tmp/sse"; then seen=1; break; fi
  sleep 0.05
done
took=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ -n "$seen" ] && [ "$took" -lt 2000 ]; then ok
else bad "B streamed A's write after $took ms (want < 2000): $(cat "$tmp/sse")"; fi
grep -q '^id: 1$' "$tmp/sse" && ok || bad "B's stream: no 'id: 1': $(cat "$tmp/sse")"
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null

# The other way: a write on B streams on A, woken through JetStream.
curl -s -N --max-time 20 -H "$A" "$base/tracking/orders/o-1/events" > "$tmp/sse-a" &
spid=$!
sleep 0.5
t0=$(date +%s%N)
expect 200 "acknowledge on B" -X PUT -H "$A" -H "$J" \
  -d '{"status":"store_acknowledged","updated_by":"e2e"}' "$bbase/tracking/orders/o-1/status"
seen=
for _ in $(seq 1 40); do
  if grep -q '"status":"store_acknowledged"' "$tmp/sse-a"; then seen=1; break; fi
  sleep 0.05
done
took=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ -n "$seen" ] && [ "$took" -lt 2000 ]; then ok
else bad "A streamed B's write after $took ms (want < 2000): $(cat "$tmp/sse-a")"; fi
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null

# More writes on both instances; then every outbox event is in the stream exactly once.
for i in 2 3 4 5; do
  expect 201 "init o-$i on A" -X POST -H "$A" -H "$J" \
    -d '{"store_id":"store-2","customer_id":"c","delivery_provider":"uber"}' \
    "$base/tracking/orders/o-$i/init"
  expect 200 "status o-$i on B" -X PUT -H "$A" -H "$J" \
    -d '{"status":"store_notified","updated_by":"e2e"}' \
    "$bbase/tracking/orders/o-$i/status"
done
events=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from ot_outbox").fetchone()[0])' "$tmp/ot.db")
stored=
for _ in $(seq 1 100); do
  stored=$(curl -s "http://127.0.0.1:$mport/jsz?streams=true" |
           jq -r '[.account_details[]?.stream_detail[]? | select(.name=="E2E") | .state.messages] | add // 0')
  [ -n "$events" ] && [ "$stored" = "$events" ] && break
  sleep 0.1
done
if [ -n "$events" ] && [ "$events" -ge 10 ] && [ "$stored" = "$events" ]; then ok
else bad "JetStream holds $stored messages for $events outbox events"; fi
subjects=$(curl -s "http://127.0.0.1:$mport/jsz?streams=true&config=true" |
           jq -r '.account_details[].stream_detail[] | select(.name=="E2E") | .config.subjects[0]')
[ "$subjects" = "ot.>" ] && ok || bad "stream E2E subjects: $subjects"

# The CLI over the same outbox.
lines=$("$cli" events tail "sqlite:$tmp/ot.db" --limit 3 | wc -l)
[ "$lines" = "$events" ] && ok || bad "events tail: $lines lines for $events events"
"$cli" events tail "sqlite:$tmp/ot.db" --order o-1 > "$tmp/tail"
[ "$(wc -l < "$tmp/tail")" = 3 ] && ok || bad "events tail --order o-1: $(cat "$tmp/tail")"
jq -e 'select(.event.order_id != "o-1")' "$tmp/tail" > /dev/null && bad "tail --order: other orders" || ok
jq -e '.position > 0 and (.event.event_id | startswith("evt_"))' "$tmp/tail" > /dev/null && ok ||
  bad "events tail: $(cat "$tmp/tail")"
dead=
for _ in $(seq 1 100); do
  dead=$("$cli" events dead-letters "sqlite:$tmp/ot.db" --sink webhook | wc -l)
  [ "$dead" = "$events" ] && break
  sleep 0.1
done
[ "$dead" = "$events" ] && ok || bad "dead-letters --sink webhook: $dead of $events"
"$cli" events dead-letters "sqlite:$tmp/ot.db" --sink webhook --limit 1 | head -1 > "$tmp/dead"
jq -e '.state == "dead" and .attempts == 1 and (.last_error | length > 0)' "$tmp/dead"   > /dev/null && ok || bad "a dead letter: $(cat "$tmp/dead")"
[ "$("$cli" events dead-letters "sqlite:$tmp/ot.db" --sink nats | wc -l)" = 0 ] && ok ||
  bad "dead letters of nats"
pos=$(jq -r .position "$tmp/dead")
kill -TERM "$bpid"; wait "$bpid"; brc=$?; bpid=
[ "$brc" -eq 0 ] && ok || { bad "B: exit $brc"; cat "$tmp/b.log" >&2; }
kill -TERM "$bproxy"; wait "$bproxy"; bproxy=
if [ -s "$tmp/openapi-b.jsonl" ]; then
  while IFS= read -r line; do bad "openapi (B): $line"; done < "$tmp/openapi-b.jsonl"
fi
stop
out=$("$cli" events replay "sqlite:$tmp/ot.db" --sink webhook --position "$pos")
[ "$out" = "replayed 1" ] && ok || bad "replay --position: $out"
# stdout only: libmongoc, loaded with the CLI, initialises itself before main and may warn
# on stderr (no shared memory for its counters on some CI hosts)
out=$("$cli" events replay "sqlite:$tmp/ot.db" --sink webhook --all 2> "$tmp/err")
[ "$out" = "replayed $((events - 1))" ] && ok || bad "replay --all: $out $(cat "$tmp/err")"
"$cli" events replay "sqlite:$tmp/ot.db" --sink webhook --position "$pos" 2> "$tmp/err"
[ $? -eq 65 ] && ok || bad "replay of a pending event: want exit 65"
"$cli" events tail "sqlite:$tmp/ot.db" --position 3 2> "$tmp/err"
[ $? -eq 64 ] && grep -q -- "--position" "$tmp/err" && ok || bad "tail --position: $(cat "$tmp/err")"
[ "$("$cli" events dead-letters "sqlite:$tmp/ot.db" --sink webhook | wc -l)" = 0 ] && ok ||
  bad "dead letters after replay"

echo "ordertrackd_instances: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
