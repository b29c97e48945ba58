# Attach to a real `go mod download` stuck on a local HTTP module proxy that stalls: the
# snapshot shows the socket to the proxy and GOPROXY; attached again with a stall report,
# the report names the proxy and what cmd/go is fetching from the kernel's TCP facts and
# the module cache files it holds (the request itself went out before the attach); after
# detach the proxy resumes and the download completes (and `go mod verify` passes).
source "$(dirname "$0")/lib.sh"
offline_proxy
T=$(mktemp -d /dev/shm/gotrace-e2e-attach.XXXXXX)
track_dir "$T"
export GOENV=off GO111MODULE=on GOPATH=$T/gopath GOSUMDB=off GONOSUMDB='' GONOPROXY='' \
  GOPRIVATE='' GOFLAGS=-modcacherw GOMODCACHE=$T/mod GOCACHE=$T/gocache

(cd "$SCRIPTS_DIR/goproxy/serve" && GOFLAGS= go build -o "$T/serve" main.go)
cobra=$(awk '$1 == "github.com/spf13/cobra" { print $2 }' "$OUT/modules.txt")
"$T/serve" -dir "$OUT/proxy" -addr 127.0.0.1:0 -addr-file "$T/addr" -idle-exit 30s -max-life 5m \
  -stall-path "/github.com/spf13/cobra/@v/$cobra.zip" -stall 15s -log 2>"$T/serve.log" >/dev/null &
track $!
for _ in $(seq 100); do [ -s "$T/addr" ] && break; sleep 0.05; done
addr=$(cat "$T/addr")
port=${addr##*:}

(cd "$OUT/sample" && GOPROXY=http://$addr exec go mod download) >"$WORK/go.out" 2>&1 &
gopid=$!
track $gopid
wait_for_text "$T/serve.log" "cobra/@v/$cobra.zip -> stalling" 20
sleep 0.5
"$GOTRACE" -p $gopid --duration 1 -o "$WORK/g.txt"
cat "$WORK/g.txt"
grep -qE "fd [0-9]+ +TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$port\] ESTABLISHED" "$WORK/g.txt" ||
  fail "snapshot does not show the socket to the proxy at $addr"
grep -q "GOPROXY=http://$addr" "$WORK/g.txt" || fail "snapshot does not show GOPROXY"
grep -q "Process $gopid detached" "$WORK/g.txt" || fail "not detached"
assert_eq 0 "$(awk '/^TracerPid:/{print $2}' /proc/$gopid/status)" "TracerPid after detach"
# The request has waited since before this attach: by the stall report (1 s without progress
# after it) it has waited more than the 2 s wait threshold. The other modules' downloads may
# still be moving bytes (progress) on a loaded machine: wait until go reads and writes nothing
# for a second (its rchar + wchar), as a stuck download does.
io() { awk '/^(rchar|wchar):/ { n += $2 } END { print n }' "/proc/$gopid/io"; }
last=$(io) same=0
for _ in $(seq 40); do
  sleep 0.5
  now=$(io)
  if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; fi
  last=$now
  [ "$same" -ge 2 ] && break
done
[ "$same" -ge 2 ] || fail "go mod download kept reading or writing while the proxy held the .zip"
"$GOTRACE" -p $gopid --stall 1 --duration 4 -o "$WORK/s.txt" 2>"$WORK/s.err" || true
cat "$WORK/s.txt" "$WORK/s.err"
grep -qhE "^gotrace: \[no progress for .*\] go mod download is stuck: no response for [0-9.]+ s from module proxy 127\.0\.0\.1:$port \(GOPROXY entry 1 of 1\) while fetching github\.com/spf13/cobra@$cobra \(\.zip\)" "$WORK/s.txt" "$WORK/s.err" ||
  fail "the stall report does not name the proxy and the module being fetched"
grep -qE "evidence: fd [0-9]+ TCP -> 127\.0\.0\.1:$port: last data sent [0-9.]+ s ago \([0-9]+ bytes in all, all acknowledged by the peer\), nothing received (since|yet) \(kernel TCP info\)" "$WORK/s.txt" "$WORK/s.err" ||
  fail "the stall report's evidence does not give the kernel's TCP facts"
grep -q "Process $gopid detached" "$WORK/s.txt" "$WORK/s.err" || fail "not detached after the stall report"
assert_eq 0 "$(awk '/^TracerPid:/{print $2}' /proc/$gopid/status)" "TracerPid after the second detach"
rc=0; wait $gopid || rc=$?
assert_eq 0 "$rc" "go mod download exit status after the stall"
(cd "$OUT/sample" && GOPROXY=off go mod verify) >"$WORK/verify" || { cat "$WORK/verify"; fail "go mod verify"; }
echo "ok"
