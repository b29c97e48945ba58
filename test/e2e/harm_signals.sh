# Never harm (issue 20.2-3): signals.
# - A signal the command sends to its own process group (`kill -TERM 0`, as shells and build
#   scripts do on cleanup) reaches gotrace too; it is the command's, not the user's: gotrace
#   ignores it, the command goes on (strace: same).
# - Without the seccomp filter (--full) gotrace dying (SIGKILL) leaves the command running,
#   untraced, as strace does; --kill-on-exit kills it (strace's option). Under the filter
#   (light mode) the command dies with gotrace: its filtered calls would fail with ENOSYS.
# - SIGQUIT is a stop request like SIGINT/SIGTERM/SIGHUP (summary written, passed on);
#   SIGUSR1/2 end the trace with the summary but are not passed on: with --full the
#   command is detached and finishes.
source "$(dirname "$0")/lib.sh"

# Each run in a session of its own (setsid -w): `kill -TERM 0` must not reach this script.
# Under `timeout`, as the issue ran it: timeout relays the TERM it gets to its child (gotrace)
# and group; gotrace takes that relay, from its parent right after the command's own, for
# the command's too.
script='trap "" TERM; sleep 0.5; kill -TERM 0; sleep 0.5; echo survived; exit 6'
for wrap in "" "timeout 20"; do
  rc=0; setsid -w $wrap sh -c "$script" >"$WORK/untraced" 2>&1 || rc=$?
  assert_eq 6 "$rc" "untraced exit status ('$wrap')"
  for mode in "" --full; do
    rc=0
    setsid -w $wrap "$GOTRACE" $mode -o "$WORK/g.out" -- sh -c "$script" >"$WORK/traced" 2>&1 || rc=$?
    assert_eq 6 "$rc" "kill -TERM 0 from the command, '$wrap gotrace $mode': exit status"
    diff "$WORK/untraced" "$WORK/traced" >&2 || fail "'$wrap gotrace $mode': output changed"
  done
done

# The user's signal still ends the trace (sent by a process that is not traced).
"$GOTRACE" -o "$WORK/t.out" -- sleep 30 &
gt=$!; track $gt
sleep 0.5; kill -TERM $gt
rc=0; wait $gt || rc=$?
assert_eq 143 "$rc" "SIGTERM from the user: gotrace ends like the command (killed by SIGTERM)"

# The user's signal, and a command that ignores it: SIGKILLed after the grace period, and
# gotrace exits as a shell does for a command interrupted so (130, 143), saying it killed it.
for sig in INT TERM; do
  "$GOTRACE" -o "$WORK/ign.out" -- sh -c 'trap "" INT TERM; sleep 30' 2>"$WORK/ign.err" &
  gt=$!; track $gt
  sleep 0.5; kill -$sig $gt
  rc=0; wait $gt || rc=$?
  assert_eq $((128 + $(kill -l $sig))) "$rc" "SIG$sig to gotrace, the command ignoring it: exit status"
  grep -q "the command was still running after SIG$sig: killed with SIGKILL" "$WORK/ign.err" ||
    fail "SIG$sig: the SIGKILL is not said: $(cat "$WORK/ign.err")"
done

# gotrace killed: the command's fate by mode. Each command writes a file 1.5 s in.
run_killed() {  # FILE MODE...
  local f=$1; shift
  "$GOTRACE" "$@" -o /dev/null -- sh -c "sleep 1.5; echo alive > $f" &
  local g=$!; track $g
  sleep 0.5; kill -KILL $g; wait $g 2>/dev/null || true
}
run_killed "$WORK/full" --full
run_killed "$WORK/full-kill" --full --kill-on-exit
run_killed "$WORK/light"
sleep 2
[ -s "$WORK/full" ] || fail "--full: the command died with gotrace (PTRACE_O_EXITKILL?)"
[ -e "$WORK/full-kill" ] && fail "--kill-on-exit: the command outlived gotrace"
[ -e "$WORK/light" ] && fail "light mode: the command outlived gotrace under the filter (its calls would fail with ENOSYS)"

# SIGQUIT: the summary is written; SIGUSR1 with --full: the summary, and the command goes on.
for sig in QUIT USR1; do
  "$GOTRACE" --full -o "$WORK/$sig.out" -- sh -c "trap '' QUIT; sleep 1.5; echo alive > $WORK/$sig.file" &
  g=$!; track $g
  sleep 0.5; kill -$sig $g
  wait $g 2>/dev/null || true
  grep -q "^gotrace: no problem found" "$WORK/$sig.out" || fail "SIG$sig: no report: $(head -3 "$WORK/$sig.out")"
  grep -q "total$" "$WORK/$sig.out" || fail "SIG$sig: no summary"
done
sleep 1.5
[ -s "$WORK/QUIT.file" ] || fail "SIGQUIT: the command (which ignores it) did not finish"
[ -s "$WORK/USR1.file" ] || fail "SIGUSR1 with --full: the command was not left running"
echo ok
