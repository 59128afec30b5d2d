#!/bin/sh
# The Go binding's tests (standard library only, no module downloads) against the staged
# library. Usage: run_go.sh STAGE_DIR BINDING_DIR WORK_DIR
set -eu
stage=$1
libdir=$(dirname "$(find "$stage" -name 'libordertrack.so.1' | head -n 1)")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off
export GOCACHE="$3/gocache" GOPATH="$3/gopath" HOME="${HOME:-$3}"
cd "$2"
exec go test -count=1 -race ./...
