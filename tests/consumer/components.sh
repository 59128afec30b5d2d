#!/bin/sh
# Take only the parts you use: install the core and the SQLite store alone, build against
# them with CMake (find_package(ordertrack 1 CONFIG COMPONENTS sqlite)) and pkg-config, and
# show that the other adapters' dependencies (libmongoc, libcurl) are never looked for; then
# add the MongoDB store and ask for it.
# Usage: components.sh BUILD_DIR CONSUMER_SOURCE_DIR [mongo]
set -eu
build=$1
src=$2
with_mongo=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cc=${CC:-cc}
fail() { echo "FAIL: $*" >&2; exit 1; }

for component in core sqlite; do
  cmake --install "$build" --prefix "$prefix" --component "$component" >> "$tmp/install.log"
done
extra=$(find "$prefix" \( -name '*mongo*' -o -name '*curl*' -o -path "$prefix/bin*" \) -print)
[ -z "$extra" ] || fail "the core and sqlite components installed more: $extra"
so=$(find "$prefix" -name 'libordertrack.so.1')
[ -n "$so" ] || fail "libordertrack.so.1 not installed"
libdir=$(dirname "$so")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir"

# pkg-config: each part requires only what it needs.
[ "$(pkg-config --print-requires-private ordertrack | tr '\n' ' ')" = "jansson libcrypto " ] \
  || fail "ordertrack.pc requires: $(pkg-config --print-requires-private ordertrack)"
[ "$(pkg-config --print-requires ordertrack-sqlite)" = ordertrack ] \
  && [ "$(pkg-config --print-requires-private ordertrack-sqlite)" = sqlite3 ] \
  || fail "ordertrack-sqlite.pc requires more than ordertrack and sqlite3"
"$cc" -Wall -Werror "$src/main.c" -o "$tmp/pc_core" $(pkg-config --cflags --libs ordertrack)
"$tmp/pc_core"
"$cc" -Wall -Werror "$src/main_sqlite.c" -o "$tmp/pc_sqlite" \
  $(pkg-config --cflags --libs ordertrack-sqlite)
"$tmp/pc_sqlite"
! pkg-config --exists ordertrack-mongo || fail "ordertrack-mongo.pc installed"

# configure NAME ARGS...: the CMake consumer of components/ into $tmp/NAME.
configure() {
  name=$1
  shift
  cmake -S "$src/components" -B "$tmp/$name" -DCMAKE_PREFIX_PATH="$prefix" "$@" \
    > "$tmp/$name.log" 2>&1
}
# consumer NAME ARGS...: configure, build and run it.
consumer() {
  configure "$@" || { cat "$tmp/$1.log" >&2; fail "$1: configure"; }
  cmake --build "$tmp/$1" > "$tmp/$1.build.log" 2>&1 \
    || { cat "$tmp/$1.build.log" >&2; fail "$1: build"; }
  "$tmp/$1/consumer"
}
# refused NAME TEXT ARGS...: configuring must fail, saying TEXT.
refused() {
  name=$1
  text=$2
  shift 2
  if configure "$name" "$@"; then fail "$name: configured"; fi
  tr -s ' \n' '  ' < "$tmp/$name.log" | grep -qF "$text" \
    || { cat "$tmp/$name.log" >&2; fail "$name: no \"$text\""; }
}
no_mongo_curl="-DCMAKE_DISABLE_FIND_PACKAGE_mongoc-1.0=ON -DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON"

# The core alone looks for no adapter's dependency, the sqlite component for SQLite3 only
# (all three are on this machine: a look would find them and be caught) ...
consumer core -DOT_NOT_LOOKED_FOR="SQLite3;mongoc-1.0;CURL"
consumer sqlite -DOT_COMPONENT=sqlite -DOT_NOT_LOOKED_FOR="mongoc-1.0;CURL"
# ... so with libmongoc and libcurl disabled it still builds, and CMake reports both
# switches unused: nothing asked for those packages.
consumer sqlite_disabled -DOT_COMPONENT=sqlite $no_mongo_curl
for pkg in mongoc-1.0 CURL; do
  sed -n '/not used by the project/,$p' "$tmp/sqlite_disabled.log" \
    | grep -q "CMAKE_DISABLE_FIND_PACKAGE_$pkg\$" || fail "the sqlite component looked for $pkg"
done
# The checks can fail: a looked-for package is caught, a disabled one is missing.
refused sqlite_looked "looked for SQLite3" -DOT_COMPONENT=sqlite -DOT_NOT_LOOKED_FOR=SQLite3
refused sqlite_no_sqlite 'component "sqlite" needs SQLite3, which was not found' \
  -DOT_COMPONENT=sqlite -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
# Components not installed or unknown are named; optional ones do not stop the consumer.
refused mongo_absent 'component "mongo" is not installed' -DOT_COMPONENT=mongo
refused unknown 'unknown component "sqlite3"' -DOT_COMPONENT=sqlite3
consumer optional -DOT_COMPONENT=sqlite -DOT_OPTIONAL="mongo;curl" $no_mongo_curl
grep -q 'optional component mongo: not found' "$tmp/optional.log" \
  || fail "optional mongo reported found"

if [ "$with_mongo" = mongo ]; then
  cmake --install "$build" --prefix "$prefix" --component mongo >> "$tmp/install.log"
  consumer mongo -DOT_COMPONENT=mongo -DOT_NOT_LOOKED_FOR="SQLite3;CURL"
  refused mongo_disabled 'component "mongo" needs mongoc-1.0, which was not found' \
    -DOT_COMPONENT=mongo -DCMAKE_DISABLE_FIND_PACKAGE_mongoc-1.0=ON
  "$cc" -Wall -Werror "$src/main_mongo.c" -o "$tmp/pc_mongo" \
    $(pkg-config --cflags --libs ordertrack-mongo)
  "$tmp/pc_mongo"
fi
echo "components ok (core alone, core + sqlite${with_mongo:+, + mongo}: CMake and pkg-config)"
