# Running out of file descriptors (EMFILE), three ways, each under a low RLIMIT_NOFILE set
# on the command only (gotrace itself is not limited):
#  (a) a Go program that opens files until it fails, then retries with a back-off (as a
#      server's accept loop does): the stall report while it backs off and the final report;
#  (b) the go command itself: a clean `go build` of the sample module (modules downloaded
#      first, without gotrace) fails with EMFILE in go or one of its children;
#  (c) a C program that leaks fds, lowering only its soft limit, then retries.
# Go raises its soft limit to the hard limit at start, so (a) and (b) set both.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

# (a) Go program, limit 20:20, two retries 4 s apart (stall reports after 2 s).
rc=0
"$GOTRACE" --stall 2 -o "$WORK/a.out" --report-file "$WORK/a.rep" -- \
  prlimit --nofile=20:20 -- "$PROGS/openfiles" 4000 2 >"$WORK/a.stdout" 2>&1 || rc=$?
assert_eq 1 "$rc" "openfiles exit status under gotrace"
grep -q "too many open files" "$WORK/a.stdout" || fail "openfiles did not hit EMFILE: $(cat "$WORK/a.stdout")"
line=$(first_stall "$WORK/a.out")
[ -n "$line" ] || { cat "$WORK/a.out"; fail "(a) no stall report while openfiles backed off"; }
note "(a) stall: $line"
expect "$line" 'openfiles .*ran out of file descriptors: openat failed with EMFILE \([12]x\) with [0-9]+ fds open, RLIMIT_NOFILE 20 \(hard 20\)' "(a) stall report"
line=$(final_first "$WORK/a.rep")
note "(a) final: $line"
expect "$line" '^gotrace: openfiles .*ran out of file descriptors: openat failed with EMFILE \(3x\) with [0-9]+ fds open, RLIMIT_NOFILE 20 \(hard 20\)$' "(a) final report"
open=$(sed -E 's/.* with ([0-9]+) fds open.*/\1/' <<<"$line")
[ "$open" -ge 20 ] || fail "(a) EMFILE with only $open fds open under a limit of 20"
expect_file "$WORK/a.rep" 'evidence: first: openat\(AT_FDCWD, "/dev/null", O_RDONLY\|O_CLOEXEC\) = -1 EMFILE' "(a) evidence"
expect_file "$WORK/a.rep" 'open fds then: [0-9]+ files' "(a) holders"
expect_file "$WORK/a.rep" 'try: raise the limit for the job: `ulimit -n' "(a) remedy"
show_report "$WORK/a.rep" 4

# (c) C program: soft limit 40 (hard unchanged), leaks, then retries twice 4 s apart.
rc=0
"$GOTRACE" --stall 2 -o "$WORK/c.out" --report-file "$WORK/c.rep" -- \
  "$PROGS/leak_fds" 40 4000 2 >"$WORK/c.stdout" 2>&1 || rc=$?
assert_eq 1 "$rc" "leak_fds exit status under gotrace"
grep -q "Too many open files" "$WORK/c.stdout" || fail "leak_fds did not hit EMFILE: $(cat "$WORK/c.stdout")"
hard=$(ulimit -Hn)
line=$(first_stall "$WORK/c.out")
[ -n "$line" ] || { cat "$WORK/c.out"; fail "(c) no stall report while leak_fds backed off"; }
note "(c) stall: $line"
expect "$line" "leak_fds .*ran out of file descriptors: openat failed with EMFILE \([12]x\) with [0-9]+ fds open, RLIMIT_NOFILE 40 \(hard $hard\)" "(c) stall report"
line=$(final_first "$WORK/c.rep")
note "(c) final: $line"
expect "$line" "^gotrace: leak_fds .*ran out of file descriptors: openat failed with EMFILE \(3x\) with [0-9]+ fds open, RLIMIT_NOFILE 40 \(hard $hard\)$" "(c) final report"
open=$(sed -E 's/.* with ([0-9]+) fds open.*/\1/' <<<"$line")
leaked=$(sed -nE 's/^leaked ([0-9]+) fds.*/\1/p' "$WORK/c.stdout")
[ "$open" -ge 40 ] || fail "(c) EMFILE with only $open fds open under a soft limit of 40"
[ "$leaked" -le "$open" ] || fail "(c) leak_fds leaked $leaked fds but the report says $open open"
expect_file "$WORK/c.rep" 'open fds then: [0-9]+ files' "(c) holders"
show_report "$WORK/c.rep" 3

# (b) the go command: a clean build under 15:15 fails (pipe2, fork/exec or a compiler's open).
go_setup
(cd "$SAMPLE" && GOPROXY="file://$OUT/proxy" go mod download) >"$WORK/dl.log" 2>&1 ||
  { cat "$WORK/dl.log"; fail "go mod download (without gotrace)"; }
rc=0
(cd "$SAMPLE" && GOPROXY=off "$GOTRACE" -o "$WORK/b.out" --report-file "$WORK/b.rep" -- \
  prlimit --nofile=15:15 -- go build -o "$T/sample" .) >"$WORK/b.stdout" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "(b) go build succeeded under RLIMIT_NOFILE 15"
grep -q "too many open files" "$WORK/b.stdout" || { cat "$WORK/b.stdout"; fail "(b) go build failed, but not with EMFILE"; }
note "(b) go build: exit $rc: $(grep -m1 'too many open files' "$WORK/b.stdout")"
line=$(final_first "$WORK/b.rep")
note "(b) final: $line"
expect "$line" '^gotrace: [^ ].* ran out of file descriptors: [a-z0-9_]+ failed with EMFILE \([0-9]+x\) with [0-9]+ fds open, RLIMIT_NOFILE 15 \(hard 15\)$' "(b) final report"
open=$(sed -E 's/.* with ([0-9]+) fds open.*/\1/' <<<"$line")
# pipe2 fails with EMFILE once 14 of the 15 fds are taken; another thread's call that took
# fds may have its exit stop handled just after the failing one (the count lags by its fds).
[ "$open" -ge 12 ] || fail "(b) EMFILE with only $open fds open under a limit of 15"
show_report "$WORK/b.rep" 3
note "elapsed $(elapsed)"
echo "ok"
