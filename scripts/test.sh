#!/usr/bin/env bash
# test.sh: the whole test suite, from a fresh Debian 12 machine (as root): installs what is
# missing, builds with -Werror, runs the unit tests, then the end-to-end tests one at a
# time (they trace real programs and check that nothing is left stopped).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
bash "$ROOT/scripts/install-deps.sh"
# The Go toolchains the Go-dependent tests run with (each such test runs once per Go, as
# e2e.NAME.go1.26, e2e.NAME.go1.19): by default the machine's Go and Debian's Go 1.19.
if [[ -z ${GOTRACE_TEST_GO:-} ]]; then
  for go in /usr/local/go/bin/go "$(command -v go || true)" /usr/lib/go-1.19/bin/go; do
    [[ -x $go && " ${GOTRACE_TEST_GO:-} " != *" $go "* ]] && GOTRACE_TEST_GO="${GOTRACE_TEST_GO:+$GOTRACE_TEST_GO }$go"
  done
fi
export GOTRACE_TEST_GO
echo "test.sh: Go toolchains under test: $GOTRACE_TEST_GO"
echo "test.sh: building in $BUILD (ninja's progress below)"
bash "$ROOT/scripts/build.sh" "$BUILD"
cd "$BUILD"
start=$SECONDS
echo "test.sh: unit tests"
ctest --output-on-failure -L unit -j"$(nproc)"
echo "test.sh: end-to-end tests, one at a time (the offline proxy is built by the first that needs it)"
ctest --output-on-failure -L e2e
echo "test.sh: a short fuzz run"
# A short coverage-guided fuzz of the recording reader and the strace-log parser.
FUZZ_SECONDS=${FUZZ_SECONDS:-15} FUZZ_BUILD_DIR=$BUILD/fuzz bash "$ROOT/scripts/fuzz.sh"
echo "test.sh: whole suite took $((SECONDS - start)) s"
