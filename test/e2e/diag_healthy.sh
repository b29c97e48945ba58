# Healthy runs report nothing: a real `go mod download` of the sample module from the
# offline proxy (file://, then HTTP on 127.0.0.1) into a fresh module cache, and a clean
# `go build` of it. Each report is exactly one line, "gotrace: no problem found: ...", and
# no stall report is printed (default --stall).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
go_setup

healthy() {  # NAME: checks $WORK/NAME.rep and $WORK/NAME.out
  local line
  line=$(final_first "$WORK/$1.rep")
  note "$1: $line"
  expect "$line" '^gotrace: no problem found in [0-9.]+ m?s, exit status 0 \([0-9]+ syscalls stopped on: the seccomp filter lets the others run unseen; --full counts every call\)$' "$1 report"
  [ "$(wc -l <"$WORK/$1.rep")" = 1 ] || { cat "$WORK/$1.rep"; fail "$1: the report has more than one line"; }
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

rc=0
(cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod-http GOCACHE=$T/gocache-build \
  "$GOTRACE" -o "$WORK/build.out" --report-file "$WORK/build.rep" -- go build -o "$T/sample" .) || rc=$?
assert_eq 0 "$rc" "go build exit status"
"$T/sample" selftest >/dev/null || fail "the binary built under gotrace does not run"
healthy build
note "elapsed $(elapsed)"
echo "ok"
