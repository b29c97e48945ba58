# Toolchain switching (Go >= 1.21, GOTOOLCHAIN=auto): a go.mod whose `go` line needs a newer
# Go makes the go command download golang.org/toolchain@v0.0.1-goX.Y.Z.linux-amd64 from
# GOPROXY and exec its bin/go. Here the project's proxy server serves such a module for
# go1.99.0 (its bin/go a script that says who it is) and holds the .zip 11 s (an answer that came is reported from 10 s on):
#  - the stall report names the wait as the toolchain download, from module proxy
#    127.0.0.1:PORT (GOPROXY entry 1 of 1), not as some module's;
#  - the download completes, the go command execs the new toolchain, gotrace follows the
#    exec (its output is the command's, the recording has the Exec of that bin/go) and the
#    final report says how long the toolchain download waited;
#  - with GOTOOLCHAIN=local nothing is downloaded (the go command refuses the go line).
# cmd/go verifies a toolchain zip against the checksum database even with GOSUMDB=off; the
# test uses cmd/go's own exception for the proxy that fills that database
# (GIT_HTTP_USER_AGENT naming proxy.golang.org, modfetch/sumdb.go useSumDB) rather than run
# a checksum database of its own: the download itself is the real one, over HTTP.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
case "${GO_LABEL:-}" in
  go1.1[0-9]|go1.20) skip "toolchain switching needs Go >= 1.21 ($GO_LABEL)" ;;
esac
go_setup
V=go1.99.0
M=golang.org/toolchain
MV=v0.0.1-$V.linux-amd64
TP=$T/tcproxy/$M/@v
mkdir -p "$TP"
echo "$MV" >"$TP/list"
printf '{"Version":"%s","Time":"2026-01-01T00:00:00Z"}\n' "$MV" >"$TP/$MV.info"
printf 'module %s\n' "$M" >"$TP/$MV.mod"
python3 - "$TP/$MV.zip" "$M@$MV" "$V" <<'PY'
import sys, zipfile
path, prefix, version = sys.argv[1:4]
with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(prefix + '/bin/go', '#!/bin/sh\necho "gotrace-test toolchain %s: $*"\n' % version)
    z.writestr(prefix + '/bin/gofmt', '#!/bin/sh\nexit 0\n')
    z.writestr(prefix + '/pkg/tool/linux_amd64/README', 'the tools of a real toolchain live here\n')
    z.writestr(prefix + '/lib/README', 'and here\n')
    z.writestr(prefix + '/go.mod', 'module golang.org/toolchain\n')
    z.writestr(prefix + '/VERSION', version + '\n')
PY
mkdir -p "$T/m"
printf 'module example.com/gotrace-toolchain\n\ngo 1.99.0\n' >"$T/m/go.mod"
start_serve -dir "$T/tcproxy" -stall-path "$MV.zip" -stall 11s

rc=0
export GIT_HTTP_USER_AGENT="gotrace-e2e (as proxy.golang.org, to skip the checksum database)"
(cd "$T/m" && GOTOOLCHAIN=auto GOPROXY=http://$ADDR "$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" \
  --record "$WORK/g.gtr" -- go mod download) >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
assert_eq 0 "$rc" "go mod download with a toolchain switch, under gotrace: $(cat "$WORK/stderr")"
grep -q "gotrace-test toolchain $V: mod download" "$WORK/stdout" ||
  fail "the new toolchain did not run: $(cat "$WORK/stdout" "$WORK/stderr")"
line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while the toolchain zip was held"; }
note "stall: $line"
expect "$line" "is stuck downloading the Go toolchain $V \\(go.mod asks for it, GOTOOLCHAIN=auto\\): no response for [0-9.]+ s from module proxy 127\\.0\\.0\\.1:$PORT \\(GOPROXY entry 1 of 1\\)" "stall report"
line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" "downloading the Go toolchain $V \\(go.mod asks for it, GOTOOLCHAIN=auto\\) waited 1[0-9]\\.[0-9] s for a response from module proxy 127\\.0\\.0\\.1:$PORT" "final report"
expect_file "$WORK/g.rep" "try: the go or toolchain line of go.mod needs $V: install it, or set GOTOOLCHAIN=local" "remedy"
"$GOTRACE" replay --format=jsonl -o "$WORK/g.jsonl" "$WORK/g.gtr"
grep -q "\"type\":\"exec\".*$M@$MV/bin/go" "$WORK/g.jsonl" || fail "no exec of the new toolchain in the recording"

# GOTOOLCHAIN=local: no download, the go command says the go line is too new.
rc=0
(cd "$T/m" && GOTOOLCHAIN=local GOPROXY=http://$ADDR "$GOTRACE" -o "$WORK/l.out" -- go mod download) \
  >"$WORK/l.stdout" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "GOTOOLCHAIN=local accepted go 1.99.0"
grep -q "requires go >= 1.99.0" "$WORK/l.stdout" || fail "GOTOOLCHAIN=local: $(cat "$WORK/l.stdout")"
echo ok
