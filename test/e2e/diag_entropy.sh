# Entropy starvation: a Go program that makes an ECDSA key and a self-signed certificate
# (crypto/rand: getrandom(buf, n, 0)) and does a TLS handshake with itself over 127.0.0.1,
# run under hold_getrandom, a seccomp user-notification supervisor that holds its first
# blocking getrandom for 4 s, as a kernel whose random pool is not ready would (kernels
# >= 5.6 never block after boot, so the test holds the call itself). Checks the stall
# report printed while the call is held, and the final report: first with --full (every
# syscall stops the tracee, PTRACE_SYSCALL: the held call shows its entry, the wait, its
# exit), then on the default fast path, where gotrace's own seccomp filter (RET_TRACE) is
# outranked by the command's USER_NOTIF filter, so the call's entry is never seen: the
# stall report still names it (issue 4: quiet threads' calls come from
# /proc/PID/task/TID/syscall, as ThreadStates events), and a replay prints the same.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/diag_lib.sh"

# The supervisor works without gotrace (seccomp user notification may be unavailable).
"$PROGS/hold_getrandom" 1 0 -- "$PROGS/tlsself" >"$WORK/plain.out" 2>&1 ||
  { cat "$WORK/plain.out"; grep -q "seccomp" "$WORK/plain.out" && skip "seccomp user notification unavailable"; fail "tlsself under hold_getrandom (without gotrace)"; }

rc=0
"$GOTRACE" --full --stall 2 -o "$WORK/g.out" --report-file "$WORK/g.rep" -- \
  "$PROGS/hold_getrandom" 1 4 -- "$PROGS/tlsself" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
assert_eq 0 "$rc" "hold_getrandom 1 4 -- tlsself exit status under gotrace"
grep -q "handshake ok" "$WORK/stdout" || fail "tlsself did not finish its handshake: $(cat "$WORK/stdout" "$WORK/stderr")"
# Go 1.19's crypto/rand asks for 40 bytes; Go >= 1.24 on Linux >= 6.11 reads the vDSO, whose
# first call seeds its per-thread state with a 32-byte getrandom: that is the call held.
N=$(sed -n 's/.*holding getrandom(\([0-9]*\) bytes, flags 0).*/\1/p' "$WORK/stderr" | head -1)
[ -n "$N" ] || fail "the supervisor held no getrandom: $(cat "$WORK/stderr")"
note "held: getrandom of $N bytes ($(go version))"

line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while getrandom was held"; }
note "stall: $line"
expect "$line" 'tlsself waited [0-9.]+ s for the kernel.s random numbers: getrandom blocked \(entropy starvation\)' "stall report"
expect_file "$WORK/g.out" 'evidence: tid [0-9]+: getrandom\(0x[0-9a-f]+, '"$N"', 0\) <still blocked> blocked [0-9.]+ s' "stall evidence"
show_report "$WORK/g.out" 3

line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" '^gotrace: tlsself waited [4-9]\.[0-9] s for the kernel.s random numbers: getrandom blocked \(entropy starvation\); the TLS handshake with localhost waited on it$' "final report"
expect_file "$WORK/g.rep" 'evidence: tid [0-9]+: getrandom\(.*, '"$N"', 0\) = '"$N"' blocked [4-9]\.[0-9] s' "final evidence"
expect_file "$WORK/g.rep" 'try: .*virtio-rng.*haveged or rng-tools' "remedy"
# Only the held call counts: the supervisor's own waits are not findings.
[ "$(grep -c '^gotrace: ' "$WORK/g.rep")" = 1 ] || { cat "$WORK/g.rep"; fail "more than one finding"; }
show_report "$WORK/g.rep" 3

# The default fast path: the held getrandom never stops the tracee (the command's own
# USER_NOTIF filter outranks gotrace's RET_TRACE); the live source finds it in
# /proc/PID/task/TID/syscall (a ThreadStates event) and the report says so.
rc=0
"$GOTRACE" --stall 2 -o "$WORK/d.out" --report-file "$WORK/d.rep" --record "$WORK/d.gtr" -- \
  "$PROGS/hold_getrandom" 1 4 -- "$PROGS/tlsself" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
assert_eq 0 "$rc" "default path: exit status under gotrace"
grep -q "handshake ok" "$WORK/stdout" || fail "default path: no handshake: $(cat "$WORK/stdout" "$WORK/stderr")"
line=$(first_stall "$WORK/d.out")
[ -n "$line" ] || { cat "$WORK/d.out"; fail "default path: no stall report while getrandom was held"; }
note "stall (default path): $line"
expect "$line" 'tlsself waited [0-9.]+ s for the kernel.s random numbers: getrandom blocked \(entropy starvation\)' "default path stall report"
# (Go >= 1.24: the wait, first seen in /proc, goes on as calls the tracer sees, interrupted by
# SIGURG and restarted; a report between two of them shows the part so far.)
expect_file "$WORK/d.out" 'evidence: tid [0-9]+: getrandom\(0x[0-9a-f]+, '"$N"', 0\)( <still blocked>)? blocked [0-9.]+ s from .* \(not traced( at first)?: seen in /proc/[0-9]+/task/[0-9]+/syscall[;)]' "default path stall evidence"
show_report "$WORK/d.out" 3
line=$(final_first "$WORK/d.rep")
note "final (default path): $line"
# The end of a call seen only in /proc is known to a tick: 3 s or more of the 4 s hold.
expect "$line" '^gotrace: tlsself waited ([3-9]\.[0-9]) s for the kernel.s random numbers: getrandom blocked \(entropy starvation\); the TLS handshake with localhost waited on it$' "default path final report"
expect_file "$WORK/d.rep" 'evidence: tid [0-9]+: getrandom\(.*, '"$N"', 0\)( = '"$N"')? blocked [0-9.]+ s from .* \(not traced( at first)?: seen in /proc/[0-9]+/task/[0-9]+/syscall[;)]' "default path final evidence"
[ "$(grep -c '^gotrace: ' "$WORK/d.rep")" = 1 ] || { cat "$WORK/d.rep"; fail "default path: more than one finding"; }
show_report "$WORK/d.rep" 3
# The replay prints the same stall report at the same trace time.
"$GOTRACE" replay --stall 2 -o "$WORK/r.out" "$WORK/d.gtr" >/dev/null 2>&1 || fail "replay of the default-path recording"
diff <(grep -E "$STALL_RE" "$WORK/d.out") <(grep -E "$STALL_RE" "$WORK/r.out") || fail "replay's stall report differs from the live one"

# A kernel without vDSO getrandom (before 6.11, e.g. RHEL 8's 4.18): the supervisor also fails
# Go's mmap of its vDSO getrandom states (MAP_DROPPABLE), so Go >= 1.24 makes the syscall for
# every read, from internal/syscall/unix.GetRandom (told to its scheduler: no SIGURG restarts).
# Go 1.19 never asks for such states: the same path as above.
rc=0
HOLD_GETRANDOM_NO_VDSO=1 "$GOTRACE" --full -o "$WORK/n.out" --report-file "$WORK/n.rep" -- \
  "$PROGS/hold_getrandom" 1 4 -- "$PROGS/tlsself" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
assert_eq 0 "$rc" "without vDSO getrandom: exit status under gotrace"
grep -q "handshake ok" "$WORK/stdout" || fail "without vDSO getrandom: no handshake: $(cat "$WORK/stdout" "$WORK/stderr")"
line=$(final_first "$WORK/n.rep")
note "final (no vDSO getrandom): $line"
expect "$line" '^gotrace: tlsself waited [4-9]\.[0-9] s for the kernel.s random numbers: getrandom blocked \(entropy starvation\); the TLS handshake with localhost waited on it$' "no-vDSO final report"
expect_file "$WORK/n.rep" 'evidence: tid [0-9]+: getrandom\(.*, [0-9]+, 0\) = [0-9]+ blocked [4-9]\.[0-9] s' "no-vDSO evidence"
note "elapsed $(elapsed)"
echo "ok"
