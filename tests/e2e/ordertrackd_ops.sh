#!/bin/sh
# The operations jobs against a running ordertrackd on a SQLite store:
# - `ordertrack backup` three times while writers keep changing orders through the API; each
#   backup restored with `ordertrack restore-backup` into a new path is consistent: every
#   order in it verifies (hash chain, projection, steps), and the last one holds at least the
#   orders written before it started;
# - `ordertrack archive` run beside the daemon: GET of an archived order answers 410 with its
#   archive chunk (admin key), 404 for a key limited to a store; `ordertrack restore` brings
#   it back and GET answers 200 again.
set -u
bin=$1
cli=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

cat > "$tmp/config.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "storage": "sqlite:$tmp/live.db",
  "api_keys": [
    {"key": "admin-secret-e2e", "role": "admin", "id": "ops"},
    {"key": "store-1-secret-e2e", "role": "store", "stores": ["store-1"]}
  ],
  "limits": {"requests_per_second": 10000, "burst": 10000, "threads": 2}
}
JSON
A="Authorization: Bearer admin-secret-e2e"
J="Content-Type: application/json"
start main --config "$tmp/config.json"
direct="http://127.0.0.1:$port"

# writer N: orders w-N-k created and walked to delivered until killed, bounded (600 orders,
# 60 s): still writing through every backup, however fast the machine
writer() {
  end=$(( $(date +%s) + 60 ))
  k=0
  while [ $k -lt 600 ] && [ "$(date +%s)" -lt "$end" ]; do
    id=w-$1-$k
    curl -s -o /dev/null -X POST -H "$A" -H "$J" \
      -d '{"store_id":"store-1","customer_id":"c-1","delivery_provider":"internal"}' \
      "$direct/tracking/orders/$id/init"
    for st in store_notified store_acknowledged picking_in_progress ready_for_pickup \
              driver_assigned driver_pickup_complete in_transit delivered; do
      curl -s -o /dev/null -X PUT -H "$A" -H "$J" -d "{\"status\":\"$st\",\"updated_by\":\"w\"}" \
        "$direct/tracking/orders/$id/status"
    done
    k=$((k + 1))
  done
}
writer 1 & w1=$!
writer 2 & w2=$!
sleep 1
for n in 1 2 3; do
  before=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM orders").fetchone()[0])' "$tmp/live.db")
  if "$cli" backup "sqlite:$tmp/live.db" "$tmp/backup-$n.db" > "$tmp/backup.out" 2>&1; then ok
  else bad "backup $n: $(cat "$tmp/backup.out")"; fi
  if "$cli" restore-backup "$tmp/backup-$n.db" "sqlite:$tmp/restored-$n.db" > "$tmp/rb.out" 2>&1
  then ok; else bad "restore-backup $n: $(cat "$tmp/rb.out")"; fi
  out=$("$cli" verify "sqlite:$tmp/restored-$n.db"); rc=$?
  got=$(printf '%s\n' "$out" | sed -n 's/^verified \([0-9]*\) orders: 0 findings$/\1/p')
  if [ "$rc" -eq 0 ] && [ -n "$got" ] && [ "$got" -ge "$before" ] && [ "$got" -gt 0 ]; then ok
  else bad "backup $n under load: verify exit $rc, $out (>= $before orders wanted)"; fi
  echo "backup $n: $got orders ($before before it started)"
  sleep 1
done
kill -0 "$w1" 2>/dev/null && ok || bad "the writers stopped before the last backup"
kill "$w1" "$w2" 2>/dev/null
wait "$w1" "$w2" 2>/dev/null
# the backup file is the snapshot alone: no -wal beside it
[ ! -e "$tmp/backup-3.db-wal" ] && ok || bad "a -wal file beside the backup"
"$cli" restore-backup "$tmp/backup-3.db" "sqlite:$tmp/live.db" > /dev/null 2>&1 \
  && bad "restore-backup over an existing store" || ok

# archive the delivered orders (the writers' orders are dated now: cut-off tomorrow)
tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
"$cli" archive "sqlite:$tmp/live.db" --before "$tomorrow" --to "$tmp/archive" > "$tmp/ar.out" \
  2>&1 && ok || bad "archive: $(cat "$tmp/ar.out")"
expect 410 "archived order" -H "$A" "$base/tracking/orders/w-1-0"
body_has '"code":"gone"' "archived order"
body_has "\"archived_to\":\"$tmp/archive/chunk-000001.jsonl.zst\"" "archived order"
expect 404 "archived order, store key" -H "Authorization: Bearer store-1-secret-e2e" \
  "$base/tracking/orders/w-1-0"
expect 404 "never existed" -H "$A" "$base/tracking/orders/nothing-here"
"$cli" restore "sqlite:$tmp/live.db" "$tmp/archive/chunk-000001.jsonl.zst" > "$tmp/rs.out" 2>&1 \
  && ok || bad "restore: $(cat "$tmp/rs.out")"
expect 200 "restored order" -H "$A" "$base/tracking/orders/w-1-0"
jq_is .current_status delivered "restored order"
stop

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
