#!/usr/bin/env bash
# build.sh [BUILD_DIR]: configure and build gotrace and its tests (warnings are errors).
# Prints the path of the gotrace binary last. GOTRACE_TEST_GO (space-separated `go`
# binaries; default: the go on PATH) names the Go toolchains the Go-dependent tests use.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
read -r -a gos <<<"${GOTRACE_TEST_GO:-}"
test_go=$(IFS=';'; echo "${gos[*]}")
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOTRACE_WERROR=ON \
  -DGOTRACE_TEST_GO="$test_go" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
echo "$BUILD/tracer/cli/gotrace"
