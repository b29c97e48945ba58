#!/usr/bin/env bash
# build.sh [BUILD_DIR]: configure and build gotrace and its tests (warnings are errors).
# Prints the path of the gotrace binary last.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOTRACE_WERROR=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
echo "$BUILD/tracer/cli/gotrace"
