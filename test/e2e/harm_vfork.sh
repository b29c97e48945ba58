# Attach to a parent blocked in vfork (issue 20.7): the thread waits uninterruptibly for its
# child to exec or exit and cannot be stopped, so it cannot be detached by PTRACE_DETACH
# either. gotrace must still end on --duration and on SIGTERM (strace waits for the child),
# leaving the parent untraced, still in vfork, and unharmed once its child ends. No timing:
# the child sleeps 60 s and is killed by the test only after gotrace has ended.
source "$(dirname "$0")/lib.sh"

for how in duration sigterm; do
  "$PROGS/vfork_wait" 60 >"$WORK/$how.out" &
  parent=$!; track $parent
  wait_for_text "$WORK/$how.out" "child"
  child=$(awk '{print $2}' "$WORK/$how.out"); track $child
  rc=0
  if [ $how = duration ]; then
    "$GOTRACE" -p $parent --duration 1 -o "$WORK/g.out" || rc=$?
    assert_eq 0 "$rc" "--duration: gotrace's exit status"
  else
    "$GOTRACE" -p $parent -o "$WORK/g.out" &
    gt=$!; track $gt
    wait_for_text "$WORK/g.out" "uninterruptible in vfork"
    sleep 0.3; kill -TERM $gt
    wait $gt || rc=$?
    assert_eq 143 "$rc" "SIGTERM: gotrace dies of it, as strace"
  fi
  grep -q "thread $parent .*in vfork()" "$WORK/g.out" || fail "$how: the attach report does not say vfork: $(head -3 "$WORK/g.out")"
  # gotrace ended while the child still sleeps: the parent is still in vfork, and untraced.
  kill -0 $child || fail "$how: the child is gone: gotrace waited for it"
  assert_eq 0 "$(awk '/^TracerPid:/{print $2}' /proc/$parent/status)" "$how: the parent's tracer after gotrace ended"
  grep -q "^State:.*D" /proc/$parent/status || fail "$how: the parent is not in vfork any more: $(grep State /proc/$parent/status)"
  kill -KILL $child
  rc=0; wait $parent || rc=$?
  assert_eq 0 "$rc" "$how: the parent's exit status"
  grep -qx "parent resumed, child exited -1" "$WORK/$how.out" || fail "$how: the parent's output: $(cat "$WORK/$how.out")"
done
echo ok
