# The --trace text: strace's line format for decoded calls, return values aligned at column
# 40 (-a), -T durations, -tt timestamps, -y paths, -o FILE with pid prefixes as strace
# puts them (every line with -f; else once a second task is traced), and
# <unfinished ...>/<... resumed> for threads.
source "$(dirname "$0")/lib.sh"

# A single-threaded program, -o without -f: no pid prefix, "= " at column 40 (as strace)
"$GOTRACE" --trace -o "$WORK/t.txt" -- "$PROGS/counts"
grep -qE '^getpid\(\) {32}= [0-9]+$' "$WORK/t.txt" || fail "getpid line: $(grep -m1 getpid "$WORK/t.txt")"
grep -q 'openat(AT_FDCWD, "/proc/self/gotrace-nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)' "$WORK/t.txt" ||
  fail "openat line: $(grep -m1 gotrace-nonexistent "$WORK/t.txt")"
grep -qE '^close\(1000\) += -1 EBADF \(Bad file descriptor\)$' "$WORK/t.txt" || fail "close line"
# -f: the pid on every line; -a 0: no alignment
"$GOTRACE" --trace -f -a 0 -o "$WORK/tf.txt" -- "$PROGS/counts"
grep -qE '^[0-9]+ +getpid\(\) = [0-9]+$' "$WORK/tf.txt" || fail "-f -a0 getpid line: $(grep -m1 getpid "$WORK/tf.txt")"
grep -q 'getrandom(".*"\(\.\.\.\)\?, 16, GRND_NONBLOCK) = 16' "$WORK/t.txt" || fail "getrandom line: $(grep -m1 getrandom "$WORK/t.txt")"
grep -q '+++ exited with 0 +++' "$WORK/t.txt" || fail "exit line"
grep -q '% time' "$WORK/t.txt" || fail "--trace should keep the summary (only -c drops the trace)"
# Child processes: shown with -f only, as strace; the summary counts them either way.
"$GOTRACE" --trace -a0 -e trace=execve,wait4 -o "$WORK/c0.txt" -- sh -c '/bin/true; /bin/true'
"$GOTRACE" --trace -a0 -f -e trace=execve,wait4 -o "$WORK/c1.txt" -- sh -c '/bin/true; /bin/true'
assert_eq 1 "$(grep -c 'execve(' "$WORK/c0.txt")" "execve lines without -f (sh's own)"
grep -qE '^wait4\(-1, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 0\}\], 0, NULL\) = [0-9]+$' "$WORK/c0.txt" ||
  fail "sh's wait4 line without -f: $(grep -m1 wait4 "$WORK/c0.txt")"
assert_eq 1 "$(grep -c '+++ exited with' "$WORK/c0.txt")" "exit lines without -f (sh's own)"
assert_eq 3 "$(grep -cE '^[0-9]+ +execve\(' "$WORK/c1.txt")" "execve lines with -f"
assert_eq 3 "$(grep -c '+++ exited with 0 +++' "$WORK/c1.txt")" "exit lines with -f"
assert_eq "3 0" "$(count "$WORK/c0.txt" execve)" "execve in the summary without -f"

"$GOTRACE" -C -T -tt -y -o "$WORK/t2.txt" -- cat /etc/hostname >/dev/null
grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) = [0-9]+</etc/hostname> <[0-9]+\.[0-9]{6}>$' "$WORK/t2.txt" ||
  fail "-tt -T -y openat line: $(grep -m2 hostname "$WORK/t2.txt" | tail -1)"
grep -qE 'read\([0-9]+</etc/hostname>, ' "$WORK/t2.txt" || fail "-y read line"
grep -q '% time' "$WORK/t2.txt" || fail "-C printed no summary"

# strace's options while comparing: bundled short options (-ve trace=), -e write= hex
# dumps, -P (only calls on that path, by name or by an fd open on it), -X raw, -e signal=,
# and -e trace= alone printing the trace of those calls (as strace; -c only counts them)
"$GOTRACE" -a0 -vetrace=write -e write=1 -o "$WORK/d.txt" -- echo hello dump >/dev/null
grep -qxF 'write(1, "hello dump\n", 11) = 11' "$WORK/d.txt" || fail "-vetrace=write line: $(grep -m1 write "$WORK/d.txt")"
grep -qxF ' | 00000  68 65 6c 6c 6f 20 64 75  6d 70 0a                 hello dump.      |' "$WORK/d.txt" ||
  fail "-e write=1 dump: $(cat "$WORK/d.txt")"
"$GOTRACE" -a0 --trace -P /etc/hostname -o "$WORK/p.txt" -- cat /etc/hostname >/dev/null
grep -qE '^openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) = ([0-9]+)$' "$WORK/p.txt" || fail "-P openat: $(cat "$WORK/p.txt")"
fd=$(sed -nE 's/^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = ([0-9]+)$/\1/p' "$WORK/p.txt")
grep -qE "^read\($fd, " "$WORK/p.txt" || fail "-P: the read on the file's fd: $(cat "$WORK/p.txt")"
grep -qE "^close\($fd\) = 0$" "$WORK/p.txt" || fail "-P: the close of the file's fd"
others=$(grep -E '^[a-z_0-9]+\(' "$WORK/p.txt" | grep -vE '^(openat|read|fadvise64|fstat|close|newfstatat)\(' || true)
[ -z "$others" ] || fail "-P showed calls not on the path: $others"
"$GOTRACE" -a0 -Xraw -e trace=kill -e signal=\!SIGCONT -o "$WORK/x.txt" -- sh -c 'kill -CONT $$; kill -WINCH $$' >/dev/null
grep -qE '^kill\([0-9]+, 18\) = 0$' "$WORK/x.txt" || fail "-Xraw kill: $(cat "$WORK/x.txt")"
grep -q 'SIGCONT {' "$WORK/x.txt" && fail "-e signal=!SIGCONT showed SIGCONT"
grep -q '^--- SIGWINCH {' "$WORK/x.txt" || fail "-e signal=!SIGCONT hid SIGWINCH: $(cat "$WORK/x.txt")"

# Threads interleave: some line must be split into <unfinished ...> and <... resumed>.
"$GOTRACE" --trace -o "$WORK/t3.txt" -- "$PROGS/threads"
grep -q ' <unfinished \.\.\.>$' "$WORK/t3.txt" || fail "no <unfinished ...> line"
grep -q '<\.\.\. [a-z_0-9]* resumed>' "$WORK/t3.txt" || fail "no <... resumed> line"
# its threads' lines carry their tid: the prefix came with the second thread
grep -qE '^[0-9]+ +[a-z_0-9]+\(' "$WORK/t3.txt" || fail "no pid prefix once threads run"
echo "ok"
