# Child hang: a C program (progs/c/pipe_reader, as cmd/go runs git) reads `sh -c` output from
# a pipe until EOF; the shell starts `sleep 30 &` and exits, and the background sleep keeps
# the pipe's write end (its stdout) open, so the read never gets EOF. The stall report must
# name the process still holding the pipe (found by following pipe ends through
# pipe/fork/dup2/close/exec) and what it is doing (clock_nanosleep, seen only in /proc on the
# fast path); after SIGTERM the final report names it too, and a replay prints the same
# stall report. Then gotrace -p on such a reader already hung: the read in progress at attach
# is listed from /proc.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

"$GOTRACE" --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" --record "$WORK/g.gtr" -- \
  "$PROGS/pipe_reader" 'echo started; exec sleep 30 &' >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
stop_at "no progress for" "$WORK/g.out" 30 $gt
assert_eq 143 "$rc" "gotrace exit status after SIGTERM (pipe_reader died of it)"
grep -q started "$WORK/stdout" || fail "pipe_reader read nothing: $(cat "$WORK/stdout" "$WORK/stderr")"
grep -q eof "$WORK/stdout" && fail "pipe_reader got EOF: the background child did not hold the pipe"

line=$(first_stall "$WORK/g.out")
note "stall: $line"
expect "$line" 'pipe_reader echo started; exec sleep 30 & is waiting for the end of a pipe that sleep 30 \(pid [0-9]+\) still holds open, left behind by sh -c echo started; exec sleep 30 & \(pid [0-9]+, exited\)' "stall report"
expect_file "$WORK/g.out" 'evidence: .* fd [0-9]+ is the read end of a pipe: blocked in read\([0-9]+, ...\) for [0-9.]+ s' "stall evidence: the read"
expect_file "$WORK/g.out" 'pid [0-9]+ sleep 30 holds fd 1 \(the write end\); it is in clock_nanosleep\(.*\) for [0-9.]+ s \(seen in /proc\)' "stall evidence: the holder"
show_report "$WORK/g.out" 4
line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" '^gotrace: pipe_reader .* is waiting for the end of a pipe that sleep 30 \(pid [0-9]+\) still holds open' "final report after SIGTERM"

"$GOTRACE" replay --stall 2 -o "$WORK/r.out" "$WORK/g.gtr" >/dev/null 2>&1 || fail "replay"
diff <(grep -E "$STALL_RE" "$WORK/g.out") <(grep -E "$STALL_RE" "$WORK/r.out") || fail "replay's stall report differs from the live one"

# When the background child does not keep the pipe (output redirected), nothing hangs.
"$GOTRACE" -o "$WORK/h.out" --report-file "$WORK/h.rep" -- \
  "$PROGS/pipe_reader" 'echo started; sleep 2 >/dev/null 2>&1 &' >"$WORK/h.stdout" 2>&1 || fail "pipe_reader, redirected child"
grep -q eof "$WORK/h.stdout" || fail "no EOF although the background child's output was redirected"
expect "$(final_first "$WORK/h.rep")" '^gotrace: no problem found' "redirected background child"
# Attached to an already hung reader (-p): its read was in progress before gotrace came
# (the attach snapshot, from /proc/PID/task/TID/syscall, says since when); the stall
# report lists it with its whole wait.
"$PROGS/pipe_reader" 'echo started; exec sleep 20 &' >"$WORK/a.stdout" 2>&1 &
reader=$!
track $reader
wait_for_text "$WORK/a.stdout" started 10
sleep 1  # the read has waited a second before gotrace comes
rc=0
"$GOTRACE" -p "$reader" --stall 2 --duration 4 -o "$WORK/a.out" >/dev/null 2>&1 || rc=$?
assert_eq 0 "$rc" "gotrace -p exit status after --duration"
line=$(first_stall "$WORK/a.out")
note "stall (attached): $line"
expect "$line" 'pipe_reader echo started; exec sleep 20 & is making no progress' "attached stall report"
# (Seizing interrupts the read and the kernel restarts it: its time counts from before.)
expect_file "$WORK/a.out" "pipe_reader echo started; exec sleep 20 & tid $reader: read\\([0-9]+, \\.\\.\\.\\) for ([3-9]|[1-9][0-9])\\.[0-9] s" "attached: the read in progress at attach"
show_report "$WORK/a.out" 3
kill "$reader" 2>/dev/null || true
note "elapsed $(elapsed)"
echo ok
