# Never harm (issue 20.6): when --duration (or Ctrl-C) ends the trace, the command gets
# SIGTERM and, 3 s later, SIGKILL; a process of it that left its session (setsid: a daemon)
# is not the command's to end. It must go on and do what it does untraced: here, ignore
# SIGTERM, sleep, then redirect, fork and exec (`echo > F`, `ls`), calls that light mode's
# seccomp filter stops on. --full detaches it; light mode hands it to a gotrace-keeper
# process (a filter cannot be removed, and without a tracer its calls would fail with ENOSYS).
source "$(dirname "$0")/lib.sh"

daemon() {  # FILE: the command, which starts the daemon and then waits for 60 s
  echo "setsid sh -c 'trap \"\" TERM; sleep 2; echo alive > $1; ls -d / >> $1' & sleep 60"
}
# Untraced: the daemon outlives a SIGTERM to the command.
setsid -w sh -c "$(daemon "$WORK/untraced")" &
cmd=$!; track $cmd
sleep 0.5; kill -TERM -- -$cmd 2>/dev/null || true  # its group: sh and its sleep 60
wait_for_text "$WORK/untraced" "^/$" 10

for mode in "" --full; do
  f="$WORK/daemon${mode:-light}"
  rc=0
  setsid -w "$GOTRACE" $mode --duration 1 -o "$WORK/g.out" -- sh -c "$(daemon "$f")" 2>"$WORK/stderr" || rc=$?
  assert_eq 143 "$rc" "'$mode': exit status (the command got SIGTERM)"
  grep -q "left process [0-9]* (sh -c trap .*running.*left the command's session" "$WORK/stderr" ||
    fail "'$mode': the daemon left running is not said: $(cat "$WORK/stderr")"
  wait_for_text "$f" "^/$" 10
  diff "$WORK/untraced" "$f" >&2 || fail "'$mode': the daemon's output differs from untraced"
done
# The keepers end with the processes they kept.
for ((i = 0; i < 100; i++)); do
  pgrep -x gotrace-keeper >/dev/null || break
  sleep 0.1
done
pgrep -x gotrace-keeper >/dev/null && fail "a gotrace-keeper outlived its daemon"
echo ok
