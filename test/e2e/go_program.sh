# A Go program (goroutines, file I/O, TCP round trip on loopback) prints the same and
# exits the same traced and untraced; its summary shows the Go runtime's syscalls.
source "$(dirname "$0")/lib.sh"
[ -x "$PROGS/roundtrip" ] || skip "Go test program not built (no go toolchain)"

rc_want=0; want=$("$PROGS/roundtrip" 7) || rc_want=$?
rc_got=0; got=$("$GOTRACE" -o "$WORK/s.txt" -- "$PROGS/roundtrip" 7) || rc_got=$?
assert_eq "$want" "$got" "Go program output traced vs untraced"
assert_eq "$rc_want" "$rc_got" "Go program exit status"
assert_eq 7 "$rc_got" "exit status 7"
cat "$WORK/s.txt"
for sc in connect accept4 clone socket; do
  read -r calls errors < <(count "$WORK/s.txt" $sc)
  [ "$calls" -gt 0 ] || fail "no $sc in the summary of a Go TCP program"
done
read -r calls errors < <(count "$WORK/s.txt" connect)
[ "$errors" -ge 1 ] || fail "Go's non-blocking connect should show EINPROGRESS as an error"
# --full stops on every syscall: the Go runtime's futex and netpoller waits appear too.
rc_full=0; full=$("$GOTRACE" --full -o "$WORK/full.txt" -- "$PROGS/roundtrip" 7) || rc_full=$?
assert_eq "$want" "$full" "Go program output under --full"
assert_eq 7 "$rc_full" "exit status under --full"
# (sysmon's nanosleep shows only when one of its sleeps ends before the program does: not
# on every run of a 20 ms program with Go 1.26.)
for sc in futex epoll_pwait; do
  read -r calls errors < <(count "$WORK/full.txt" $sc)
  [ "$calls" -gt 0 ] || fail "no $sc in the --full summary of a Go program"
done
echo "ok"
