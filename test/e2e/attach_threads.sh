# Attach to a process with 64 threads blocked in read() on pipes and a thread that keeps
# creating threads: every thread is seized (threads born during the attach included), and
# every reader's later syscalls are traced under its own TID.
source "$(dirname "$0")/lib.sh"

mkfifo "$WORK/in"
exec 3<>"$WORK/in"
"$PROGS/pipe_threads" <"$WORK/in" >"$WORK/target.out" &
target=$!
track $target
wait_for_text "$WORK/target.out" ready
"$GOTRACE" -p $target --trace -e trace=read,getppid -o "$WORK/g.txt" &
tracer=$!
track $tracer
wait_for_text "$WORK/g.txt" "Process $target attached with"
threads=$(grep -o "attached with [0-9]*" "$WORK/g.txt" | awk '{print $3}')
[ "$threads" -ge 66 ] || fail "only $threads threads attached (64 readers + main + spawner)"
echo go >&3
wait_for_text "$WORK/target.out" done
rc=0; wait $target || rc=$?
assert_eq 0 "$rc" "target's exit status"
rc=0; wait $tracer || rc=$?
assert_eq 0 "$rc" "gotrace ends by itself, exit 0, when the attached process exits"
# Each reader's read returns 1 byte, then it calls getppid 3 times, under its own tid.
readers=$(grep -E '^[0-9]+ +(<\.\.\. read resumed>|read\().*\) += 1$' "$WORK/g.txt" | awk '{print $1}' | sort -u | wc -l)
[ "$readers" -ge 64 ] || fail "reads completing under their own tid: $readers of 64"
busy=$(grep -E '^[0-9]+ +getppid\(' "$WORK/g.txt" | awk '{print $1}' | sort | uniq -c | awk '$1 >= 3' | wc -l)
[ "$busy" -ge 64 ] || fail "threads with 3 traced getppid: $busy of 64"
echo "ok"
