# A Go program waiting for its child (os/exec): Go >= 1.23 asks for a pidfd (clone with
# CLONE_PIDFD) and waits with waitid(P_PIDFD, fd); Go 1.19 waits with waitid(P_PID, pid). The child
# sleeps 6 s. The stall report names the child, by its command and pid, and the call it is
# blocked in; the trace decodes the pidfd calls as strace does; the command's output and
# exit status are unchanged. (Go 1.19 waits with waitid(P_PID, pid).)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
[ -x "$PROGS/waitchild" ] || skip "go not installed (progs/go/waitchild not built)"

want=$("$PROGS/waitchild" sh -c 'exit 3') && fail "waitchild did not pass on the exit status" || true
rc=0
"$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- "$PROGS/waitchild" sleep 6 >"$WORK/stdout" 2>&1 || rc=$?
assert_eq 0 "$rc" "waitchild sleep 6 under gotrace"
grep -q "child exited: 0" "$WORK/stdout" || fail "no output: $(cat "$WORK/stdout")"
line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while the child slept"; }
note "stall: $line"
expect "$line" 'waitchild sleep 6 is waiting for its child sleep 6 \(pid [0-9]+\) to exit, and it is blocked in (clock_)?nanosleep' "stall report"
expect_file "$WORK/g.out" 'evidence: waitchild sleep 6 tid [0-9]+: (waitid\(P_PIDFD, [0-9]+, |waitid\(P_PID, [0-9]+, |wait4\([0-9]+, )' "the parent's wait"
show_report "$WORK/g.out" 4
# The ended run is healthy: the child exited.
expect "$(final_first "$WORK/g.rep")" '^gotrace: no problem found' "final report"

# strace's decoding of the pidfd calls, where this Go makes them (Go >= 1.23).
"$GOTRACE" --full --trace -e trace=clone,waitid,wait4 -o "$WORK/t.out" -- "$PROGS/waitchild" true >/dev/null
if grep -q CLONE_PIDFD "$WORK/t.out"; then
  expect_file "$WORK/t.out" 'clone\(child_stack=NULL, flags=CLONE_VM\|CLONE_PIDFD\|CLONE_VFORK\|SIGCHLD, parent_tid=\[[0-9]+\]\) = [0-9]+' "clone with CLONE_PIDFD"
  expect_file "$WORK/t.out" 'waitid\(P_PIDFD, [0-9]+, ' "waitid(P_PIDFD)"
  expect_file "$WORK/t.out" '(waitid\(P_PIDFD, [0-9]+, |<\.\.\. waitid resumed>)\{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=[0-9]+, si_uid=[0-9]+, si_status=0, si_utime=[0-9]+, si_stime=[0-9]+\}, WEXITED' "waitid's siginfo"
  note "pidfd: $(grep -m1 'waitid(P_PIDFD' "$WORK/t.out" | cut -c1-160)"
else
  expect_file "$WORK/t.out" 'waitid\(P_PID, [0-9]+, ' "waitid(P_PID) (no pidfd in this Go)"
  expect_file "$WORK/t.out" '(waitid\(P_PID, [0-9]+, |<\.\.\. waitid resumed>)\{si_signo=SIGCHLD, si_code=CLD_EXITED, ' "waitid's siginfo"
  note "no pidfd: $(go version)"
fi

# To the end of the chain (issue 16.8): the child waits 4 s for an answer from a server that
# never sends one. The report names what the child waits for, its peer, and advice for that.
python3 "$E2E_DIR/silent_server.py" tls-silent "$WORK/port" 60 2>"$WORK/server.log" &
track $!
wait_file "$WORK/port" 20
port=$(cat "$WORK/port")
cat >"$WORK/client.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"hello\n")
s.settimeout(4)
try:
    s.recv(100)
except socket.timeout:
    pass
PY
"$GOTRACE" --stall 2 -o "$WORK/c.out" -- "$PROGS/waitchild" /usr/bin/python3 "$WORK/client.py" "$port" >"$WORK/stdout" 2>&1 ||
  fail "waitchild python3 client.py: exit $?"
expect_file "$WORK/c.out" "waitchild /usr/bin/python3 [^ ]+ [0-9]+ is waiting for its child python3 [^ ]+ [0-9]+ \\(pid [0-9]+\\) to exit, and it is blocked in (recvfrom|poll), waiting for data from 127\\.0\\.0\\.1:$port" "the child's wait, by its peer"
expect_file "$WORK/c.out" "try: check the server at 127\\.0\\.0\\.1:$port" "advice for a network wait"
echo ok
