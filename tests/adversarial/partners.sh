#!/bin/sh
# Adversarial (issue 17, defects 1 and 6), through ordertrackd on sqlite:
# - every partner webhook (uber, doordash, shiprocket, velocity, delhivery), validly
#   authenticated, aimed at an order of every other provider, by our order id and by the
#   victim's AWB / delivery id: answered 200 with "refused", the order unchanged, counted
#   in ordertrack_updates_refused_total; a partner's own delivery id that is not the
#   order's is refused too; each partner still moves its own order;
# - two stores sending the same Idempotency-Key both get their own result, and each
#   replay answers its own first result.
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
    {"key": "admin-key-000001", "role": "admin", "id": "ops"},
    {"key": "store-1-key-0001", "role": "store", "stores": ["store-1"], "id": "store-1"},
    {"key": "store-2-key-0001", "role": "store", "stores": ["store-2"], "id": "store-2"}
  ],
  "webhooks": {"uber": {"signing_key": "uber-signing-key"},
               "shiprocket": {"api_key": "sr-key"}, "velocity": {"api_key": "vel-key"},
               "doordash": {"authorization": "Basic dd-key"},
               "delhivery": {"authorization": "Token dl-key"}},
  "limits": {"requests_per_second": 10000, "burst": 10000}
}
JSON
A="Authorization: Bearer admin-key-000001"
J="Content-Type: application/json"
start main --config "$tmp/config.json"

partners="uber doordash shiprocket velocity delhivery"
# Each victim order: its provider, our order id, its delivery id / AWB.
tid_of() { echo "T-$1-victim"; }
for p in $partners internal delhivery_b2b; do
  expect 201 "init $p" -X POST -H "$A" -H "$J" \
    -d "{\"store_id\":\"store-1\",\"customer_id\":\"cust-1\",\"delivery_provider\":\"$p\",\"delivery_tracking_id\":\"$(tid_of "$p")\"}" \
    "$base/tracking/orders/o-$p/init"
done

# send PARTNER ORDER_ID TRACKING_ID EVENT_ID: a validly authenticated webhook of PARTNER
# naming ORDER_ID and TRACKING_ID (answer in $tmp/b).
send() {
  case $1 in
  uber)
    printf '{"id":"%s","kind":"event.delivery_status","created":"2026-11-23T10:15:30.250Z","delivery_id":"%s","status":"pickup","data":{"id":"%s","status":"pickup","external_id":"%s","courier":{"name":"Mallory","phone_number":"+15555550666","vehicle_type":"car"}}}' \
      "$4" "$3" "$3" "$2" > "$tmp/p.json"
    sig=$(openssl dgst -sha256 -hmac uber-signing-key < "$tmp/p.json" | sed 's/^.* //')
    set -- "x-uber-signature: $sig" uber ;;
  doordash)  # DoorDash names a delivery by external_delivery_id only
    jq --arg o "$2" '.external_delivery_id = $o | .dasher_name = "Mallory"' \
      "$data/doordash_webhook.json" > "$tmp/p.json"
    set -- "Authorization: Basic dd-key" doordash ;;
  shiprocket)
    jq --arg o "$2" --arg a "$3" '.order_id = $o | .awb = $a' \
      "$data/shiprocket_webhook.json" > "$tmp/p.json"
    set -- "x-api-key: sr-key" shiprocket ;;
  velocity)
    jq --arg o "$2" --arg a "$3" --arg e "$4" \
      '.event_id = $e | .data.order_external_id = $o | .data.tracking_number = $a' \
      "$data/velocity_webhook.json" > "$tmp/p.json"
    set -- "X-API-Key: vel-key" velocity ;;
  delhivery)
    jq --arg o "$2" --arg a "$3" '.Shipment.ReferenceNo = $o | .Shipment.AWB = $a' \
      "$data/delhivery_push.json" > "$tmp/p.json"
    set -- "Authorization: Token dl-key" delhivery ;;
  esac
  expect 200 "$2 webhook" -X POST -H "$1" -H "$J" --data-binary @"$tmp/p.json" \
    "$base/tracking/webhooks/$2"
}

# The parts of an order a partner update could change (the SLA sweep's entries left out).
state='[.current_status, .shipment_status, .courier_status_raw, .driver_details,
        ([.status_history[] | select(.metadata.ot.event != "sla_notified")] | length),
        (.issues | length)] | tojson'
snapshot() {
  curl -s -H "$A" "$base/tracking/orders/$1" | jq -c "$state"
}

attacks=0
for q in $partners; do                       # the attacker
  for p in $partners internal delhivery_b2b; do  # the victim
    [ "$p" = "$q" ] && continue
    before=$(snapshot "o-$p")
    n=0
    # by our order id (with the attacker's own delivery id), then by the victim's AWB /
    # delivery id under an order id that is not ours (DoorDash has only the one id)
    for how in order awb; do
      [ "$q" = doordash ] && [ "$how" = awb ] && continue
      n=$((n + 1)); attacks=$((attacks + 1))
      if [ "$how" = order ]; then send "$q" "o-$p" "T-$q-attacker" "ev-$q-$p-$how"
      else send "$q" "not-our-order" "$(tid_of "$p")" "ev-$q-$p-$how"; fi
      jq_is '[.refused, .applied, .unmapped] | tojson' '[1,0,0]' "$q -> $p by $how"
    done
    after=$(snapshot "o-$p")
    if [ -n "$before" ] && [ "$before" = "$after" ]; then ok
    else bad "$q changed the $p order: $before -> $after"; fi
  done
done

# a partner's own delivery id / AWB that is not the order's
send uber o-uber "T-uber-other" ev-own-1
jq_is .refused 1 "uber: another delivery id on our order"
send delhivery o-delhivery "T-delhivery-other" ev-own-2
jq_is .refused 1 "delhivery: another AWB on our order"

# the metric: every refusal counted, by provider and reason
curl -s -H "$A" "$base/metrics" > "$tmp/metrics"
total=$(awk '/^ordertrack_updates_refused_total\{.*reason="provider_mismatch"/ {s += $2} END {print s + 0}' "$tmp/metrics")
if [ "$total" = "$attacks" ]; then ok; else bad "provider_mismatch counted $total, want $attacks"; fi
if grep -q '^ordertrack_updates_refused_total{provider="uber",reason="tracking_id_mismatch"} 1$' "$tmp/metrics"
then ok; else bad "tracking_id_mismatch not counted: $(grep refused "$tmp/metrics")"; fi

# each partner still moves its own order (by its own ids)
for p in $partners; do
  before=$(snapshot "o-$p")
  send "$p" "o-$p" "$(tid_of "$p")" "ev-own-$p"
  jq_is '.refused' 0 "$p on its own order"
  after=$(snapshot "o-$p")
  if [ "$before" != "$after" ]; then ok; else bad "$p did not move its own order: $after"; fi
done

# ---- Idempotency-Key per caller ----
# idem STORE-N ORDER: init ORDER of store-N with the shared key (answer in $tmp/b).
idem() {
  expect "$3" "store-$1 init $2 with the shared key" -X POST -H "$J" \
    -H "Authorization: Bearer store-$1-key-0001" -H "Idempotency-Key: shared-key-1" \
    -d "{\"store_id\":\"store-$1\",\"customer_id\":\"cust-$1\",\"delivery_provider\":\"internal\"}" \
    "$base/tracking/orders/$2/init"
}
# first results, then each store's replay of its own
for round in 1 2; do
  idem 1 i-1 201
  jq_is '[.order_id, .store_id, .version] | tojson' '["i-1","store-1",1]' "store-1 round $round"
  idem 2 i-2 201
  jq_is '[.order_id, .store_id, .version] | tojson' '["i-2","store-2",1]' "store-2 round $round"
done
# one store's key with another request of its own is still a conflict
idem 1 i-3 409
jq_is .error.code idempotency_conflict "store-1 key reused for another order"

stop
echo "partners: $passes passed, $fails failed ($attacks cross-partner webhooks refused)"
[ "$fails" -eq 0 ]
