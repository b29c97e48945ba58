# Entropy starvation: a Go program that makes an ECDSA key and a self-signed certificate
# (crypto/rand: getrandom(buf, n, 0)) and does a TLS handshake with itself over 127.0.0.1,
# run under hold_getrandom, a seccomp user-notification supervisor that holds its first
# blocking getrandom for 4 s, as a kernel whose random pool is not ready would (kernels
# >= 5.6 never block after boot, so the test holds the call itself). Checks the stall
# report printed while the call is held, and the final report: first with --full (every
# syscall stops the tracee, PTRACE_SYSCALL: the held call shows its entry, the wait, its
# exit), then on the default fast path, where gotrace's own seccomp filter (RET_TRACE) is
# outranked by the command's USER_NOTIF filter, so the call's entry is never seen: the
# stall report must still name it (issue 4: quiet threads' calls come from
# /proc/PID/task/TID/syscall).
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
grep -q "holding getrandom(40 bytes, flags 0)" "$WORK/stderr" || fail "the supervisor held no getrandom: $(cat "$WORK/stderr")"

line=$(first_stall "$WORK/g.out")
[ -n "$line" ] || { cat "$WORK/g.out"; fail "no stall report while getrandom was held"; }
note "stall: $line"
expect "$line" 'tlsself waited [0-9.]+ s for the kernel.s random numbers: getrandom blocked \(entropy starvation\)' "stall report"
expect_file "$WORK/g.out" 'evidence: tid [0-9]+: getrandom\(0x[0-9a-f]+, 40, 0\) <still blocked> blocked [0-9.]+ s' "stall evidence"
show_report "$WORK/g.out" 3

line=$(final_first "$WORK/g.rep")
note "final: $line"
expect "$line" '^gotrace: tlsself waited [4-9]\.[0-9] s for the kernel.s random numbers: getrandom blocked \(entropy starvation\); the TLS handshake with localhost waited on it$' "final report"
expect_file "$WORK/g.rep" 'evidence: tid [0-9]+: getrandom\(.*, 40, 0\) = 40 blocked [4-9]\.[0-9] s' "final evidence"
expect_file "$WORK/g.rep" 'try: .*virtio-rng.*haveged or rng-tools' "remedy"
# Only the held call counts: the supervisor's own waits are not findings.
[ "$(grep -c '^gotrace: ' "$WORK/g.rep")" = 1 ] || { cat "$WORK/g.rep"; fail "more than one finding"; }
show_report "$WORK/g.rep" 3

# TODO(#4): the default fast path cannot see this call yet: the command's own seccomp
# USER_NOTIF filter outranks gotrace's RET_TRACE, so the held getrandom never stops, and
# the live source does not yet read quiet threads' current syscall from
# /proc/PID/task/TID/syscall. The scenario above runs with --full until it does.
note "elapsed $(elapsed)"
echo "ok"
