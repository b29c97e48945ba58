# Usage errors: one clear line and exit 2 (1 when the command cannot be executed);
# --help lists every option; exit status of the command passes through.
source "$(dirname "$0")/lib.sh"

expect_error() {  # expected-status pattern args...
  local want=$1 pattern=$2; shift 2
  local rc=0
  "$GOTRACE" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  assert_eq "$want" "$rc" "exit status of gotrace $*"
  assert_eq 1 "$(wc -l <"$WORK/err")" "lines of error output for gotrace $*"
  grep -q -- "$pattern" "$WORK/err" || fail "gotrace $*: '$pattern' not in: $(cat "$WORK/err")"
}

expect_error 2 "unrecognised option '--no-such-flag'" --no-such-flag true
expect_error 2 "no command" -c
expect_error 2 "command not found: 'no-such-command-gotrace'" no-such-command-gotrace
expect_error 2 "command not found: '/no/such/dir/cmd'" -- /no/such/dir/cmd  # one status, however spelled
expect_error 2 "invalid system call 'bogus'" -e trace=bogus true
expect_error 2 "invalid sort key" -S sideways true
expect_error 2 "--format jsonl writes JSON: give it a file with -o FILE" --format jsonl true  # never mixed with text
printf 'not a program\n' >"$WORK/plain"
chmod -x "$WORK/plain"
expect_error 1 "cannot execute '$WORK/plain': Permission denied" "$WORK/plain"
expect_error 1 "cannot open output file" -o "$WORK/missing-dir/x" true
expect_error 2 "--inject 'getpid:error=EPERM:when=0': when=0: FIRST must be 1..65535" --inject getpid:error=EPERM:when=0 true
expect_error 2 "--rlimit 'nofile=5:4': 'nofile=5:4': the soft limit is above the hard limit" --rlimit nofile=5:4 true
expect_error 2 "--rlimit sets a launched command's limits" --rlimit nofile=100 -p $$
expect_error 1 "cannot set RLIMIT_NOFILE to 10:unlimited for '/usr/bin/true'" --rlimit nofile=10:unlimited /usr/bin/true

"$GOTRACE" --help >"$WORK/help"
for opt in --trace -c -C -o -T -e -s -S -y -f --no-summary --timestamps --version --inject --fault --rlimit \
  openat:error=EMFILE:when=50+ getrandom:delay_enter=3s "--rlimit nofile=12"; do
  grep -q -- "$opt" "$WORK/help" || fail "--help does not mention $opt"
done
grep -q "wall-clock" "$WORK/help" || fail "--help does not say summary times are wall-clock"
# Readable on a terminal: one usage form per line, no line over 100 columns.
assert_eq 4 "$(grep -cE '^(usage:|      ) gotrace ' "$WORK/help")" "usage forms, one per line"
long=$(awk 'length > 100' "$WORK/help" | head -1)
[ -z "$long" ] || fail "--help has a line over 100 columns: $long"

# -p takes lists separated by commas, spaces or newlines (pgrep prints one pid per line).
sleep 30 & s1=$!; track $s1
sleep 30 & s2=$!; track $s2
for list in "$s1,$s2" "$s1 $s2" "$s1"$'\n'"$s2"; do
  "$GOTRACE" -p "$list" --duration 0.3 -o "$WORK/p.out" || fail "-p '$list'"
  assert_eq 2 "$(grep -c 'attached with' "$WORK/p.out")" "processes attached with -p '$list'"
done
expect_error 2 "invalid process id 'x1' for -p" -p "$s1 x1"

# A file that is not a strace log is an error, not "no problem found".
expect_error 1 "no strace lines found" replay --from-strace "$E2E_DIR/lib.sh"
head -c 4096 /dev/urandom >"$WORK/random"
expect_error 1 "no strace lines found" replay --from-strace "$WORK/random"
"$GOTRACE" --version | grep -q '^gotrace ' || fail "--version"

# Options stop at the first word that is not an option, as in strace.
"$GOTRACE" -c -o "$WORK/s" sh -c 'exit 0' || fail "command without --"
rc=0; "$GOTRACE" -o "$WORK/s" -- sh -c 'exit 42' || rc=$?
assert_eq 42 "$rc" "exit status passes through"
echo "ok"
