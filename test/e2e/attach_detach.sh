# Attach, then detach leaving the process exactly as it was: sleeping stays sleeping (in
# read, in nanosleep), stopped stays stopped, running keeps running; each then finishes
# normally with its own output and exit status. --duration ends the trace by itself.
source "$(dirname "$0")/lib.sh"

# Starts gotrace -p PID ARGS... in the background (output in $WORK/$name.txt), waits for
# it to report the attach; sets TRACER.
attach() {
  local name=$1 pid=$2; shift 2
  "$GOTRACE" -p "$pid" -o "$WORK/$name.txt" "$@" &
  TRACER=$!
  track $TRACER
  wait_for_text "$WORK/$name.txt" "Process $pid attached with"
}
state_of() { awk '{print $3}' "/proc/$1/stat"; }
tracer_of() { awk '/^TracerPid:/{print $2}' "/proc/$1/status"; }

# 1. Sleeping in read(): SIGTERM to gotrace detaches; a line on stdin then ends it.
mkfifo "$WORK/in"
exec 3<>"$WORK/in"
"$PROGS/sleeper" read <"$WORK/in" >"$WORK/reader.out" &
target=$!
track $target
wait_for_text "$WORK/reader.out" ready
attach reader $target --trace
grep -qF "in read(0, ...)" "$WORK/reader.txt" || fail "snapshot does not show the read: $(cat "$WORK/reader.txt")"
kill -TERM $TRACER
rc=0; wait $TRACER || rc=$?
assert_eq 143 "$rc" "gotrace dies of the SIGTERM that ended the trace, as strace does"
grep -q "Process $target detached" "$WORK/reader.txt" || fail "no detach message"
assert_eq S "$(state_of $target)" "state of the reader after detach"
assert_eq 0 "$(tracer_of $target)" "TracerPid after detach"
echo hello >&3
rc=0; wait $target || rc=$?
assert_eq 4 "$rc" "reader's own exit status"
assert_eq "got: hello" "$(tail -1 "$WORK/reader.out")" "reader's output"
grep -qE 'read\(0, "hello\\n", 1024\) += 6' "$WORK/reader.txt" && fail "the read finished after detach, yet was traced"
grep -q "<detached ...>" "$WORK/reader.txt" || fail "the pending read is not marked <detached ...>"
grep -qE '^ +[0-9]+ +[0-9]+ +[0-9.]+  read\(0, .*<in progress>' "$WORK/reader.txt" ||
  fail "the summary does not list the read in flight at detach"

# 2. Sleeping in nanosleep: --duration 1 detaches by itself; the sleep completes.
"$PROGS/signals" sleep 3 >"$WORK/sleep.out" &
target=$!
track $target
sleep 0.3
attach sleep $target --duration 1
rc=0; wait $TRACER || rc=$?
assert_eq 0 "$rc" "gotrace exit status after --duration"
assert_eq S "$(state_of $target)" "state of the sleeper after detach"
rc=0; wait $target || rc=$?
assert_eq 0 "$rc" "sleeper's exit status"
assert_eq slept "$(cat "$WORK/sleep.out")" "sleeper's output"

# 3. Stopped (SIGSTOP): still stopped after detach; SIGCONT lets it finish.
"$PROGS/signals" ticks 60 >"$WORK/ticks.out" &
target=$!
track $target
wait_for_text "$WORK/ticks.out" "tick 3"
kill -STOP $target
sleep 0.2
assert_eq T "$(state_of $target)" "stopped before attach"
attach stopped $target --duration 1
wait $TRACER || true
assert_eq T "$(state_of $target)" "state after detach from a stopped process"
assert_eq 0 "$(tracer_of $target)" "TracerPid after detach"
lines=$(wc -l <"$WORK/ticks.out")
sleep 0.3
assert_eq "$lines" "$(wc -l <"$WORK/ticks.out")" "ticks printed while it should be stopped"
kill -CONT $target
rc=0; wait $target || rc=$?
assert_eq 0 "$rc" "ticker's exit status"
assert_eq 60 "$(wc -l <"$WORK/ticks.out")" "ticker's output"

# 4. Running (busy loop, no syscalls): keeps running after detach and finishes.
want=$("$PROGS/sleeper" spin 15 | tail -1)
"$PROGS/sleeper" spin 15 >"$WORK/spin.out" &
target=$!
track $target
wait_for_text "$WORK/spin.out" spinning
attach spin $target --duration 0.5
wait $TRACER || true
assert_eq R "$(state_of $target)" "state of the busy loop after detach"
rc=0; wait $target || rc=$?
assert_eq 0 "$rc" "busy loop's exit status"
assert_eq "$want" "$(tail -1 "$WORK/spin.out")" "busy loop's result"
echo "ok"
