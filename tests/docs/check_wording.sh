#!/bin/sh
# Public headers and product docs speak of the product, not of the documents it came from:
# no "seed" (as a word, any case) and no seed file name (NNN_<16 hex digits>.txt) in
# include/, docs/ or README.md. Prints every hit and fails on any.
# Usage: tests/docs/check_wording.sh [SOURCE_DIR]
set -u
cd "${1:-$(dirname "$0")/../..}" || exit 2
hits=$(grep -rnIiwE 'seeds?' include docs README.md;
       grep -rnIE '[0-9]{3}_[0-9a-f]{16}(\.txt)?' include docs README.md)
if [ -n "$hits" ]; then
  printf '%s\n' "$hits" >&2
  echo "check_wording: the lines above speak of seed documents; say what the product does" >&2
  exit 1
fi
echo "check_wording: include/, docs/ and README.md are free of seed wording"
