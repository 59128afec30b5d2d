#!/bin/sh
# ABI checks of one built shared library against its committed baseline:
#   1. every exported symbol is ours (PREFIX, default ot_) and versioned in an OT_ node;
#   2. the sorted export list equals BASELINE.symbols: a lost symbol breaks callers, a new
#      one must be recorded on purpose (scripts/abi-update);
#   3. abidiff of BASELINE.abi against the library reports no change at all: incompatible
#      changes fail, and compatible ones must be recorded on purpose too.
# Usage: check_abi.sh LIBRARY BASELINE_PREFIX INCLUDE_DIR [SYMBOL_PREFIX]
set -eu
lib=$1
base=$2
inc=$3
prefix=${4:-ot_}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# nm -D prints "ADDR T name@@NODE"; the node itself appears as an absolute symbol.
nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort > "$tmp/versioned"
if grep -v "^${prefix}" "$tmp/versioned" > "$tmp/foreign"; then
  echo "FAIL: exported symbols without the ${prefix} prefix:" >&2
  cat "$tmp/foreign" >&2
  status=1
fi
if grep -v '@@OT_[A-Z_]*[0-9][0-9.]*$' "$tmp/versioned" > "$tmp/unversioned"; then
  echo "FAIL: exported symbols not in an OT_ version node:" >&2
  cat "$tmp/unversioned" >&2
  status=1
fi
sed 's/@.*//' "$tmp/versioned" > "$tmp/symbols"

if comm -23 "$base.symbols" "$tmp/symbols" | grep . > "$tmp/lost"; then
  echo "FAIL: symbols lost since the baseline (an incompatible change):" >&2
  cat "$tmp/lost" >&2
  status=1
fi
if comm -13 "$base.symbols" "$tmp/symbols" | grep . > "$tmp/added"; then
  echo "FAIL: new symbols not recorded in $base.symbols (run scripts/abi-update on purpose):" >&2
  cat "$tmp/added" >&2
  status=1
fi

abidw --headers-dir "$inc" --out-file "$tmp/current.abi" "$lib"
set +e
abidiff --headers-dir2 "$inc" "$base.abi" "$tmp/current.abi" > "$tmp/report"
rc=$?
set -e
if [ $((rc & 8)) -ne 0 ]; then
  echo "FAIL: abidiff reports an incompatible ABI change:" >&2
  cat "$tmp/report" >&2
  status=1
elif [ $((rc & 3)) -ne 0 ]; then
  echo "FAIL: abidiff could not compare (exit $rc):" >&2
  cat "$tmp/report" >&2
  status=1
elif [ $((rc & 4)) -ne 0 ]; then
  # abidiff flags only symbol removals as "incompatible"; a changed struct layout or
  # signature breaks callers just as surely, so every change must be recorded on purpose.
  echo "FAIL: the ABI changed since the baseline; if the change is intended and compatible," >&2
  echo "record it with scripts/abi-update (see docs/abi.md):" >&2
  cat "$tmp/report" >&2
  status=1
fi
[ $status -eq 0 ] && echo "ABI of $(basename "$lib"): $(wc -l < "$tmp/symbols") symbols, matches $(basename "$base")"
exit $status
