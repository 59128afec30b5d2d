#!/bin/sh
# The deployment files as installed by `cmake --install` into a scratch prefix: the systemd
# units pass `systemd-analyze verify` without a single message and carry the sandbox; the man
# pages render without a warning (mandoc -Tlint, groff -ww) and document every option the
# program's --help lists; the sample configs start the real programs.
# Usage: test_dist.sh BUILD_DIR ORDERTRACK ORDERTRACKD ORDERTRACK_POLLER
set -u
build=$1 cli=$2 daemon=$3 poller=$4
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0 passes=0
check() {
  what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; exit 1; }
units=$prefix/lib/systemd/system
man=$prefix/share/man
examples=$prefix/share/doc/ordertrack/examples

# systemd units
for u in ordertrackd.service ordertrack-poller.service ordertrack-poller-once.service \
         ordertrack-poller-once.timer; do
  check "$u installed" [ -f "$units/$u" ]
done
check "sysusers.d entry installed" grep -q '^u ordertrack ' "$prefix/lib/sysusers.d/ordertrack.conf"
# Documentation=man: is looked up too: the installed pages must be found.
(cd "$units" && MANPATH=$man systemd-analyze verify ./*.service ./*.timer) > "$tmp/verify" 2>&1
rc=$?
check "systemd-analyze verify: exit $rc, $(cat "$tmp/verify")" [ "$rc" -eq 0 ] && [ ! -s "$tmp/verify" ]
for u in ordertrackd.service ordertrack-poller.service ordertrack-poller-once.service; do
  for line in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
              StateDirectory=ordertrack User=ordertrack "CapabilityBoundingSet=" \
              "ExecStart=$prefix/bin/"; do
    check "$u has $line" grep -q "^$line" "$units/$u"
  done
  check "$u: the config under the prefix" grep -q -- "--config $prefix/etc/ordertrack/" "$units/$u"
done
check "ordertrackd.service reloads with SIGHUP" \
  grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$units/ordertrackd.service"
check "ordertrackd.service restarts on failure, not on a refused config" \
  grep -qx 'RestartPreventExitStatus=2 64' "$units/ordertrackd.service"
# the check itself catches a bad unit
sed 's/^NoNewPrivileges=yes/NoNewPrivileges=yes\nNoNewPrivilege=yes/' "$units/ordertrackd.service" \
  > "$tmp/broken.service"
(cd "$tmp" && MANPATH=$man systemd-analyze verify ./broken.service) > "$tmp/verify" 2>&1
check "verify reports a misspelt key" grep -q "Unknown key" "$tmp/verify"

# man pages: lint, render, every --help option documented
for page in man1/ordertrack.1 man8/ordertrackd.8 man8/ordertrack-poller.8; do
  check "$page installed" [ -f "$man/$page" ]
  out=$(mandoc -Tlint -W warning "$man/$page" 2>&1)
  check "mandoc -Tlint $page: $out" [ -z "$out" ]
  out=$(groff -mandoc -Tutf8 -ww -z "$man/$page" 2>&1)
  check "groff -ww $page: $out" [ -z "$out" ]
done
for pair in "$cli:man1/ordertrack.1" "$daemon:man8/ordertrackd.8" \
            "$poller:man8/ordertrack-poller.8"; do
  prog=${pair%%:*} page=${pair#*:}
  mandoc -Tascii "$man/$page" | col -b > "$tmp/page.txt"
  opts=$("$prog" --help | grep -oE -- '(^|[ [|])--?[a-z][a-z-]*' | tr -d ' [|' | sort -u)
  check "$(basename "$prog") --help lists options" [ -n "$opts" ]
  for opt in $opts; do
    check "$page documents $opt" grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/page.txt"
  done
  check "$page has the exit statuses" grep -q "EXIT STATUS" "$tmp/page.txt"
done

# sample configs: the daemon serves with its sample (storage and port of this test)...
check "ordertrackd sample installed" [ -f "$examples/ordertrackd.json" ]
"$daemon" --config "$examples/ordertrackd.json" --listen 127.0.0.1:0 \
  --storage "sqlite:$tmp/d.db" > "$tmp/d.out" 2> "$tmp/d.err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q "listening on" "$tmp/d.err"; do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1; i=$((i + 1))
done
check "ordertrackd starts with its sample: $(cat "$tmp/d.err")" grep -q "listening on" "$tmp/d.err"
kill -TERM "$pid" 2>/dev/null
wait "$pid"; rc=$?; pid=
check "ordertrackd with its sample stops with 0 (got $rc)" [ "$rc" -eq 0 ]
# ...and the poller runs every tracker of its sample once (an empty store: nothing to ask)
check "poller sample installed" [ -f "$examples/ordertrack-poller.json" ]
jq --arg s "sqlite:$tmp/d.db" '.storage = $s' "$examples/ordertrack-poller.json" > "$tmp/p.json"
"$poller" --config "$tmp/p.json" --once > "$tmp/p.out" 2> "$tmp/p.err"
rc=$?
check "poller --once with its sample: exit $rc, $(cat "$tmp/p.err")" [ "$rc" -eq 0 ]
check "one ok line per tracker of the sample" \
  [ "$(grep -c '"result":"ok"' "$tmp/p.out")" -eq "$(jq '.trackers | length' "$tmp/p.json")" ]

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
