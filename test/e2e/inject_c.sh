# --inject on a C program (inject_calls), each form with exact expected results, the same
# program output as strace's own -e inject=, with the seccomp fast path (default) and
# without it (--full): error= on the nth call (counted per thread, as strace does),
# retval=, when=FIRST..LAST+STEP, -e fault= (ENOSYS), delay_enter/delay_exit seen in the
# trace's durations (-T: at least the delay) and in the entropy analyzer's finding; the
# summary counts injected failures as errors; a recording replays the same; bad specs are
# one-line usage errors.
source "$(dirname "$0")/lib.sh"
P=$PROGS/inject_calls
have_strace=0
command -v strace >/dev/null && have_strace=1

# run_both EXPECTED_FILE INJECT PROG-ARGS...: the program's output under gotrace (default and
# --full) and under strace -e inject= must be EXPECTED_FILE exactly; leaves gotrace's
# summaries in $WORK/fast.txt and $WORK/full.txt.
run_both() {
  local want=$1 spec=$2; shift 2
  "$GOTRACE" -o "$WORK/fast.txt" --inject "$spec" -- "$P" "$@" >"$WORK/fast.out" 2>/dev/null
  "$GOTRACE" --full -o "$WORK/full.txt" --inject "$spec" -- "$P" "$@" >"$WORK/full.out" 2>/dev/null
  diff -u "$want" "$WORK/fast.out" || fail "--inject $spec: program output (fast path)"
  diff -u "$want" "$WORK/full.out" || fail "--inject $spec: program output (--full)"
  grep -q "counts only the syscalls gotrace stopped on" "$WORK/fast.txt" || fail "--inject $spec: the fast path was not used"
  if [ $have_strace = 1 ]; then
    strace -f -o /dev/null -e inject="$spec" "$P" "$@" >"$WORK/strace.out" 2>/dev/null
    diff -u "$WORK/strace.out" "$WORK/fast.out" || fail "--inject $spec: output differs from strace -e inject="
  fi
}

# error= on the 2nd call of each thread: the call fails, the others run.
cat >"$WORK/want" <<'X'
0 getpid #1 = pid
0 getpid #2 = -1 EPERM
0 getpid #3 = pid
1 getpid #1 = pid
1 getpid #2 = -1 EPERM
1 getpid #3 = pid
X
run_both "$WORK/want" getpid:error=EPERM:when=2 getpid 3 1
# The summary counts the injected failures as errors, as strace -c does.
assert_eq "6 2" "$(count "$WORK/fast.txt" getpid)" "getpid calls and errors (fast path)"
assert_eq "6 2" "$(count "$WORK/full.txt" getpid)" "getpid calls and errors (--full)"

# retval= with when=FIRST..LAST+STEP: calls 2, 4 and 6 of 7 return 42 without running.
cat >"$WORK/want" <<'X'
0 getpid #1 = pid
0 getpid #2 = 42
0 getpid #3 = pid
0 getpid #4 = 42
0 getpid #5 = pid
0 getpid #6 = 42
0 getpid #7 = pid
X
run_both "$WORK/want" getpid:retval=42:when=2..7+2 getpid 7
assert_eq "7 0" "$(count "$WORK/fast.txt" getpid)" "retval= is a success"

# when=FIRST+ and a numeric errno; umask cannot fail by itself.
cat >"$WORK/want" <<'X'
0 umask #1 = 022
0 umask #2 = 022
0 umask #3 = -1 EACCES
0 umask #4 = -1 EACCES
X
umask 022
run_both "$WORK/want" umask:error=13:when=3+ umask 4

# -e fault= is inject with ENOSYS by default; also accepted as -e inject=.
cat >"$WORK/want" <<'X'
0 umask #1 = -1 ENOSYS
0 umask #2 = 022
X
"$GOTRACE" -o "$WORK/f.txt" -e fault=umask:when=1 -- "$P" umask 2 >"$WORK/f.out" 2>/dev/null
diff -u "$WORK/want" "$WORK/f.out" || fail "-e fault=umask:when=1"
"$GOTRACE" -o "$WORK/f.txt" -e inject=umask:error=ENOSYS:when=1 -- "$P" umask 2 >"$WORK/f.out" 2>/dev/null
diff -u "$WORK/want" "$WORK/f.out" || fail "-e inject=umask:error=ENOSYS:when=1"

# openat: EMFILE from the program's own calls (the loader's openat calls count too, as in
# strace: compared with strace, and the fd analyzer names the failure).
"$GOTRACE" -o "$WORK/o.txt" --report-file "$WORK/o.rep" --inject openat:error=EMFILE:when=4..5 -- \
  "$P" openat 4 >"$WORK/o.out" 2>/dev/null
assert_eq 2 "$(grep -c 'EMFILE' "$WORK/o.out")" "openat calls that failed with EMFILE"
if [ $have_strace = 1 ]; then
  strace -f -o /dev/null -e inject=openat:error=EMFILE:when=4..5 "$P" openat 4 >"$WORK/o.strace" 2>/dev/null
  diff -u "$WORK/o.strace" "$WORK/o.out" || fail "openat EMFILE: output differs from strace"
fi
head -1 "$WORK/o.rep" | grep -qE '^gotrace: inject_calls .*ran out of file descriptors: openat failed with EMFILE \(2x\)' ||
  { cat "$WORK/o.rep"; fail "the fd analyzer did not name the injected EMFILE"; }
grep -q 'call stack (innermost first):' "$WORK/o.rep" || { cat "$WORK/o.rep"; fail "no call stack in the EMFILE finding"; }
# ... also when the failing call's exit is held (delay_exit): the stack follows its exit.
"$GOTRACE" -o "$WORK/o2.txt" --report-file "$WORK/o2.rep" --inject openat:error=EMFILE:delay_exit=100ms:when=4..5 -- \
  "$P" openat 4 >/dev/null 2>&1
grep -q 'call stack (innermost first):' "$WORK/o2.rep" || { cat "$WORK/o2.rep"; fail "no call stack in the EMFILE finding with delay_exit"; }

# delay_exit: the call returns (normally) 700 ms late; -T shows it in the call's duration.
for mode in fast full; do
  flag=; [ $mode = full ] && flag=--full
  "$GOTRACE" $flag --trace -T -e trace=getpid -o "$WORK/d.txt" --inject getpid:delay_exit=700ms:when=2 -- \
    "$P" getpid 3 >"$WORK/d.out" 2>"$WORK/d.err"
  printf '0 getpid #1 = pid\n0 getpid #2 = pid\n0 getpid #3 = pid\n' | diff -u - "$WORK/d.out" || fail "delay_exit output ($mode)"
  durs=$(grep -oE 'getpid\(\) += [0-9]+ <[0-9.]+>' "$WORK/d.txt" | sed -E 's/.*<([0-9.]+)>/\1/' | tr '\n' ' ')
  note "delay_exit ($mode): getpid durations: $durs"
  set -- $durs
  [ $# = 3 ] || { cat "$WORK/d.txt"; fail "expected 3 getpid lines ($mode)"; }
  awk -v d="$2" 'BEGIN { exit !(d >= 0.7) }' || fail "2nd getpid took $2 s, less than delay_exit=700ms ($mode)"
  took=$(sed -nE 's/^0 getpid #2 took ([0-9]+) ms/\1/p' "$WORK/d.err")
  [ "$took" -ge 700 ] || fail "the program saw its 2nd getpid take $took ms ($mode)"
done

# delay_enter + error: held at entry, then fails; with the fast path (getpid added to the filter).
"$GOTRACE" --trace -T -e trace=getpid -o "$WORK/e.txt" --inject getpid:error=EACCES:delay_enter=0.5s:when=1 -- \
  "$P" getpid 2 >"$WORK/e.out" 2>/dev/null
printf '0 getpid #1 = -1 EACCES\n0 getpid #2 = pid\n' | diff -u - "$WORK/e.out" || fail "delay_enter + error output"
d=$(grep -oE 'getpid\(\) += -1 EACCES \(Permission denied\) <[0-9.]+>' "$WORK/e.txt" | sed -E 's/.*<([0-9.]+)>/\1/')
[ -n "$d" ] || { cat "$WORK/e.txt"; fail "no failed getpid line in the trace"; }
awk -v d="$d" 'BEGIN { exit !(d >= 0.5) }' || fail "getpid with delay_enter=0.5s took $d s"

# getrandom held at entry for 2 s: the entropy analyzer names it, with and without the filter.
for mode in fast full; do
  flag=; [ $mode = full ] && flag=--full
  "$GOTRACE" $flag -o "$WORK/g.txt" --report-file "$WORK/g.rep" --inject getrandom:delay_enter=2s:when=1 -- \
    "$P" getrandom 1 >"$WORK/g.out" 2>/dev/null
  assert_eq "0 getrandom #1 = 16" "$(cat "$WORK/g.out")" "getrandom output ($mode)"
  line=$(head -1 "$WORK/g.rep")
  note "getrandom held ($mode): $line"
  grep -qE '^gotrace: inject_calls .*waited ([2-9]|[1-9][0-9]+)\.[0-9] s for the kernel.s random numbers: getrandom blocked' <<<"$line" ||
    { cat "$WORK/g.rep"; fail "the entropy analyzer did not report the held getrandom ($mode)"; }
  grep -qE 'getrandom\(.*, 16, 0\) = 16 blocked ([2-9]|[1-9][0-9]+)\.[0-9] s' "$WORK/g.rep" || { cat "$WORK/g.rep"; fail "entropy evidence ($mode)"; }
done

# A recording of an injected run replays to the same text: the events carry what the
# program saw (the injected error, the delayed exit).
"$GOTRACE" --trace -T -o "$WORK/live.txt" --record "$WORK/r.gtr" --inject getpid:error=EPERM:delay_exit=200ms:when=2 -- \
  "$P" getpid 3 >/dev/null 2>&1
"$GOTRACE" replay --trace -T -o "$WORK/replay.txt" "$WORK/r.gtr"
diff -u "$WORK/live.txt" "$WORK/replay.txt" || fail "replay of an injected run differs from the live text"
grep -qE 'getpid\(\) += -1 EPERM \(Operation not permitted\) <(0\.[2-9]|[1-9])' "$WORK/replay.txt" || { cat "$WORK/replay.txt"; fail "replay: no delayed EPERM getpid"; }

# Bad specs: one line, exit 2.
for spec in getpid nosuch:error=EPERM getpid:error=EPERM:when=5..3 getpid:delay_enter=1h getpid:error=EPERM:retval=1; do
  rc=0; "$GOTRACE" --inject "$spec" -- true >/dev/null 2>"$WORK/err" || rc=$?
  assert_eq 2 "$rc" "exit status for --inject $spec"
  assert_eq 1 "$(wc -l <"$WORK/err")" "lines of error output for --inject $spec"
  grep -qF -- "--inject '$spec'" "$WORK/err" || fail "the error does not name '$spec': $(cat "$WORK/err")"
done
echo "ok"
