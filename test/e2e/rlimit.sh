# --rlimit sets the launched command's limits before its execve, as prlimit(1) would:
#  (a) the exact soft and hard values the command sees, N alone setting both, and what
#      gotrace reports for a C program that leaks fds under nofile=12 (the hard 12 is ours);
#  (b) nproc as an unprivileged user (root ignores RLIMIT_NPROC; setpriv drops to nobody
#      and inherits the limit): a Go program that needs 64 threads dies, and the report
#      names clone failing with EAGAIN.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

# (a)
out=$("$GOTRACE" -o "$WORK/a.txt" --rlimit nofile=7:9,nproc=500:600 -- sh -c 'ulimit -Sn; ulimit -Hn; cat /proc/self/limits')
assert_eq 7 "$(sed -n 1p <<<"$out")" "soft RLIMIT_NOFILE"
assert_eq 9 "$(sed -n 2p <<<"$out")" "hard RLIMIT_NOFILE"
grep -qE '^Max processes +500 +600 ' <<<"$out" || fail "RLIMIT_NPROC not 500:600: $out"
out=$("$GOTRACE" -o "$WORK/a2.txt" --rlimit nofile=12 -- sh -c 'ulimit -Sn; ulimit -Hn')
assert_eq "12 12" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')" "nofile=12 sets soft and hard"
rc=0
"$GOTRACE" -o "$WORK/c.out" --report-file "$WORK/c.rep" --rlimit nofile=12 -- "$PROGS/leak_fds" 12 0 0 >"$WORK/c.stdout" 2>&1 || rc=$?
assert_eq 1 "$rc" "leak_fds exit status under --rlimit nofile=12"
line=$(final_first "$WORK/c.rep")
note "(a) $line"
expect "$line" '^gotrace: leak_fds .*ran out of file descriptors: openat failed with EMFILE \(1x\) with [0-9]+ fds open, RLIMIT_NOFILE 12 \(hard 12\)$' "(a) final report"

# (b)
[ "$(id -u)" = 0 ] || skip "(b) needs root to drop to uid 65534"
as_nobody
rc=0
"$GOTRACE" -o "$WORK/b.out" --report-file "$WORK/b.rep" --rlimit nproc=8 -- \
  "${drop[@]}" "$D/lockthreads" 64 >"$WORK/b.stdout" 2>"$WORK/b.stderr" || rc=$?
assert_eq 2 "$rc" "lockthreads exit status under --rlimit nproc=8 (the runtime's fatal error)"
grep -q "runtime: failed to create new OS thread" "$WORK/b.stderr" || { head "$WORK/b.stderr"; fail "(b) no thread creation failure"; }
line=$(final_first "$WORK/b.rep")
note "(b) $line"
expect "$line" '^gotrace: lockthreads 64 could not create a thread or process: clone failed with EAGAIN [0-9]+x \(RLIMIT_NPROC or the system.s thread limit\)$' "(b) final report"
echo "ok"
