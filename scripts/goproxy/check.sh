#!/usr/bin/env bash
# check.sh [OUTDIR] — self-test of gotrace's offline Go workload (default OUTDIR /var/tmp/gotrace-goproxy):
# builds the proxy if needed (scripts/build-goproxy.sh), then, each with fresh caches on /dev/shm,
#   1. go mod download + go mod verify of the sample module over GOPROXY=file://,
#      and a download of every served module (go checks each zip as it extracts it)
#   2. the same over http:// from scripts/goproxy/serve on 127.0.0.1
#   3. a clean go build of the sample (new GOCACHE, GOPROXY=off) and a run of it
#   4. serve's -stall delays a download; serve's -idle-exit ends the server by itself
# Prints each step's time and the module count; cleans up its servers and caches on exit.
#
# A test runs the workload the same way, in OUTDIR/sample, with fresh caches on /dev/shm:
#   GOENV=off GO111MODULE=on GOSUMDB=off GOFLAGS=-modcacherw GONOSUMDB='' GONOPROXY='' GOPRIVATE=''
#   GOPATH=$T/gopath GOMODCACHE=$T/mod GOCACHE=$T/gocache
#   GOPROXY=file://OUTDIR/proxy   or   GOPROXY=http://HOST:PORT (serve -dir OUTDIR/proxy)
#   go mod download; go mod verify; go build -o $T/gotrace-sample .   (GOPROXY=off once downloaded)
# (-modcacherw lets rm -rf remove the module cache.)
# shellcheck disable=SC2030,SC2031 # each step's ( subshell ) sets its own go environment
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-/var/tmp/gotrace-goproxy}
"$HERE/../build-goproxy.sh" "$OUT"
OUT=$(cd "$OUT" && pwd)
SAMPLE=$OUT/sample

T=$(mktemp -d /dev/shm/gotrace-goproxy-check.XXXXXX)
SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP PIPE

# The environment a test needs (GOPROXY, GOMODCACHE, GOCACHE set per step).
export GOENV=off GO111MODULE=on GOPATH=$T/gopath GOSUMDB=off GONOSUMDB='' GONOPROXY='' GOPRIVATE='' \
  GOFLAGS=-modcacherw GOPROXY=off

passed=0
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
# step NAME CMD...: run CMD (output to $T/step.log), print its time and its last output line.
# (CMD runs as an `if` condition, where set -e is off: functions must check their own errors.)
step() {
  local name=$1 t0=$EPOCHREALTIME
  shift
  if "$@" >"$T/step.log" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %-48s %6ss  %s\n' "$name" "$(elapsed "$t0")" "$(tail -n 1 "$T/step.log")"
  else
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$T/step.log" | tail -n 40
    echo "goproxy check: $passed passed, 1 failed"
    exit 1
  fi
}

download() { # download PROXY CACHE: go mod download into a fresh module cache
  (
    export GOPROXY=$1 GOMODCACHE=$T/$2 GOCACHE=$T/gocache-$2
    cd "$SAMPLE" && go mod download || exit 1
    echo "$(find "$GOMODCACHE/cache/download" -name '*.zip' | wc -l) module zips," \
      "$(find "$GOMODCACHE/cache/download" -name '*.mod' | wc -l) go.mod files"
  )
}
verify() { # verify CACHE
  (cd "$SAMPLE" && GOMODCACHE=$T/$1 GOCACHE=$T/gocache-$1 go mod verify)
}

start_server() { # start_server NAME ARGS...: run serve in the background, set ADDR
  local name=$1
  shift
  "$T/serve" -dir "$OUT/proxy" -addr 127.0.0.1:0 -addr-file "$T/$name.addr" "$@" \
    >/dev/null 2>"$T/$name.log" &
  SERVER_PIDS+=($!)
  for _ in $(seq 100); do [[ -s $T/$name.addr ]] && break; sleep 0.05; done
  [[ -s $T/$name.addr ]] || { echo "serve did not start:" >&2; cat "$T/$name.log" >&2; exit 1; }
  ADDR=$(cat "$T/$name.addr")
}

build_sample() { # clean build: new GOCACHE, modules only from the cache filled over HTTP
  (
    export GOPROXY=off GOMODCACHE=$T/mod-http GOCACHE=$T/gocache-build
    cd "$SAMPLE" && go build -o "$T/gotrace-sample" . || exit 1
    echo "$(go list -deps . | wc -l) packages"
  )
}

t_all=$EPOCHREALTIME
sums_before=$(cat "$SAMPLE/go.mod" "$SAMPLE/go.sum" | sha256sum)
step "download over file://" download "file://$OUT/proxy" mod-file
step "go mod verify (file:// cache)" verify mod-file
download_all() { # every module@version in modules.txt, from outside any module
  (
    export GOPROXY=file://$OUT/proxy GOMODCACHE=$T/mod-all GOCACHE=$T/gocache-all
    mkdir -p "$T/empty" && cd "$T/empty" || exit 1
    mapfile -t all < <(awk '{ print $1 "@" $2 }' "$OUT/modules.txt")
    go mod download "${all[@]}" || exit 1
    echo "$(find "$GOMODCACHE/cache/download" -name '*.zip' | wc -l) of $(wc -l <"$OUT/modules.txt") modules"
  )
}
step "download every served module (file://)" download_all
step "build serve" go build -o "$T/serve" "$HERE/serve/main.go"
start_server http -idle-exit 60s -max-life 5m -log
step "download over http://$ADDR" download "http://$ADDR" mod-http
echo "      ($(grep -c ' -> 200 ' "$T/http.log") requests answered 200, $(grep -c ' -> 404 ' "$T/http.log") answered 404)"
step "go mod verify (http:// cache)" verify mod-http
step "clean go build (fresh GOCACHE, GOPROXY=off)" build_sample
step "run gotrace-sample selftest" "$T/gotrace-sample" selftest
unchanged() { [[ $(cat "$SAMPLE/go.mod" "$SAMPLE/go.sum" | sha256sum) == "$sums_before" ]]; }
step "sample go.mod and go.sum left unchanged" unchanged

# -stall: a download that needs cobra's zip waits 2 s for it.
cobra=$(awk '$1 == "github.com/spf13/cobra" { print $2 }' "$OUT/modules.txt")
start_server stall -stall-path "/github.com/spf13/cobra/@v/$cobra.zip" -stall 2s -idle-exit 30s
stall_check() {
  local t0=$EPOCHREALTIME
  (cd "$SAMPLE" && GOPROXY=http://$ADDR GOMODCACHE=$T/mod-stall GOCACHE=$T/gocache-stall \
    go mod download github.com/spf13/cobra) || return 1
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { d = b - a; print "took " d "s"; exit !(d >= 2 && d < 5) }'
}
step "serve -stall 2s delays the download" stall_check

# -idle-exit: a server nobody talks to exits by itself.
start_server idle -idle-exit 1s
idle_pid=${SERVER_PIDS[-1]}
idle_check() {
  for _ in $(seq 60); do
    if ! kill -0 "$idle_pid" 2>/dev/null; then
      unset 'SERVER_PIDS[-1]' # reaped below: its pid may be reused, cleanup must not kill it
      wait "$idle_pid"
      return
    fi
    sleep 0.1
  done
  return 1
}
step "serve -idle-exit 1s exits by itself" idle_check

echo "total $(elapsed "$t_all")s"
echo "goproxy check: $passed passed, 0 failed"
