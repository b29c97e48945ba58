# A stalled module proxy seen through a strace log yields the same verdict as gotrace live.
# The server accepts, reads the request and never answers (silent_server.py tls-silent; the
# request is plain HTTP here). `go mod download` runs against it (1) under gotrace until a
# stall report shows, then gotrace gets SIGTERM; (2) under `strace -f -tt -T -yy -o LOG`
# until the server has read a request and 3 s more, then go gets SIGTERM. The first line of
# `gotrace replay --from-strace LOG`'s report must be the same kind of verdict as the live
# final report: no response from the module proxy after the `GET`. A strace log carries no
# environment (GOPROXY) and, at the default -s 32, only a prefix of the request: the import
# names the proxy by its request path and shows the GET cut short.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
command -v strace >/dev/null || skip "strace not installed"
go_setup
python3 "$E2E_DIR/silent_server.py" tls-silent "$WORK/port" 120 2>"$WORK/server.log" &
track $!
wait_file "$WORK/port" 20
port=$(cat "$WORK/port")
export GOPROXY=http://127.0.0.1:$port

# 1. live
(cd "$SAMPLE" && GOMODCACHE=$T/mod1 exec "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" \
  -- go mod download) >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
stop_at "no progress for" "$WORK/g.out" 60 $gt
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (the command died of it)"
live=$(final_first "$WORK/g.rep")
note "live: $live"
num='[0-9.]+ m?s'
expect "$live" "^gotrace: go mod download: no response in $num from module proxy 127\\.0\\.0\\.1:$port \\(GOPROXY entry 1 of 1\\) after \`GET /[^\`]+\`; the connection ended without one\$" "live final report"

# 2. strace
: >"$WORK/server.log"
(cd "$SAMPLE" && GOMODCACHE=$T/mod2 exec strace -f -tt -T -yy -o "$WORK/stall.log" go mod download) \
  >"$WORK/stdout2" 2>"$WORK/stderr2" &
st=$!
track $st
wait_for_text "$WORK/server.log" "not answering" 60
sleep 3
go_pid=$(pgrep -P $st -x go) || fail "no go process under strace"
kill -TERM "$go_pid"
rc=0; wait $st || rc=$?
assert_eq 143 "$rc" "strace exit status (go died of SIGTERM)"
grep -q '+++ killed by SIGTERM +++' "$WORK/stall.log" || fail "the log does not show go killed"
"$GOTRACE" replay --from-strace "$WORK/stall.log" --report-file "$WORK/s.rep" -o "$WORK/s.out" 2>"$WORK/s.err" ||
  { cat "$WORK/s.err"; fail "gotrace replay --from-strace failed"; }
imported=$(final_first "$WORK/s.rep")
note "strace: $imported"
expect "$imported" "^gotrace: go mod download: no response in $num from module proxy 127\\.0\\.0\\.1:$port \\(by its request path\\) after \`GET /[^\`]+\`; the connection ended without one\$" "imported final report"
# Same verdict kind: equal once the times, the proxy's label and the request are set aside.
kind() { sed -E -e 's/[0-9.]+ m?s/N s/g' -e 's/ \((GOPROXY entry 1 of 1|by its request path)\)//' -e 's/`GET [^`]*`/`GET ...`/' <<<"$1"; }
assert_eq "$(kind "$live")" "$(kind "$imported")" "verdict kind, live vs strace import"
show_report "$WORK/s.rep" 4

# 3. through a forward proxy (issue 16.7): HTTP_PROXY is the silent server, GOPROXY a name
# only the proxy would resolve. go sends the request line in proxy form (`GET http://...`),
# and the import, with no environment, names the peer a forward proxy from that line alone.
: >"$WORK/server.log"
(cd "$SAMPLE" && GOMODCACHE=$T/mod3 GOPROXY=http://goproxy.invalid HTTP_PROXY=http://127.0.0.1:$port \
  exec strace -f -tt -T -yy -o "$WORK/proxy.log" go mod download) >"$WORK/stdout3" 2>"$WORK/stderr3" &
st=$!
track $st
wait_for_text "$WORK/server.log" "not answering" 60
sleep 3
go_pid=$(pgrep -P $st -x go) || fail "no go process under strace (proxy)"
kill -TERM "$go_pid"
rc=0; wait $st || rc=$?
assert_eq 143 "$rc" "strace exit status (go died of SIGTERM, proxy)"
"$GOTRACE" replay --from-strace "$WORK/proxy.log" --report-file "$WORK/p.rep" -o "$WORK/p.out" 2>"$WORK/p.err" ||
  { cat "$WORK/p.err"; fail "gotrace replay --from-strace failed (proxy)"; }
imported=$(final_first "$WORK/p.rep")
note "strace, forward proxy: $imported"
expect "$imported" "^gotrace: go mod download: no response in $num from forward proxy 127\\.0\\.0\\.1:$port \\(asked for goproxy\\.invalid\\) after \`GET http://goproxy\\.invalid/[^\`]+\`; the connection ended without one\$" "imported final report, forward proxy"
echo "ok"
