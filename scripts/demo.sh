#!/usr/bin/env bash
# demo.sh: from a fresh Debian 12 machine (as root): install everything, build gotrace,
# build the offline Go module proxy from Debian's golang-*-dev packages, serve it over HTTP
# on 127.0.0.1, and run `gotrace -- go mod download` of the sample module with a fresh
# module cache. Prints gotrace's findings and summary.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/install-deps.sh"
GOTRACE=$(bash "$ROOT/scripts/build.sh" | tail -1)
PROXY=${GOPROXY_DIR:-/var/tmp/gotrace-goproxy}
bash "$ROOT/scripts/build-goproxy.sh" "$PROXY" >/dev/null

T=$(mktemp -d /dev/shm/gotrace-demo.XXXXXX)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$T"' EXIT
(cd "$ROOT/scripts/goproxy/serve" && GOCACHE=$T/gocache go build -o "$T/serve" main.go)
"$T/serve" -dir "$PROXY/proxy" -addr 127.0.0.1:0 -addr-file "$T/addr" -idle-exit 60s \
  -max-life 10m >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do [ -s "$T/addr" ] && break; sleep 0.05; done

cd "$PROXY/sample"
set -x
GOPROXY=http://$(cat "$T/addr") GOSUMDB=off GOFLAGS=-modcacherw GOMODCACHE=$T/mod \
  GOCACHE=$T/gocache GOPATH=$T/gopath "$GOTRACE" -- go mod download
