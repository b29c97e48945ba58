# Quiet fds (fast path): in the default mode, reads and writes of regular files opened during
# the trace run without an exit stop and are not in the event stream (hence not in a
# recording); those of pipes, sockets, a FIFO, a device, a pipe reusing a closed file's fd
# number and a forked child's pipe still are. --full and --trace see every one (-f: the
# child's lines too).
source "$(dirname "$0")/lib.sh"

# n BYTE SYSCALL FILE: lines of SYSCALL(fd, "BYTE", 1) = 1 in a trace, but for /dev/random's
# fd (its random bytes could be any letter). A call interleaved with another process's line is split as strace splits it:
# `read(5, <unfinished ...>` then `<... read resumed>"C", 1) = 1`: that counts too.
n() {
  grep -vE "^([0-9]+ +)?read\($rnd, " "$3" |
    grep -cE "($2\([0-9]+, |<\.\.\. $2 resumed>)\"$1\", 1\) += 1\$" || true
}

mkdir "$WORK/fast" "$WORK/full" "$WORK/trace"
"$GOTRACE" --thorough --record "$WORK/fast.gtr" -o "$WORK/fast.txt" -- "$PROGS/quiet_io" "$WORK/fast" >"$WORK/fds"
"$GOTRACE" replay --trace -f -o "$WORK/fast.trace" "$WORK/fast.gtr"
"$GOTRACE" --full --record "$WORK/full.gtr" -o "$WORK/full.txt" -- "$PROGS/quiet_io" "$WORK/full" >/dev/null
"$GOTRACE" replay --trace -f -o "$WORK/full.trace" "$WORK/full.gtr"
"$GOTRACE" --trace -f -o "$WORK/trace.trace" -- "$PROGS/quiet_io" "$WORK/trace" >/dev/null
grep -q "counts only the syscalls gotrace stopped on" "$WORK/fast.txt" || fail "the default run was not filtered"
rnd=$(sed -n 's/.* random=\([0-9]*\).*/\1/p' "$WORK/fds")
[ -n "$rnd" ] || fail "quiet_io printed no fds: $(cat "$WORK/fds")"
# /dev/random may block (entropy starvation): its reads are always seen.
for t in fast full trace; do
  assert_eq 4 "$(grep -cE "read\($rnd, .*, 1\) += 1\$" "$WORK/$t.trace" || true)" "$t: reads of /dev/random"
done

#          byte  call   default  --full/--trace
for spec in "F write 0 20" "F read 0 20" "P write 7 7" "P read 7 7" "S write 9 9" "S read 9 9" \
            "I write 5 5" "I read 5 5" '\\0 read 0 4' "R write 3 3" "R read 3 3" "Q write 2 2" \
            "Q read 2 2" "C read 0 6"; do
  read -r byte call fast full <<<"$spec"
  assert_eq "$fast" "$(n "$byte" "$call" "$WORK/fast.trace")" "default mode: $call of \"$byte\""
  assert_eq "$full" "$(n "$byte" "$call" "$WORK/full.trace")" "--full: $call of \"$byte\""
  assert_eq "$full" "$(n "$byte" "$call" "$WORK/trace.trace")" "--trace: $call of \"$byte\""
done
# What the fd table needs is still seen in the default mode: every open and close.
for sc in openat close pipe2 socketpair; do
  assert_eq "$(count "$WORK/full.txt" $sc)" "$(count "$WORK/fast.txt" $sc)" "$sc with and without the filter"
done
# The filter compares fcntl's command: F_GETFL runs unseen, F_DUPFD_CLOEXEC stops.
assert_eq "1 0" "$(count "$WORK/fast.txt" fcntl)" "fcntl in the default mode"
assert_eq "12 0" "$(count "$WORK/full.txt" fcntl)" "fcntl with --full"
echo "ok"
