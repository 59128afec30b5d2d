#!/bin/sh
# The Python binding's tests (pytest; they include building the wheel with pip in a fresh
# venv) against the staged library, then the example of docs/python.md exactly as written.
# Usage: run_python.sh STAGE_DIR BINDING_DIR
set -eu
stage=$1
so=$(find "$stage" -name 'libordertrack.so.1' | head -n 1)
export ORDERTRACK_LIBRARY="$so"
export LD_LIBRARY_PATH="$(dirname "$so")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$2"
/usr/bin/python3 -m pytest -p no:cacheprovider -v --basetemp "$stage/pytest" tests
echo "== docs/python.md example"
awk '/<!-- run as written/ { m = 1; next } m == 1 && /^```/ { m = 2; next }
     m == 2 && /^```/ { exit } m == 2 { print }' ../../docs/python.md > "$stage/doc_example.py"
PYTHONPATH=. /usr/bin/python3 "$stage/doc_example.py"
