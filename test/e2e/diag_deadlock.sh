# No progress at the end (issue 16.2): a Go program whose two goroutines deadlock on two
# sync.Mutex (progs/go/deadlock) and whose main gives up after 5 s and exits 3. Every
# thread is parked in futex with no I/O for the last 5 s, ended before --stall (10 s)
# fired: the final report says so and how to see the goroutines, wrapped (light mode and
# --full) and attached; the program's output and exit status are unchanged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
prog=$PROGS/deadlock
[ -x "$prog" ] || fail "no $prog"
verdict='^gotrace: deadlock 5 made no progress for the last [45]\.[0-9] s of its [5-6]\.[0-9] s: every thread was parked in futex, with no I/O and only a timer pending: its goroutines were blocked on each other or on a channel until a timeout ended it$'

run() {  # NAME GOTRACE-OPTIONS...
  local name=$1 rc=0
  shift
  "$GOTRACE" -o "$WORK/$name.out" --report-file "$WORK/$name.rep" "$@" -- "$prog" 5 >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || rc=$?
  assert_eq 3 "$rc" "$name: exit status"
  assert_eq deadlocked "$(cat "$WORK/$name.stdout")" "$name: output"
  show_report "$WORK/$name.rep" 4
  expect "$(final_first "$WORK/$name.rep")" "$verdict" "$name: verdict"
  expect_file "$WORK/$name.rep" "try: while it hangs, \`kill -QUIT PID\`" "$name: how to see the goroutines"
  expect_file "$WORK/$name.rep" "also: deadlock 5 failed with exit status 3; .*its last line on stderr: \"deadlock: gave up waiting\"" "$name: the failure"
}
run light
run full --full

# attached a second in: the last 4 s of the 5 s seen
"$prog" 5 >"$WORK/a.stdout" 2>/dev/null &
pid=$!
track $pid
sleep 1
"$GOTRACE" -p $pid -o "$WORK/attach.out" --report-file "$WORK/attach.rep" || true
rc=0; wait $pid || rc=$?
assert_eq 3 "$rc" "attach: exit status"
show_report "$WORK/attach.rep" 3
expect "$(final_first "$WORK/attach.rep")" '^gotrace: deadlock 5 made no progress for the last [34]\.[0-9] s of its [34]\.[0-9] s: every thread was parked in futex' "attach: verdict"
note "elapsed $(elapsed)"
echo "ok"
