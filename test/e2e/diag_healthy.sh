# Healthy runs report no problem: a real `go mod download` of the sample module from the
# offline proxy (file://, then HTTP on 127.0.0.1) into a fresh module cache, and a clean
# `go build` of it. Each report is "gotrace: no problem found: ..." followed only by where
# the time went ("  time: ..." and its lines: the proxy by its role with its connections and
# bytes for the HTTP download, the compile processes first for the build), and no stall
# report is printed (default --stall).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup

healthy() {  # NAME: checks $WORK/NAME.rep and $WORK/NAME.out
  local line
  line=$(final_first "$WORK/$1.rep")
  note "$1: $line"
  expect "$line" '^gotrace: no problem found in [0-9.]+ m?s, exit status 0 \([0-9]+ syscalls stopped on: the seccomp filter lets the others run unseen; --full counts every call\)$' "$1 report"
  if grep -v -E '^  (time: |  )' <(tail -n +2 "$WORK/$1.rep") | grep -q .; then
    cat "$WORK/$1.rep"
    fail "$1: the report has more than the verdict and where the time went"
  fi
  if grep -q '^gotrace: \[no progress' "$WORK/$1.out"; then
    show_report "$WORK/$1.out"
    fail "$1: a stall report on a healthy run"
  fi
}

rc=0
(cd "$SAMPLE" && GOPROXY="file://$OUT/proxy" GOMODCACHE=$T/mod-file \
  "$GOTRACE" -o "$WORK/file.out" --report-file "$WORK/file.rep" -- go mod download) || rc=$?
assert_eq 0 "$rc" "go mod download (file://) exit status"
healthy file

start_serve
rc=0
(cd "$SAMPLE" && GOPROXY="http://$ADDR" GOMODCACHE=$T/mod-http \
  "$GOTRACE" -o "$WORK/http.out" --report-file "$WORK/http.rep" -- go mod download) || rc=$?
assert_eq 0 "$rc" "go mod download (http) exit status"
[ "$(find "$T/mod-http/cache/download" -name '*.zip' | wc -l)" -ge 15 ] || fail "the HTTP download is incomplete"
healthy http
expect_file "$WORK/http.rep" "^    module proxy 127\\.0\\.0\\.1:$PORT \\(GOPROXY entry 1 of 1\\): [0-9]+ connections?, [0-9.]+ (kB|MB) received; connect [0-9.]+ m?s" "where the time went: the proxy"

rc=0
(cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod-http GOCACHE=$T/gocache-build \
  "$GOTRACE" -o "$WORK/build.out" --report-file "$WORK/build.rep" -- go build -o "$T/sample" .) || rc=$?
assert_eq 0 "$rc" "go build exit status"
"$T/sample" selftest >/dev/null || fail "the binary built under gotrace does not run"
healthy build
expect_file "$WORK/build.rep" "^  time: [0-9.]+ m?s in all; network none seen; child processes [0-9.]+ m?s" "where the build's time went"
expect_file "$WORK/build.rep" "^    processes: compile [0-9.]+ m?s \\([0-9]+\\)" "the build's compile processes, first"
note "elapsed $(elapsed)"
echo "ok"
