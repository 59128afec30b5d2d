#!/bin/sh
# Both daemons with a MongoDB storage nobody answers (a loopback port with nothing listening):
# each fails within the URI's serverSelectionTimeoutMS (2 s here; bounded by 10 s) with exit
# 1 and one log line on stderr naming the storage, its password masked; nothing on stdout
# (no libmongoc DEBUG lines: its log goes through the daemons' logger, at info by default).
# With --log-level debug libmongoc's own lines come through the logger, as JSON with
# --log-format json. Usage: mongo_unreachable.sh ORDERTRACKD POLLER
set -u
bin=$1
poller=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"

uri='mongodb://ops:pw-hidden-123@127.0.0.1:1/ot?serverSelectionTimeoutMS=2000'
shown='mongodb://\*\*\*@127.0.0.1:1/ot?serverSelectionTimeoutMS=2000'

# check NAME: the run's exit status ($rc), time ($secs), stdout and stderr.
check() {
  if [ "$rc" -eq 1 ]; then ok; else bad "$1: exit $rc, want 1: $(cat "$tmp/err")"; fi
  if [ "$secs" -ge 1 ] && [ "$secs" -le 10 ]; then ok
  else bad "$1: failed after $secs s, want about 2 (serverSelectionTimeoutMS)"; fi
  if [ -s "$tmp/out" ]; then bad "$1: stdout not empty: $(head -n 3 "$tmp/out")"; else ok; fi
  if [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "error .*storage $shown: " "$tmp/err"; then ok
  else bad "$1: want one error line naming the storage: $(head -n 5 "$tmp/err")"; fi
  if grep -q 'pw-hidden-123' "$tmp/out" "$tmp/err"; then bad "$1: the password was printed"
  else ok; fi
}

t0=$(date +%s)
"$bin" --listen 127.0.0.1:0 --storage "$uri" > "$tmp/out" 2> "$tmp/err"; rc=$?
secs=$(( $(date +%s) - t0 ))
check ordertrackd

cat > "$tmp/p.json" <<JSON
{"storage": "$uri",
 "couriers": {"delhivery": {"base_url": "http://127.0.0.1:1", "token": "dl-key"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *"}]}
JSON
t0=$(date +%s)
"$poller" --config "$tmp/p.json" --once > "$tmp/out" 2> "$tmp/err"; rc=$?
secs=$(( $(date +%s) - t0 ))
check ordertrack-poller

# libmongoc's DEBUG lines, asked for, come through the logger on stderr as JSON entries.
"$bin" --listen 127.0.0.1:0 --storage "$uri" --log-level debug --log-format json \
  > "$tmp/out" 2> "$tmp/err"; rc=$?
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] \
   && grep -q '"level":"debug","program":"ordertrackd","msg":".*","domain":"' "$tmp/err" \
   && jq -e 'has("time") and has("level") and has("msg")' "$tmp/err" > /dev/null; then ok
else bad "debug JSON log: exit $rc: $(head -n 3 "$tmp/err")"; fi

echo "mongo_unreachable: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
