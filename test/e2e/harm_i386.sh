# 32-bit programs (issue 20.5): a GOARCH=386 Go program (progs/go/i386calls) makes its calls
# with the i386 numbers (write is 4, which is stat on x86_64; execve 11, munmap there).
# gotrace names them from the i386 table, shows their arguments raw, says so once, and counts
# them under their real names: never `stat(0x1, ...)` for a write.
source "$(dirname "$0")/lib.sh"
"$PROGS/i386calls" >"$WORK/untraced" 2>&1 || skip "32-bit programs do not run here: $(head -1 "$WORK/untraced")"

# Two execve in every mode: gotrace's launch of the program (64-bit) and the 32-bit
# program's of `true` (strace -f -c counts them in two tables, one per personality). The
# seccomp filter stops 32-bit calls by name too.
for mode in "" -c --full "--full --trace"; do
  rc=0
  "$GOTRACE" $mode -o "$WORK/g.out" -- "$PROGS/i386calls" >"$WORK/traced" 2>"$WORK/stderr" || rc=$?
  assert_eq 0 "$rc" "'$mode': exit status"
  diff "$WORK/untraced" "$WORK/traced" >&2 || fail "'$mode': the program's output changed"
  assert_eq "2 0" "$(count "$WORK/g.out" execve)" "'$mode': execve in the summary"
done
# The last run: --full --trace.
grep -Eq "^[0-9]+ +write\(1, 0x[0-9a-f]+, 10\b" "$WORK/g.out" || fail "the 32-bit write of 'hello 386' is not shown as write: $(grep -m3 '(1,' "$WORK/g.out")"
grep -q "stat(0x1," "$WORK/g.out" && fail "a 32-bit write printed with the x86_64 name: $(grep -m1 'stat(0x1,' "$WORK/g.out")"
assert_eq 1 "$(grep -c "makes 32-bit (i386) system calls" "$WORK/stderr")" "the 32-bit note, said once"
grep -q "process [0-9]* (.*i386calls) makes 32-bit (i386) system calls: they are named from the i386 table" "$WORK/stderr" ||
  fail "the 32-bit note: $(cat "$WORK/stderr")"
echo ok
