# The --trace text: strace's line format for decoded calls, -T durations, -tt timestamps,
# -y paths, -o FILE with pid prefixes, and <unfinished ...>/<... resumed> for threads.
source "$(dirname "$0")/lib.sh"

"$GOTRACE" --trace -o "$WORK/t.txt" -- "$PROGS/counts"
grep -q '^[0-9]\+ \+getpid() = [0-9]\+$' "$WORK/t.txt" || fail "getpid line: $(grep -m1 getpid "$WORK/t.txt")"
grep -q 'openat(AT_FDCWD, "/proc/self/gotrace-nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)' "$WORK/t.txt" ||
  fail "openat line: $(grep -m1 gotrace-nonexistent "$WORK/t.txt")"
grep -q 'close(1000) = -1 EBADF (Bad file descriptor)' "$WORK/t.txt" || fail "close line"
grep -q 'getrandom(".*"\(\.\.\.\)\?, 16, GRND_NONBLOCK) = 16' "$WORK/t.txt" || fail "getrandom line: $(grep -m1 getrandom "$WORK/t.txt")"
grep -q '+++ exited with 0 +++' "$WORK/t.txt" || fail "exit line"
grep -q '% time' "$WORK/t.txt" || fail "--trace should keep the summary (only -c drops the trace)"

"$GOTRACE" -C -T -tt -y -o "$WORK/t2.txt" -- cat /etc/hostname >/dev/null
grep -qE '^[0-9]+ +[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) = [0-9]+</etc/hostname> <[0-9]+\.[0-9]{6}>$' "$WORK/t2.txt" ||
  fail "-tt -T -y openat line: $(grep -m2 hostname "$WORK/t2.txt" | tail -1)"
grep -qE 'read\([0-9]+</etc/hostname>, ' "$WORK/t2.txt" || fail "-y read line"
grep -q '% time' "$WORK/t2.txt" || fail "-C printed no summary"

# Threads interleave: some line must be split into <unfinished ...> and <... resumed>.
"$GOTRACE" --trace -o "$WORK/t3.txt" -- "$PROGS/threads"
grep -q ' <unfinished \.\.\.>$' "$WORK/t3.txt" || fail "no <unfinished ...> line"
grep -q '<\.\.\. [a-z_0-9]* resumed>' "$WORK/t3.txt" || fail "no <... resumed> line"
echo "ok"
