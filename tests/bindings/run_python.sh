#!/bin/sh
# The Python binding's unittest suite against the staged library.
# Usage: run_python.sh STAGE_DIR BINDING_DIR
set -eu
stage=$1
so=$(find "$stage" -name 'libordertrack.so.1' | head -n 1)
export ORDERTRACK_LIBRARY="$so"
export LD_LIBRARY_PATH="$(dirname "$so")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$2"
exec /usr/bin/python3 -m unittest discover -s tests -t . -v
