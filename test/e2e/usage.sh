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
expect_error 2 "invalid system call 'bogus'" -e trace=bogus true
expect_error 2 "invalid sort key" -S sideways true
printf 'not a program\n' >"$WORK/plain"
chmod -x "$WORK/plain"
expect_error 1 "cannot execute '$WORK/plain': Permission denied" "$WORK/plain"
expect_error 1 "cannot open output file" -o "$WORK/missing-dir/x" true

"$GOTRACE" --help >"$WORK/help"
for opt in --trace -c -C -o -T -e -s -S -y -f --no-summary --timestamps --version; do
  grep -q -- "$opt" "$WORK/help" || fail "--help does not mention $opt"
done
grep -q "wall-clock" "$WORK/help" || fail "--help does not say summary times are wall-clock"
"$GOTRACE" --version | grep -q '^gotrace ' || fail "--version"

# Options stop at the first word that is not an option, as in strace.
"$GOTRACE" -c -o "$WORK/s" sh -c 'exit 0' || fail "command without --"
rc=0; "$GOTRACE" -o "$WORK/s" -- sh -c 'exit 42' || rc=$?
assert_eq 42 "$rc" "exit status passes through"
echo "ok"
