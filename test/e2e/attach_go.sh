# Attach to a Go program blocked on a TCP read from a loopback server that never answers:
# the snapshot names the socket fd with the peer 127.0.0.1:PORT and a thread in
# epoll_pwait; after detach the server answers and the program completes correctly
# (SIGURG preemption kept working while traced).
source "$(dirname "$0")/lib.sh"
[ -x "$PROGS/tcpclient" ] || skip "Go test programs not built"

python3 "$E2E_DIR/holdserver.py" "$WORK/port" "$WORK/answer" &
track $!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
port=$(cat "$WORK/port")
"$PROGS/tcpclient" "127.0.0.1:$port" >"$WORK/client.out" &
client=$!
track $client
wait_for_text "$WORK/client.out" sent
sleep 0.3

"$GOTRACE" -p $client -o "$WORK/g.txt" --trace &
tracer=$!
track $tracer
wait_for_text "$WORK/g.txt" "Process $client attached with"
cat "$WORK/g.txt"
grep -qE "fd [0-9]+ +TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$port\] ESTABLISHED" "$WORK/g.txt" ||
  fail "snapshot does not show the socket to 127.0.0.1:$port"
grep -q "in epoll_pwait(" "$WORK/g.txt" || fail "snapshot does not show a thread in epoll_pwait"
sleep 1  # traced for a while: Go's sysmon and timers keep running
kill -INT $tracer
wait $tracer || true
assert_eq 0 "$(awk '/^TracerPid:/{print $2}' /proc/$client/status)" "TracerPid after detach"
touch "$WORK/answer"
rc=0; wait $client || rc=$?
assert_eq 0 "$rc" "Go client's exit status after detach"
assert_eq "reply: pong" "$(tail -1 "$WORK/client.out")" "Go client's output"
echo "ok"
