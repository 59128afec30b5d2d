#!/bin/sh
# ordertrack-poller's alerts end to end: Slack to tests/e2e/receiver.py and e-mail to
# tests/e2e/smtp_receiver.py, on 127.0.0.1. The Delhivery courier refuses connections for the
# first rounds of one process (--rounds): one "Integration down" alert, silent repeats (the
# HTTP client's circuit breaker opens and fails fast); then the simulator comes up on that
# port and, once the breaker's 30 s cool-down lets a probe through, one "Integration
# recovered" alert. E-mail reports only for rounds with alerts. The 50 shipments it imported
# carry scans months old: ordertrackd's SLA sweep on the same store finds 50 no_scan breaches
# and sends one grouped Slack message (20 listed, "and 30 more"), not one per order, and one
# e-mail report.
# Usage: poller_alerts.sh ORDERTRACKD ORDERTRACK_POLLER COURIER_SIM
set -u
bin=$1
poller=$2
sim=$3
tmp=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
sim_pid=
ppid_=
rpid=
spid=
trap 'kill -KILL $sim_pid $pid $ppid_ 2>/dev/null; kill -TERM $rpid $spid 2>/dev/null; exec 3>&-; rm -rf "$tmp"' EXIT

python3 "$here/receiver.py" "$tmp/rport" "$tmp/slack" &
rpid=$!
python3 "$here/smtp_receiver.py" "$tmp/sport" "$tmp/mails" &
spid=$!
for _ in $(seq 1 100); do [ -s "$tmp/rport" ] && [ -s "$tmp/sport" ] && break; sleep 0.05; done
rport=$(cat "$tmp/rport" 2>/dev/null)
sport=$(cat "$tmp/sport" 2>/dev/null)
if [ -z "$rport" ] || [ -z "$sport" ]; then echo "FAIL: the receivers did not start" >&2; exit 1; fi
# A free port for the courier, closed now: connections are refused until the simulator binds it.
cport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# 50 Delhivery shipments whose one scan is days old (the simulator's base time).
awbs=
for i in $(seq 1 50); do awbs="$awbs${awbs:+,} \"AWB-$i\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\"]}"; done
cat > "$tmp/scenario.json" <<JSON
{"credentials": {"delhivery": {"token": "dl-key"}}, "base_time": "2026-01-01T08:00:00",
 "awbs": {$awbs}}
JSON

cat > "$tmp/d.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-012345", "role": "admin"}]}
JSON
start daemon --config "$tmp/d.json" --listen 127.0.0.1:0
for i in $(seq 1 50); do
  expect 201 "init o-$i" -X POST "$base/tracking/orders/o-$i/init" -H "Authorization: Bearer admin-key-012345" \
    -d "{\"store_id\":\"s\",\"customer_id\":\"c\",\"delivery_provider\":\"delhivery\",\"delivery_tracking_id\":\"AWB-$i\"}"
done
stop

cat > "$tmp/p.json" <<JSON
{"storage": "sqlite:$tmp/ot.db",
 "couriers": {"delhivery": {"base_url": "http://127.0.0.1:$cport", "token": "dl-key"}},
 "trackers": [{"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *", "workers": 2}],
 "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/slack/T0/B0/secret",
            "email": {"smtp_url": "smtp://127.0.0.1:$sport", "from": "poller@example.com",
                      "to": ["ops@example.com"]}}}
JSON
"$poller" --config "$tmp/p.json" --rounds 36 --interval-ms 1000 > "$tmp/rounds.out" 2> "$tmp/rounds.log" &
ppid_=$!
# Two failed rounds, then the courier comes up.
for _ in $(seq 1 400); do
  [ "$(grep -c '"result":"failed"' "$tmp/rounds.out" 2>/dev/null)" -ge 2 ] && break; sleep 0.05
done
mkfifo "$tmp/sim.in"
/usr/bin/python3 "$sim" --port "$cport" --scenario "$tmp/scenario.json" < "$tmp/sim.in" \
  > "$tmp/sim.out" 2> "$tmp/sim.log" &
sim_pid=$!
exec 3> "$tmp/sim.in"
wait "$ppid_"; ppid_=
failed=$(grep -c '"result":"failed"' "$tmp/rounds.out")
okruns=$(grep -c '"result":"ok"' "$tmp/rounds.out")
if [ "$failed" -ge 2 ] && [ "$okruns" -ge 2 ]; then ok
else bad "want >= 2 failed then >= 2 ok rounds: $(cat "$tmp/rounds.out") $(cat "$tmp/rounds.log")"; fi

# count FILE PATTERN: lines of FILE matching PATTERN
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }
n=$(count "$tmp/slack" 'Integration down (b2c)')
if [ "$n" -eq 1 ]; then ok; else bad "Slack: $n 'Integration down' messages, want 1: $(cat "$tmp/slack")"; fi
n=$(count "$tmp/slack" 'Integration recovered (b2c): down since [^,]*, '"$failed"' failed runs')
if [ "$n" -eq 1 ]; then ok; else bad "Slack: $n 'Integration recovered' messages, want 1: $(cat "$tmp/slack")"; fi
if grep 'Integration down' "$tmp/slack" | grep -q 'connect\|refused\|transport\|HTTP'; then ok
else bad "the outage alert does not say why: $(grep 'Integration down' "$tmp/slack")"; fi
total=$(wc -l < "$tmp/slack")
if [ "$total" -eq 2 ]; then ok; else bad "Slack: $total messages, want 2: $(cut -c1-200 "$tmp/slack")"; fi
if grep -q secret "$tmp/rounds.log"; then bad "the Slack URL leaked into the log"; else ok; fi

# E-mail: a report for the round that went down and the one that recovered (with the
# breaches), none for the silent failures or the quiet rounds after.
mails=$(wc -l < "$tmp/mails" 2>/dev/null || echo 0)
if [ "$mails" -eq 2 ]; then ok; else bad "$mails e-mail reports, want 2: $(cut -c1-300 "$tmp/mails" 2>/dev/null)"; fi
if [ "$(count "$tmp/mails" 'Integration down (b2c)')" -eq 1 ] && \
   [ "$(count "$tmp/mails" 'Integration recovered (b2c)')" -eq 1 ]; then ok
else bad "reports lack the outage or the recovery: $(cut -c1-600 "$tmp/mails" 2>/dev/null)"; fi

# ordertrackd's SLA sweep over the imported shipments: one grouped no_scan message.
cat > "$tmp/d2.json" <<JSON
{"storage": "sqlite:$tmp/ot.db", "api_keys": [{"key": "admin-key-012345", "role": "admin"}],
 "limits": {"sla_sweep_ms": 200},
 "alerts": {"slack_webhook_url": "http://127.0.0.1:$rport/daemon/T0/B0/secret",
            "email": {"smtp_url": "smtp://127.0.0.1:$sport", "from": "d@example.com",
                      "to": ["ops@example.com"]}}}
JSON
start daemon2 --config "$tmp/d2.json" --listen 127.0.0.1:0
for _ in $(seq 1 100); do grep -q '/daemon/.*no_scan' "$tmp/slack" && break; sleep 0.05; done
sleep 0.6                                        # three more sweeps: nothing new
n=$(count "$tmp/slack" '/daemon/.*SLA breach (no_scan)')
if [ "$n" -eq 1 ]; then ok; else bad "Slack: $n no_scan messages from ordertrackd, want 1 grouped"; fi
if grep -q '/daemon/.*SLA breach (no_scan): 50 orders: o-.*; and 30 more' "$tmp/slack"; then ok
else bad "no_scan not grouped with a cap: $(grep no_scan "$tmp/slack" | head -c 600)"; fi
stop
if [ "$(count "$tmp/mails" 'sla_breach: 50')" -eq 1 ]; then ok
else bad "ordertrackd's report lacks the 50 breaches: $(tail -n 1 "$tmp/mails" | cut -c1-600)"; fi

# A bad digest time is refused naming the field.
sed 's/"to": \["ops@example.com"\]/"to": ["ops@example.com"], "daily_digest_at": "25:00"/' \
  "$tmp/p.json" > "$tmp/bad.json"
"$poller" --config "$tmp/bad.json" --once > /dev/null 2> "$tmp/bad.log"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "alerts.email.daily_digest_at" "$tmp/bad.log"; then ok
else bad "bad daily_digest_at: exit $rc: $(cat "$tmp/bad.log")"; fi
echo "poller alerts e2e: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
