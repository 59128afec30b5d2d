#!/bin/sh
# Install the build into a temporary prefix, then build and run consumers against it:
# pkg-config (shared and --static) and find_package(ordertrack 1 CONFIG) (every target).
# Usage: run.sh BUILD_DIR CONSUMER_SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cc=${CC:-cc}

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
so=$(find "$prefix" -name 'libordertrack.so.1' | head -n 1)
[ -n "$so" ] || { echo "FAIL: libordertrack.so.1 not installed" >&2; exit 1; }
libdir=$(dirname "$so")
export PKG_CONFIG_PATH="$libdir/pkgconfig"

# The installed library exports only ot_ symbols, all in an OT_ version node.
bad=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | grep -v '^ot_.*@@OT_1\.[0-9][0-9]*$' || true)
sq="$libdir/libordertrack-sqlite.so.1"
bad="$bad$(nm -D --defined-only "$sq" | awk '$2 != "A" { print $3 }' | grep -v '^ot_.*@@OT_SQLITE_1\.[0-9][0-9]*$' || true)"
[ -z "$bad" ] || { echo "FAIL: unexpected exports: $bad" >&2; exit 1; }
readelf -d "$so" | grep -q 'SONAME.*\[libordertrack\.so\.1\]' || { echo "FAIL: SONAME" >&2; exit 1; }

# pkg-config, shared
"$cc" -Wall -Werror "$src/main.c" -o "$tmp/pc_shared" $(pkg-config --cflags --libs ordertrack)
LD_LIBRARY_PATH="$libdir" "$tmp/pc_shared"
LD_LIBRARY_PATH="$libdir" ldd "$tmp/pc_shared" | grep -q 'libordertrack\.so\.1' \
  || { echo "FAIL: pkg-config consumer is not linked to libordertrack.so.1" >&2; exit 1; }

# pkg-config --static: the archive and its private dependencies
"$cc" -Wall -Werror "$src/main.c" -o "$tmp/pc_static" $(pkg-config --cflags ordertrack) \
  -L"$libdir" -Wl,-Bstatic -lordertrack -Wl,-Bdynamic \
  $(pkg-config --static --libs ordertrack | sed 's/-lordertrack//')
"$tmp/pc_static"
if ldd "$tmp/pc_static" | grep -q libordertrack; then
  echo "FAIL: static consumer still needs libordertrack.so" >&2; exit 1
fi

# pkg-config, the SQLite store (a tracker on SQLite), as the documentation spells it
"$cc" -Wall -Werror "$src/main_sqlite.c" -o "$tmp/pc_sqlite" \
  $(pkg-config --cflags --libs ordertrack ordertrack-sqlite)
LD_LIBRARY_PATH="$libdir" "$tmp/pc_sqlite"
"$cc" -Wall -Werror "$src/main_sqlite.c" -o "$tmp/pc_sqlite_static" \
  $(pkg-config --cflags ordertrack-sqlite) -L"$libdir" \
  -Wl,-Bstatic -lordertrack-sqlite -lordertrack -Wl,-Bdynamic \
  $(pkg-config --static --libs ordertrack-sqlite | sed 's/-lordertrack-sqlite//; s/-lordertrack//')
"$tmp/pc_sqlite_static"
if ldd "$tmp/pc_sqlite_static" | grep -q libordertrack; then
  echo "FAIL: static SQLite consumer still needs libordertrack*.so" >&2; exit 1
fi

# CMake package
cmake -S "$src" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cmake.log"
cmake --build "$tmp/cmake" > "$tmp/build.log"
LD_LIBRARY_PATH="$libdir" "$tmp/cmake/consumer_shared"
"$tmp/cmake/consumer_static"
LD_LIBRARY_PATH="$libdir" "$tmp/cmake/consumer_sqlite"
"$tmp/cmake/consumer_sqlite_static"

# The curl adapter, when installed: its own SONAME and node, pkg-config and CMake consumers.
curl_so=$(find "$prefix" -name 'libordertrack-curl.so.1' | head -n 1)
if [ -n "$curl_so" ]; then
  bad=$(nm -D --defined-only "$curl_so" | awk '$2 != "A" { print $3 }' \
        | grep -Ev '^ot_curl_.*@@OT_CURL_1\.[0-9]+$' || true)
  [ -z "$bad" ] || { echo "FAIL: unexpected curl adapter exports: $bad" >&2; exit 1; }
  readelf -d "$curl_so" | grep -q 'SONAME.*\[libordertrack-curl\.so\.1\]' \
    || { echo "FAIL: curl adapter SONAME" >&2; exit 1; }
  "$cc" -Wall -Werror "$src/curl_main.c" -o "$tmp/pc_curl" \
    $(pkg-config --cflags --libs ordertrack-curl)
  LD_LIBRARY_PATH="$libdir" "$tmp/pc_curl"
  LD_LIBRARY_PATH="$libdir" "$tmp/cmake/consumer_curl_shared"
  "$tmp/cmake/consumer_curl_static"
  if ldd "$tmp/cmake/consumer_curl_static" | grep -q libordertrack; then
    echo "FAIL: static curl consumer still needs libordertrack*.so" >&2; exit 1
  fi
fi

# The MongoDB store, when installed: its own SONAME and node, pkg-config and CMake consumers.
mongo_so=$(find "$prefix" -name 'libordertrack-mongo.so.1' | head -n 1)
if [ -n "$mongo_so" ]; then
  bad=$(nm -D --defined-only "$mongo_so" | awk '$2 != "A" { print $3 }' \
        | grep -v '^ot_.*@@OT_MONGO_1\.[0-9][0-9]*$' || true)
  [ -z "$bad" ] || { echo "FAIL: unexpected mongo adapter exports: $bad" >&2; exit 1; }
  readelf -d "$mongo_so" | grep -q 'SONAME.*\[libordertrack-mongo\.so\.1\]' \
    || { echo "FAIL: mongo adapter SONAME" >&2; exit 1; }
  "$cc" -Wall -Werror "$src/main_mongo.c" -o "$tmp/pc_mongo" \
    $(pkg-config --cflags --libs ordertrack-mongo)
  LD_LIBRARY_PATH="$libdir" "$tmp/pc_mongo"
  "$cc" -Wall -Werror "$src/main_mongo.c" -o "$tmp/pc_mongo_static" \
    $(pkg-config --cflags ordertrack-mongo) -L"$libdir" \
    -Wl,-Bstatic -lordertrack-mongo -lordertrack -Wl,-Bdynamic \
    $(pkg-config --static --libs ordertrack-mongo | sed 's/-lordertrack-mongo//; s/-lordertrack//')
  "$tmp/pc_mongo_static"
  LD_LIBRARY_PATH="$libdir" "$tmp/cmake/consumer_mongo"
  "$tmp/cmake/consumer_mongo_static"
fi

# A major version we do not provide must be refused.
mkdir -p "$tmp/v2"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v2 C)\nfind_package(ordertrack 2 CONFIG REQUIRED)\n' > "$tmp/v2/CMakeLists.txt"
if cmake -S "$tmp/v2" -B "$tmp/v2/build" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/v2.log" 2>&1; then
  echo "FAIL: find_package(ordertrack 2) accepted version 1" >&2; exit 1
fi
extra=${curl_so:+, curl adapter}${mongo_so:+, MongoDB store}
echo "consumers ok (pkg-config shared and static, CMake shared and static, SQLite store$extra)"
