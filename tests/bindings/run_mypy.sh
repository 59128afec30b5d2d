#!/bin/sh
# mypy --strict over the Python binding and a typed caller of it (tests/typed_consumer.py),
# with the mypy that scripts/setup pins. Usage: run_mypy.sh BINDING_DIR WORK_DIR
set -eu
mypy=${OT_MYPY:-/opt/ordertrack-tools/py/bin/mypy}
if [ ! -x "$mypy" ]; then
  echo "run_mypy: $mypy not found: run scripts/setup (it installs the pinned mypy)" >&2
  exit 1
fi
cd "$1"
"$mypy" --version
exec "$mypy" --strict --cache-dir "$2/mypy-cache" ordertrack tests/typed_consumer.py
