#!/bin/sh
# The command lines of the three programs, as a user types them: --help (stdout, exit 0),
# --version, and argument errors: one line naming the argument, exit 64, never the usage;
# an unopenable config file says why (exit 2); a mistyped status names it and the valid ones.
# Usage: test_args.sh ORDERTRACK ORDERTRACKD ORDERTRACK_POLLER
set -u
cli=$1 daemon=$2 poller=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { # check WHAT COMMAND...: the command must succeed
  what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what" >&2; fails=$((fails + 1)); fi
}
run() { "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
# expect_error RC PATTERN COMMAND...: exit RC, one stderr line matching PATTERN, no usage
expect_error() {
  want=$1 pattern=$2; shift 2
  run "$@"
  check "$* -> exit $rc (want $want): $(cat "$tmp/err")" [ "$rc" -eq "$want" ]
  check "$*: stderr matches '$pattern': $(cat "$tmp/err")" grep -q -- "$pattern" "$tmp/err"
  check "$*: no usage dumped" sh -c "! grep -q usage: '$tmp/err' '$tmp/out'"
}

for prog in "$cli" "$daemon" "$poller"; do
  name=$(basename "$prog")
  for h in --help -h; do
    run "$prog" $h
    check "$name $h exits 0" [ "$rc" -eq 0 ]
    check "$name $h: usage on stdout" grep -q "^usage: $name" "$tmp/out"
    check "$name $h: exit statuses listed" grep -q "64 usage error" "$tmp/out"
    check "$name $h: nothing on stderr" [ ! -s "$tmp/err" ]
  done
  run "$prog" --version
  check "$name --version exits 0" [ "$rc" -eq 0 ]
  check "$name --version prints the version" grep -Eq "^$name [0-9]+\.[0-9]+\.[0-9]+" "$tmp/out"
done

expect_error 64 "^ordertrack-poller: unknown option '--hepl' (try --help)$" "$poller" --hepl
expect_error 64 "^ordertrackd: unknown option '--hepl' (try --help)$" "$daemon" --hepl
expect_error 64 "^ordertrack check: unknown option '--hepl' (try --help)$" \
  "$cli" check submitted delivered --hepl
expect_error 64 "unexpected argument 'extra'" "$daemon" --storage memory: extra
expect_error 64 "unexpected argument 'extra'" "$poller" --config x.json extra
expect_error 64 "option '--config' needs a value (FILE)" "$poller" --config
expect_error 64 "option '--listen' needs a value" "$daemon" --listen
expect_error 64 "option '--once' takes no value" "$poller" --config x.json --once=yes
expect_error 64 "'abc' is not a number in 1..1000000" "$poller" --config x.json --rounds abc
expect_error 64 "interval-ms needs --rounds" "$poller" --config x.json --interval-ms 5
expect_error 64 "config FILE is required" "$poller" --once
expect_error 64 "unknown command 'chek'" "$cli" chek a b
expect_error 64 "a command is required" "$cli"

# an unopenable configuration: the file and the reason, never "line -1"
for prog in "$daemon" "$poller"; do
  expect_error 2 ": /nonexistent/x.json: cannot open: No such file or directory$" \
    "$prog" --config /nonexistent/x.json
  check "$prog: no line -1" sh -c "! grep -q 'line -1' '$tmp/err'"
  expect_error 2 ": $tmp: cannot read: Is a directory$" "$prog" --config "$tmp"
done

# a mistyped status: named, the valid ones listed briefly
expect_error 64 "unknown status 'teleported'" "$cli" check submitted teleported
check "valid order statuses listed" grep -q "order statuses: submitted, store_notified" "$tmp/err"
check "valid shipment statuses listed" grep -q "shipment statuses: pending, in transit" \
  "$tmp/err"
check "at most three lines" [ "$(wc -l < "$tmp/err")" -le 3 ]
expect_error 64 "different vocabularies" "$cli" check submitted "in transit"
expect_error 64 "'carrier' is not api or courier" "$cli" check a b --source carrier
expect_error 64 "unknown provider 'fedex'" "$cli" map fedex Delivered
run "$cli" check --help
check "ordertrack check --help: the usage, exit 0" [ "$rc" -eq 0 ]
# a command reading a store never creates one at a mistyped SQLite path
for c in "events tail" "events dead-letters" verify reconcile "archive --before 2026-01-01 --to $tmp/ar"; do
  expect_error 1 "no such store" "$cli" $c "sqlite:$tmp/missing.db"
done
check "no store created at the mistyped path" [ ! -e "$tmp/missing.db" ]

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
