#!/bin/sh
# A program that imports only the core package and ordertrack/sqlite, built as a separate
# module against the staged (installed) library: its packages ask pkg-config for ordertrack
# and ordertrack-sqlite only, and its binary needs neither libordertrack-mongo nor
# libmongoc; a core-only program needs no adapter library at all.
# Usage: run_go_consumer.sh STAGE_DIR BINDING_DIR WORK_DIR
set -eu
stage=$(cd "$1" && pwd) work=$(cd "$3" && pwd)
. "$(dirname "$0")/go_env.sh"
binding=$(cd "$2" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

# consumer NAME IMPORTS BODY: a module in $work/go-consumer-NAME; prints its binary.
consumer() {
  dir="$work/go-consumer-$1"
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/go.mod" <<EOM
module consumer

go 1.19

require github.com/libordertrack/libordertrack/bindings/go v0.0.0
replace github.com/libordertrack/libordertrack/bindings/go => $binding
EOM
  printf 'package main\n\nimport (\n\t"fmt"\n\t"log"\n%s\n)\n\nfunc main() {\n%s\n}\n' "$2" "$3" \
    > "$dir/main.go"
  (cd "$dir" && go build -o "$1" .)
  echo "$dir/$1"
}

sqlite_bin=$(consumer sqlite '	"os"
	"path/filepath"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack/sqlite"' '	dir, err := os.MkdirTemp("", "consumer")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t, err := sqlite.Open(filepath.Join(dir, "orders.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	fmt.Println("sqlite consumer, library", ordertrack.LibraryVersion())')
core_bin=$(consumer core '
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"' '	t, err := ordertrack.Open("memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	fmt.Println("core consumer, library", ordertrack.LibraryVersion())')

echo "== pkg-config modules the sqlite consumer's packages ask for"
configs=$(cd "$(dirname "$sqlite_bin")" &&
  go list -deps -f '{{join .CgoPkgConfig "\n"}}' . | grep . | sort -u | tr '\n' ' ')
echo "$configs"
[ "$configs" = "ordertrack ordertrack-sqlite " ] ||
  fail "expected ordertrack and ordertrack-sqlite only, got: $configs"

echo "== libraries the binaries need"
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }
echo "sqlite consumer: $(needed "$sqlite_bin")"
echo "core consumer:   $(needed "$core_bin")"
needed "$sqlite_bin" | grep -q 'libordertrack\.so\.1' || fail "sqlite consumer lacks libordertrack"
needed "$sqlite_bin" | grep -q 'libordertrack-sqlite\.so\.1' || fail "sqlite consumer lacks libordertrack-sqlite"
needed "$core_bin" | grep -q 'libordertrack\.so\.1' || fail "core consumer lacks libordertrack"
if needed "$core_bin" | grep -q 'libordertrack-'; then fail "core consumer links an adapter"; fi
# ldd: the whole tree the loader maps, adapters' dependencies included.
for bin in "$sqlite_bin" "$core_bin"; do
  if ldd "$bin" | grep -E 'libordertrack-mongo|libmongoc|libbson'; then
    fail "$bin links MongoDB libraries"
  fi
done
if ldd "$core_bin" | grep -E 'libordertrack-sqlite|libsqlite3'; then fail "core consumer links SQLite"; fi

echo "== run"
"$sqlite_bin"
"$core_bin"
echo "consumer: only the imported adapters are linked"
