#!/bin/sh
# One time source (docs/architecture.md): the library reads the system's clocks only in
# lib/core/base/clock.c; everything else goes through the clock port (ot_clock_now_ms,
# ot_clock_sleep_ms, ot__clock_deadline_ms). Fails naming each other place.
# Usage: one_clock.sh SOURCE_DIR
set -u
found=$(grep -rnE '\b(clock_gettime|gettimeofday|time\(NULL\)|time\(0\))' "$1/lib" \
          --include='*.c' --include='*.h' | grep -v "^$1/lib/core/base/clock\.c:" || true)
if [ -n "$found" ]; then
  echo "FAIL: the system's clock read outside lib/core/base/clock.c:" >&2
  echo "$found" >&2
  exit 1
fi
echo "one clock: ok"
