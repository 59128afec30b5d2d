#!/bin/sh
# Compile every public header alone, as C99 and C11 with -pedantic, and as C++, so each one
# is self-contained and portable. Usage: check_headers.sh CC INCLUDE_DIR
set -eu
cc=$1
inc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
count=0
for h in $(cd "$inc" && find ordertrack -name '*.h' | sort); do
  printf '#include <%s>\n#include <%s>\nint ot_header_test_main(void);\nint ot_header_test_main(void) { return 0; }\n' "$h" "$h" > "$tmp/t.c"
  for std in c99 c11; do
    if ! "$cc" -std=$std -pedantic -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o"; then
      echo "FAIL: $h does not compile alone with -std=$std -pedantic" >&2
      status=1
    fi
  done
  if command -v c++ >/dev/null 2>&1; then
    cp "$tmp/t.c" "$tmp/t.cpp"
    if ! c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
      echo "FAIL: $h does not compile alone as C++11" >&2
      status=1
    fi
  fi
  count=$((count + 1))
done
echo "checked $count headers"
exit $status
