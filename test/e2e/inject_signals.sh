# A thread held by --inject (delay_enter) never outlives the trace: Ctrl-C, SIGTERM and
# --duration release it at once and the signal reaches the program (its handler runs); an
# attached process (-p) is detached with its held thread running, and goes on to finish
# normally. lib.sh checks that nothing is left stopped.
source "$(dirname "$0")/lib.sh"
P=$PROGS/inject_calls

# wait_held PID: waits until PID is in a ptrace stop (state t) for a while, i.e. held.
wait_held() {
  local i n=0
  for ((i = 0; i < 400; i++)); do
    if [ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" = t ]; then
      n=$((n + 1))
      [ $n -ge 10 ] && return 0  # stopped for 0.5 s: held, not a passing syscall stop
    else
      n=0
    fi
    sleep 0.05
  done
  fail "process $1 was never held"
}

# wait_exit PID SECONDS: waits for a background job; fails if it is still running after SECONDS.
wait_exit() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    kill -0 "$1" 2>/dev/null || { rc=0; wait "$1" || rc=$?; return 0; }
    sleep 0.05
  done
  fail "process $1 still running after $2 s"
}

# Launched command, 2nd getpid held for 60 s; then SIGINT / SIGTERM to gotrace.
for sig in INT TERM; do
  num=$(kill -l $sig)
  "$GOTRACE" -o "$WORK/$sig.txt" --inject getpid:delay_enter=60s:when=2 -- "$P" getpid 3 >"$WORK/$sig.out" 2>/dev/null &
  gt=$!
  track $gt
  wait_for_text "$WORK/$sig.out" "getpid #1 = pid" 20
  child=$(pgrep -P $gt -f inject_calls | head -1)
  [ -n "$child" ] || fail "no inject_calls child of gotrace"
  wait_held "$child"
  kill -$sig $gt
  wait_exit $gt 20
  assert_eq 3 "$rc" "gotrace's exit status after SIG$sig (the program's handler exits 3)"
  grep -qx "caught signal $num" "$WORK/$sig.out" || fail "SIG$sig did not reach the held program: $(cat "$WORK/$sig.out")"
  grep -q "getpid #2" "$WORK/$sig.out" && fail "the held call returned before the signal: $(cat "$WORK/$sig.out")"
  note "SIG$sig: released and delivered"
done

# --duration ends the trace while the thread is held: it gets SIGTERM.
rc=0
"$GOTRACE" -o "$WORK/dur.txt" --duration 1.5 --inject getpid:delay_enter=60s:when=2 -- "$P" getpid 3 >"$WORK/dur.out" 2>/dev/null || rc=$?
assert_eq 3 "$rc" "gotrace's exit status after --duration"
grep -qx "caught signal 15" "$WORK/dur.out" || fail "--duration: no SIGTERM in the held program: $(cat "$WORK/dur.out")"

# Attached process: 30 getpid calls 100 ms apart; the 3rd is held; Ctrl-C detaches, the
# program is not signalled and finishes every call normally. The same with two signals at
# once (Ctrl-C, then SIGTERM from a supervisor): still detached and released, gotrace ends.
for sigs in "INT" "INT TERM"; do
  "$P" getpid 30 0 100 >"$WORK/p.out" 2>/dev/null &
  prog=$!
  track $prog
  wait_for_text "$WORK/p.out" "getpid #1 = pid" 10
  "$GOTRACE" -o "$WORK/p.txt" -p $prog --inject getpid:delay_enter=60s:when=3 >/dev/null 2>&1 &
  gt=$!
  track $gt
  wait_held $prog
  for sig in $sigs; do kill -$sig $gt; done
  wait_exit $gt 20
  wait_exit $prog 30
  assert_eq 0 "$rc" "the attached program's exit status (SIG$sigs to gotrace)"
  assert_eq 30 "$(grep -c '= pid$' "$WORK/p.out")" "getpid calls the attached program completed (SIG$sigs)"
  grep -q "caught signal" "$WORK/p.out" && fail "the attached program was signalled (SIG$sigs)"
done
echo "ok"
