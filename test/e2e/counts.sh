# Exact syscall counts: the counts program makes 1000 getpid, 17 getrandom, 25 failing
# openat and 40 failing close; gotrace -c must count exactly that, and equal strace -f -c.
source "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace not installed"

"$GOTRACE" -c -o "$WORK/gotrace.txt" -- "$PROGS/counts"
strace -f -c -o "$WORK/strace.txt" "$PROGS/counts"
cat "$WORK/gotrace.txt"

assert_eq "1000 0" "$(count "$WORK/gotrace.txt" getpid)" "getpid calls/errors"
assert_eq "17 0" "$(count "$WORK/gotrace.txt" getrandom)" "getrandom calls/errors"
read -r calls errors < <(count "$WORK/gotrace.txt" openat)
assert_eq 25 "$errors" "openat ENOENT errors"
read -r calls errors < <(count "$WORK/gotrace.txt" close)
assert_eq 40 "$errors" "close EBADF errors"

# Every row, and the total, the same as strace's (the program is deterministic).
# (gotrace's "errors: N real ... / M expected" line below the table is not a row.)
rows() { awk 'NR > 2 && $1 !~ /^-/ && $1 != "errors:" { print $NF, $4, (NF == 6 ? $5 : 0) }' "$1" | sort; }
# -c prints the verdict and the table only; without -c the errors line follows the table.
grep -q '^errors:' "$WORK/gotrace.txt" && fail "-c printed more than the table: $(grep '^errors:' "$WORK/gotrace.txt")"
"$GOTRACE" --full -o "$WORK/default.txt" -- "$PROGS/counts"
grep -qE '^errors: 66 real: close EBADF 40, openat ENOENT 25, access ENOENT 1 / 0 expected' "$WORK/default.txt" ||
  fail "errors line below the table: $(grep '^errors' "$WORK/default.txt")"
diff <(rows "$WORK/strace.txt") <(rows "$WORK/gotrace.txt") || fail "counts differ from strace -f -c"

# The layout: strace's header and rules.
grep -A1 '^% time' "$WORK/gotrace.txt" | diff - <(grep -A1 '^% time' "$WORK/strace.txt") || fail "header differs from strace"
# -S calls puts getpid first; -e trace=getrandom counts only getrandom.
"$GOTRACE" -c -S calls -o "$WORK/by_calls.txt" -- "$PROGS/counts"
assert_eq getpid "$(grep -A2 '^% time' "$WORK/by_calls.txt" | awk 'NR == 3 { print $NF }')" "first row with -S calls"
"$GOTRACE" -c -e trace=getrandom -o "$WORK/only.txt" -- "$PROGS/counts"
assert_eq "17 0" "$(count "$WORK/only.txt" total)" "total with -e trace=getrandom"
echo "ok"
