# Never harm (issue 20.1): a program whose own seccomp filter returns SECCOMP_RET_TRACE
# (progs/c/own_seccomp, for getppid and getrandom) sees those calls fail with ENOSYS untraced,
# since no tracer asked for seccomp stops. Under gotrace, in every mode, it must see the same:
# gotrace tells its own filter's stops (SECCOMP_RET_DATA 0x6774) from the program's.
source "$(dirname "$0")/lib.sh"

"$PROGS/own_seccomp" >"$WORK/untraced" 2>&1 || fail "own_seccomp untraced: $(cat "$WORK/untraced")"
grep -qx "getppid = -1 ENOSYS" "$WORK/untraced" || fail "untraced getppid did not fail with ENOSYS: $(cat "$WORK/untraced")"
for mode in "" --full --thorough "--trace -e trace=getppid,getrandom,getpid"; do
  rc=0
  "$GOTRACE" $mode -o "$WORK/g.out" -- "$PROGS/own_seccomp" >"$WORK/traced" 2>&1 || rc=$?
  assert_eq 0 "$rc" "exit status with '$mode'"
  diff "$WORK/untraced" "$WORK/traced" >&2 || fail "the program's output changed under gotrace $mode"
done
# What --trace shows of them is what the program got (the last mode above).
grep -qE "getppid\(\) += -1 ENOSYS" "$WORK/g.out" || fail "--trace: getppid's ENOSYS not shown"
grep -qE "getpid\(\) += [0-9]" "$WORK/g.out" || fail "--trace: getpid (not filtered by the program) not shown"
echo ok
