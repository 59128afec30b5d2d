#!/bin/sh
# The Go binding's tests (standard library only, no module downloads) against the staged
# library, then the example of docs/go.md exactly as written, as a separate module.
# Usage: run_go.sh STAGE_DIR BINDING_DIR WORK_DIR
set -eu
stage=$1
libdir=$(dirname "$(find "$stage" -name 'libordertrack.so.1' | head -n 1)")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off
export GOCACHE="$3/gocache" GOPATH="$3/gopath" HOME="${HOME:-$3}"
cd "$2"
go test -count=1 -race ./...
echo "== docs/go.md example"
example="$3/go-doc-example"
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
