# Never lose output silently (issue 20.4): every write error of gotrace's own output is said
# once on stderr with the file's name (as strace does: "strace: FILE: No space left on
# device") and, when the command succeeded, exit status 1. The command's own exit status
# otherwise stays; its output is untouched.
source "$(dirname "$0")/lib.sh"

expect_lost() {  # WHAT EXPECTED-RC gotrace args...
  local what=$1 want=$2; shift 2
  local rc=0
  "$GOTRACE" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  assert_eq "$want" "$rc" "$what: exit status"
  grep -q "^gotrace: /dev/full: No space left on device$" "$WORK/stderr" ||
    fail "$what: no write error reported: $(cat "$WORK/stderr")"
  assert_eq 1 "$(grep -c "No space left" "$WORK/stderr")" "$what: times the error is said"
}
expect_lost "-o /dev/full" 1 -o /dev/full -- "$PROGS/counts"
expect_lost "--report-file /dev/full" 1 --report-file /dev/full -o "$WORK/o" -- "$PROGS/counts"
expect_lost "--format jsonl -o /dev/full" 1 --format jsonl -o /dev/full -- "$PROGS/counts"
expect_lost "--trace -o /dev/full, command exits 3" 3 --trace -o /dev/full -- sh -c 'echo out; exit 3'
assert_eq out "$(cat "$WORK/stdout")" "the command's own output"
"$GOTRACE" --record "$WORK/r.gtr" -o /dev/null -- "$PROGS/counts" || fail "recording"
expect_lost "replay -o /dev/full" 1 replay -o /dev/full "$WORK/r.gtr"

# A full filesystem (a 12 KiB tmpfs in a mount namespace of this test): the -o file and the
# recording are both cut short, and both say so.
if unshare -m true 2>/dev/null; then
  rc=0
  unshare -m sh -c "mount -t tmpfs -o size=12k gotrace-e2e '$WORK' && exec '$GOTRACE' --full --trace \
      --record '$WORK/r.gtr' -o '$WORK/out' -- ls -la /usr/bin" >/dev/null 2>"$WORK/../$$.err" || rc=$?
  err=$(cat "$WORK/../$$.err"); rm -f "$WORK/../$$.err"
  assert_eq 1 "$rc" "full filesystem: exit status"
  grep -q "^gotrace: $WORK/out: No space left on device$" <<<"$err" || fail "full filesystem: -o error not said: $err"
  grep -q "recording $WORK/r.gtr.partial is incomplete: .*No space left on device" <<<"$err" ||
    fail "full filesystem: recording error not said: $err"
else
  note "no mount namespace here: the full-filesystem case is skipped"
fi
echo ok
