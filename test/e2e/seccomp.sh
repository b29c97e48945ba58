# The fast path: by default a launched command runs under a seccomp filter, so only the
# syscalls the diagnosis needs stop it. A syscall outside the set is not seen, one inside
# is, exec'd children keep the filter, and counts of traced syscalls are the same with and
# without the filter (--full).
source "$(dirname "$0")/lib.sh"

"$GOTRACE" -o "$WORK/fast.txt" -- "$PROGS/counts"
"$GOTRACE" --full -o "$WORK/full.txt" -- "$PROGS/counts"
cat "$WORK/fast.txt"
assert_eq "0 0" "$(count "$WORK/fast.txt" getpid)" "getpid (outside the set) with the filter"
assert_eq "1000 0" "$(count "$WORK/full.txt" getpid)" "getpid with --full"
for sc in getrandom openat close; do
  assert_eq "$(count "$WORK/full.txt" $sc)" "$(count "$WORK/fast.txt" $sc)" "$sc with and without the filter"
done
assert_eq "17 0" "$(count "$WORK/fast.txt" getrandom)" "getrandom (inside the set)"
grep -q "counts only the syscalls gotrace stopped on" "$WORK/fast.txt" || fail "the filtered summary does not say so"
grep -q "counts only" "$WORK/full.txt" && fail "--full summary claims to be filtered"

# Exec'd children and threads keep the filter: the chain's getppid calls are never seen,
# its execs and clones are.
"$GOTRACE" -o "$WORK/threads.txt" -- "$PROGS/threads"
assert_eq "0 0" "$(count "$WORK/threads.txt" getppid)" "getppid in threads and exec'd children"
assert_eq 3 "$(count "$WORK/threads.txt" execve | cut -d' ' -f1)" "execve calls seen through the filter"
read -r calls errors < <(count "$WORK/threads.txt" clone3)
[ "$calls" -ge 64 ] || fail "clone3 calls seen: $calls"

# -e trace= adds what it names to the set; -c alone means every syscall (no filter).
"$GOTRACE" -c -e trace=getpid -o "$WORK/sel.txt" -- "$PROGS/counts"
assert_eq "1000 0" "$(count "$WORK/sel.txt" getpid)" "getpid asked for with -e trace="
"$GOTRACE" -c -o "$WORK/all.txt" -- "$PROGS/counts"
assert_eq "1000 0" "$(count "$WORK/all.txt" getpid)" "-c counts everything"

# Signals and exit status are unchanged under the filter.
want=$("$PROGS/signals" handlers)
got=$("$GOTRACE" -o "$WORK/h.txt" -- "$PROGS/signals" handlers)
assert_eq "$want" "$got" "signal handlers under the filter"
rc=0; "$GOTRACE" -o "$WORK/x.txt" -- "$PROGS/signals" exit3 || rc=$?
assert_eq 3 "$rc" "exit status under the filter"
echo "ok"
