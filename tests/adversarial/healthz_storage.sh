#!/bin/sh
# /healthz tells the truth about writes (issue 17, 8): on a full disk (a 256 KiB tmpfs in a
# mount namespace of its own) writes answer 503 storage_unavailable and /healthz 503
# "writes_failing" while reads still answer; on a corrupt file (pages overwritten while the
# daemon was stopped) reads and writes answer 500 integrity_error, not 503, and /healthz 503
# "corrupt". Usage: healthz_storage.sh ORDERTRACKD full|corrupt. Exit 77 (skipped) only when
# the full-disk case cannot mount a tmpfs (no root, no unshare).
set -u
daemon=$1
case_=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/../e2e/lib.sh"
auth="Authorization: Bearer admin-key-0123456789"
init() { # init ORDER_ID: POST the order, status in $code, body in $tmp/b
  code=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST "$base/tracking/orders/$1/init" \
    -H "$auth" -d '{"store_id":"s","customer_id":"c","delivery_provider":"delhivery",
    "delivery_tracking_id":"AWB-'"$1"'","notes":"'"$(printf '%0400d' 0)"'"}')
}
healthz_is() { # healthz_is STATUS STORAGE NAME
  expect "$1" "$3: healthz" "$base/healthz"
  jq_is .storage "$2" "$3: healthz storage"
}

if [ "$case_" = full ]; then
  mkdir "$tmp/disk"
  if ! unshare -m sh -c "mount -t tmpfs -o size=256k tmpfs '$tmp/disk'" 2>/dev/null; then
    echo "SKIP: cannot mount a tmpfs in a mount namespace (unshare -m, root needed)"
    exit 77
  fi
  # The daemon runs inside the namespace that holds the small tmpfs (exec keeps its pid).
  cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/disk/ot.db", "api_keys": [{"key": "admin-key-0123456789", "role": "admin"}]}
JSON
  cat > "$tmp/in-tmpfs" <<EOF2
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs "\$0" && exec "\$@"' '$tmp/disk' '$daemon' "\$@"
EOF2
  chmod +x "$tmp/in-tmpfs"
  bin=$tmp/in-tmpfs
  start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
  healthz_is 200 ok "empty disk"
  n=0
  while [ "$n" -lt 2000 ]; do
    n=$((n + 1))
    init "o-$n"
    [ "$code" = 201 ] || break
  done
  if [ "$code" = 503 ] && [ "$n" -gt 1 ]; then ok
  else bad "filling the disk: order $n answered $code: $(cat "$tmp/b")"; fi
  jq_is .error.code storage_unavailable "full disk: write error code"
  init "o-$((n + 1))"
  if [ "$code" = 503 ]; then ok; else bad "full disk: second write answered $code"; fi
  healthz_is 503 writes_failing "full disk"
  jq_is .status degraded "full disk: healthz status"
  expect 200 "full disk: reads still answer" "$base/tracking/orders/o-1" -H "$auth"
  stop
else
  cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-0123456789", "role": "admin"}]}
JSON
  bin=$daemon
  start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
  for i in 1 2 3; do init "o-$i"; done
  if [ "$code" = 201 ]; then ok; else bad "init: $code $(cat "$tmp/b")"; fi
  healthz_is 200 ok "healthy file"
  stop
  rm -f "$tmp/ot.db-wal" "$tmp/ot.db-shm"
  # Every page after the first (the header and schema stay readable) becomes 0xff bytes.
  /usr/bin/python3 - "$tmp/ot.db" <<'PY'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    head = f.read(100)
    page = int.from_bytes(head[16:18], "big") or 65536
    size = f.seek(0, 2)
    assert size > page, "one page only: nothing to corrupt"
    f.seek(page)
    f.write(b"\xff" * (size - page))
PY
  start daemon2 --config "$tmp/d.json" --listen 127.0.0.1:0
  expect 500 "corrupt: read" "$base/tracking/orders/o-1" -H "$auth"
  jq_is .error.code integrity_error "corrupt: read error code"
  init o-9
  if [ "$code" = 500 ]; then ok; else bad "corrupt: write answered $code: $(cat "$tmp/b")"; fi
  jq_is .error.code integrity_error "corrupt: write error code"
  healthz_is 503 corrupt "corrupt file"
  stop
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
