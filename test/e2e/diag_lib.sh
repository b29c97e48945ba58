# Helpers for the diag_* tests: each runs a real program or go command into one cause of
# a hang or failure and checks the first line of gotrace's report names it, live (the final
# report, written with --report-file) and while it hangs (--stall reports, in the -o file).
# Source after lib.sh.

STALL_RE='^gotrace: \[no progress for [0-9.]+ m?s, still running\] '

# first_stall FILE: the first line of the first stall report in FILE ("" when none).
first_stall() { grep -m1 -E "$STALL_RE" "$1" || true; }

# final_first FILE: the first line of the final report (a --report-file file).
final_first() { head -1 "$1"; }

# expect TEXT REGEX WHAT: fails unless TEXT matches the extended regex.
expect() {
  grep -qE -- "$2" <<<"$1" || fail "$3: expected /$2/ in: $1"
}

# expect_file FILE REGEX WHAT
expect_file() {
  grep -qE -- "$2" "$1" || { cat "$1" >&2; fail "$3: expected /$2/ in $1"; }
}

# show_report FILE [LINES]: the report lines of FILE (stall reports, or a final report; not
# the summary table), for the log.
# (One awk, which reads all its input: `| head` would close the pipe early, and the writer's
# SIGPIPE under pipefail failed the test when a report had more lines, e.g. with stacks.)
show_report() {
  awk -v n="${2:-12}" '/^% time/ { exit } /^(gotrace: |  )/ && shown < n { print "#   " substr($0, 1, 240); shown++ }' "$1"
}

# stop_at TEXT FILE SECONDS PID: once FILE (gotrace's -o output) shows TEXT (at most SECONDS),
# sends SIGTERM to gotrace (PID, started in the background) and waits for it; its exit status
# is left in $rc.
stop_at() {
  wait_for_text "$2" "$1" "$3"
  kill -TERM "$4"
  rc=0
  wait "$4" || rc=$?
}

# go_setup: the offline module proxy and a Go environment with fresh caches on tmpfs ($T);
# no proxy variables, no sum database, no toolchain download.
go_setup() {
  offline_proxy
  T=$(mktemp -d /dev/shm/gotrace-e2e-diag.XXXXXX)
  track_dir "$T"
  unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy
  export GOENV=off GO111MODULE=on GOPATH=$T/gopath GOSUMDB=off GONOSUMDB='' GONOPROXY='' \
    GOPRIVATE='' GOFLAGS=-modcacherw GOMODCACHE=$T/mod GOCACHE=$T/gocache
}

# start_serve [ARGS...]: the project's module proxy server on 127.0.0.1 (exits by itself);
# sets ADDR and PORT.
start_serve() {
  (cd "$SCRIPTS_DIR/goproxy/serve" && GOCACHE=$T/gocache-serve GOFLAGS= go build -o "$T/serve" main.go)
  "$T/serve" -dir "$OUT/proxy" -addr 127.0.0.1:0 -addr-file "$T/addr" -idle-exit 30s -max-life 5m \
    "$@" >/dev/null 2>"$T/serve.log" &
  track $!
  local i
  for ((i = 0; i < 100; i++)); do [ -s "$T/addr" ] && break; sleep 0.05; done
  [ -s "$T/addr" ] || fail "proxy server did not start: $(cat "$T/serve.log")"
  ADDR=$(cat "$T/addr")
  PORT=${ADDR##*:}
}

# wait_file FILE SECONDS: waits until FILE exists and is not empty.
wait_file() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done
  fail "timed out waiting for $1"
}

# elapsed: seconds since the test started, for the log.
elapsed() { echo "$SECONDS s"; }
