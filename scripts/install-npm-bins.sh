#!/usr/bin/env bash
# install-npm-bins.sh [DIR]: real stripped Go binaries built by current Go releases, from the
# npm registry, for the stack tests (test/e2e/stacks_oracle.sh): esbuild 0.28.2 (go1.26.5)
# and buf 1.75.0 (go1.27.3), into DIR (default /var/tmp/gotrace-npm; GOTRACE_NPM_DIR).
# Also fetches the go1.27.3 toolchain into the module cache (GOTOOLCHAIN=go1.27.3, from the
# machine's Go module proxy) for buf's `go tool addr2line`, so that the tests run offline.
# Idempotent. Without npm or the registry it says so and exits 0: the tests then skip them.
set -euo pipefail
DIR=${1:-${GOTRACE_NPM_DIR:-/var/tmp/gotrace-npm}}
PKGS=(@esbuild/linux-x64@0.28.2 @bufbuild/buf-linux-x64@1.75.0)
want=$(printf '%s\n' "${PKGS[@]}")
# buf's oracle: the toolchain it was built with (skipped quietly where go cannot switch).
if command -v go >/dev/null && ! GOTOOLCHAIN=go1.27.3 GOPROXY=off GOFLAGS= go version >/dev/null 2>&1; then
  GOTOOLCHAIN=go1.27.3 GOFLAGS= go version >/dev/null 2>&1 &&
    echo "install-npm-bins: fetched the go1.27.3 toolchain into the module cache" ||
    echo "install-npm-bins: could not fetch go1.27.3 (buf's stack oracle will skip)"
fi
if [[ -f $DIR/.installed && $(cat "$DIR/.installed") == "$want" ]]; then
  echo "install-npm-bins: already in $DIR"
  exit 0
fi
command -v npm >/dev/null || { echo "install-npm-bins: npm not found: the npm binaries' stack tests will skip"; exit 0; }
mkdir -p "$DIR"
if npm install --no-save --no-audit --no-fund --prefix "$DIR" "${PKGS[@]}" >"$DIR/npm.log" 2>&1; then
  echo "$want" >"$DIR/.installed"
  echo "install-npm-bins: installed ${PKGS[*]} in $DIR"
else
  echo "install-npm-bins: npm install failed (the stack tests will skip these binaries):"
  tail -3 "$DIR/npm.log"
fi
