#!/usr/bin/env bash
# test.sh: the whole test suite, from a fresh Debian 12 machine (as root): installs what is
# missing, builds with -Werror, runs the unit tests, then the end-to-end tests one at a
# time (they trace real programs and check that nothing is left stopped).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" "$BUILD" >/dev/null
cd "$BUILD"
start=$SECONDS
ctest --output-on-failure -L unit -j"$(nproc)"
ctest --output-on-failure -L e2e
# A short coverage-guided fuzz of the recording reader and the strace-log parser.
FUZZ_SECONDS=${FUZZ_SECONDS:-15} FUZZ_BUILD_DIR=$BUILD/fuzz bash "$ROOT/scripts/fuzz.sh"
echo "test.sh: whole suite took $((SECONDS - start)) s"
