#!/bin/sh
# go vet and staticcheck (the version scripts/setup pins) over the Go binding's packages.
# Usage: run_go_lint.sh STAGE_DIR BINDING_DIR WORK_DIR
set -eu
stage=$(cd "$1" && pwd) work=$(cd "$3" && pwd)
. "$(dirname "$0")/go_env.sh"
staticcheck=${OT_STATICCHECK:-/opt/ordertrack-tools/bin/staticcheck}
if [ ! -x "$staticcheck" ]; then
  echo "run_go_lint: $staticcheck not found: run scripts/setup (it installs the pinned staticcheck)" >&2
  exit 1
fi
cd "$2"
echo "== go vet" && go vet ./...
echo "== $("$staticcheck" -version)" && "$staticcheck" ./...
echo "vet and staticcheck: clean"
