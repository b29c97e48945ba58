# Signals pass through untouched: handlers see every signal, exit status 3 passes through,
# death by SIGKILL/SIGSEGV is reproduced, kill -STOP really stops the command and -CONT
# resumes it, and the command inherits the same blocked mask and ignored signals.
source "$(dirname "$0")/lib.sh"
S="$PROGS/signals"

want=$("$S" handlers)
got=$("$GOTRACE" -o "$WORK/h.txt" -- "$S" handlers)
assert_eq "$want" "$got" "signal handlers traced vs untraced"

rc=0; "$GOTRACE" -o "$WORK/x.txt" -- "$S" exit3 || rc=$?
assert_eq 3 "$rc" "exit status 3"
rc=0; "$GOTRACE" -o "$WORK/x.txt" -- "$S" segv || rc=$?
assert_eq 139 "$rc" "death by SIGSEGV (128+11)"
rc=0; "$GOTRACE" -o "$WORK/x.txt" -- "$S" kill || rc=$?
assert_eq 137 "$rc" "death by SIGKILL (128+9)"
grep -q "+++ killed by SIGKILL +++" "$WORK/x.txt" && fail "no trace was asked for, yet trace lines appeared"

# Blocked and ignored signals are inherited exactly (strace's sigblock/sigign tests).
with_mask() {
  python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGHUP})
signal.signal(signal.SIGPIPE, signal.SIG_IGN); signal.signal(signal.SIGTERM, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}
want=$(with_mask "$S" mask)
got=$(with_mask "$GOTRACE" -o "$WORK/m.txt" -- "$S" mask)
assert_eq "$want" "$got" "blocked mask and ignored signals"
case "$want" in *"blocked 1 12"*"ignored"*"13"*"15"*) ;; *) fail "mask not set up: $want" ;; esac

# kill -STOP stops the traced command (it prints nothing while stopped), -CONT resumes it.
"$GOTRACE" -o "$WORK/stop.txt" -- "$S" ticks 150 >"$WORK/ticks" &
tracer=$!
track $tracer
wait_for_text "$WORK/ticks" "tick 5"
child=$(pgrep -P $tracer -x signals)
kill -STOP "$child"
sleep 0.3
state=$(awk '{print $3}' /proc/$child/stat)
case "$state" in T|t) ;; *) fail "stopped command is in state $state" ;; esac
before=$(wc -l <"$WORK/ticks")
sleep 0.5
after=$(wc -l <"$WORK/ticks")
assert_eq "$before" "$after" "lines printed while SIGSTOPped"
kill -CONT "$child"
wait $tracer
assert_eq 150 "$(wc -l <"$WORK/ticks")" "ticks after SIGCONT"
echo "ok"
