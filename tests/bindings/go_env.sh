# Sourced by the Go binding's test scripts: the staged library for pkg-config and the
# loader, module downloads off, caches under $work. Reads $stage and $work; sets $libdir.
libdir=$(dirname "$(find "$stage" -name 'libordertrack.so.1' | head -n 1)")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off
export GOCACHE="$work/gocache" GOPATH="$work/gopath" HOME="${HOME:-$work}"
if [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
