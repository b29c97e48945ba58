# Attach to a Go program holding an answered TCP connection open, idle (as a keep-alive
# connection in Go's pool): the snapshot gives the kernel's facts (data received after data
# sent), and the stall report finds no network wait in it: the answer came.
source "$(dirname "$0")/lib.sh"
[ -x "$PROGS/tcpclient" ] || skip "Go test programs not built"

touch "$WORK/answer"  # the server answers at once
python3 "$E2E_DIR/holdserver.py" "$WORK/port" "$WORK/answer" 120 60 &
track $!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
port=$(cat "$WORK/port")
"$PROGS/tcpclient" "127.0.0.1:$port" 60 >"$WORK/client.out" &
client=$!
track $client
wait_for_text "$WORK/client.out" idle
sleep 0.5

"$GOTRACE" -p $client --stall 1 --duration 3 -o "$WORK/g.txt" 2>"$WORK/g.err" || true
cat "$WORK/g.txt" "$WORK/g.err"
grep -qE "fd [0-9]+ +TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$port\] ESTABLISHED \(sent 6 B, last [0-9.]+ m?s ago; received 5 B, last [0-9.]+ m?s ago\)" "$WORK/g.txt" ||
  fail "snapshot does not give the kernel's TCP facts of the answered connection"
grep -q "no progress for" "$WORK/g.txt" "$WORK/g.err" || fail "no stall report"
if grep -qE "no response|stuck|network_wait" "$WORK/g.txt" "$WORK/g.err"; then
  fail "an idle answered connection reported as a wait"
fi
grep -q "Process $client detached" "$WORK/g.txt" || fail "not detached"
assert_eq 0 "$(awk '/^TracerPid:/{print $2}' /proc/$client/status)" "TracerPid after detach"
echo "ok"
