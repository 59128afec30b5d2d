#!/bin/sh
# The Go binding's tests and runnable examples (go test runs every Example with an
# "// Output:" comment; standard library only, no module downloads) against the staged
# library, then the example of docs/go.md exactly as written, as a separate module.
# Usage: run_go.sh STAGE_DIR BINDING_DIR WORK_DIR
set -eu
stage=$(cd "$1" && pwd) work=$(cd "$3" && pwd)
. "$(dirname "$0")/go_env.sh"
cd "$2"
go test -count=1 -race -v ./...
echo "== docs/go.md example"
example="$work/go-doc-example"
rm -rf "$example" && mkdir -p "$example"
awk '/<!-- run as written/ { m = 1; next } m == 1 && /^```/ { m = 2; next }
     m == 2 && /^```/ { exit } m == 2 { print }' ../../docs/go.md > "$example/main.go"
cat > "$example/go.mod" <<EOM
module example

go 1.19

require github.com/libordertrack/libordertrack/bindings/go v0.0.0
replace github.com/libordertrack/libordertrack/bindings/go => $(pwd)
EOM
cd "$example" && go run .
