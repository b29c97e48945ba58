#!/usr/bin/env bash
# demo.sh: from a fresh Debian 12 machine (as root): install everything, build gotrace,
# build the offline Go module proxy from Debian's golang-*-dev packages, serve it over HTTP
# on 127.0.0.1, and run `gotrace -- go mod download` of the sample module with a fresh
# module cache. Prints gotrace's findings and summary.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
step() { echo "demo: [$1/4] $2" >&2; }
step 1 "installing the Debian packages (scripts/install-deps.sh)"
bash "$ROOT/scripts/install-deps.sh"
step 2 "building gotrace (scripts/build.sh; a few minutes on 2 cores)"
GOTRACE=$(bash "$ROOT/scripts/build.sh" | tee /dev/stderr | tail -1)
PROXY=${GOPROXY_DIR:-/var/tmp/gotrace-goproxy}
step 3 "building the offline module proxy from Debian's golang-*-dev packages (scripts/build-goproxy.sh)"
bash "$ROOT/scripts/build-goproxy.sh" "$PROXY" >&2
step 4 "go mod download of the sample module under gotrace, from that proxy over HTTP on 127.0.0.1"

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
