#!/bin/sh
# ordertrackd end to end: dispatch to Uber Direct and DoorDash Drive through the courier
# simulator (tests/sim/courier_sim.py + dispatch_sim.py), one scenario per run:
#   normal    a ready order is requested from its store's primary (Uber) and recorded; the
#             simulator's status webhook then assigns the courier
#   retry     no courier at the first request, one at the retry after the backoff
#   failover  the primary answers 503 (after the client's retries): nothing to cancel, switch,
#             the secondary (DoorDash) takes the delivery
#   crash     ordertrackd is killed (SIGKILL) while its DoorDash request is in flight; the
#             restarted daemon resends it under the same external_delivery_id (409, read
#             back): one delivery
#   stale     DoorDash times out, its delivery is cancelled, Uber takes the order; a late
#             DoorDash webhook is stale and changes nothing
#   auth      an expired Uber token, a revoked one and a refused DoorDash JWT are refused as
#             documented (401 unauthorized / authentication_error) and the client recovers
#   twins     two ordertrackd on one database dispatch each order once; a reload that
#             changes the block says it needs a restart
# Each asserts the order's history and the requests the simulator received.
set -u
bin=$1
scenario=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

spid=
stop_sim() { [ -n "$spid" ] && exec 3>&- && wait "$spid" 2>/dev/null; spid=; }
trap 'stop_sim; cleanup' EXIT

mkfifo "$tmp/sim.in"
/usr/bin/python3 "$here/../sim/courier_sim.py" < "$tmp/sim.in" > "$tmp/sim.out" \
  2> "$tmp/sim.log" &
spid=$!
exec 3> "$tmp/sim.in"
for _ in $(seq 1 100); do [ -s "$tmp/sim.out" ] && break; sleep 0.05; done
sport=$(head -n 1 "$tmp/sim.out")
[ -n "$sport" ] || { echo "FAIL: the simulator did not start" >&2; cat "$tmp/sim.log" >&2; exit 1; }
sim=http://127.0.0.1:$sport

# The DoorDash signing secret the simulator knows: base64url of the bytes 0x01..0x20.
dd_secret=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA
cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/ot.db",
  "api_keys": [{"key": "admin-key-012345", "role": "admin"},
               {"key": "uber-courier-key-01", "role": "courier", "providers": ["uber"]},
               {"key": "dd-courier-key-0001", "role": "courier", "providers": ["doordash"]}],
  "webhooks": {"uber": {"signing_key": "uber-hook-key"},
               "doordash": {"authorization": "dd-hook-secret"}},
  "dispatch": {
    "uber": {"base_url": "$sim", "token_url": "$sim/oauth/v2/token",
             "client_id": "uber-client", "client_secret": "uber-secret",
             "customer_id": "cus_sim", "timeout_ms": 1000, "token_margin_ms": 1000},
    "doordash": {"base_url": "$sim", "developer_id": "dd-dev", "key_id": "dd-key",
                 "signing_secret": "$dd_secret", "timeout_ms": 1000, "jwt_ttl_s": 60},
    "stores": {
      "store-u": {"primary": "uber", "secondary": "doordash", "pickup_name": "Store U",
                  "pickup_address": "1 Main St, Springfield", "pickup_phone": "+15550000001"},
      "store-d": {"primary": "doordash", "secondary": "uber", "pickup_name": "Store D",
                  "pickup_address": "2 Main St, Springfield", "pickup_phone": "+15550000002"}
    },
    "max_no_driver_attempts": 2, "retry_base_ms": 400, "retry_cap_ms": 1000,
    "lease_ms": 3000, "sweep_ms": 100, "http_max_attempts": 2, "breaker_threshold": 0
  }
}
JSON
A="Authorization: Bearer admin-key-012345"
J="Content-Type: application/json"

simpost() { curl -s -X POST -H "$J" -d "$2" "$sim$1"; }
# simlog: the simulator's request log into $tmp/simlog
simlog() { curl -s "$sim/_sim/log" > "$tmp/simlog"; }
# simcount JQ-SELECT: how many logged requests match
simcount() { jq "[.[] | select($1)] | length" "$tmp/simlog"; }
is() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', want '$2'"; fi; }

# order ID STORE PROVIDER: a new order taken to ready_for_pickup
order() {
  expect 201 "init $1" -X POST -H "$A" -H "$J" -d "{\"store_id\":\"$2\",\"customer_id\":\"c-1\",
    \"delivery_provider\":\"$3\",\"metadata\":{\"dropoff_name\":\"Ann\",
    \"dropoff_address\":\"9 Elm St, Springfield\",\"dropoff_phone\":\"+15550000009\"}}" \
    "$base/tracking/orders/$1/init"
  for s in store_notified store_acknowledged picking_in_progress ready_for_pickup; do
    expect 200 "$1 -> $s" -X PUT -H "$A" -H "$J" -d "{\"status\":\"$s\",\"updated_by\":\"e2e\"}" \
      "$base/tracking/orders/$1/status"
  done
}
# events ID: the dispatch events of the order's history (and no_driver), comma-separated
events() {
  curl -s -H "$A" "$base/tracking/orders/$1/history" > "$tmp/hist"
  jq -r '[.status_history[].metadata.ot | select(.event | test("^dispatch_|^no_driver$"))
          | .event] | join(",")' "$tmp/hist"
}
# wait_events ID WANT: until the dispatch events are WANT (10 s)
wait_events() {
  got=
  for _ in $(seq 1 200); do
    got=$(events "$1")
    [ "$got" = "$2" ] && { ok; return 0; }
    sleep 0.05
  done
  bad "$1: dispatch events '$got', want '$2'"
}
# data ID EVENT JQ: a member of the (last) event's data
data() {
  jq -r "[.status_history[].metadata.ot | select(.event == \"$2\")] | last | .data$3" \
    "$tmp/hist"
}
get_order() { expect 200 "get $1" -H "$A" "$base/tracking/orders/$1"; }

UBER_CREATE='.method == "POST" and .path == "/v1/customers/cus_sim/deliveries"'
DD_CREATE='.method == "POST" and .path == "/drive/v2/deliveries"'
TOKEN='.method == "POST" and .path == "/oauth/v2/token"'

start main --config "$tmp/config.json"
simpost /_sim/dispatch/config "{\"webhook_url\":\"$base\",\"uber_signing_key\":\"uber-hook-key\",
  \"doordash_authorization\":\"dd-hook-secret\"}" > /dev/null

case $scenario in
normal)
  # every member is honoured or refused naming it
  for bad in '"stores": {"store-u": {"primary": "uber", "tertiary": "x"}}|dispatch.stores.store-u.tertiary' \
             '"stores": {"store-u": {"primary": "lyft"}}|dispatch.stores.store-u.primary' \
             '"stores": {}, "max_no_driver_attempts": 0|dispatch.max_no_driver_attempts' \
             '"stores": {}, "uber": {"base_url": "http://x"}|dispatch.uber.token_url'; do
    printf '{"listen": "127.0.0.1:0", "storage": "memory:", "api_keys": [{"key":
      "admin-key-012345", "role": "admin"}], "dispatch": {"doordash": {"base_url": "%s",
      "developer_id": "d", "key_id": "k", "signing_secret": "%s"}, %s}}' "$sim" "$dd_secret" \
      "${bad%%|*}" > "$tmp/bad.json"
    if timeout 10 "$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; then
      bad "config accepted: ${bad%%|*}"
    elif grep -q -- "${bad#*|}" "$tmp/bad.log"; then ok
    else bad "refusal does not name ${bad#*|}: $(cat "$tmp/bad.log")"; fi
  done
  printf '{"listen": "127.0.0.1:0", "storage": "memory:", "api_keys": [{"key":
    "admin-key-012345", "role": "admin"}], "dispatch": {"doordash": {"base_url": "%s",
    "developer_id": "d", "key_id": "k", "signing_secret": "not base64!"},
    "stores": {}}}' "$sim" > "$tmp/bad.json"
  if timeout 10 "$bin" --config "$tmp/bad.json" > /dev/null 2> "$tmp/bad.log"; then bad "bad secret accepted"
  elif grep -q "signing_secret" "$tmp/bad.log"; then ok
  else bad "refusal does not name signing_secret: $(cat "$tmp/bad.log")"; fi
  order n-1 store-u uber
  wait_events n-1 dispatch_requested,dispatch_recorded
  is "$(data n-1 dispatch_requested .external_id)" "n-1~1" "external id of attempt 1"
  did=$(data n-1 dispatch_recorded .delivery_id)
  case $did in del_*) ok ;; *) bad "recorded delivery id '$did'" ;; esac
  get_order n-1
  jq_is .delivery_tracking_id "$did" "the order names the Uber delivery"
  jq_is .current_status ready_for_pickup "no courier yet"
  simlog
  is "$(simcount "$TOKEN")" 1 "one token request"
  is "$(simcount "$UBER_CREATE")" 1 "one create request"
  is "$(jq -r "[.[] | select($UBER_CREATE)][0].body | fromjson |
       .external_id + \" \" + .idempotency_key + \" \" + .pickup_name + \" \" + .dropoff_address" \
       "$tmp/simlog")" "n-1 n-1~1 Store U 9 Elm St, Springfield" "create body"
  is "$(jq -r "[.[] | select($UBER_CREATE)][0].authorization" "$tmp/simlog" | cut -c1-12)" \
    "Bearer uber-" "create carries the token"
  is "$(simcount '.path | startswith("/drive/")')" 0 "nothing sent to DoorDash"
  # the simulator's status webhook assigns the courier
  simpost /_sim/dispatch/webhook "{\"provider\":\"uber\",\"id\":\"$did\",\"status\":\"pickup\",
    \"courier\":{\"name\":\"Sam\",\"phone_number\":\"+15550000077\",\"vehicle_type\":\"car\"}}" \
    > "$tmp/b"
  jq_is '.status' 200 "webhook accepted"
  jq_is '.answer.applied' 1 "webhook applied"
  get_order n-1
  jq_is .current_status driver_assigned "courier assigned by the webhook"
  jq_is .driver_details.name Sam "courier's name"
  sleep 0.5; simlog
  is "$(simcount "$UBER_CREATE")" 1 "still one create request"
  ;;
retry)
  simpost /_sim/dispatch/script '{"uber": ["no_driver"]}' > /dev/null
  order r-1 store-u uber
  wait_events r-1 dispatch_requested,no_driver,dispatch_requested,dispatch_recorded
  is "$(data r-1 no_driver .provider)" uber "no_driver names the provider"
  is "$(data r-1 no_driver .retry_after_ms)" 400 "backoff from retry_base_ms"
  is "$(data r-1 dispatch_requested .external_id)" "r-1~2" "attempt 2 has its own key"
  get_order r-1
  jq_is '[.issues[] | select(.issue_type == "no_drivers")] | length' 1 "a no_drivers issue"
  jq_is .delivery_provider uber "still Uber"
  simlog
  is "$(simcount "$UBER_CREATE")" 2 "two create requests"
  is "$(jq -r "[.[] | select($UBER_CREATE) | .status] | join(\",\")" "$tmp/simlog")" \
    "400,200" "couriers_busy, then a delivery"
  gap=$(jq "[.[] | select($UBER_CREATE) | .t] | .[1] - .[0] >= 0.4" "$tmp/simlog")
  is "$gap" true "the retry waited the backoff"
  ;;
failover)
  simpost /_sim/faults '[{"path": "/v1/customers/", "times": 100, "status": 503}]' > /dev/null
  order f-1 store-u uber
  wait_events f-1 dispatch_requested,dispatch_failed,dispatch_cancelled,dispatch_switched,dispatch_requested,dispatch_recorded
  is "$(data f-1 dispatch_failed .http_status)" 503 "failure recorded with its status"
  is "$(data f-1 dispatch_cancelled .outcome)" nothing_to_cancel "Uber made no delivery"
  is "$(data f-1 dispatch_switched '| .from + ">" + .to')" "uber>doordash" "switch"
  is "$(data f-1 dispatch_recorded .delivery_id)" "f-1~2" "DoorDash delivery"
  get_order f-1
  jq_is .delivery_provider doordash "the order moved to DoorDash"
  jq_is .delivery_tracking_id "f-1~2" "DoorDash's id"
  # the keys' scopes follow the provider: Uber's courier key no longer sees the order (404,
  # its stream is refused as the order is), DoorDash's does
  expect 404 "Uber's key after the switch" -H "Authorization: Bearer uber-courier-key-01" \
    "$base/tracking/orders/f-1"
  expect 404 "Uber's key's stream after the switch" \
    -H "Authorization: Bearer uber-courier-key-01" "$base/tracking/orders/f-1/events"
  expect 200 "DoorDash's key after the switch" -H "Authorization: Bearer dd-courier-key-0001" \
    "$base/tracking/orders/f-1"
  simlog
  is "$(simcount "$UBER_CREATE")" 2 "Uber tried http_max_attempts times"
  is "$(simcount "$DD_CREATE")" 1 "one DoorDash create"
  is "$(jq -r "[.[] | select($DD_CREATE)][0].body | fromjson | .external_delivery_id" \
       "$tmp/simlog")" "f-1~2" "external_delivery_id"
  # a DoorDash webhook of the delivery reaches the order
  simpost /_sim/dispatch/webhook '{"provider":"doordash","id":"f-1~2",
    "status":"DASHER_CONFIRMED","dasher":{"dasher_id":77,"dasher_name":"Dee",
    "dasher_dropoff_phone_number":"+15550000078"}}' > "$tmp/b"
  jq_is '.answer.applied' 1 "DoorDash webhook applied"
  get_order f-1
  jq_is .current_status driver_assigned "courier assigned"
  ;;
crash)
  simpost /_sim/faults '[{"path": "/drive/v2/deliveries", "times": 1, "delay_ms": 1000}]' \
    > /dev/null
  order k-1 store-d doordash
  for _ in $(seq 1 100); do simlog; [ "$(simcount "$DD_CREATE")" -ge 1 ] && break; sleep 0.05; done
  kill -KILL "$pid"; wait "$pid" 2>/dev/null; pid=
  is "$(simcount "$DD_CREATE")" 1 "the request was in flight at the kill"
  # restarted within the request's lease (3 s): nobody resends it before it runs out, and
  # by then the partner has made the delivery it was asked for (1 s)
  start again --config "$tmp/config.json"
  is "$(events k-1)" dispatch_requested "after the crash: requested, not recorded"
  wait_events k-1 dispatch_requested,dispatch_requested,dispatch_recorded
  is "$(jq -r '[.status_history[].metadata.ot | select(.event == "dispatch_requested")
       | .data.external_id] | join(",")' "$tmp/hist")" "k-1~1,k-1~1" "resent under the same key"
  is "$(data k-1 dispatch_requested .resumed)" true "the resend says so"
  simlog
  is "$(jq -r "[.[] | select($DD_CREATE) | .status] | join(\",\")" "$tmp/simlog")" \
    "200,409" "the resend is a duplicate"
  is "$(simcount '.method == "GET" and .path == "/drive/v2/deliveries/k-1~1"')" 1 \
    "the delivery read back"
  is "$(curl -s "$sim/_sim/dispatch/state" | jq '[.deliveries[] | select(.key | startswith("k-1"))] | length')" \
    1 "exactly one delivery"
  ;;
stale)
  # DoorDash answers after the client's time-out (both attempts), then Uber takes it
  simpost /_sim/faults '[{"path": "/drive/v2/deliveries", "times": 2, "delay_ms": 1300}]' \
    > /dev/null
  order s-1 store-d doordash
  wait_events s-1 dispatch_requested,dispatch_failed,dispatch_cancelled,dispatch_switched,dispatch_requested,dispatch_recorded
  is "$(data s-1 dispatch_cancelled .outcome)" cancelled "the DoorDash delivery was cancelled"
  simlog
  is "$(simcount '.method == "PUT" and .path == "/drive/v2/deliveries/s-1~1/cancel"')" 1 \
    "cancel sent to DoorDash"
  is "$(simcount "$UBER_CREATE")" 1 "one Uber create"
  is "$(curl -s "$sim/_sim/dispatch/state" | jq -r '.deliveries["s-1~1"].status')" cancelled \
    "the partner's delivery is cancelled"
  get_order s-1
  jq_is .delivery_provider uber "the order moved to Uber"
  n=$(jq '.status_history | length' "$tmp/b")
  # the cancelled provider's late webhook: stale, nothing changes
  simpost /_sim/dispatch/webhook '{"provider":"doordash","id":"s-1~1",
    "status":"DASHER_CONFIRMED","dasher":{"dasher_id":5,"dasher_name":"Late"}}' > "$tmp/b"
  jq_is '.status' 200 "late webhook answered 200"
  jq_is '.answer.unchanged' 1 "late webhook is stale"
  get_order s-1
  jq_is '.status_history | length' "$n" "no history added"
  jq_is .current_status ready_for_pickup "no courier from the cancelled provider"
  jq_is .driver_details null "no driver details"
  ;;
auth)
  # documented refusals: an unknown token, a JWT signed with another key, an expired JWT
  expect 401 "uber bad token" -X POST -H "Authorization: Bearer nope" -H "$J" -d '{}' \
    "$sim/v1/customers/cus_sim/deliveries"
  jq_is .code unauthorized "Uber's 401 code"
  bad_jwt=$(/usr/bin/python3 - "$dd_secret" <<'PY'
import base64, hashlib, hmac, json, sys, time
def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
key = base64.urlsafe_b64decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 4))
now = int(time.time())
for k, iat in ((b"wrong-key", now), (key, now - 3600)):
    h = b64(json.dumps({"alg": "HS256", "typ": "JWT", "dd-ver": "DD-JWT-V1"}).encode())
    c = b64(json.dumps({"aud": "doordash", "iss": "dd-dev", "kid": "dd-key", "iat": iat,
                        "exp": iat + 300}).encode())
    s = b64(hmac.new(k, (h + "." + c).encode(), hashlib.sha256).digest())
    print(h + "." + c + "." + s)
PY
)
  expect 401 "doordash wrong key" -X POST -H "Authorization: Bearer $(echo "$bad_jwt" | sed -n 1p)" \
    -H "$J" -d '{}' "$sim/drive/v2/deliveries"
  jq_is .code authentication_error "DoorDash's 401 code (signature)"
  expect 401 "doordash expired" -X POST -H "Authorization: Bearer $(echo "$bad_jwt" | sed -n 2p)" \
    -H "$J" -d '{}' "$sim/drive/v2/deliveries"
  jq_is .message "the JWT has expired" "DoorDash's 401 (expiry)"
  # Uber: tokens live 2 s; the client takes a new one before expiry (margin 1 s)
  simpost /_sim/dispatch/config '{"uber_token_ttl_s": 2}' > /dev/null
  order a-1 store-u uber
  wait_events a-1 dispatch_requested,dispatch_recorded
  sleep 1.5
  order a-2 store-u uber
  wait_events a-2 dispatch_requested,dispatch_recorded
  simlog
  is "$(simcount "$TOKEN")" 2 "a new token before the old one expired"
  is "$(simcount "$UBER_CREATE and .status == 401")" 1 "no request with an expired token (the
    one 401 is the check above)"
  # a revoked token: 401, a new token, the request again, no failure recorded. The 2 s token
  # of a-2 must be past its refresh margin first, so that a-3 takes a 3600 s one (on a slow
  # build a-3 could otherwise reuse it and a-4 refresh it before the revocation bites)
  simpost /_sim/dispatch/config '{"uber_token_ttl_s": 3600}' > /dev/null
  sleep 2
  order a-3 store-u uber
  wait_events a-3 dispatch_requested,dispatch_recorded
  simlog
  tokens=$(simcount "$TOKEN")
  simpost /_sim/dispatch/tokens/expire '{}' > /dev/null
  order a-4 store-u uber
  wait_events a-4 dispatch_requested,dispatch_recorded
  simlog
  is "$(jq -r "[.[] | select($UBER_CREATE) | .status] | join(\",\")" "$tmp/simlog")" \
    "401,200,200,200,401,200" "the revoked token refused once"
  is "$(simcount "$TOKEN")" $((tokens + 1)) "one new token after the refusal"
  # DoorDash: a refused JWT, a new one minted, the request again
  simpost /_sim/dispatch/config '{"doordash_refuse_next": 1}' > /dev/null
  order a-5 store-d doordash
  wait_events a-5 dispatch_requested,dispatch_recorded
  simlog
  is "$(jq -r "[.[] | select($DD_CREATE and .authorization != null
       and (.authorization | test(\"^Bearer [A-Za-z0-9_-]+\\\\.[A-Za-z0-9_-]+\\\\.[A-Za-z0-9_-]+$\")))
       | .status] | join(\",\")" "$tmp/simlog")" "401,401,401,200" \
    "documented refusals, then the client's JWT accepted"
  ;;
twins)
  # a second ordertrackd on the same database dispatches too: each order once
  main_pid=$pid
  start twin --config "$tmp/config.json"
  twin_pid=$pid pid=$main_pid log=$tmp/main.log
  trap 'kill -KILL "$twin_pid" 2>/dev/null; stop_sim; cleanup' EXIT
  for i in 1 2 3 4 5 6; do order t-$i store-u uber; done
  for i in 1 2 3 4 5 6; do wait_events t-$i dispatch_requested,dispatch_recorded; done
  simlog
  is "$(simcount "$UBER_CREATE")" 6 "one create per order across the two instances"
  is "$(jq -r "[.[] | select($UBER_CREATE) | .body | fromjson | .idempotency_key] | unique
       | length" "$tmp/simlog")" 6 "six distinct keys"
  kill -TERM "$twin_pid"; wait "$twin_pid" 2>/dev/null
  # the block needs a restart: a reload that changes it keeps the running one
  sed 's/"sweep_ms": 100/"sweep_ms": 200/' "$tmp/config.json" > "$tmp/config2.json"
  mv "$tmp/config2.json" "$tmp/config.json"
  kill -HUP "$pid"
  for _ in $(seq 1 100); do grep -q 'needs restart' "$log" && break; sleep 0.05; done
  if grep 'needs restart' "$log" | grep -q dispatch; then ok
  else bad "reload did not say dispatch needs a restart: $(cat "$log")"; fi
  ;;
*)
  echo "unknown scenario $scenario" >&2; exit 2 ;;
esac

stop
if [ "$fails" -ne 0 ]; then echo "$fails failed, $passes passed" >&2; exit 1; fi
echo "ordertrackd_dispatch $scenario: $passes passed"
