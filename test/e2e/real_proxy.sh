# The real Go module proxy (the one this machine's `go env GOPROXY` names; the only test
# that leaves the machine, and only to it): `go mod download` of a few real modules into a
# fresh module cache, with real DNS, TLS and HTTP/2.
#  (a) under gotrace (light mode): exit 0, every module's .zip in the cache, "no problem
#      found", where the time went names the proxy by its host (connect, TLS handshake,
#      bytes received), and the trace shows the DNS question for the proxy's host and the
#      TCP connect to port 443 that followed;
#  (b) `gotrace --full -c` against `strace -f -c` of the same download (each with its own
#      fresh cache): the same execve, socket and connect counts (the rest varies from run
#      to run with Go's scheduling: futex, nanosleep, epoll, reads of EAGAIN).
# Skipped (77) when the proxy cannot be reached.
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || skip "go not installed"
proxy=$(GOFLAGS= go env GOPROXY)
host=$(sed -n 's|^https://\([^/,|]*\).*|\1|p' <<<"$proxy")
[ -n "$host" ] || skip "GOPROXY ($proxy) names no https proxy first"
T=$(mktemp -d /dev/shm/gotrace-e2e-real.XXXXXX)
track_dir "$T"
mkdir "$T/m"
printf 'module example.com/gotrace-realproxy\n\ngo 1.19\n' >"$T/m/go.mod"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy
export GOENV=off GOFLAGS=-modcacherw GOCACHE=$T/gocache GOPATH=$T/gopath GONOSUMDB='' GONOPROXY='' GOPRIVATE=''
MODS=(github.com/google/uuid@v1.6.0 github.com/pkg/errors@v0.9.1 golang.org/x/sync@v0.10.0 gopkg.in/yaml.v3@v3.0.1)
cd "$T/m"
GOMODCACHE=$T/probe timeout 60 go mod download "${MODS[0]}" >"$WORK/probe.out" 2>&1 ||
  skip "the module proxy $host cannot be reached: $(tail -1 "$WORK/probe.out")"
note "proxy: $proxy, GOSUMDB=$(go env GOSUMDB), $(go version)"

# (a)
rc=0
GOMODCACHE=$T/mod-a timeout 120 "$GOTRACE" --trace -e trace=connect,write,sendto -s 64 -o "$WORK/a.out" \
  --report-file "$WORK/a.rep" -- go mod download "${MODS[@]}" >"$WORK/a.stdout" 2>&1 || rc=$?
assert_eq 0 "$rc" "go mod download under gotrace: $(tail -3 "$WORK/a.stdout")"
for m in "${MODS[@]}"; do
  zip=$T/mod-a/cache/download/${m%@*}/@v/${m#*@}.zip
  [ -s "$zip" ] || fail "(a) $m: no $zip"
done
note "(a) $(head -1 "$WORK/a.rep")"
grep -q '^gotrace: no problem found' "$WORK/a.rep" || { cat "$WORK/a.rep"; fail "(a) the report is not healthy"; }
# Where the time went names the proxy by its host, with its connect and TLS handshake.
hostre=${host//./\\.}
grep -qE "^    module proxy $hostre \\([0-9a-f.:]+:443\\) \\(GOPROXY entry 1 of [0-9]+\\): [0-9]+ connections?, [0-9.]+ (bytes|kB|MB) received; connect [0-9.]+ m?s \\([0-9]+[^;]*; TLS handshake [0-9.]+ m?s" "$WORK/a.rep" ||
  { cat "$WORK/a.rep"; fail "(a) the account does not name the proxy $host with its connect and TLS handshake"; }
note "(a) $(grep -m1 "^    module proxy $hostre" "$WORK/a.rep")"
qname=$(awk -F. '{ for (i = 1; i <= NF; i++) printf "\\\\%d%s", length($i), $i }' <<<"$host")
grep -qE "(write|sendto)\(.*${qname}\\\\0" "$WORK/a.out" || { grep -m5 -E 'write|sendto' "$WORK/a.out"; fail "(a) no DNS question for $host"; }
grep -qE 'connect\(.*htons\(443\)' "$WORK/a.out" || fail "(a) no connect to port 443"
note "(a) DNS: $(grep -m1 -E "${qname}" "$WORK/a.out" | cut -c1-120)"

# (b) counts against strace's
command -v strace >/dev/null || skip "strace not installed"
GOMODCACHE=$T/mod-g timeout 120 "$GOTRACE" --full -c -o "$WORK/g.txt" -- go mod download "${MODS[@]}" >/dev/null 2>&1 ||
  fail "(b) gotrace --full -c -- go mod download"
GOMODCACHE=$T/mod-s timeout 120 strace -f -c -o "$WORK/s.txt" go mod download "${MODS[@]}" >/dev/null 2>&1 ||
  fail "(b) strace -f -c -- go mod download"
for call in execve socket connect; do
  g=$(count "$WORK/g.txt" "$call"); s=$(count "$WORK/s.txt" "$call")
  assert_eq "$s" "$g" "(b) $call calls and errors, strace -f -c vs gotrace --full -c"
  note "(b) $call: $g"
done
note "(b) totals: gotrace $(count "$WORK/g.txt" total), strace $(count "$WORK/s.txt" total)"
echo ok
