# Spinning: a Go program (progs/go/spin) that burns CPU in a loop with no syscall, its other
# threads idle. No syscall is in flight on the spinning thread, so only /proc (ThreadStates:
# utime+stime rising, "running" in /proc/PID/task/TID/syscall) can tell: the stall report must
# say "not blocked in the kernel: spinning". Then SIGTERM to gotrace (passed on to
# the program): the final report says it too, and a replay prints the same stall report.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
[ -x "$PROGS/spin" ] || skip "go not installed (progs/go/spin not built)"

"$GOTRACE" --stall 3 -o "$WORK/g.out" --report-file "$WORK/g.rep" --record "$WORK/g.gtr" -- \
  "$PROGS/spin" 60 >"$WORK/stdout" 2>"$WORK/stderr" &
gt=$!
track $gt
stop_at "no progress for" "$WORK/g.out" 40 $gt
[ "$rc" -ne 0 ] || fail "gotrace exited 0 after SIGTERM to a command that does not exit by itself"
grep -q spinning "$WORK/stdout" || fail "spin did not start: $(cat "$WORK/stdout" "$WORK/stderr")"
grep -q done "$WORK/stdout" && fail "spin ran to its end: the test did not interrupt it"

line=$(first_stall "$WORK/g.out")
note "stall: $line"
expect "$line" 'spin 60 is not blocked in the kernel: spinning \([0-9]+ threads? burning CPU, no syscall in flight\)' "stall report"
# The spinning goroutine may move between threads (Go 1.26 does): "tids A, B in turn".
expect_file "$WORK/g.out" 'evidence: tids? [0-9, ]+( in turn)?: running in user space, no syscall in flight: [0-9.]+ m?s of CPU' "stall evidence"
show_report "$WORK/g.out" 3
line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" "^gotrace: spin 60 is not blocked in the kernel: spinning" "final report after SIGTERM"

"$GOTRACE" replay --stall 3 -o "$WORK/r.out" "$WORK/g.gtr" >/dev/null 2>&1 || fail "replay"
diff <(grep -E "$STALL_RE" "$WORK/g.out") <(grep -E "$STALL_RE" "$WORK/r.out") || fail "replay's stall report differs from the live one"

# A program that ends by itself after computing is healthy: nothing is spinning at the end.
"$GOTRACE" -o "$WORK/h.out" --report-file "$WORK/h.rep" -- "$PROGS/spin" 3 >/dev/null 2>&1 ||
  fail "spin 3 under gotrace"
expect "$(final_first "$WORK/h.rep")" '^gotrace: no problem found' "spin 3 (ends by itself)"
note "elapsed $(elapsed)"
echo ok
