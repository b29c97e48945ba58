# Lock contention (issue 16.4): progs/c/contend, four threads taking one pthread mutex in
# turn for 6 s (thousands of FUTEX_WAIT/WAKE on one address). Light mode (the default) does
# not stop on futex: it samples the threads from /proc at each tick and must still name the
# contention; --full times every wait and must give the share of the threads' time. A
# replay of the --full recording, and an attach, say the same. The control: the same threads parked on a
# condition variable nobody signals (an idle pool) is no contention.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

"$GOTRACE" -o "$WORK/light.out" -- "$PROGS/contend" 6 >"$WORK/stdout" 2>"$WORK/stderr" || fail "light: exit status $?"
grep -q "rounds" "$WORK/stdout" || fail "contend did not run: $(cat "$WORK/stdout" "$WORK/stderr")"
line=$(head -1 "$WORK/light.out")
note "light: $line"
expect "$line" "^gotrace: contend 6: lock contention: [2-4] threads kept blocking on one lock, the futex at 0x[0-9a-f]+, while using CPU between waits \\([3-9] of [0-9]+ ticks caught one waiting on it\\)\$" "light verdict"

"$GOTRACE" --full -o "$WORK/full.out" --record "$WORK/full.gtr" -- "$PROGS/contend" 6 >"$WORK/stdout" 2>"$WORK/stderr" ||
  fail "--full: exit status $?"
line=$(head -1 "$WORK/full.out")
note "--full: $line"
expect "$line" "^gotrace: contend 6: lock contention: 4 threads waited [0-9.]+ m?s in all \\([0-9]+% of their time\\) for one lock, the futex at 0x[0-9a-f]+: [0-9]+ waits of [0-9.]+ m?s on average\$" "--full verdict"
share=$(sed -nE 's/.*\(([0-9]+)% of their time\).*/\1/p' <<<"$line")
[ "$share" -ge 12 ] || fail "--full: a share of $share% of their time"
show_report "$WORK/full.out" 3
"$GOTRACE" replay -o "$WORK/replay.out" "$WORK/full.gtr" || fail "replay"
assert_eq "$line" "$(head -1 "$WORK/replay.out")" "replay's verdict"

# Attached (every call of an attached process is traced): the same verdict for the 4 s traced.
"$PROGS/contend" 8 >"$WORK/attached.stdout" 2>&1 &
pid=$!
track $pid
sleep 1
"$GOTRACE" -p $pid --duration 4 -o "$WORK/attach.out" || fail "attach: exit status $?"
line=$(grep -m1 "^gotrace: contend 8" "$WORK/attach.out" || true)
note "attached: $line"
expect "$line" "^gotrace: contend 8: lock contention: 4 threads waited [0-9.]+ m?s in all \\([0-9]+% of their time\\) for one lock" "attached verdict"
wait $pid || fail "contend exited non-zero after the detach"
grep -q rounds "$WORK/attached.stdout" || fail "contend did not finish after the detach"

for mode in "" --full; do
  "$GOTRACE" $mode -o "$WORK/idle.out" -- "$PROGS/contend" idle 3.5 >"$WORK/stdout" 2>&1 || fail "idle $mode: exit $?"
  line=$(head -1 "$WORK/idle.out")
  note "idle ${mode:-light}: $line"
  expect "$line" "^gotrace: no problem found" "an idle pool on one condition variable ${mode:-light}"
done
echo ok
