#!/bin/sh
# Install the build into BUILD_DIR/stage for the binding tests (a ctest fixture).
set -eu
rm -rf "$1/stage"
cmake --install "$1" --prefix "$1/stage" > "$1/stage-install.log"
