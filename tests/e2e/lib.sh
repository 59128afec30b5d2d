# Shared helpers of the ordertrackd end-to-end scripts (POSIX sh; sourced). The caller sets
# `bin` (the daemon) and `tmp` (a temporary directory removed on exit).
#
# Every request of the scripts goes through tests/e2e/openapi_proxy.py (`$base` is the
# proxy), which checks each answer against docs/openapi.yaml; a violation is a failure,
# counted when the daemon stops (stop, the next start, or the script's exit).
pid=
fails=0
passes=0
. "$(dirname "$0")/../e2e/openapi.sh"

cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi
  before=$fails
  proxy_finish
  rm -rf "$tmp"
  if [ "$fails" -gt "$before" ]; then
    echo "FAIL: answers that break docs/openapi.yaml (above)" >&2
    exit 1
  fi
}
trap cleanup EXIT

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# start LOGNAME ARGS...: run the daemon in the background, wait for its port.
start() {
  proxy_finish
  name=$1
  log=$tmp/$1.log; shift
  # An earlier run's output must not be read as this one's (the redirections happen in the
  # background, possibly after the loop below first reads the files).
  rm -f "$tmp/stdout" "$log"
  "$bin" "$@" > "$tmp/stdout" 2> "$log" &
  pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" 2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$port" ]; then
    echo "FAIL: ordertrackd did not start" >&2; cat "$log" >&2; exit 1
  fi
  proxy_start "$name"
}

# stop: SIGTERM, expect exit 0.
stop() {
  kill -TERM "$pid"
  wait "$pid"; rc=$?
  pid=
  proxy_finish
  if [ "$rc" -eq 0 ] && grep -Eq '(ordertrackd: |"msg":")stopped("|$)' "$log"; then ok
  else bad "SIGTERM: exit $rc"; cat "$log" >&2; fi
}

# expect STATUS NAME CURL-ARGS...: the status code, headers in $tmp/h, body in $tmp/b.
expect() {
  want=$1; name=$2; shift 2
  got=$(curl -s -o "$tmp/b" -D "$tmp/h" -w '%{http_code}' "$@")
  if [ "$got" = "$want" ]; then ok; else bad "$name: status $got, want $want: $(cat "$tmp/b")"; fi
}
body_has() { if grep -q -- "$1" "$tmp/b"; then ok; else bad "$2: body lacks $1: $(cat "$tmp/b")"; fi; }
header_has() { if grep -qi -- "$1" "$tmp/h"; then ok; else bad "$2: headers lack $1"; fi; }

# jq_is FILTER WANT NAME: jq -r FILTER over the last body equals WANT.
jq_is() {
  got=$(jq -r "$1" "$tmp/b" 2>/dev/null)
  if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is '$got', want '$2': $(head -c 400 "$tmp/b")"; fi
}

# start_sim SIMULATOR SCENARIO: the courier simulator (tests/sim/courier_sim.py) on a free
# port with SCENARIO, its stdin a FIFO on fd 3 (closing fd 3 stops it); sets sim_pid and
# sim_port.
start_sim() {
  mkfifo "$tmp/sim.in"
  /usr/bin/python3 "$1" --scenario "$2" < "$tmp/sim.in" > "$tmp/sim.out" 2> "$tmp/sim.log" &
  sim_pid=$!
  exec 3> "$tmp/sim.in"
  for _ in $(seq 1 100); do [ -s "$tmp/sim.out" ] && break; sleep 0.05; done
  sim_port=$(head -n 1 "$tmp/sim.out")
}
