#!/bin/sh
# The installed programs run from their prefix: `cmake --install` into a temporary prefix,
# then each program carries a RUNPATH relative to itself ($ORIGIN/...) that resolves every
# libordertrack library inside the prefix, and `prefix/bin/PROGRAM --version` runs with no
# LD_LIBRARY_PATH. Usage: programs.sh BUILD_DIR
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$1" --prefix "$prefix" > "$tmp/install.log"
libdir=$(dirname "$(find "$prefix" -name 'libordertrack.so.1')")
[ -x "$prefix/bin/ordertrack" ] || fail "bin/ordertrack not installed"
unset LD_LIBRARY_PATH
for program in "$prefix"/bin/*; do
  name=${program##*/}
  readelf -d "$program" | grep -q 'RUNPATH.*\[\$ORIGIN/' || fail "$name: no RUNPATH \$ORIGIN/..."
  ldd "$program" > "$tmp/ldd" || fail "$name: ldd"
  ! grep -q 'not found' "$tmp/ldd" || { cat "$tmp/ldd" >&2; fail "$name: a library is not found"; }
  for lib in $(awk '/libordertrack/ { print $3 }' "$tmp/ldd"); do
    [ "$(dirname "$(readlink -f "$lib")")" = "$(readlink -f "$libdir")" ] \
      || { cat "$tmp/ldd" >&2; fail "$name: $lib is not the prefix's"; }
  done
  version=$(cd "$tmp" && timeout 10 "$program" --version) || fail "prefix/bin/$name --version"
  case $version in
    "$name "[0-9]*) ;;
    *) fail "$name --version said \"$version\"" ;;
  esac
  echo "$version: RUNPATH $(readelf -d "$program" | grep RUNPATH | sed 's/.*: //')"
done
echo "programs ok"
