# The fast path: a launched command runs under a seccomp filter, so only the syscalls in its
# set stop it: by default (light mode) the calls that change state, with --thorough every
# call the diagnosis can use. For both, against `gotrace --show-filter`: a syscall outside
# the set is not seen, one inside is, with the same count as without the filter (--full);
# exec'd children and threads keep the filter.
source "$(dirname "$0")/lib.sh"

"$GOTRACE" --full -o "$WORK/full.txt" -- "$PROGS/counts"
assert_eq "1000 0" "$(count "$WORK/full.txt" getpid)" "getpid with --full"
grep -q "counts only" "$WORK/full.txt" && fail "--full summary claims to be filtered"
"$GOTRACE" --full --show-filter >"$WORK/full.set"
assert_eq all "$(cat "$WORK/full.set")" "--show-filter with --full"
for mode in --light --thorough; do
  "$GOTRACE" $mode --show-filter >"$WORK/set$mode"
  set=",$(head -1 "$WORK/set$mode"),"
  "$GOTRACE" $mode -o "$WORK/fast$mode.txt" -- "$PROGS/counts"
  for sc in getpid getrandom openat close; do
    if [[ $set == *",$sc,"* ]]; then
      assert_eq "$(count "$WORK/full.txt" $sc)" "$(count "$WORK/fast$mode.txt" $sc)" "$mode: $sc (in the set) with and without the filter"
    else
      assert_eq "0 0" "$(count "$WORK/fast$mode.txt" $sc)" "$mode: $sc (outside the set)"
    fi
  done
  grep -q "counts only the syscalls gotrace stopped on" "$WORK/fast$mode.txt" ||
    fail "$mode: the filtered summary does not say so"
done
# What each mode's set holds, as docs/light-mode.md says.
for sc in getrandom connect socket clone3 execve prlimit64 pipe2 dup3; do
  grep -q ",$sc," <<<",$(head -1 "$WORK/set--light")," || fail "--light set lacks $sc"
done
for sc in getpid openat close read futex epoll_pwait; do
  grep -q ",$sc," <<<",$(head -1 "$WORK/set--light")," && fail "--light set has $sc"
done
for sc in openat close read; do
  grep -q ",$sc," <<<",$(head -1 "$WORK/set--thorough")," || fail "--thorough set lacks $sc"
done
grep -qx "# write stops only when argument 1 is 2" "$WORK/set--light" || fail "--light: stderr writes"
assert_eq "17 0" "$(count "$WORK/fast--light.txt" getrandom)" "getrandom (inside the set)"

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
