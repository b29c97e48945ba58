# Thread and process creation failing with EAGAIN against RLIMIT_NPROC, as an unprivileged
# user (root ignores the limit): setpriv drops to nobody (65534), prlimit sets the limit.
#  (a) a Go program that locks 64 goroutines to OS threads, so the runtime must clone a
#      thread for each: clone fails, the runtime prints "runtime: failed to create new OS
#      thread" and dies (no hang: the final report);
#  (b) a shell whose fork fails: bash retries with a growing back-off ("fork: retry:
#      Resource temporarily unavailable"), which looks like a hang: the stall report while
#      it retries, and the final report.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"
as_nobody

# (a)
rc=0
"$GOTRACE" -o "$WORK/a.out" --report-file "$WORK/a.rep" -- \
  "${drop[@]}" prlimit --nproc=8:8 -- "$D/lockthreads" 64 >"$WORK/a.stdout" 2>"$WORK/a.stderr" || rc=$?
assert_eq 2 "$rc" "lockthreads exit status under RLIMIT_NPROC 8 (the runtime's fatal error)"
grep -q "runtime: failed to create new OS thread" "$WORK/a.stderr" || { head "$WORK/a.stderr"; fail "(a) no thread creation failure"; }
line=$(final_first "$WORK/a.rep")
note "(a) final: $line"
expect "$line" '^gotrace: lockthreads 64 could not create a thread or process: clone failed with EAGAIN [0-9]+x \(RLIMIT_NPROC or the system.s thread limit\)$' "(a) final report"
expect_file "$WORK/a.rep" 'evidence: first: clone\(.*\) = -1 EAGAIN' "(a) evidence"
expect_file "$WORK/a.rep" 'stderr: runtime: failed to create new OS thread \(have [0-9]+ already; errno=11\)$' "(a) Go's message in the evidence"
expect_file "$WORK/a.rep" 'try: raise the process limit for the user: `ulimit -u`' "(a) remedy"
show_report "$WORK/a.rep" 4

# (b) nobody may have 2 processes: bash and one background sleep; bash's next fork fails
# and it retries (1 s, 2 s, 4 s) until the sleep ends.
rc=0
"$GOTRACE" --stall 2 -o "$WORK/b.out" --report-file "$WORK/b.rep" -- \
  "${drop[@]}" prlimit --nproc=2:2 -- bash -c 'sleep 6 & /bin/true; wait' >"$WORK/b.stdout" 2>"$WORK/b.stderr" || rc=$?
grep -q "fork: retry: Resource temporarily unavailable" "$WORK/b.stderr" || { cat "$WORK/b.stderr"; fail "(b) bash did not retry a fork"; }
note "(b) bash exit status $rc: $(tail -1 "$WORK/b.stderr")"
line=$(first_stall "$WORK/b.out")
note "(b) stall: $line"
expect "$line" 'bash -c .* could not create a thread or process: clone failed with EAGAIN [0-9]+x \(RLIMIT_NPROC' "(b) stall report"
expect_file "$WORK/b.out" 'stderr: bash: fork: retry: Resource temporarily unavailable' "(b) stall evidence"
line=$(final_first "$WORK/b.rep")
note "(b) final: $line"
expect "$line" '^gotrace: bash -c .* could not create a thread or process: clone failed with EAGAIN [0-9]+x \(RLIMIT_NPROC' "(b) final report"
show_report "$WORK/b.rep" 4
note "elapsed $(elapsed)"
echo "ok"
