# Real workloads under gotrace: `go mod download` of the sample module from the offline
# proxy over file:// and over HTTP on 127.0.0.1, then a clean `go build` (many child
# processes). Every module must land in a fresh cache, `go mod verify` must pass, the
# build must produce a working binary, and the summary must show the syscalls.
source "$(dirname "$0")/lib.sh"
offline_proxy

T=$(mktemp -d /dev/shm/gotrace-e2e-go.XXXXXX)
track_dir "$T"
export GOENV=off GO111MODULE=on GOPATH=$T/gopath GOSUMDB=off GONOSUMDB='' GONOPROXY='' \
  GOPRIVATE='' GOFLAGS=-modcacherw

download() {  # download PROXY NAME [MODE]: gotrace [MODE] -- go mod download into a fresh cache
  local rc=0
  (cd "$SAMPLE" && GOPROXY=$1 GOMODCACHE=$T/mod-$2 GOCACHE=$T/gocache-$2 \
    "$GOTRACE" ${3:-} -o "$WORK/$2.txt" -- go mod download) || rc=$?
  assert_eq 0 "$rc" "gotrace -- go mod download ($1) exit status"
  local zips
  zips=$(find "$T/mod-$2/cache/download" -name '*.zip' | wc -l)
  [ "$zips" -ge 15 ] || fail "only $zips module zips downloaded from $1"
  (cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod-$2 GOCACHE=$T/gocache-$2 go mod verify) >"$WORK/verify-$2" ||
    { cat "$WORK/verify-$2"; fail "go mod verify after download from $1"; }
  note "$1${3:+ $3}: $zips zips; $(tail -1 "$WORK/$2.txt")"
  grep -qE "^gotrace: no problem found(: [0-9]+ syscalls)? in" "$WORK/$2.txt" ||
    { cat "$WORK/$2.txt"; fail "a healthy download ($1${3:+ $3}) was reported as a problem"; }
}

# --thorough stops the fd table's calls: opens and closes are counted.
download "file://$OUT/proxy" file --thorough
for sc in openat close; do
  read -r calls errors < <(count "$WORK/file.txt" $sc)
  [ "$calls" -gt 0 ] || fail "no $sc in the --thorough summary of go mod download"
done

# Over HTTP on loopback, from the project's own server (it exits by itself when idle).
(cd "$SCRIPTS_DIR/goproxy/serve"
 GOCACHE=$T/gocache-serve GOFLAGS= go build -o "$T/serve" main.go)
"$T/serve" -dir "$OUT/proxy" -addr 127.0.0.1:0 -addr-file "$T/addr" -idle-exit 30s -max-life 10m \
  >/dev/null 2>"$T/serve.log" &
track $!
for _ in $(seq 100); do [ -s "$T/addr" ] && break; sleep 0.05; done
[ -s "$T/addr" ] || fail "proxy server did not start: $(cat "$T/serve.log")"
download "http://$(cat "$T/addr")" http
# Light mode (the default, docs/light-mode.md): the sockets, and their first request
# and answer (the connection window, when every call stops), are seen; file opens only in
# those windows.
for sc in socket connect read write; do
  read -r calls errors < <(count "$WORK/http.txt" $sc)
  [ "$calls" -gt 0 ] || fail "no $sc in the summary of an HTTP download"
done
read -r light_opens errors < <(count "$WORK/http.txt" openat)
read -r thorough_opens errors < <(count "$WORK/file.txt" openat)
((light_opens * 10 < thorough_opens)) ||
  fail "light mode saw $light_opens openat calls, --thorough $thorough_opens: the filter is not light"
grep -q "light mode: counts only" "$WORK/http.txt" || fail "the light-mode summary does not say so"

# A clean build of the sample: compile, asm and link run as child processes.
rc=0
(cd "$SAMPLE" && GOPROXY=off GOMODCACHE=$T/mod-http GOCACHE=$T/gocache-build \
  "$GOTRACE" -o "$WORK/build.txt" -- go build -o "$T/sample" .) || rc=$?
assert_eq 0 "$rc" "gotrace -- go build exit status"
"$T/sample" selftest >"$WORK/selftest" || fail "the binary built under gotrace does not run"
read -r calls errors < <(count "$WORK/build.txt" execve)
[ "$calls" -ge 20 ] || fail "expected the build's many execs in the summary, got $calls"
note "go build: $calls execve; $(tail -1 "$WORK/build.txt")"
echo "ok"
