#!/bin/sh
# Every global symbol a library defines is ours, so that a host linking several of our
# archives (and its own code) statically never meets a clash:
#   - an archive (.a) defines only ot_* / OT_* globals, and each one the matching shared
#     library does not export is an internal, named ot__name or ot_<module>__name
#     (ot_sqlite__conn_open, ot_mongo__error);
#   - a shared library (.so) exports only ot_* / OT_* (the OT_ version nodes included).
# Allowed exceptions (none of them ours to name): the symbols the toolchain adds to a shared
# object, _init, _fini, __bss_start, _edata, _end. Not checked: the archives of examples/,
# tests/ and bench/ (ordertrackd_core, ot_test_support, ...), which are never installed and
# are linked only into our own programs.
# Usage: check_symbols.sh SHARED ARCHIVE [SHARED ARCHIVE ...]  (one pair per library)
set -eu
[ $# -ge 2 ] && [ $(($# % 2)) -eq 0 ] || { echo "usage: $0 SHARED ARCHIVE [...]" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
toolchain='^(_init|_fini|__bss_start|_edata|_end)$'
status=0
checked=0

while [ $# -gt 0 ]; do
  so=$1 ar=$2
  shift 2
  nm -D --defined-only "$so" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/exported"
  if grep -Ev '^(ot_|OT_)' "$tmp/exported" | grep -Ev "$toolchain" > "$tmp/bad"; then
    echo "FAIL: $(basename "$so") exports symbols without the ot_/OT_ prefix:" >&2
    cat "$tmp/bad" >&2
    status=1
  fi
  # nm of an archive: "ADDR TYPE name" for each defined global of each member
  nm -g --defined-only "$ar" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/defined"
  [ -s "$tmp/defined" ] || { echo "FAIL: $(basename "$ar") defines no symbol" >&2; status=1; }
  if grep -Ev '^(ot_|OT_)' "$tmp/defined" > "$tmp/bad"; then
    echo "FAIL: $(basename "$ar") defines globals without the ot_/OT_ prefix:" >&2
    cat "$tmp/bad" >&2
    status=1
  fi
  if comm -23 "$tmp/defined" "$tmp/exported" | grep -Ev '^(ot_([a-z0-9]+_)?_|OT_)' \
       > "$tmp/bad"; then
    echo "FAIL: $(basename "$ar") has internal globals not named ot__* or ot_<module>__*:" >&2
    cat "$tmp/bad" >&2
    status=1
  fi
  checked=$((checked + 1))
  echo "$(basename "$ar"): $(wc -l < "$tmp/defined") globals, $(basename "$so"): $(wc -l < "$tmp/exported") exported"
done
[ $status -eq 0 ] && echo "symbols: $checked libraries, every global prefixed"
exit $status
