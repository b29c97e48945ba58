# Attach errors are one line, exit 1, and say why: no such process; already traced by
# another tracer (named, with its pid).
source "$(dirname "$0")/lib.sh"

rc=0; "$GOTRACE" -p 12abc 2>"$WORK/err" || rc=$?
assert_eq 2 "$rc" "exit status for a malformed pid"
grep -q "invalid process id '12abc'" "$WORK/err" || fail "message: $(cat "$WORK/err")"
rc=0; "$GOTRACE" -p 999999999 2>"$WORK/err" || rc=$?
assert_eq 1 "$rc" "exit status for a missing process"
grep -q "no such process: 999999999" "$WORK/err" || fail "message: $(cat "$WORK/err")"

"$PROGS/signals" sleep 20 >/dev/null &
target=$!
track $target
sleep 0.2
"$GOTRACE" -p $target -o "$WORK/first.txt" &
first=$!
track $first
wait_for_text "$WORK/first.txt" "attached with"
rc=0; "$GOTRACE" -p $target 2>"$WORK/err" >/dev/null || rc=$?
assert_eq 1 "$rc" "exit status when already traced"
assert_eq 1 "$(wc -l <"$WORK/err")" "lines of error"
grep -q "cannot attach to process $target: it is already traced by process $first (gotrace)" "$WORK/err" ||
  fail "message: $(cat "$WORK/err")"
kill -TERM $first
wait $first || true

if command -v strace >/dev/null; then
  strace -p $target -o /dev/null &
  st=$!
  track $st
  for _ in $(seq 100); do [ "$(awk '/^TracerPid:/{print $2}' /proc/$target/status)" = $st ] && break; sleep 0.05; done
  rc=0; "$GOTRACE" -p $target 2>"$WORK/err" >/dev/null || rc=$?
  assert_eq 1 "$rc" "exit status when traced by strace"
  grep -q "already traced by process $st (strace)" "$WORK/err" || fail "message: $(cat "$WORK/err")"
  kill -TERM $st
  wait $st || true
fi
echo "ok"
