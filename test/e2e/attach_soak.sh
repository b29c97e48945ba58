# Attach soak (issue 17.5): 150 attach/detach cycles on a Go program whose threads come and
# go all the time (progs/go/threadchurn: goroutines that lock their thread and return).
# A thread or process that ends while gotrace reads its /proc files must simply drop out:
# every cycle exits 0 with no internal error, and the program's output and exit status are
# those of an untraced run.
source "$(dirname "$0")/lib.sh"
[ -x "$PROGS/threadchurn" ] || skip "go not installed (progs/go/threadchurn not built)"

"$PROGS/threadchurn" "$WORK/stop" >"$WORK/out" 2>&1 &
prog=$!; track $prog
wait_for_text "$WORK/out" churning
for ((i = 1; i <= 150; i++)); do
  rc=0
  "$GOTRACE" -p $prog --duration 0.05 -o /dev/null 2>"$WORK/err" || rc=$?
  [ "$rc" = 0 ] || fail "cycle $i: gotrace exited $rc: $(cat "$WORK/err")"
  grep -q "internal error" "$WORK/err" && fail "cycle $i: $(cat "$WORK/err")"
  [ "$(awk '/^TracerPid:/{print $2}' /proc/$prog/status)" = 0 ] || fail "cycle $i: still traced after detach"
done
touch "$WORK/stop"
rc=0; wait $prog || rc=$?
assert_eq 0 "$rc" "the program's exit status"
assert_eq "churning
done" "$(cat "$WORK/out")" "the program's output"
echo ok
