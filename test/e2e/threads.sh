# 64 threads x 100 getppid, then a fork/exec chain 3 deep with 10 getppid per level: every
# call of every task is counted (6430), as strace -f counts them.
source "$(dirname "$0")/lib.sh"

"$GOTRACE" -c -o "$WORK/gotrace.txt" -- "$PROGS/threads"
assert_eq "6430 0" "$(count "$WORK/gotrace.txt" getppid)" "getppid over 64 threads and 3 processes"
read -r calls errors < <(count "$WORK/gotrace.txt" clone3)
[ "$calls" -ge 64 ] || fail "expected at least 64 clone3, got $calls"
read -r calls errors < <(count "$WORK/gotrace.txt" execve)
assert_eq 3 "$calls" "execve calls (the program and two chain levels)"

if command -v strace >/dev/null; then
  strace -f -c -o "$WORK/strace.txt" "$PROGS/threads"
  assert_eq "$(count "$WORK/strace.txt" getppid)" "$(count "$WORK/gotrace.txt" getppid)" "getppid vs strace"
  assert_eq "$(count "$WORK/strace.txt" execve)" "$(count "$WORK/gotrace.txt" execve)" "execve vs strace"
fi

# execve from a non-leader thread is followed: the exec'd echo runs and is traced.
"$GOTRACE" --trace -o "$WORK/exec.txt" -- "$PROGS/exec_thread" >"$WORK/exec.out"
assert_eq "exec from thread ok" "$(cat "$WORK/exec.out")" "output after exec from a thread"
grep -qE 'write\(1, "exec from thread ok\\n", 20\) += 20$' "$WORK/exec.txt" ||
  fail "the exec'd program's write was not traced: $(tail -5 "$WORK/exec.txt")"
echo "ok"
