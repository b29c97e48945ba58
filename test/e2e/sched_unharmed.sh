# The tracer moves itself between CPUs and restarts threads as a SCHED_IDLE task while stops
# come close together (tracer/live/cpu_follow.h). The traced program must not notice: its
# threads keep their CPU masks, policy and nice value, and every call is still traced.
source "$(dirname "$0")/lib.sh"

expected=$("$PROGS/sched_report")
note "untraced: $(echo $expected)"
grep -q 'calls=ok' <<<"$expected" || fail "the program failed untraced: $expected"

traced=$("$GOTRACE" --full -c -o "$WORK/summary.txt" -- "$PROGS/sched_report")
assert_eq "$expected" "$traced" "CPU masks, policy and nice under gotrace --full"
assert_eq 40000 "$(awk '$NF == "getppid" { print $4 }' "$WORK/summary.txt")" "getppid calls counted"

# Started with a nice value, gotrace passes it on unchanged (and keeps its own).
expected=$(nice -n 5 "$PROGS/sched_report")
traced=$(nice -n 5 "$GOTRACE" --full -o /dev/null -- "$PROGS/sched_report")
assert_eq "$expected" "$traced" "the same under nice -n 5"
echo "ok"
