#!/bin/sh
# Run a command against a fresh FerretDB (SQLite backend, in a temporary directory, on a free
# loopback port), with OT_TEST_MONGODB_URI naming it; stop FerretDB afterwards and exit with
# the command's status. The binary: OT_FERRETDB, or the one scripts/setup builds.
#   with_ferretdb.sh COMMAND [ARG...]
set -u
ferretdb=${OT_FERRETDB:-/opt/ordertrack-tools/bin/ferretdb}
if [ ! -x "$ferretdb" ]; then
  echo "with_ferretdb: $ferretdb not found: run scripts/setup (it builds the pinned FerretDB)" >&2
  exit 1
fi
[ $# -gt 0 ] || { echo "usage: with_ferretdb.sh COMMAND [ARG...]" >&2; exit 2; }
dir=$(mktemp -d)
pid=
finish() {
  [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  rm -rf "$dir"
}
trap finish EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
listening() {
  /usr/bin/python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$1" 2>/dev/null
}
for attempt in 1 2 3; do
  port=$(free_port)
  mkdir -p "$dir/data"
  "$ferretdb" --handler=sqlite --sqlite-url="file:$dir/data/" --state-dir="$dir" \
    --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=WARN \
    > "$dir/ferretdb.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    listening "$port" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  listening "$port" && break
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
  echo "with_ferretdb: FerretDB did not listen on port $port (attempt $attempt):" >&2
  cat "$dir/ferretdb.log" >&2
done
[ -n "$pid" ] || exit 1

OT_TEST_MONGODB_URI="mongodb://127.0.0.1:$port/?serverSelectionTimeoutMS=5000"
export OT_TEST_MONGODB_URI
"$@"
status=$?
if [ "$status" -ne 0 ] && [ -s "$dir/ferretdb.log" ]; then
  echo "== with_ferretdb: FerretDB's log" >&2
  tail -n 50 "$dir/ferretdb.log" >&2
fi
exit "$status"
